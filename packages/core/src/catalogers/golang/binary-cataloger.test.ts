import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogDirectory, catalogFile } from '../../testing/catalog-tester.js';
import { buildElf64 } from '../binary/__fixtures__/elf-builder.js';
import { goModuleBinaryCataloger, stdlibVersion } from './binary-cataloger.js';

function inline(version: string, mod: string): Buffer {
  const hdr = Buffer.alloc(32);
  Buffer.from('\xff Go buildinf:', 'latin1').copy(hdr);
  hdr[14] = 8;
  hdr[15] = 2;
  const body = Buffer.concat([Buffer.alloc(16, 0x30), Buffer.from(mod), Buffer.alloc(16, 0x31)]);
  return Buffer.concat([hdr, Buffer.from([version.length]), Buffer.from(version), Buffer.from([(body.length & 0x7f) | 0x80, body.length >> 7]), body]);
}

const MOD =
  'path\texample.com/tool\nmod\texample.com/tool\t(devel)\t\ndep\tgithub.com/pkg/errors\tv0.9.1\th1:x=\ndep\tgolang.org/x/sys\tv0.1.0\th1:y=\n=>\tgolang.org/x/sys\tv0.5.0\th1:z=\nbuild\tGOOS=linux\n';

describe('stdlibVersion', () => {
  it.each([
    ['go1.22.5', '1.22.5'],
    ['go1.21.0 X:boringcrypto', '1.21.0'],
    ['go1.23rc1', '1.23rc1'],
    ['devel go1.23-abc', null],
  ])('%s → %s', (v, expected) => expect(stdlibVersion(v)).toBe(expected));
});

describe('goModuleBinaryCataloger', () => {
  it('emits the main module, dependencies with replacements, and stdlib with relationships', async () => {
    const elf = buildElf64([{ name: '.go.buildinfo', data: inline('go1.22.5', MOD), writable: true }]);
    const out = await catalogFile(goModuleBinaryCataloger, '/usr/local/bin/tool', elf);
    expect(out.packages.map((p) => [p.name, p.version, p.purl])).toEqual([
      ['example.com/tool', '(devel)', 'pkg:golang/example.com/tool'],
      ['github.com/pkg/errors', 'v0.9.1', 'pkg:golang/github.com/pkg/errors@v0.9.1'],
      ['golang.org/x/sys', 'v0.5.0', 'pkg:golang/golang.org/x/sys@v0.5.0'],
      ['stdlib', 'go1.22.5', 'pkg:golang/stdlib@1.22.5'],
    ]);
    expect(out.packages.every((p) => p.evidence === 'binary')).toBe(true);
    expect(out.relationships).toHaveLength(3);
    const main = out.packages[0]?.metadata;
    expect(main?.type === 'language-package' && main.fields['build.GOOS']).toBe('linux');
  });

  it('ignores non-executables and executables without build info', async () => {
    expect((await catalogFile(goModuleBinaryCataloger, '/usr/bin/x', '#!/bin/sh\necho hi\n')).packages).toEqual([]);
    const plain = buildElf64([{ name: '.text', data: Buffer.alloc(32) }]);
    const out = await catalogFile(goModuleBinaryCataloger, '/usr/bin/x', plain);
    expect(out.packages).toEqual([]);
    expect(out.unknowns).toEqual([]);
  });

  it('reports corrupt build info as an unknown', async () => {
    const elf = buildElf64([{ name: '.go.buildinfo', data: inline('go1.22.5', MOD).subarray(0, 50), writable: true }]);
    const out = await catalogFile(goModuleBinaryCataloger, '/app/server', elf);
    expect(out.unknowns).toEqual([{ path: '/app/server', reason: expect.stringMatching(/truncated/) as string }]);
  });

  it('selects bin directories and extension-less files under application roots, not app sources', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sekisho-go-'));
    try {
      for (const p of ['usr/local/bin', 'app/node_modules/x', 'opt/tool/bin']) await mkdir(join(dir, p), { recursive: true });
      const elf = buildElf64([{ name: '.go.buildinfo', data: inline('go1.22.5', MOD), writable: true }]);
      await writeFile(join(dir, 'usr/local/bin/tool'), elf);
      await writeFile(join(dir, 'app/server'), elf);
      await writeFile(join(dir, 'app/node_modules/x/index.js'), 'x');
      await writeFile(join(dir, 'opt/tool/bin/run'), elf);
      const out = await catalogDirectory(goModuleBinaryCataloger, dir);
      expect(out.selectedPaths).toEqual(['/app/server', '/opt/tool/bin/run', '/usr/local/bin/tool']);
      expect(out.packages.filter((p) => p.name === 'stdlib')).toHaveLength(3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

// Module-mode builds (with `mod`/`dep` lines) and a GOPATH-mode build (toolchain only).
const REAL = ['/usr/bin/cbt', '/usr/bin/kubectl', '/usr/local/bin/terraform'].find((p) => existsSync(p));
const REAL_GOPATH = ['/usr/local/bin/docker', '/usr/bin/skopeo'].find((p) => existsSync(p));
describe.skipIf(!REAL)('a real module-mode Go binary on this machine', () => {
  it('catalogs every dep line, the main module and the toolchain', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sekisho-go-real-'));
    try {
      await mkdir(join(dir, 'usr/bin'), { recursive: true });
      await copyFile(REAL ?? '', join(dir, 'usr/bin/tool'));
      const out = await catalogDirectory(goModuleBinaryCataloger, dir);
      expect(out.unknowns).toEqual([]);
      const stdlib = out.packages.find((p) => p.name === 'stdlib');
      expect(stdlib?.purl).toMatch(/^pkg:golang\/stdlib@1\.\d+/);
      const raw = await readFile(REAL ?? '');
      const at = raw.indexOf('\xff Go buildinf:', 0, 'latin1');
      const depLines =
        raw
          .subarray(at, at + 4 * 1024 * 1024)
          .toString('latin1')
          .split('\ndep\t').length - 1;
      expect(out.packages.length).toBe(depLines + 2);
      for (const p of out.packages) expect(p.purl ?? '').toMatch(/^pkg:golang\//);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!REAL_GOPATH)('a real GOPATH-mode Go binary on this machine', () => {
  it('yields the toolchain only', async () => {
    const out = await catalogFile(goModuleBinaryCataloger, '/usr/bin/tool', await readFile(REAL_GOPATH ?? ''));
    expect(out.unknowns).toEqual([]);
    expect(out.packages.map((p) => p.name)).toEqual(['stdlib']);
  });
});
