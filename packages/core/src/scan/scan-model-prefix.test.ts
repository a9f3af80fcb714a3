import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDockerArchive } from '@sekisho/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanImage } from './scan-image.js';

/* A cataloger with readsPrefix gets the start of a file larger than its size limit, through the real layer walk. */

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sekisho-prefix-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}
function u64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
}
const str = (s: string): Buffer => Buffer.concat([u64(Buffer.byteLength(s)), Buffer.from(s)]);

describe('prefix reads', () => {
  it('reads a 60 MiB model file’s header from its first 50 MiB: a package, no size unknown', async () => {
    const header = Buffer.concat([Buffer.from('GGUF'), u32(3), u64(0), u64(2), str('general.name'), u32(8), str('tiny-llama'), str('general.architecture'), u32(8), str('llama')]);
    const model = Buffer.concat([header, Buffer.alloc(60 * 1024 * 1024 - header.length)]);
    await writeDockerArchive(join(dir, 'model.tar'), { layers: [{ entries: [{ name: 'models/tiny.gguf', content: model }] }] });
    const { report } = await scanImage(join(dir, 'model.tar'), { cacheDir: null, now: new Date('2026-12-01') });
    expect(report.packages.map((p) => [p.type, p.name])).toEqual([['model', 'tiny-llama']]);
    expect(report.unknowns).toEqual([]);
  });
});
