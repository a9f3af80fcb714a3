import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import type { Package, Report } from '@sekisho/model';
import { REPORT_SCHEMA, reportCompleteness } from '@sekisho/model';
import { advisoryStoreFromRecords, cyclonedxVulnerabilityReporter, isSekishoError } from '@sekisho/core';
import type { Advisory, AdvisoryStore } from '@sekisho/core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { sbomScanCommand } from './sbom-scan.js';
import { runVulnerabilityScan } from './vulnerability-options.js';

// Small advisories written for this test (shapes of the Debian tracker and PyPA OSV).
const advisory = (id: string, aliases: string[], affected: Advisory['affected'], vector?: string): Advisory => ({
  id,
  aliases,
  summary: `${id} summary`,
  details: '',
  published: null,
  modified: null,
  withdrawn: null,
  severity: vector === undefined ? [] : [{ source: 'nvd', type: 'CVSS_V3', score: vector }],
  references: [],
  affected,
  source: 'test',
});
const CRITICAL = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';
const advisories: Advisory[] = [
  advisory(
    'CVE-2024-0001',
    [],
    [
      {
        namespace: 'debian:12',
        packageName: 'openssl',
        ranges: [{ scheme: 'deb', events: [{ introduced: '0' }, { fixed: '3.0.15-1~deb12u1' }] }],
        versions: [],
        fixedVersions: ['3.0.15-1~deb12u1'],
        status: 'fixed',
        vendorSeverity: 'high',
      },
    ],
  ),
  advisory(
    'PYSEC-2024-1',
    ['CVE-2024-0002'],
    [
      {
        namespace: 'PyPI',
        packageName: 'requests',
        ranges: [{ scheme: 'pep440', events: [{ introduced: '0' }, { fixed: '2.32.0' }] }],
        versions: [],
        fixedVersions: ['2.32.0'],
        status: 'fixed',
        vendorSeverity: null,
      },
    ],
    CRITICAL,
  ),
];
const built = '2025-06-01T00:00:00Z';
const store = (): AdvisoryStore => {
  const s = advisoryStoreFromRecords(advisories, new Map());
  return { ...s, metadata: () => ({ ...s.metadata(), built }), close: () => undefined };
};

const pkgOf = (id: string, type: Package['type'], name: string, version: string, purl: string, source: Package['source'] = null): Package => ({
  id,
  name,
  version,
  type,
  purl,
  cpes: [],
  licenses: [],
  locations: [{ path: `/x/${name}`, layerDigest: 'sha256:aa', diffId: null, layerIndex: null }],
  foundBy: 'test',
  evidence: 'installed',
  source,
  metadata: null,
});
const inventory: Report = {
  schema: REPORT_SCHEMA,
  tool: { name: 'sekisho', version: 'test' },
  target: { reference: 'app:1', sourceType: 'oci-layout', manifestDigest: 'sha256:m', configDigest: null, platform: null, repoTags: [] },
  image: null,
  distro: {
    id: 'debian',
    versionId: '12',
    codename: 'bookworm',
    prettyName: 'Debian 12',
    idLike: [],
    distroless: false,
    eol: { status: 'supported', date: null, phase: 'regular', phaseEnds: null, extendedName: null },
    foundIn: '/etc/os-release',
  },
  packages: [
    pkgOf('p-ssl', 'deb', 'libssl3', '3.0.11-1~deb12u2', 'pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12&upstream=openssl', { name: 'openssl', version: '3.0.11-1~deb12u2' }),
    pkgOf('p-req', 'pypi', 'requests', '2.31.0', 'pkg:pypi/requests@2.31.0'),
  ],
  relationships: [],
  findings: [],
  unknowns: [],
  notChecked: [],
};

const dir = mkdtempSync(path.join(tmpdir(), 'sekisho-sbom-scan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  process.exitCode = undefined;
});
const file = (name: string, text: string): string => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};

async function run(args: string[], deps: { openStore?: () => AdvisoryStore } = { openStore: store }): Promise<{ out: string; err: string; code: number | undefined }> {
  process.exitCode = undefined;
  let out = '';
  let err = '';
  const io = { stdout: (t: string) => (out += t), stderr: (t: string) => (err += t), isTty: false };
  const program = new Command('sekisho').option('-q, --quiet').option('--cache-dir <dir>').exitOverride();
  program.addCommand(sbomScanCommand(io, { ...deps, now: new Date('2025-06-03T00:00:00Z'), cwd: dir }));
  await program.parseAsync(['node', 'sekisho', 'sbom-scan', ...args]);
  const code = typeof process.exitCode === 'number' ? process.exitCode : undefined;
  return { out, err, code };
}

const sekishoCdx = file('sekisho.cdx.json', cyclonedxVulnerabilityReporter.render(inventory, { now: new Date(0), color: false }));
const db = file('advisories.db', 'placeholder: the tests open an in-memory store');

describe('sekisho sbom-scan', () => {
  it('re-matches Sekisho CycloneDX: OS package by its source package and distro, PyPI by name', async () => {
    const { out, code } = await run([sekishoCdx, '--db', db, '-f', 'json']);
    const report = JSON.parse(out) as Report;
    expect(report.target.sourceType).toBe('sbom');
    expect(report.findings.map((f) => f.ruleId).sort()).toEqual(['CVE-2024-0001', 'CVE-2024-0002']);
    expect(report.scanners).toEqual(['vuln']);
    expect(code).toBeUndefined();
  });

  it('lists vuln among the scanners only when matching ran', async () => {
    const skipped = await run([sekishoCdx, '--no-vulnerabilities', '-f', 'json']);
    expect((JSON.parse(skipped.out) as Report).scanners).toEqual([]);
  });

  it('reads plain CycloneDX from another tool: purl type, distro and upstream qualifiers', async () => {
    const plain = file(
      'syft.cdx.json',
      JSON.stringify({
        bomFormat: 'CycloneDX',
        specVersion: '1.5',
        components: [
          { type: 'library', name: 'libssl3', version: '3.0.11-1~deb12u2', purl: 'pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&upstream=openssl&distro=debian-12' },
          { type: 'library', name: 'requests', version: '2.32.3', purl: 'pkg:pypi/requests@2.32.3' },
          { type: 'library', name: 'no-purl' },
        ],
      }),
    );
    const { out, err } = await run([plain, '--db', db, '-f', 'json']);
    expect((JSON.parse(out) as Report).findings.map((f) => f.ruleId)).toEqual(['CVE-2024-0001']);
    expect(err).toMatch(/1 SBOM entries skipped/);
  });

  it('exit codes: --fail-on at or below a finding is 1, above it 0', async () => {
    expect((await run([sekishoCdx, '--db', db, '--fail-on', 'high'])).code).toBe(1);
    expect((await run([sekishoCdx, '--db', db, '--fail-on', 'critical'])).code).toBe(1);
    expect((await run([sekishoCdx, '--db', db, '--fail-on', 'critical', '--severity', 'HIGH'])).code).toBeUndefined();
  });

  it('--only-new with a baseline passes the gate when nothing is new', async () => {
    const first = await run([sekishoCdx, '--db', db, '-f', 'json']);
    const baseline = file('baseline.json', first.out);
    const again = await run([sekishoCdx, '--db', db, '--only-new', '--baseline', baseline, '--fail-on', 'low', '-f', 'json']);
    expect((JSON.parse(again.out) as Report).findings).toEqual([]);
    expect(again.code).toBeUndefined();
    await expect(run([sekishoCdx, '--db', db, '--only-new'])).rejects.toSatisfy((e) => isSekishoError(e) && e.code === 'USAGE_INVALID');
  });

  it('exceptions: one in force suppresses and is written as OpenVEX, an expired one warns and stops applying', async () => {
    const ignore = file(
      'ignore.yaml',
      'exceptions:\n  - id: CVE-2024-0002\n    purl: pkg:pypi/requests\n    reason: not reachable\n    owner: a@example.com\n    expires: 2025-12-31\n  - id: CVE-2024-0001\n    reason: old decision\n    owner: b@example.com\n    expires: 2025-06-01\n',
    );
    const vexOut = path.join(dir, 'out.openvex.json');
    const { out, err } = await run([sekishoCdx, '--db', db, '--ignore-file', ignore, '--write-vex', vexOut, '-f', 'json']);
    expect((JSON.parse(out) as Report).findings.map((f) => f.ruleId)).toEqual(['CVE-2024-0001']);
    expect(err).toMatch(/exception for CVE-2024-0001 \(owner b@example.com\) expired on 2025-06-01/);
    const vex = JSON.parse(readFileSync(vexOut, 'utf8')) as { statements: { vulnerability: { name: string }; status: string }[] };
    expect(vex.statements.map((s) => [s.vulnerability.name, s.status])).toEqual([['CVE-2024-0002', 'not_affected']]);
    // and the written VEX suppresses the same finding on the next run
    const next = await run([sekishoCdx, '--db', db, '--vex', vexOut, '-f', 'json']);
    expect((JSON.parse(next.out) as Report).findings.map((f) => f.ruleId)).toEqual(['CVE-2024-0001']);
  });

  it('junit and template formats', async () => {
    const junit = await run([sekishoCdx, '--db', db, '-f', 'junit']);
    expect(junit.out).toMatch(/^<\?xml/);
    expect(junit.out.match(/<failure /g)).toHaveLength(2);
    const tpl = file('t.tpl', '{{#vulnerabilities}}{{vulnerabilityId}} {{packageName}} {{severity | upper}}\n{{/vulnerabilities}}');
    const text = await run([sekishoCdx, '--db', db, '-f', 'template', '--template', tpl]);
    expect(text.out).toBe('CVE-2024-0002 requests CRITICAL\nCVE-2024-0001 libssl3 HIGH\n');
  });
});

describe('sbom-scan --policy', () => {
  const policy = file(
    'sekisho.yaml',
    `apiVersion: sekisho.dev/v1
kind: Policy
metadata: { name: acme }
rules:
  no-critical: { kind: vulnerabilities, severity: critical }
environments:
  dev: { allowIncomplete: true, rules: { no-critical: { action: warn } } }
  prod: {}
`,
  );

  it('prod fails on the critical vulnerability: exit 1, the decision in the JSON report', async () => {
    const { out, err, code } = await run([sekishoCdx, '--db', db, '-f', 'json', '--policy', policy, '--env', 'prod']);
    const report = JSON.parse(out) as Report;
    expect(report.policy?.environment).toBe('prod');
    expect(report.policy?.result).toBe('fail');
    expect(report.policy?.rules.find((r) => r.id === 'no-critical')?.status).toBe('violated');
    expect(err).toMatch(/policy acme \(environment prod\) failed: no-critical/);
    expect(code).toBe(1);
  });

  it('dev only warns: exit 0; the table carries the policy section', async () => {
    const { out, code } = await run([sekishoCdx, '--db', db, '--policy', policy, '--env', 'dev']);
    expect(out).toMatch(/Policy acme, environment dev: WARN — health grade/);
    expect(out).toMatch(/WARN {2}no-critical \(vulnerabilities\)/);
    expect(code).toBeUndefined();
  });

  it('the stricter exit code wins: no database is 7 under --fail-on even when the policy fails too', async () => {
    const prev = process.env['SEKISHO_DB'];
    delete process.env['SEKISHO_DB'];
    try {
      const { out, code } = await run([sekishoCdx, '--fail-on', 'critical', '-f', 'json', '--policy', policy, '--env', 'prod', '--cache-dir', path.join(dir, 'no-cache')]);
      // without vuln the vulnerability rule is not judged, so it fails; the database's 7 wins over the policy's 1
      expect((JSON.parse(out) as Report).policy?.rules.find((r) => r.id === 'no-critical')?.status).toBe('not-evaluated');
      expect(code).toBe(7);
    } finally {
      if (prev !== undefined) process.env['SEKISHO_DB'] = prev;
    }
  });

  it('a broken policy or an unknown environment is a configuration error (exit 8) before anything is matched', async () => {
    const broken = file('broken.yaml', 'apiVersion: sekisho.dev/v1\nkind: Policy\nmetadata: { name: x }\nrules:\n  a: { kind: vulnerabilities, severity: huge }\nenvironments: { prod: {} }\n');
    const opened: string[] = [];
    const spy = (): AdvisoryStore => {
      opened.push('db');
      return store();
    };
    await expect(run([sekishoCdx, '--db', db, '--policy', broken, '--env', 'prod'], { openStore: spy })).rejects.toSatisfy((e) => isSekishoError(e) && e.code === 'CONFIG_INVALID');
    await expect(run([sekishoCdx, '--db', db, '--policy', policy, '--env', 'nope'], { openStore: spy })).rejects.toSatisfy((e) => isSekishoError(e) && e.code === 'CONFIG_INVALID');
    expect(opened).toEqual([]);
  });

  it('--env without --policy is a usage error', async () => {
    await expect(run([sekishoCdx, '--db', db, '--env', 'prod'])).rejects.toSatisfy((e) => isSekishoError(e) && e.code === 'USAGE_INVALID');
  });
});

describe('runVulnerabilityScan', () => {
  const io = () => {
    const lines: string[] = [];
    return { io: { stdout: () => undefined, stderr: (t: string) => lines.push(t), isTty: false }, lines };
  };

  it('without a database: warns and keeps the inventory, unless a flag needs the database', async () => {
    const { io: quietIo, lines } = io();
    const missing = path.join(dir, 'missing', 'advisories.db');
    const prev = process.env['SEKISHO_DB'];
    delete process.env['SEKISHO_DB'];
    try {
      const r = await runVulnerabilityScan(inventory, {}, quietIo, { cacheDir: path.join(dir, 'missing-cache') });
      expect(r.findings).toEqual([]);
      expect(r.notChecked).toEqual([{ scanner: 'vuln', reason: `no advisory database at ${path.join(dir, 'missing-cache', 'db', 'advisories.sqlite')}`, fix: 'sekisho db update' }]);
      expect(lines.join('')).toMatch(/no advisory database/);
      await expect(runVulnerabilityScan(inventory, { db: missing }, quietIo)).rejects.toSatisfy((e) => isSekishoError(e) && e.code === 'DB_NOT_FOUND');
      // --fail-on no longer throws before the report is written: the report says vuln was not checked, the gate exits 7
      const gated = await runVulnerabilityScan(inventory, { failOn: 'high' }, quietIo, { cacheDir: path.join(dir, 'missing-cache') });
      expect(gated.notChecked.map((n) => n.scanner)).toEqual(['vuln']);
      expect(gated.scanners).toEqual([]);
      expect((await runVulnerabilityScan(inventory, { vulnerabilities: false }, quietIo, { cacheDir: path.join(dir, 'missing-cache') })).notChecked).toEqual([]);
    } finally {
      if (prev !== undefined) process.env['SEKISHO_DB'] = prev;
    }
  });

  it('says on stderr which packages were not checked because no advisory feed covers their type', async () => {
    const withConda: Report = {
      ...inventory,
      packages: [
        ...inventory.packages,
        pkgOf('p-z', 'conda', 'zlib', '1.2.11', 'pkg:conda/zlib@1.2.11'),
        pkgOf('p-r', 'php-pear', 'redis', '5.3.7', 'pkg:pear/pecl.php.net/redis@5.3.7'),
        pkgOf('p-b', 'binary', 'busybox', '1.36.1', 'pkg:generic/busybox@1.36.1'),
      ],
    };
    const { io: warnIo, lines } = io();
    const r = await runVulnerabilityScan(withConda, { db }, warnIo, { openStore: store, now: new Date('2025-06-03T00:00:00Z') });
    expect(r.findings).toHaveLength(2);
    // Binary classifier hits follow their own rule (a language purl, never CPEs) and are not listed.
    expect(lines.join('')).toContain('packages of types no advisory feed covers were not checked for vulnerabilities: conda 1, php-pear 1\n');
    // The report itself says so too, in every format, without being incomplete.
    expect(r.notSearchable).toEqual({ conda: 1, 'php-pear': 1, binary: 1 });
    expect(reportCompleteness(r)).toMatchObject({ status: 'complete', notes: ['not checked for vulnerabilities, no advisory feed covers their type: conda 1, php-pear 1 package(s)'] });
    const { io: plainIo, lines: none } = io();
    const plain = await runVulnerabilityScan(inventory, { db }, plainIo, { openStore: store, now: new Date('2025-06-03T00:00:00Z') });
    expect(none.join('')).not.toContain('no advisory feed covers');
    expect(plain.notSearchable).toBeUndefined();
  });

  it('warns when the database is older than --db-max-age, and scans anyway', async () => {
    const { io: warnIo, lines } = io();
    const r = await runVulnerabilityScan(inventory, { db: db, dbMaxAge: '1' }, warnIo, { openStore: store, now: new Date('2025-06-10T00:00:00Z') });
    expect(r.findings).toHaveLength(2);
    expect(lines.join('')).toMatch(/9 days old/);
    const { io: freshIo, lines: none } = io();
    await runVulnerabilityScan(inventory, { db: db }, freshIo, { openStore: store, now: new Date('2025-06-03T00:00:00Z') });
    expect(none.join('')).not.toMatch(/days old/);
  });

  it('--match-os-owned and --context reach the matcher', async () => {
    const { io: silent } = io();
    const r = await runVulnerabilityScan(inventory, { db, context: 'internet-facing' }, silent, { openStore: store });
    const f = r.findings.find((x) => x.ruleId === 'CVE-2024-0002');
    expect(f?.kind === 'vulnerability' && f.priority?.factors).toContain('internet-facing ×1.25');
  });
});

describe('sbom-scan gate without an advisory database', () => {
  const noDb = async (args: string[]): Promise<{ out: string; err: string; code: number | undefined }> => {
    const prev = { db: process.env['SEKISHO_DB'], cache: process.env['SEKISHO_CACHE_DIR'] };
    delete process.env['SEKISHO_DB'];
    process.env['SEKISHO_CACHE_DIR'] = path.join(dir, 'empty-cache');
    try {
      return await run(args, {});
    } finally {
      if (prev.db !== undefined) process.env['SEKISHO_DB'] = prev.db;
      if (prev.cache === undefined) delete process.env['SEKISHO_CACHE_DIR'];
      else process.env['SEKISHO_CACHE_DIR'] = prev.cache;
    }
  };

  it('--fail-on exits 7 and the report says vulnerabilities were not checked, in every format', async () => {
    for (const format of ['table', 'json', 'sarif', 'cyclonedx-json', 'spdx-json', 'junit']) {
      const { out, err, code } = await noDb([sekishoCdx, '--fail-on', 'critical', '-f', format]);
      expect(code, format).toBe(7);
      expect(out, format).toMatch(/incomplete/i);
      expect(out, format).toContain('sekisho db update');
      expect(out, format).not.toContain('none found');
      expect(err, format).toMatch(/gate failed: DB_NOT_FOUND/);
    }
    const json = JSON.parse((await noDb([sekishoCdx, '-f', 'json'])).out) as { status: string; notChecked: { scanner: string }[] };
    expect(json.status).toBe('incomplete');
    expect(json.notChecked.map((n) => n.scanner)).toEqual(['vuln']);
  });

  it('without --fail-on it exits 0; --allow-incomplete does not waive unchecked vulnerabilities; --no-vulnerabilities is complete', async () => {
    expect((await noDb([sekishoCdx])).code).toBeUndefined();
    const allowed = await noDb([sekishoCdx, '--fail-on', 'critical', '--allow-incomplete']);
    expect(allowed.code).toBe(7);
    expect(allowed.err).toMatch(/DB_NOT_FOUND: the gate cannot pass: vuln not checked/);
    const inventoryOnly = await noDb([sekishoCdx, '--fail-on', 'critical', '--no-vulnerabilities', '-f', 'json']);
    expect(inventoryOnly.code).toBeUndefined();
    expect((JSON.parse(inventoryOnly.out) as { status: string }).status).toBe('complete');
  });
});

describe('sbom-scan of an incomplete Sekisho report', () => {
  it('carries the unknowns of the image scan: the gate fails unless --allow-incomplete', async () => {
    const unread = { location: { path: '/app/node_modules/broken/package.json', layerDigest: null, diffId: null, layerIndex: 0 }, foundBy: 'npm', reason: 'invalid JSON' };
    const input = file('incomplete.json', JSON.stringify({ ...inventory, unknowns: [unread] }));
    const failed = await run([input, '--db', db, '--fail-on', 'critical', '--severity', 'HIGH', '-f', 'json']);
    expect(failed.code).toBe(1);
    const report = JSON.parse(failed.out) as { status: string; unknowns: unknown[] };
    expect(report.status).toBe('incomplete');
    expect(report.unknowns).toEqual([unread]);
    expect((await run([input, '--db', db, '--fail-on', 'critical', '--severity', 'HIGH', '--allow-incomplete'])).code).toBeUndefined();
  });
});
