import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Report } from '@sekisho/model';
import { REPORT_SCHEMA } from '@sekisho/model';
import { writeZip } from '@sekisho/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_MIRROR_VARIABLE, runVulnerabilityScan } from './vulnerability-options.js';

// The first scan without a database runs `db update`: here against a mirror on 127.0.0.1 that
// serves hand-written feeds (one OSV npm record and a KEV file); the network is never used.
const osv = JSON.stringify({
  id: 'GHSA-test-0001',
  modified: '2099-01-01T00:00:00Z',
  summary: 'made-up prototype pollution',
  details: 'made-up '.repeat(200),
  affected: [{ package: { ecosystem: 'npm', name: 'lodash' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '4.17.19' }] }] }],
});
const zip = writeZip([{ name: 'GHSA-test-0001.json', data: osv, store: true }]);
const kev = Buffer.from(JSON.stringify({ catalogVersion: '1', vulnerabilities: [], pad: 'x'.repeat(2048) }));
const files = new Map<string, { body: Buffer; headers?: Record<string, string> }>([
  ['/osv/npm/all.zip', { body: zip, headers: { 'x-goog-hash': `md5=${createHash('md5').update(zip).digest('base64')}` } }],
  ['/kev/known_exploited_vulnerabilities.json', { body: kev }],
]);
const SOURCES = ['osv-npm', 'kev'];

const inventory: Report = {
  schema: REPORT_SCHEMA,
  tool: { name: 'sekisho', version: 'test' },
  target: { reference: 'app:1', sourceType: 'oci-layout', manifestDigest: null, configDigest: null, platform: null, repoTags: [] },
  image: null,
  distro: null,
  packages: [
    {
      id: 'p',
      name: 'lodash',
      version: '4.17.15',
      type: 'npm',
      purl: 'pkg:npm/lodash@4.17.15',
      cpes: [],
      licenses: [],
      locations: [{ path: '/app/node_modules/lodash/package.json', layerDigest: null, diffId: null, layerIndex: null }],
      foundBy: 'test',
      evidence: 'installed',
      source: null,
      metadata: null,
    },
  ],
  relationships: [],
  findings: [],
  unknowns: [],
  notChecked: [],
};

let server: Server;
let base: string;
const requests: string[] = [];
const dir = mkdtempSync(path.join(tmpdir(), 'sekisho-first-db-'));
const saved = { mirror: process.env[DB_MIRROR_VARIABLE], noProxy: process.env['NO_PROXY'], db: process.env['SEKISHO_DB'] };

beforeAll(async () => {
  process.env['NO_PROXY'] = '127.0.0.1';
  delete process.env['SEKISHO_DB'];
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const file = files.get(req.url ?? '');
    if (file === undefined) res.writeHead(404).end('not found');
    else res.writeHead(200, { 'content-length': String(file.body.length), ...file.headers }).end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  for (const [key, value] of [
    [DB_MIRROR_VARIABLE, saved.mirror],
    ['NO_PROXY', saved.noProxy],
    ['SEKISHO_DB', saved.db],
  ] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

function io(): { io: { stdout: () => void; stderr: (t: string) => void; isTty: boolean }; err: () => string } {
  const lines: string[] = [];
  return { io: { stdout: () => undefined, stderr: (t) => void lines.push(t), isTty: false }, err: () => lines.join('') };
}

describe('the first scan without a database', () => {
  it('downloads and builds it (db update), logging each step off a terminal, then matches', async () => {
    process.env[DB_MIRROR_VARIABLE] = base;
    const cacheDir = path.join(dir, 'fresh');
    const out = io();
    const report = await runVulnerabilityScan(inventory, {}, out.io, { cacheDir, dbUpdateSources: SOURCES });
    expect(existsSync(path.join(cacheDir, 'db', 'advisories.sqlite'))).toBe(true);
    expect(report.notChecked).toEqual([]);
    expect(report.findings.map((f) => f.ruleId)).toEqual(['GHSA-test-0001']);
    expect(out.err()).toContain('no advisory database yet: downloading it once (`sekisho db update`)');
    expect(out.err()).toContain(`sekisho: downloading ${base}osv/npm/all.zip`);
    // the second scan uses it and downloads nothing
    requests.length = 0;
    expect((await runVulnerabilityScan(inventory, {}, io().io, { cacheDir, dbUpdateSources: SOURCES })).findings).toHaveLength(1);
    expect(requests).toEqual([]);
  });

  it.each([
    ['skipDbUpdate', '--skip-db-update'],
    ['offline', '--offline'],
    ['offlineScan', '--offline-scan'],
  ] as const)('does not download with %s: vulnerabilities not checked, the fix named', async (flag, name) => {
    process.env[DB_MIRROR_VARIABLE] = base;
    requests.length = 0;
    const out = io();
    const report = await runVulnerabilityScan(inventory, { [flag]: true }, out.io, { cacheDir: path.join(dir, `skip-${flag}`), dbUpdateSources: SOURCES });
    expect(requests).toEqual([]);
    expect(report.notChecked).toEqual([{ scanner: 'vuln', reason: `no advisory database at ${path.join(dir, `skip-${flag}`, 'db', 'advisories.sqlite')}`, fix: 'sekisho db update' }]);
    expect(out.err()).toContain(`(not downloaded: ${name}); vulnerabilities were NOT checked: run \`sekisho db update\``);
  });

  it('reports vulnerabilities as not checked when the download fails, and leaves no database behind', async () => {
    process.env[DB_MIRROR_VARIABLE] = `${base}nothing-here/`;
    const cacheDir = path.join(dir, 'failed');
    const out = io();
    const report = await runVulnerabilityScan(inventory, {}, out.io, { cacheDir, dbUpdateSources: SOURCES });
    expect(report.notChecked.map((n) => [n.scanner, n.fix])).toEqual([['vuln', 'sekisho db update']]);
    expect(out.err()).toMatch(/download failed: cannot download osv-npm.*vulnerabilities were NOT checked: run `sekisho db update`/s);
    expect(existsSync(path.join(cacheDir, 'db', 'advisories.sqlite'))).toBe(false);
  }, 30_000);
});
