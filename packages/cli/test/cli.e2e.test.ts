import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import zlib from 'node:zlib';
import { writeOciLayout, writeTar } from '@sekisho/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCaptured } from '../src/testing/run-captured.js';
import type { CapturedRun } from '../src/testing/run-captured.js';

const EXAMPLE = resolve(import.meta.dirname, '../../../examples/hello-app.oci.tar');

const cli = (...argv: string[]): Promise<CapturedRun> => runCaptured(argv);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sekisho-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('sekisho CLI', () => {
  it('scans the bundled example: OS, packages with layers, the deleted secret (redacted)', async () => {
    const { code, stdout } = await cli('--no-cache', 'image', EXAMPLE, '--list-all-pkgs');
    expect(code).toBe(0);
    expect(stdout).toContain('Debian GNU/Linux 12 (bookworm)');
    expect(stdout).toMatch(/lodash\s*│\s*4\.17\.15\s*│\s*npm\s*│\s*1 /);
    expect(stdout).toContain('/app/.env (layer 2) removed in layer 3');
    expect(stdout).not.toContain('ghp_Q3vX8bN2mK7pL4sW9tR1yU6iO0aE5dF3gH2j');
  });

  it("finds the example's real vulnerabilities with the bundled snapshot (npm run example); counts, not the package list, by default", async () => {
    const db = join(dir, 'example.sqlite');
    expect((await cli('db', 'build', '--from', resolve(import.meta.dirname, '../../../examples/advisories'), '--db', db)).code).toBe(0);
    const { code, stdout } = await cli('--no-cache', 'image', EXAMPLE, '--db', db);
    expect(code).toBe(0);
    expect(stdout).toMatch(/lodash 4\.17\.15 \(npm\)\s+layer 1/);
    expect(stdout).toMatch(/MEDIUM\s+NSWG-ECO-516\s+fixed\s+4\.17\.19/);
    expect(stdout).toMatch(/│ npm packages +│ npm +│ 3 +│ 0 +│ 0 +│ 1 +│/);
    expect(stdout).toContain('Packages: 8 (deb 5, npm 3); add --list-all-pkgs');
    expect(stdout).not.toMatch(/│ NAME +│ VERSION/);
    expect(stdout.indexOf('Summary: ')).toBeLessThan(stdout.indexOf('Vulnerabilities: 1'));
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('Status: complete');
  });

  it('fails the gate with exit 1 on --fail-on, and passes below it', async () => {
    expect((await cli('--no-cache', 'image', EXAMPLE, '--scanners', 'secret,hardening', '--fail-on', 'high')).code).toBe(1);
    expect((await cli('--no-cache', 'image', EXAMPLE, '--scanners', 'hardening', '--fail-on', 'critical', '-q')).code).toBe(0);
  });

  it.each(['cyclonedx-json', 'spdx-json', 'json'])('writes %s to a file atomically with -o', async (format) => {
    const out = join(dir, `sbom.${format}`);
    const { code, stdout } = await cli('--no-cache', 'sbom', `oci-archive:${EXAMPLE}`, '--format', format, '-o', out);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    const doc = JSON.parse(await readFile(out, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(doc).length).toBeGreaterThan(3);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('prints help for every command', async () => {
    for (const command of ['image', 'sbom', 'config', 'verify-blob']) {
      const { code, stdout } = await cli(command, '--help');
      expect(code, command).toBe(0);
      expect(stdout, command).toContain('Usage: sekisho');
    }
  });

  it.each<[string, () => Promise<string>, number]>([
    ['a missing image', async () => join(dir, 'nope.tar'), 3],
    [
      'a layer escaping the root',
      async () => {
        const layout = join(dir, 'escape');
        await writeOciLayout(layout, { layers: [{ entries: [{ name: '../../etc/cron.d/x', content: 'x' }] }] });
        return layout;
      },
      5,
    ],
    [
      'a layer with a wrong digest',
      async () => {
        const layout = join(dir, 'digest');
        await writeOciLayout(
          layout,
          { layers: [{ entries: [{ name: 'a', content: 'a' }] }] },
          {
            tamper: (files) => {
              for (const [path, bytes] of files) if (bytes[0] === 0x1f) files.set(path, zlib.gzipSync(writeTar([{ name: 'b', content: 'b' }])));
            },
          },
        );
        return layout;
      },
      4,
    ],
    [
      'a decompression bomb',
      async () => {
        const file = join(dir, 'huge-header.oci');
        await writeOciLayout(file, { layers: [{ compression: 'none', raw: writeTar([{ name: 'x', content: 'x', declaredSize: 10 * 1024 ** 4 }], { endBlocks: false }), entries: [] }] });
        return file;
      },
      6,
    ],
    [
      'a file that is not an image',
      async () => {
        const file = join(dir, 'not-an-image.tar');
        await writeFile(file, writeTar([{ name: 'hello.txt', content: 'hi' }]));
        return file;
      },
      3,
    ],
  ])('exits with the documented code for %s', async (_name, make, expected) => {
    const { code, stderr } = await cli('--no-cache', 'sbom', await make());
    expect(code).toBe(expected);
    expect(stderr).toMatch(/^sekisho: error: [A-Z_]+: /);
  });

  it('refuses to pass a vulnerability gate without a database (exit 7), and scans without one otherwise', async () => {
    const db = join(dir, 'no-such.db');
    expect((await cli('--no-cache', 'image', EXAMPLE, '--db', db, '--fail-on', 'critical')).code).toBe(7);
    const { code, stderr } = await cli('--no-cache', 'image', EXAMPLE, '--scanners', 'vuln');
    expect(code).toBe(0);
    expect(stderr).toMatch(/database/i);
  });

  it('finds malware in every layer with --scanners +malware, even in a file a later layer deleted', async () => {
    const layout = join(dir, 'malware');
    const eicar = String.raw`X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*`;
    await writeOciLayout(layout, {
      layers: [
        { entries: [{ name: 'tmp/eicar.com', content: eicar }] },
        {
          entries: [
            { name: 'tmp/.wh.eicar.com', content: '' },
            { name: 'opt/miner/config.json', content: '{"pools":[{"url":"stratum+tcp://pool.example.net:3333","user":"4AB"}],"cpu":{"enabled":true},"donate-level":1,"algo":"rx/0"}' },
          ],
        },
      ],
    });
    const { code, stdout } = await cli('--no-cache', 'image', layout, '--scanners', 'malware', '--format', 'json', '--fail-on', 'high');
    const report = JSON.parse(stdout) as { findings: { kind: string; ruleId: string; location: { path: string; layerIndex: number }; removedInLayer: number | null }[] };
    const malware = report.findings.filter((f) => f.kind === 'malware');
    expect(malware.find((f) => f.location.path === '/tmp/eicar.com')).toMatchObject({ location: { layerIndex: 0 }, removedInLayer: 1 });
    expect(malware.some((f) => f.location.path === '/opt/miner/config.json')).toBe(true);
    expect(code).toBe(1);
  });

  it('exits 2 on usage errors', async () => {
    expect((await cli('image', EXAMPLE, '--format', 'nope')).code).toBe(2);
    expect((await cli('image', EXAMPLE, '--scanners', 'nope', '--no-cache')).code).toBe(2);
  });
});
