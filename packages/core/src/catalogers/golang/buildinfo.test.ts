import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildElf64 } from '../binary/__fixtures__/elf-builder.js';
import { parseModInfo, readGoBuildInfo } from './buildinfo.js';

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
// The 16-byte sentinels Go writes around the module text (cmd/go/internal/modload/build.go).
const START = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
const END = Buffer.from('f932433186182072008242104116d8f2', 'hex');

const MODINFO = [
  'path\texample.com/app/cmd/app',
  'mod\texample.com/app\tv1.4.0\th1:abc=',
  'dep\tgithub.com/pkg/errors\tv0.9.1\th1:pkgerr=',
  'dep\tgolang.org/x/net\tv0.1.0\th1:old=',
  '=>\tgithub.com/fork/net\tv0.2.0\th1:new=',
  'dep\texample.com/local\tv0.0.0',
  '=>\t../local\t',
  'build\t-ldflags="-s -w"',
  'build\tGOOS=linux',
  'build\tvcs.revision=0123abcd',
  '',
].join('\n');

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

function inlineBuildInfo(version: string, mod: string): Buffer {
  const hdr = Buffer.alloc(32);
  MAGIC.copy(hdr);
  hdr[14] = 8;
  hdr[15] = 2;
  const modBytes = Buffer.concat([START, Buffer.from(mod), END]);
  return Buffer.concat([hdr, varint(version.length), Buffer.from(version), varint(modBytes.length), modBytes]);
}

describe('parseModInfo', () => {
  it('reads main, deps, replacements and build settings', () => {
    const info = parseModInfo(MODINFO);
    if ('error' in info) throw new Error(info.error);
    expect(info.path).toBe('example.com/app/cmd/app');
    expect(info.main).toEqual({ path: 'example.com/app', version: 'v1.4.0', sum: 'h1:abc=', replace: null });
    expect(info.deps.map((d) => [d.path, d.replace?.path ?? null])).toEqual([
      ['github.com/pkg/errors', null],
      ['golang.org/x/net', 'github.com/fork/net'],
      ['example.com/local', '../local'],
    ]);
    expect(info.settings).toContainEqual(['-ldflags', '-s -w']);
    expect(info.settings).toContainEqual(['vcs.revision', '0123abcd']);
  });

  it('rejects a replacement that follows nothing', () => {
    expect(parseModInfo('=>\tx\tv1\n')).toEqual({ error: 'replacement without a module' });
  });
});

describe('readGoBuildInfo', () => {
  it('reads the inline (Go ≥ 1.18) format from the .go.buildinfo section', () => {
    const elf = buildElf64([
      { name: '.text', data: Buffer.alloc(100, 0x90) },
      { name: '.go.buildinfo', data: inlineBuildInfo('go1.22.5', MODINFO), writable: true },
    ]);
    const r = readGoBuildInfo(elf);
    expect(r.kind).toBe('found');
    if (r.kind !== 'found') return;
    expect(r.info.goVersion).toBe('go1.22.5');
    expect(r.info.main?.version).toBe('v1.4.0');
    expect(r.info.deps).toHaveLength(3);
  });

  it('reads the pointer (pre-1.18) format through section addresses', () => {
    const version = Buffer.from('go1.16.15');
    const mod = Buffer.concat([START, Buffer.from(MODINFO), END]);
    // .rodata at 0x400000: two string headers {ptr,len} then the bytes.
    const rodata = Buffer.alloc(0x200 + mod.length);
    rodata.writeBigUInt64LE(0x400100n, 0);
    rodata.writeBigUInt64LE(BigInt(version.length), 8);
    rodata.writeBigUInt64LE(0x400200n, 16);
    rodata.writeBigUInt64LE(BigInt(mod.length), 24);
    version.copy(rodata, 0x100);
    mod.copy(rodata, 0x200);
    const hdr = Buffer.alloc(32);
    MAGIC.copy(hdr);
    hdr[14] = 8;
    hdr[15] = 0;
    hdr.writeBigUInt64LE(0x400000n, 16);
    hdr.writeBigUInt64LE(0x400010n, 24);
    const elf = buildElf64([
      { name: '.rodata', data: rodata, addr: 0x400000n },
      { name: '.data', data: Buffer.concat([Buffer.alloc(48), hdr]), addr: 0x500000n, writable: true },
    ]);
    const r = readGoBuildInfo(elf);
    expect(r.kind).toBe('found');
    if (r.kind !== 'found') return;
    expect(r.info.goVersion).toBe('go1.16.15');
    expect(r.info.main?.path).toBe('example.com/app');
  });

  it('says absent for a binary without build info', () => {
    expect(readGoBuildInfo(buildElf64([{ name: '.text', data: Buffer.alloc(64) }]))).toEqual({ kind: 'absent' });
  });

  it('reports truncated inline strings as corrupt', () => {
    const full = inlineBuildInfo('go1.22.5', MODINFO);
    const elf = buildElf64([{ name: '.go.buildinfo', data: full.subarray(0, 60), writable: true }]);
    expect(readGoBuildInfo(elf).kind).toBe('corrupt');
  });

  it('reports pointers outside the file as corrupt', () => {
    const hdr = Buffer.alloc(32);
    MAGIC.copy(hdr);
    hdr[14] = 8;
    hdr.writeBigUInt64LE(0xdead0000n, 16);
    hdr.writeBigUInt64LE(0xffffffffffffff00n, 24);
    const elf = buildElf64([{ name: '.go.buildinfo', data: hdr, addr: 0x1000n, writable: true }]);
    expect(readGoBuildInfo(elf).kind).toBe('corrupt');
  });

  it('survives a corrupt section table by scanning the file', () => {
    const elf = buildElf64([{ name: '.go.buildinfo', data: inlineBuildInfo('go1.21.0', MODINFO), writable: true }]);
    elf.writeBigUInt64LE(0xffffffffn, 0x28); // e_shoff beyond the file
    const r = readGoBuildInfo(elf);
    expect(r.kind).toBe('found');
  });

  it("looks where Go looks when the section table reads: a header outside Go's sections is not build info", () => {
    // Aligned in the file, but in a read-only section: Go's debug/buildinfo says "not a Go executable" too.
    const elf = buildElf64([
      { name: '.rodata', data: inlineBuildInfo('go1.21.0', MODINFO) },
      { name: '.data', data: Buffer.alloc(64), writable: true },
    ]);
    expect(elf.indexOf(MAGIC) % 16).toBe(0);
    expect(readGoBuildInfo(elf)).toEqual({ kind: 'absent' });
  });

  it('scans the file when the section table is stripped', () => {
    const elf = buildElf64([{ name: '.go.buildinfo', data: inlineBuildInfo('go1.21.0', MODINFO), writable: true }]);
    elf.writeBigUInt64LE(0n, 0x28); // e_shoff: no section table
    const r = readGoBuildInfo(elf);
    expect(r.kind).toBe('found');
    if (r.kind === 'found') expect(r.info.goVersion).toBe('go1.21.0');
  });

  it('never throws on garbage that contains the magic', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const buf = Buffer.alloc(256);
      let x = seed;
      for (let i = 0; i < buf.length; i++) {
        x = (x * 1103515245 + 12345) & 0x7fffffff;
        buf[i] = x & 0xff;
      }
      buf.set([0x7f, 0x45, 0x4c, 0x46], 0);
      MAGIC.copy(buf, 64);
      expect(() => readGoBuildInfo(buf)).not.toThrow();
    }
  });
});

const REAL_GO_BINARIES = ['/usr/local/bin/docker', '/usr/bin/skopeo', '/usr/bin/kubectl', '/usr/bin/umoci'].filter((p) => existsSync(p));

describe.skipIf(REAL_GO_BINARIES.length === 0)('real Go binaries on this machine', () => {
  it.each(REAL_GO_BINARIES)('%s has a toolchain version and modules', (p) => {
    const r = readGoBuildInfo(readFileSync(p));
    expect(r.kind).toBe('found');
    if (r.kind !== 'found') return;
    expect(r.info.goVersion).toMatch(/^go1\.\d+/);
    expect(r.info.path).not.toBe('');
    // Every dependency line carries a module path and a version (or a replacement with one).
    for (const d of r.info.deps) expect(d.version || d.replace?.version || d.replace?.path).toBeTruthy();
  });
});
