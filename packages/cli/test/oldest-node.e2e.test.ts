/**
 * The oldest Node.js the project supports (package.json "engines") runs the installed command and
 * prints what the pinned Node prints. The tests themselves run on the pinned Node, which accepts
 * what the oldest refuses: JavaScript and regular-expression syntax its V8 does not know (a group
 * name used twice, `(?i:…)`) fails only there, and only when that code runs. CI installs it
 * (scripts/install-oldest-node.sh) and names it in SEKISHO_OLDEST_NODE.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { requiredTool, sha256, writeOciLayout, writeTar } from '@sekisho/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'packages/cli/bin/sekisho.js');
const EXAMPLE = join(ROOT, 'examples/hello-app.oci.tar');
const OLDEST = process.env['SEKISHO_OLDEST_NODE'] ?? '';
const available = requiredTool(OLDEST !== '' && existsSync(OLDEST), 'the oldest supported Node.js', 'SEKISHO_OLDEST_NODE=$(scripts/install-oldest-node.sh)');
const built = existsSync(join(ROOT, 'packages/cli/dist/bundle/main.js'));

describe.skipIf(!available || !built)('the CLI on the oldest supported Node.js', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sekisho-oldest-node-'));
  });
  afterAll(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  const cli = (node: string, args: readonly string[]) =>
    run(node, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1', SOURCE_DATE_EPOCH: '1700000000' }, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });

  it('is the version package.json names as the minimum', async () => {
    const engines = (JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    const { stdout } = await run(OLDEST, ['--version']);
    expect(`>=${stdout.trim().slice(1)}`).toBe(engines.replace(/\s/g, ''));
  });

  it('prints what the pinned Node prints, and nothing on standard error with --quiet', async () => {
    const secrets = join(dir, 'project');
    await mkdir(secrets, { recursive: true });
    // Rules whose regex names the secret in several alternatives, and a plain one.
    await writeFile(
      join(secrets, 'deploy.sh'),
      [
        'curl -H "Authorization: Bearer Zq8xW3rT7yP2mK9vB4nL6cF1hJ5dG0sA" https://example.test/',
        'curl --header "X-Api-Key: Zq8xW3rT7yP2mK9vB4nL6cF1hJ5dG0sA" https://example.test/',
        `GITHUB_TOKEN=${'ghp_'}Zq8xW3rT7yP2mK9vB4nL6cF1hJ5dG0sA2eR8`,
        '',
      ].join('\n'),
    );
    // A user rule in RE2 syntax whose (?i) becomes a modifier group, or spelled-out case on Node 22.
    const config = join(dir, 'gitleaks.toml');
    await writeFile(
      config,
      ['[extend]', 'useDefault = true', '', '[[rules]]', 'id = "acme-token"', String.raw`regex = '''(?i)acme[_-]?token\s*=\s*(?P<secret>[a-z0-9]{16})'''`, 'keywords = ["acme"]', ''].join('\n'),
    );
    await writeFile(join(secrets, 'acme.env'), 'ACME_TOKEN = Ab12Cd34Ef56Gh78\n');
    const cache = join(dir, 'cache');
    const cases: (readonly string[])[] = [
      ['--version'],
      ['-q', '--no-cache', 'sbom', '-f', 'cyclonedx-json', `oci-archive:${EXAMPLE}`],
      ['-q', '--cache-dir', cache, 'sbom', '-f', 'json', `oci-archive:${EXAMPLE}`],
      ['-q', '--cache-dir', cache, 'sbom', '-f', 'json', `oci-archive:${EXAMPLE}`],
      ['-q', '--no-cache', 'image', '--scanners', 'secret,malware,hardening', '-f', 'json', `oci-archive:${EXAMPLE}`],
      ['-q', 'fs', '--scanners', 'secret', '-f', 'json', secrets],
      ['-q', 'fs', '--scanners', 'secret', '--secret-config', config, '-f', 'json', secrets],
    ];
    for (const args of cases) {
      const oldest = await cli(OLDEST, args);
      const pinned = await cli(process.execPath, args);
      expect(oldest.stderr, args.join(' ')).toBe('');
      expect(oldest.stdout, args.join(' ')).toBe(pinned.stdout);
    }
    const report = JSON.parse((await cli(OLDEST, cases[5] ?? [])).stdout) as { findings: { title?: string }[] };
    expect(report.findings.map((f) => f.title)).toEqual(expect.arrayContaining(['Credential in a curl header']));
    const withUserRule = JSON.parse((await cli(OLDEST, cases[6] ?? [])).stdout) as { findings: { ruleId?: string; title?: string }[] };
    expect(JSON.stringify(withUserRule.findings)).toContain('acme-token');
  }, 240_000);

  it('refuses a zstd layer cut short, as the pinned Node does, though its decoder ends without an error', async () => {
    // Only the frame's checksum is cut: every byte of the tar decodes, and the manifest and config
    // name the bytes as they are, so nothing but the zstd frame itself shows the cut.
    const tar = writeTar([{ name: 'etc/os-release', content: Buffer.from('ID=debian\nVERSION_ID="12"\n') }]);
    const zst = zlib.zstdCompressSync(tar, { params: { [zlib.constants.ZSTD_c_checksumFlag]: 1 } });
    const layout = join(dir, 'cut-zstd');
    await writeOciLayout(layout, { layers: [{ entries: [], raw: zst.subarray(0, zst.length - 4), compression: 'zstd' }], diffIds: [sha256(tar)] });
    const args = ['-q', '--no-cache', 'sbom', '-f', 'json', `oci:${layout}`];
    const outcome = (node: string) =>
      cli(node, args).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code?: number; stderr?: string }) => ({ code: error.code, stderr: error.stderr ?? '' }),
      );
    const [oldest, pinned] = [await outcome(OLDEST), await outcome(process.execPath)];
    expect(pinned.code).not.toBe(0);
    expect(pinned.stderr).toMatch(/truncated/);
    expect(oldest.code).toBe(pinned.code);
    expect(oldest.stderr).toMatch(/truncated/);
  }, 60_000);
});
