import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { constants, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import zlib from 'node:zlib';
import { archiveOf, dockerArchiveFiles, writeTar } from '@sekisho/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * The real `sekisho` binary, killed while it inflates a gzip docker archive into its private temp
 * directory: whatever the signal, no `sekisho-*` directory may remain, and the exit code is
 * 128 + the signal number. Runs the installed command, as bundled by `npm run build`; skipped, saying so, without it.
 */
const MAIN = resolve(import.meta.dirname, '../bin/sekisho.js');
const built = existsSync(resolve(import.meta.dirname, '../dist/bundle/main.js'));
if (!built) console.warn('signals.test.ts skipped: the CLI bundle (packages/cli/dist/bundle) is missing (run npm run build)');

const CHUNK = 16 * 1024 * 1024;
const CHUNKS = 24;

/** Two-letter random text: ~7:1 under gzip, well inside the default ratio limit, slow enough to inflate. */
function lowEntropy(n: number): Buffer {
  const out = Buffer.alloc(n);
  let x = 0x2545f491;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 1 ? 0x61 : 0x62;
  }
  return out;
}

let dir: string;
let archive: string;
beforeAll(async () => {
  if (!built) return;
  dir = await mkdtemp(join(tmpdir(), 'signals-test-'));
  archive = join(dir, 'big.tar.gz');
  const image = dockerArchiveFiles({ layers: [{ entries: [{ name: 'etc/os-release', content: 'ID=debian\n' }] }] });
  const head = archiveOf(image).subarray(0, -1024); // without the end-of-archive blocks
  // Concatenated gzip members inflate as one stream: one compressed chunk repeated makes a big archive cheaply.
  const padding = zlib.gzipSync(lowEntropy(CHUNK), { level: 1 });
  const members = [zlib.gzipSync(Buffer.concat([head, writeTar([{ name: 'padding.bin', declaredSize: CHUNK * CHUNKS }], { endBlocks: false })]))];
  for (let i = 0; i < CHUNKS; i++) members.push(padding);
  members.push(zlib.gzipSync(Buffer.alloc(1024)));
  await writeFile(archive, Buffer.concat(members));
});
afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

async function sekishoDirs(root: string): Promise<string[]> {
  return (await readdir(root)).filter((name) => name.startsWith('sekisho-'));
}

/** Resolves once the CLI has started writing the inflated archive (or has exited). */
async function inflating(root: string, exited: () => boolean): Promise<void> {
  for (;;) {
    if (exited()) return;
    for (const name of await sekishoDirs(root)) {
      const size = await stat(join(root, name, 'archive.tar')).then(
        (s) => s.size,
        () => 0,
      );
      if (size > 0) return;
    }
    await new Promise((done) => setTimeout(done, 10));
  }
}

describe.skipIf(!built)('the CLI on a signal', () => {
  it.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)('%s mid-scan: exits 128+signal and leaves no temp directory', async (signal) => {
    const root = await mkdtemp(join(dir, 'tmp-'));
    const child = spawn(process.execPath, [MAIN, '--no-cache', 'image', `docker-archive:${archive}`], {
      env: { ...process.env, TMPDIR: root, TMP: root, TEMP: root },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    let done = false;
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) =>
      child.on('exit', (code, sig) => {
        done = true;
        resolveExit({ code, signal: sig });
      }),
    );
    await inflating(root, () => done);
    expect(done, `the scan ended before it could be interrupted: ${stderr}`).toBe(false);
    child.kill(signal);
    const result = await exit;
    expect(await sekishoDirs(root)).toEqual([]);
    expect(result).toEqual({ code: 128 + constants.signals[signal], signal: null });
  });
});
