/**
 * `sekisho function` on real function packages, built here as each provider expects them: an AWS
 * Lambda Node.js deployment zip holding real npm packages (taken from the bundled example image),
 * and a Lambda layer zip holding real Debian Python packages (from the debian-python fixture
 * image). Zips are written by Python's zipfile, not by Sekisho.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCaptured } from '../src/testing/run-captured.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../../..');
const FIXTURES = process.env['SEKISHO_FIXTURES_DIR'] ?? '';
const REQUIRE = process.env['SEKISHO_REQUIRE_FIXTURES'] === '1';
const hasUmoci = (process.env['PATH'] ?? '').split(':').some((d) => d !== '' && existsSync(join(d, 'umoci')));

interface JsonReport {
  status: string;
  packages: { name: string; version: string; type: string; locations: { path: string }[] }[];
  findings: { ruleId: string; kind: string; severity: string; location: { path: string } | null; description: string; vulnerabilityId?: string; packageName?: string }[];
}

/** Zip a directory's content the way `zip -r` or the AWS console upload would: paths relative to it. */
async function zipDirectory(dir: string, out: string): Promise<void> {
  const script =
    'import os,sys,zipfile\nz=zipfile.ZipFile(sys.argv[2],"w",zipfile.ZIP_DEFLATED)\nfor r,_,fs in os.walk(sys.argv[1]):\n  for f in fs:\n    p=os.path.join(r,f); z.write(p, os.path.relpath(p, sys.argv[1]))\nz.close()\n';
  await run('python3', ['-c', script, dir, out]);
}

async function unpack(layout: string, into: string): Promise<void> {
  await run('umoci', ['raw', 'unpack', '--rootless', '--image', layout, into], { timeout: 120_000 });
}

describe.skipIf(!hasUmoci && !REQUIRE)('sekisho function on real function packages', () => {
  let dir = '';
  let db = '';
  beforeAll(async () => {
    if (!hasUmoci) throw new Error('umoci is needed to unpack the source images');
    dir = await mkdtemp(join(tmpdir(), 'sekisho-function-'));
    db = join(dir, 'advisories.sqlite');
    expect((await runCaptured(['-q', 'db', 'build', '--from', join(ROOT, 'examples', 'advisories'), '--db', db])).code).toBe(0);
    await run('skopeo', ['copy', '--quiet', `oci-archive:${join(ROOT, 'examples', 'hello-app.oci.tar')}`, `oci:${join(dir, 'example')}:latest`], { timeout: 120_000 });
    await unpack(`${join(dir, 'example')}:latest`, join(dir, 'example-root'));
  }, 300_000);
  afterAll(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it('a Lambda Node.js deployment zip: its npm packages and their vulnerabilities, the secret in its environment, a deprecated runtime, a public URL and the HTTP input reaching a shell', async () => {
    const pkg = join(dir, 'node-fn');
    await mkdir(join(pkg, 'node_modules'), { recursive: true });
    for (const name of ['lodash', 'minimist']) await cp(join(dir, 'example-root', 'app', 'node_modules', name), join(pkg, 'node_modules', name), { recursive: true });
    await writeFile(
      join(pkg, 'index.js'),
      'const { execSync } = require("child_process");\nexports.handler = async (event) => ({ statusCode: 200, body: execSync("du -sh " + event.queryStringParameters.path).toString() });\n',
    );
    const zip = join(dir, 'node-fn.zip');
    await zipDirectory(pkg, zip);
    await writeFile(
      join(dir, 'configuration.json'),
      JSON.stringify({
        FunctionName: 'disk-usage',
        Runtime: 'nodejs16.x',
        Handler: 'index.handler',
        Environment: { Variables: { GITHUB_TOKEN: 'ghp_' + 'aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI3kM5', LOG_LEVEL: 'info' } },
      }),
    );
    await writeFile(join(dir, 'url.json'), JSON.stringify({ FunctionUrl: 'https://x.lambda-url.eu-west-1.on.aws/', AuthType: 'NONE' }));
    const out = await runCaptured(['-q', '--no-cache', 'function', zip, '--config', join(dir, 'configuration.json'), join(dir, 'url.json'), '--db', db, '--format', 'json']);
    expect(out.code).toBe(0);
    const report = JSON.parse(out.stdout) as JsonReport;
    expect(
      report.packages
        .filter((p) => p.type === 'npm')
        .map((p) => `${p.name}@${p.version}`)
        .sort(),
    ).toEqual(['lodash@4.17.15', 'minimist@1.2.0']);
    expect(report.findings.some((f) => f.kind === 'vulnerability' && f.packageName === 'lodash')).toBe(true);
    const rules = report.findings
      .filter((f) => f.kind !== 'vulnerability')
      .map((f) => f.ruleId)
      .sort();
    expect(rules).toEqual(['function-http-to-shell', 'function-public-url', 'function-runtime-deprecated', 'github-pat']);
    const injection = report.findings.find((f) => f.ruleId === 'function-http-to-shell');
    expect(injection?.location?.path).toBe('/index.js');
    expect(injection?.description).toContain('url.json#AuthType');
    expect(out.stdout).not.toContain('aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI3kM5');
    // the gate fails on what it found
    const gated = await runCaptured(['-q', '--no-cache', 'function', zip, '--config', join(dir, 'configuration.json'), '--db', db, '--fail-on', 'high']);
    expect(gated.code).toBe(1);
    // cold and warm runs through the layer cache find the same sink: the search rides the single pass
    const cacheDir = join(dir, 'cache');
    const args = ['-q', '--cache-dir', cacheDir, 'function', zip, '--config', join(dir, 'configuration.json'), join(dir, 'url.json'), '--db', db, '--format', 'json'];
    for (const round of ['cold', 'warm']) {
      const cached = JSON.parse((await runCaptured(args)).stdout) as JsonReport;
      expect(
        cached.findings.filter((f) => f.kind !== 'vulnerability').map((f) => f.ruleId),
        round,
      ).toContain('function-http-to-shell');
    }
    // a source file over the search limit is not searched, and the report says so
    await writeFile(join(pkg, 'bundle.js'), `// ${'x'.repeat(2 * 1024 * 1024)}\n`);
    await zipDirectory(pkg, join(dir, 'node-fn-big.zip'));
    const big = JSON.parse((await runCaptured(['-q', '--no-cache', 'function', join(dir, 'node-fn-big.zip'), '--db', db, '--format', 'json'])).stdout) as JsonReport & {
      unknowns: { location: { path: string }; reason: string }[];
    };
    expect(big.status).toBe('incomplete');
    expect(big.unknowns.some((u) => u.location.path === '/bundle.js' && /not searched for shell\/eval sinks/.test(u.reason))).toBe(true);
  }, 300_000);

  it.skipIf(!existsSync(join(FIXTURES, 'debian-python', 'oci')) && !REQUIRE)(
    'a Lambda layer zip of Debian Python packages under python/: each distribution reported once, from its layer path',
    async () => {
      const root = join(dir, 'python-root');
      await unpack(`${join(FIXTURES, 'debian-python', 'oci')}:latest`, root);
      const site = join(root, 'usr', 'lib', 'python3', 'dist-packages');
      const layer = join(dir, 'python-layer');
      await mkdir(join(layer, 'python'), { recursive: true });
      const entries = await readdir(site);
      const wanted = entries.filter((e) => /^(requests|urllib3)([-_].*\.(egg|dist)-info)?$/.test(e));
      for (const e of wanted) await cp(join(site, e), join(layer, 'python', e), { recursive: true });
      const zip = join(dir, 'python-layer.zip');
      await zipDirectory(layer, zip);
      const out = await runCaptured(['-q', '--no-cache', 'function', zip, '--db', db, '--format', 'json']);
      expect(out.code).toBe(0);
      const report = JSON.parse(out.stdout) as JsonReport;
      const expected = wanted
        .map((e) => /^(requests|urllib3)-([0-9][^-]*?)(?:\.egg-info|\.dist-info|-py[0-9.]+\.egg-info)$/.exec(e))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => `${m[1]}@${m[2]}`)
        .sort();
      expect(expected.length).toBe(2);
      const found = report.packages.filter((p) => p.type === 'pypi');
      expect(found.map((p) => `${p.name}@${p.version}`).sort()).toEqual(expected);
      expect(found.every((p) => p.locations[0]?.path.startsWith('/python/'))).toBe(true);
    },
    300_000,
  );
});
