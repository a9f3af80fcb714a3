/**
 * The README's first screen on a fresh machine: clone the repository, run exactly the README's
 * install command, then the installed `npx sekisho` — the way a newcomer meets the project. A
 * bin link made before dist/ existed once left `npx sekisho` missing after a correct install.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../../..');
/** Only where the repository is a git checkout with its history (CI's clean clone, a developer's tree). */
const isCheckout = existsSync(join(ROOT, '.git'));

/** The README's install command: the first line of the first `sh` block that is not a comment. */
export function readmeInstallCommand(readme: string): string {
  const block = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  const line = block.split('\n').find((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  if (line === undefined) throw new Error('README has no install command in its first sh block');
  return line.trim();
}

describe.skipIf(!isCheckout)('the README on a fresh clone', () => {
  let clone = '';
  beforeAll(async () => {
    clone = join(await mkdtemp(join(tmpdir(), 'sekisho-readme-')), 'repo');
    await run('git', ['clone', '--quiet', '--no-hardlinks', ROOT, clone], { timeout: 120_000 });
  }, 180_000);
  afterAll(async () => {
    if (clone !== '') await rm(resolve(clone, '..'), { recursive: true, force: true });
  });

  it('the install command works and then `npx sekisho` is there, on the bundled example', async () => {
    const readme = await readFile(join(clone, 'README.md'), 'utf8');
    const install = readmeInstallCommand(readme);
    expect(install).toBe('npm ci && npm run build && npm run example');
    // The cache of this run, not the machine's: the first scan must not find a database by accident.
    const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: join(clone, '.cache'), SEKISHO_CACHE_DIR: join(clone, '.cache', 'sekisho'), NO_COLOR: '1' };
    delete env['SEKISHO_DB'];
    const installed = await run('bash', ['-c', install], { cwd: clone, env, timeout: 900_000, maxBuffer: 64 * 1024 * 1024 });
    expect(installed.stdout).toContain('Debian GNU/Linux 12 (bookworm)');
    expect(existsSync(join(clone, 'node_modules', '.bin', 'sekisho'))).toBe(true);

    const version = await run('npx', ['sekisho', '--version'], { cwd: clone, env, timeout: 120_000 });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const sbom = await run('npx', ['sekisho', 'sbom', 'examples/hello-app.oci.tar', '--format', 'cyclonedx-json', '-o', 'sbom.json'], { cwd: clone, env, timeout: 300_000 });
    expect(sbom.stderr).not.toMatch(/not found/);
    const rescan = await run('npx', ['sekisho', 'sbom-scan', 'sbom.json', '--format', 'json', '--no-vulnerabilities'], { cwd: clone, env, timeout: 300_000 });
    expect((JSON.parse(rescan.stdout) as { packages: { name: string }[] }).packages.map((p) => p.name)).toEqual(expect.arrayContaining(['libssl3', 'lodash', 'minimist']));
  }, 1_200_000);
});
