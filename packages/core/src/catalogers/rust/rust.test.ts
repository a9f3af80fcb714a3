import { deflateSync } from 'node:zlib';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogDirectory, catalogFile } from '../../testing/catalog-tester.js';
import { sharedDir } from '../../testing/shared-data.js';
import { buildElf64 } from '../binary/__fixtures__/elf-builder.js';
import { cargoAuditableBinaryCataloger } from './cargo-auditable-cataloger.js';
import { cargoPurl, rustCargoLockCataloger } from './cargo-lock-cataloger.js';

const AUDIT = {
  packages: [
    { name: 'myapp', version: '0.1.0', source: 'local', dependencies: [1, 2], root: true },
    { name: 'serde', version: '1.0.200', source: 'crates.io' },
    { name: 'cc', version: '1.0.90', source: 'crates.io', kind: 'build' },
  ],
};
const elfWith = (section: Buffer) =>
  buildElf64([
    { name: '.text', data: Buffer.alloc(16) },
    { name: '.dep-v0', data: section },
  ]);

describe('cargoAuditableBinaryCataloger', () => {
  it('reads the compressed dependency list and its edges', async () => {
    const out = await catalogFile(cargoAuditableBinaryCataloger, '/usr/local/bin/myapp', elfWith(deflateSync(JSON.stringify(AUDIT))));
    expect(out.packages.map((p) => [p.name, p.version, p.purl, p.evidence])).toEqual([
      ['myapp', '0.1.0', null, 'binary'],
      ['serde', '1.0.200', 'pkg:cargo/serde@1.0.200', 'binary'],
      ['cc', '1.0.90', 'pkg:cargo/cc@1.0.90', 'binary'],
    ]);
    expect(out.relationships.map((r) => [r.fromRef, r.toRef])).toEqual([
      ['/usr/local/bin/myapp#0', '/usr/local/bin/myapp#1'],
      ['/usr/local/bin/myapp#0', '/usr/local/bin/myapp#2'],
    ]);
  });

  it('reports corrupt sections and ignores binaries without one', async () => {
    const bad = await catalogFile(cargoAuditableBinaryCataloger, '/bin/x', elfWith(Buffer.from('not zlib')));
    expect(bad.unknowns).toEqual([{ path: '/bin/x', reason: '.dep-v0 is not valid zlib data' }]);
    const wrongShape = await catalogFile(cargoAuditableBinaryCataloger, '/bin/x', elfWith(deflateSync('{"packages":[{"name":1}]}')));
    expect(wrongShape.unknowns).toHaveLength(1);
    const bomb = await catalogFile(cargoAuditableBinaryCataloger, '/bin/x', elfWith(deflateSync(Buffer.alloc(64 * 1024 * 1024, 0x20))));
    expect(bomb.unknowns[0]?.reason).toMatch(/inflates beyond/);
    const none = await catalogFile(cargoAuditableBinaryCataloger, '/bin/x', buildElf64([{ name: '.text', data: Buffer.alloc(8) }]));
    expect(none).toEqual({ packages: [], relationships: [], ownership: [], unknowns: [] });
  });
});

describe('rustCargoLockCataloger', () => {
  it('purls crates.io, other registries and git sources; path crates have none', () => {
    expect(cargoPurl('a', '1.0.0', 'registry+https://github.com/rust-lang/crates.io-index')).toBe('pkg:cargo/a@1.0.0');
    expect(cargoPurl('a', '1.0.0', 'sparse+https://index.crates.io/')).toBe('pkg:cargo/a@1.0.0');
    expect(cargoPurl('a', '1.0.0', 'git+https://github.com/x/a?rev=1#abc')).toBe('pkg:cargo/a@1.0.0?vcs_url=git%2Bhttps%3A%2F%2Fgithub.com%2Fx%2Fa%3Frev%3D1%23abc');
    expect(cargoPurl('a', '1.0.0', undefined)).toBeNull();
  });

  it('resolves dependency strings with and without versions', async () => {
    const lock = `version = 3
[[package]]
name = "app"
version = "0.1.0"
dependencies = ["log 0.4.20", "log 0.3.9", "cfg-if"]
[[package]]
name = "log"
version = "0.4.20"
source = "registry+https://github.com/rust-lang/crates.io-index"
[[package]]
name = "log"
version = "0.3.9"
source = "registry+https://github.com/rust-lang/crates.io-index"
[[package]]
name = "cfg-if"
version = "1.0.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
`;
    const out = await catalogFile(rustCargoLockCataloger, '/src/Cargo.lock', lock);
    expect(out.relationships.map((r) => r.toRef)).toEqual(['/src/Cargo.lock#1', '/src/Cargo.lock#2', '/src/Cargo.lock#3']);
    expect(out.packages.every((p) => p.evidence === 'declared')).toBe(true);
  });

  it('invalid TOML and wrong shapes are unknowns', async () => {
    expect((await catalogFile(rustCargoLockCataloger, '/Cargo.lock', '[[package]\nname=')).unknowns).toHaveLength(1);
    expect((await catalogFile(rustCargoLockCataloger, '/Cargo.lock', 'package = 3')).unknowns).toHaveLength(1);
  });
});

const fixtures = sharedDir('conformance', 'syft', 'syft', 'pkg', 'cataloger', 'rust', 'testdata');
describe.skipIf(!fixtures)('Syft rust fixtures', () => {
  it('path-deps Cargo.lock', async () => {
    const out = await catalogDirectory(rustCargoLockCataloger, resolve(fixtures ?? '', 'path-deps'));
    expect(out.packages.map((p) => [p.name, p.version, p.purl])).toEqual([
      ['app', '1.0.0', null],
      ['memchr', '2.7.4', 'pkg:cargo/memchr@2.7.4'],
      ['telemetry', '0.1.0', null],
    ]);
    expect(out.relationships).toHaveLength(2);
  });

  it('glob-paths: both catalogers select their files', async () => {
    const dir = resolve(fixtures ?? '', 'glob-paths');
    expect((await catalogDirectory(rustCargoLockCataloger, dir)).selectedPaths).toEqual(['/src/Cargo.lock']);
    expect((await catalogDirectory(cargoAuditableBinaryCataloger, dir)).selectedPaths).toEqual(['/partial-binary']);
  });
});
