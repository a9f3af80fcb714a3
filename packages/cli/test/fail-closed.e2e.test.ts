import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeOciLayout } from '@sekisho/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCaptured } from '../src/testing/run-captured.js';
import type { CapturedRun } from '../src/testing/run-captured.js';

/**
 * Outputs and gates fail closed: secrets from the image config and history never leave the
 * process unredacted, and a report that did not check something never passes a gate silently.
 * The advisory database is looked up in a temp cache dir, so no machine's real cache matters.
 */

const EXAMPLE = resolve(import.meta.dirname, '../../../examples/hello-app.oci.tar');

const cli = (...argv: string[]): Promise<CapturedRun> => runCaptured(argv);

// Secrets written for this test (shapes of GitHub and npm tokens; none is real).
const ENV_PAT = `ghp_${'R8kT2vN5qW7zX1cY4bH6jM9pL3sD0fG2aE5u'}`;
const ENV_PASSWORD = 'Tr0ub4dor-and-3-horses';
const LABEL_KEY = 'lbl-Zq9Wm2Xr7Kp4Vn8Bt3Lw';
const ARG_TOKEN = 'npm_Ab3De5Gh7Jk9Mn1Pq3St5Vw7Yz9Bc1Ef3Hi5';
const RUN_PAT = `ghp_${'Hx4Nb7Vc2Lk9Pq5Rt8Wz3Ys6Jd1Mf0Ga4Ue7'}`;
const FILE_PAT = `ghp_${'Kc5Tm8Xw2Qr7Bn4Vz9Lp3Hd6Jf1Sy0Ga3Ne8'}`;
const SECRETS = [ENV_PAT, ENV_PASSWORD, LABEL_KEY, ARG_TOKEN, RUN_PAT, FILE_PAT];

let dir: string;
let image: string;
let template: string;
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sekisho-fail-closed-'));
  for (const name of ['SEKISHO_DB', 'SEKISHO_CACHE_DIR', 'XDG_CACHE_HOME']) saved[name] = process.env[name];
  delete process.env['SEKISHO_DB'];
  process.env['SEKISHO_CACHE_DIR'] = join(dir, 'cache');
  process.env['XDG_CACHE_HOME'] = join(dir, 'xdg');
  image = join(dir, 'leaky');
  await writeOciLayout(image, {
    config: {
      Env: ['PATH=/usr/local/bin:/usr/bin:/bin', `GITHUB_TOKEN=${ENV_PAT}`, `DB_PASSWORD=${ENV_PASSWORD}`],
      Labels: { 'com.acme.api-key': LABEL_KEY, 'org.opencontainers.image.title': 'leaky' },
    },
    emptySteps: [`ARG NPM_TOKEN=${ARG_TOKEN}`],
    layers: [
      { createdBy: `|1 NPM_TOKEN=${ARG_TOKEN} /bin/sh -c echo ${RUN_PAT} > /root/.gh`, entries: [{ name: 'app/.env', content: `GITHUB_TOKEN=${FILE_PAT}\n` }] },
      { createdBy: '/bin/sh -c rm /app/.env', entries: [{ name: 'app/.wh..env', content: '' }] },
    ],
  });
  template = join(dir, 'all.tpl');
  await writeFile(
    template,
    '{{status}}\n{{#image.config.env}}{{.}}\n{{/image.config.env}}{{#image.layers}}{{createdBy}}\n{{/image.layers}}{{#findings}}{{match}} {{createdBy}} {{description}}\n{{/findings}}',
  );
});
afterAll(async () => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await rm(dir, { recursive: true, force: true });
});

const IMAGE_FORMATS = ['table', 'json', 'sarif', 'cyclonedx-json', 'spdx-json', 'junit', 'template'] as const;
const SBOM_FORMATS = ['table', 'json', 'cyclonedx-json', 'spdx-json'] as const;

function leaked(text: string): string[] {
  return SECRETS.filter((s) => text.includes(s));
}

describe('secrets are redacted in every output', () => {
  it.each(IMAGE_FORMATS)('sekisho image --format %s prints none of them (stdout, stderr, -o file)', async (format) => {
    const out = join(dir, `image.${format}`);
    const args = ['--no-cache', 'image', image, '--scanners', 'secret,hardening', '--format', format, '--template', template];
    const { code, stdout, stderr } = await cli(...args);
    expect(code, stderr).toBe(0);
    expect(leaked(stdout), stdout).toEqual([]);
    expect(leaked(stderr), stderr).toEqual([]);
    await cli(...args, '-o', out);
    expect(leaked(await readFile(out, 'utf8'))).toEqual([]);
  });

  it.each(SBOM_FORMATS)('sekisho sbom --format %s prints none of them', async (format) => {
    const { code, stdout, stderr } = await cli('--no-cache', 'sbom', image, '--format', format);
    expect(code, stderr).toBe(0);
    expect(leaked(stdout), stdout).toEqual([]);
    expect(leaked(stderr)).toEqual([]);
  });

  it('the JSON report keeps the structure: names stay, values are redacted', async () => {
    const report = JSON.parse((await cli('--no-cache', 'image', image, '--scanners', 'secret', '--format', 'json')).stdout) as {
      image: { config: { env: string[]; labels: Record<string, string> }; layers: { createdBy: string }[] };
      findings: { kind: string; location: { path: string } }[];
    };
    expect(report.image.config.env[0]).toBe('PATH=/usr/local/bin:/usr/bin:/bin');
    expect(report.image.config.env[2]).toMatch(/^DB_PASSWORD=.*…\(22 chars\)$/);
    expect(report.image.config.labels['com.acme.api-key']).toMatch(/…\(\d+ chars\)$/);
    expect(report.image.config.labels['org.opencontainers.image.title']).toBe('leaky');
    expect(report.image.layers[0]?.createdBy).toMatch(/^\|1 NPM_TOKEN=npm_…\(40 chars\) \/bin\/sh -c echo ghp_…\(40 chars\) > \/root\/\.gh$/);
    expect(report.findings.some((f) => f.kind === 'secret' && f.location.path === '/app/.env')).toBe(true);
  });

  it('error messages are redacted too', async () => {
    const { code, stderr } = await cli('--no-cache', 'image', join(dir, `missing-${ENV_PAT}`));
    expect(code).toBe(3);
    expect(stderr).toMatch(/missing-ghp_…\(40 chars\)/);
    expect(leaked(stderr)).toEqual([]);
  });

  it('--show-secrets prints them', async () => {
    const { stdout } = await cli('--no-cache', 'image', image, '--scanners', 'secret', '--format', 'json', '--show-secrets');
    expect(leaked(stdout).sort()).toEqual([...SECRETS].sort());
  });
});

describe('sekisho image without an advisory database', () => {
  it('says vulnerabilities were NOT checked in the body, and exits 0 without a gate', async () => {
    const { code, stdout } = await cli('--no-cache', 'image', EXAMPLE, '-q');
    expect(code).toBe(0);
    expect(stdout).not.toContain('Vulnerabilities: none found');
    expect(stdout).toContain('Vulnerabilities: NOT CHECKED');
    expect(stdout.trimEnd().split('\n').at(-1)).toMatch(/^Status: INCOMPLETE — vuln NOT CHECKED .*sekisho db update/);
  });

  it('--fail-on exits 7 after writing the report; --no-vulnerabilities and --scanners -vuln gate normally', async () => {
    const gated = await cli('--no-cache', 'image', EXAMPLE, '--scanners', 'vuln', '--fail-on', 'critical', '-f', 'json');
    expect(gated.code).toBe(7);
    expect(gated.stderr).toMatch(/gate failed: DB_NOT_FOUND/);
    const report = JSON.parse(gated.stdout) as { status: string; notChecked: { scanner: string; fix: string }[] };
    expect(report.status).toBe('incomplete');
    expect(report.notChecked).toMatchObject([{ scanner: 'vuln', fix: 'sekisho db update' }]);
    expect((await cli('--no-cache', 'image', EXAMPLE, '--scanners', 'vuln', '--fail-on', 'critical', '--no-vulnerabilities', '-q')).code).toBe(0);
    expect((await cli('--no-cache', 'image', EXAMPLE, '--scanners=-vuln,-secret', '--fail-on', 'critical', '-q')).code).toBe(0);
  });

  it('--allow-incomplete does not let missing vulnerabilities pass: only --no-vulnerabilities says they are not wanted', async () => {
    const { code, stderr } = await cli('--no-cache', 'image', EXAMPLE, '--scanners', 'vuln', '--fail-on', 'critical', '--allow-incomplete');
    expect(code).toBe(7);
    expect(stderr).toMatch(/DB_NOT_FOUND: the gate cannot pass: vuln not checked/);
  });
});

describe('sekisho config with refused input', () => {
  it('exits 8 when nothing could be read, instead of passing the gate', async () => {
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'apiVersion: v1\nkind: Pod\nmetadata: {name: x\n  spec: [\n');
    const { code, stdout, stderr } = await cli('config', bad, '--fail-on', 'low');
    expect(code).toBe(8);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^sekisho: error: CONFIG_INVALID: no configuration could be read/);
  });
});

describe('sekisho image with files it could not read', () => {
  it('the report is incomplete and --fail-on fails it (exit 1) unless --allow-incomplete', async () => {
    const layout = join(dir, 'unreadable');
    await writeOciLayout(layout, {
      layers: [
        {
          entries: [
            { name: 'var/lib/dpkg/status', content: 'Package: ok\nStatus: install ok installed\nVersion: 1.0\nArchitecture: amd64\n\n' },
            { name: 'app/node_modules/broken/package.json', content: '{"name": "broken", "version": ' },
          ],
        },
      ],
    });
    const json = await cli('--no-cache', 'image', layout, '--scanners=-vuln', '-f', 'json', '-q');
    const report = JSON.parse(json.stdout) as { status: string; unknowns: { location: { path: string } }[] };
    expect(report.unknowns.map((u) => u.location.path)).toContain('/app/node_modules/broken/package.json');
    expect(report.status).toBe('incomplete');
    expect(json.code).toBe(0);
    const gated = await cli('--no-cache', 'image', layout, '--scanners=-vuln', '--fail-on', 'critical');
    expect(gated.code).toBe(1);
    expect(gated.stderr).toMatch(/gate failed: the report is incomplete.*1 file\(s\) or entries could not be read/);
    expect((await cli('--no-cache', 'image', layout, '--scanners=-vuln', '--fail-on', 'critical', '--allow-incomplete')).code).toBe(0);
  });
});

describe('the cache never holds a secret in full', () => {
  it('a normal scan caches redacted findings; --show-secrets does not write the cache', async () => {
    const { DatabaseSync } = await import('node:sqlite');
    const zlib = await import('node:zlib');
    const v8 = await import('node:v8');
    const { existsSync } = await import('node:fs');
    const shown = join(dir, 'cache-shown');
    await cli('--cache-dir', shown, 'image', image, '--scanners', 'secret', '-f', 'json', '--show-secrets');
    expect(existsSync(join(shown, 'layers', 'layers.sqlite'))).toBe(false);
    const normal = join(dir, 'cache-normal');
    await cli('--cache-dir', normal, 'image', image, '--scanners', 'secret', '-f', 'json');
    const db = new DatabaseSync(join(normal, 'layers', 'layers.sqlite'), { readOnly: true });
    // A stored value (core's scan/cache-codec.ts): a 32-byte sha256, then zstd over V8's serialization.
    const text = (value: Uint8Array) => JSON.stringify(v8.deserialize(zlib.zstdDecompressSync(value.subarray(32))), (_key, v: unknown) => (v instanceof Map ? [...v] : v));
    const rows = (sql: string) => (db.prepare(sql).all() as Record<string, Uint8Array>[]).flatMap((row) => Object.values(row).map(text));
    const values = [...rows('SELECT value FROM verified_layers'), ...rows('SELECT head, merged FROM image_inventories')];
    db.close();
    expect(values.length).toBeGreaterThan(2);
    expect(values.join('\n')).toContain('ghp_…(40 chars)');
    expect(leaked(values.join('\n'))).toEqual([]);
  });
});
