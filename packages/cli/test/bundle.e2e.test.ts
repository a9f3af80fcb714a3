/**
 * The installed command runs the bundle `npm run build` writes (scripts/bundle-cli.mjs). Bundling
 * is only a start-up optimisation: the bundle must load none of the workspace's unbundled modules,
 * print exactly what the unbundled CLI prints, and still find the files modules read beside
 * themselves (YARA rules, SQL migrations, the dashboard, the build fingerprint).
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildImage, imageRegistryHandler, repoRoot, requiredTestData } from '@sekisho/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'packages/cli/bin/sekisho.js');
const UNBUNDLED = join(ROOT, 'packages/cli/dist/main.js');
const BUNDLE = join(ROOT, 'packages/cli/dist/bundle');
const EXAMPLE = join(ROOT, 'examples/hello-app.oci.tar');
const built = existsSync(join(BUNDLE, 'main.js'));
const FIXTURES = process.env['SEKISHO_FIXTURES_DIR'] ?? join(repoRoot(), '.fixtures', 'images');
/** Its one layer is ~420 MB uncompressed: over the size from which a blob is hashed aside (core scan/hash-aside.ts). */
const debianNode = requiredTestData(join(FIXTURES, 'debian-node'), 'folder', 'run scripts/build-fixture-images.sh debian-node');
if (!built) console.warn('bundle.e2e.test.ts skipped: packages/cli/dist/bundle is missing (run npm run build)');

/** Prints every file module the process loaded to `file`, one URL per line, at exit. */
const RECORD_LOADS = `
import { registerHooks } from 'node:module';
import { writeFileSync } from 'node:fs';
const seen = new Set();
registerHooks({ load(url, context, next) { seen.add(url); return next(url, context); } });
// Built-in modules too: Node's internal copy of undici shows only here.
process.on('exit', () => writeFileSync(process.env.LOADS_FILE, [...seen, ...process.moduleLoadList].join('\\n')));
`;

describe.skipIf(!built)('the bundled CLI', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sekisho-bundle-'));
  });
  afterAll(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  const cli = (main: string, args: readonly string[], env: NodeJS.ProcessEnv = {}) =>
    run(process.execPath, [main, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });

  it('loads no module of a workspace package but its own files, cold and warm', async () => {
    const hook = join(dir, 'record-loads.mjs');
    await writeFile(hook, RECORD_LOADS);
    const cache = join(dir, 'cache');
    for (const pass of ['cold', 'warm']) {
      const loads = join(dir, `loads-${pass}.txt`);
      await run(process.execPath, ['--import', hook, BIN, '-q', '--cache-dir', cache, 'sbom', `oci-archive:${EXAMPLE}`], {
        env: { ...process.env, LOADS_FILE: loads },
        maxBuffer: 64 * 1024 * 1024,
        timeout: 120_000,
      });
      const loaded = (await readFile(loads, 'utf8')).split('\n');
      // A local scan talks to no registry: TLS (and undici) load with the first registry request.
      expect(
        loaded.filter((u) => u === 'node:tls' || u.includes('/undici/')),
        pass,
      ).toEqual([]);
      const files = loaded.filter((u) => u.startsWith('file:'));
      const workspace = files.filter((u) => u.includes('/packages/'));
      expect(workspace.length, pass).toBeGreaterThan(1);
      expect(
        workspace.filter((u) => !u.includes('/packages/cli/dist/bundle/') && !u.endsWith('/packages/cli/bin/sekisho.js')),
        pass,
      ).toEqual([]);
      // The libraries every scan needs (zod, commander, picomatch…) are inside the bundle too; the
      // cold pass also loads, from node_modules, those core loads lazily on first use (purls, SPDX).
      if (pass === 'warm') expect(files.filter((u) => u.includes('/node_modules/'))).toEqual([]);
    }
  }, 240_000);

  it("reaches a registry without a proxy over node:http, loading neither undici nor Node's own copy of it", async () => {
    const image = buildImage({ layers: [{ entries: [{ name: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' }] }] });
    const registry = createServer(imageRegistryHandler(image));
    await new Promise<void>((ready) => registry.listen(0, '127.0.0.1', ready));
    const host = `127.0.0.1:${(registry.address() as AddressInfo).port}`;
    try {
      const hook = join(dir, 'record-loads.mjs');
      await writeFile(hook, RECORD_LOADS);
      const loads = join(dir, 'loads-registry.txt');
      const { HTTP_PROXY: _a, http_proxy: _b, HTTPS_PROXY: _c, https_proxy: _d, ...env } = process.env;
      const { stdout } = await run(process.execPath, ['--import', hook, BIN, '-q', '--no-cache', 'sbom', '--insecure-registry', host, '-f', 'json', `${host}/app:1`], {
        env: { ...env, LOADS_FILE: loads },
        maxBuffer: 64 * 1024 * 1024,
        timeout: 120_000,
      });
      expect((JSON.parse(stdout) as { target: { manifestDigest: string } }).target.manifestDigest).toBe(image.manifest.digest);
      const loaded = (await readFile(loads, 'utf8')).split('\n');
      expect(loaded).toContain('NativeModule http');
      expect(loaded.filter((u) => u.includes('undici'))).toEqual([]);
    } finally {
      registry.closeAllConnections();
      await new Promise((closed) => registry.close(closed));
    }
  }, 120_000);

  it("orders a report the same under every locale: by code units, not by the user's collation", async () => {
    // Unreadable manifests become unknowns, listed by path; Swedish collation puts "ä" after "z",
    // English before it.
    const root = join(dir, 'locale-root');
    for (const name of ['z', 'ä', 'a', 'I', 'ı']) {
      await mkdir(join(root, 'app', name), { recursive: true });
      await writeFile(join(root, 'app', name, 'package.json'), '{"name": "broken');
    }
    const outputs = new Map<string, string>();
    for (const locale of ['C.UTF-8', 'en_US.UTF-8', 'sv_SE.UTF-8', 'tr_TR.UTF-8']) {
      outputs.set(locale, (await cli(BIN, ['-q', '--no-cache', 'sbom', '-f', 'json', `dir:${root}`], { LANG: locale, LC_ALL: locale })).stdout);
    }
    const paths = (JSON.parse(outputs.get('C.UTF-8') ?? '{}') as { unknowns: { location: { path: string } }[] }).unknowns.map((u) => u.location.path);
    expect(paths).toEqual(['/app/I/package.json', '/app/a/package.json', '/app/z/package.json', '/app/ä/package.json', '/app/ı/package.json']);
    for (const [locale, output] of outputs) expect(output, locale).toBe(outputs.get('C.UTF-8'));
  }, 120_000);

  it('prints exactly what the unbundled CLI prints: the SBOM, and an image report with YARA rules, secrets and hardening', async () => {
    const app = join(dir, 'rootfs', 'app');
    await mkdir(app, { recursive: true });
    // The EICAR test file, built here so that no file in the repository is one.
    await writeFile(join(app, 'eicar.com'), ['X5O!P%@AP[4\\PZX54(P^)7CC)7}$', 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'].join(''));
    const cases: (readonly string[])[] = [
      ['sbom', '-f', 'cyclonedx-json', `oci-archive:${EXAMPLE}`],
      ['image', '--scanners', 'secret,malware,hardening', '-f', 'json', `oci-archive:${EXAMPLE}`],
      ['image', '--scanners', 'malware', '-f', 'json', `dir:${join(dir, 'rootfs')}`],
    ];
    for (const args of cases) {
      const bundled = await cli(BIN, ['-q', '--no-cache', ...args]);
      const unbundled = await cli(UNBUNDLED, ['-q', '--no-cache', ...args]);
      expect(bundled.stdout, args.join(' ')).toBe(unbundled.stdout);
      expect(bundled.stdout.length, args.join(' ')).toBeGreaterThan(1000);
    }
    const report = JSON.parse((await cli(BIN, ['-q', '--no-cache', ...(cases[2] ?? [])])).stdout) as { findings: { ruleId?: string; id?: string; title?: string }[] };
    expect(JSON.stringify(report.findings)).toContain('EICAR');
  }, 240_000);

  it('is ASCII only, so V8 keeps its sources as one-byte strings, and keeps the licence comments of the libraries it inlines', async () => {
    const files = (await readdir(BUNDLE)).filter((name) => name.endsWith('.js'));
    expect(files.length).toBeGreaterThan(10);
    const wide: string[] = [];
    let legal = 0;
    for (const name of files) {
      const text = await readFile(join(BUNDLE, name), 'latin1');
      if (/[^\x00-\x7f]/.test(text)) wide.push(name);
      legal += (text.match(/@license|\/\*!/g) ?? []).length;
    }
    expect(wide).toEqual([]);
    expect(legal).toBeGreaterThan(0);
  });

  it('the installed command starts Node through its shell line, with the memory flags and every argument as given', async () => {
    const fake = join(dir, 'fake-bin');
    await mkdir(fake, { recursive: true });
    await writeFile(join(fake, 'node'), '#!/bin/sh\nprintf "%s\\n" "$@" "arenas=$MALLOC_ARENA_MAX"\n', { mode: 0o755 });
    const { MALLOC_ARENA_MAX: _unset, ...env } = process.env;
    const shown = await run(BIN, ['image', 'a b', '--x=$HOME'], { env: { ...env, PATH: `${fake}:${process.env['PATH'] ?? ''}` } });
    expect(shown.stdout.split('\n').slice(0, 6)).toEqual(['--max-semi-space-size=2', BIN, 'image', 'a b', '--x=$HOME', 'arenas=1']);
    // A value the user set is theirs.
    const theirs = await run(BIN, ['--version'], { env: { ...env, MALLOC_ARENA_MAX: '4', PATH: `${fake}:${process.env['PATH'] ?? ''}` } });
    expect(theirs.stdout.split('\n')).toContain('arenas=4');
    // With the real Node first on PATH, as npx and npm scripts put it.
    const real = await run(BIN, ['--version'], { env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env['PATH'] ?? ''}` } });
    expect(real.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it.skipIf(debianNode === null)(
    'hashes a large uncompressed layer on the worker thread it finds beside the original module, to the same packages',
    async () => {
      const archive = join(debianNode ?? '', 'image.tar');
      // Hashed aside only once the file is older than the margin that tells a later write apart (5 s).
      const info = await stat(archive);
      const age = Date.now() - Math.max(info.mtimeMs, info.ctimeMs);
      if (age < 6_000) await sleep(6_000 - age);
      const packages = (stdout: string) => (JSON.parse(stdout) as { packages: { purl: string }[] }).packages.map((p) => p.purl).sort();
      const fromArchive = await cli(BIN, ['-q', '--no-cache', 'sbom', '--format', 'json', `docker-archive:${archive}`], { NODE_DEBUG: 'worker' });
      expect(fromArchive.stderr).toContain('/packages/core/dist/scan/hash-aside-worker.js');
      const fromLayout = await cli(BIN, ['-q', '--no-cache', 'sbom', '--format', 'json', `oci:${join(debianNode ?? '', 'oci')}`], { NODE_DEBUG: 'worker' });
      // The layout's layer is gzip (~130 MB): the walk hashes it.
      expect(fromLayout.stderr).not.toContain('hash-aside-worker');
      expect(packages(fromArchive.stdout)).toEqual(packages(fromLayout.stdout));
      expect(packages(fromArchive.stdout).length).toBeGreaterThan(2000);
    },
    240_000,
  );

  it('runs the server: migrations applied to a new SQLite store, the dashboard served', async () => {
    const child = spawn(process.execPath, [BIN, 'server', '--database', `sqlite:${join(dir, 'server.db')}`, '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let stderr = '';
      const url = await new Promise<string>((resolveUrl, reject) => {
        const timer = setTimeout(() => reject(new Error(`no listening line: ${stderr}`)), 60_000);
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString('utf8');
          const found = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)?.[1];
          if (found !== undefined) {
            clearTimeout(timer);
            resolveUrl(found);
          }
        });
        child.on('exit', (code) => reject(new Error(`server exited ${String(code)}: ${stderr}`)));
      });
      expect(await (await fetch(`${url}/readyz`)).json()).toMatchObject({ status: 'ready' });
      const ui = await fetch(`${url}/ui/`);
      expect(ui.status).toBe(200);
      expect(await ui.text()).toContain('<title>Sekisho</title>');
    } finally {
      child.kill('SIGTERM');
    }
  }, 120_000);
});
