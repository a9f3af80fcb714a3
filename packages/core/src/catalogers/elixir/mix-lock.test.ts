import { describe, expect, it } from 'vitest';
import { catalogFile } from '../../testing/catalog-tester.js';
import { edges } from '../lang-common/test-helpers.js';
import { elixirMixLockCataloger } from './index.js';

const MIX_LOCK = `%{
  "cowboy": {:hex, :cowboy, "2.9.0", "865dd8b6607e14cf03282e10e934023a1bd8be6f6bacf921a7e2a96d800cd452", [:make, :rebar3], [{:cowlib, "2.11.0", [hex: :cowlib, repo: "hexpm", optional: false]}, {:ranch, "1.8.0", [hex: :ranch, repo: "hexpm", optional: false]}], "hexpm", "2c729f934b4e1aa149aff882f57c6372c15399a20d54f65c8d67bef583021bde"},
  "cowlib": {:hex, :cowlib, "2.11.0", "0b9ff9c346629256c42ebe1eeb769a83c6cb771a6ee5960bd110ab0b9b872063", [:make, :rebar3], [], "hexpm", "2b3e9da0b21c4565751a6d4901c20d1b4cc25cbb7fd50d91d2ab6dd287bc86a9"},
  "ranch": {:hex, :ranch, "1.8.0", "8c7a100a139fd57f17327b6413e4167ac559fbc04ca7448e9be9057311597a1d", [:make, :rebar3], [], "hexpm", "49fbcfd3682fab1f5d109351b61257676da1a2fdbe295904176d5e521a2ddfe5"},
  "enacl": {:git, "https://github.com/aeternity/enacl.git", "2f50ba6289f2f2d9fef05d22a396c0bab4f64149", [ref: "2f50ba6"]},
  "local_dep": {:path, "../local_dep", []},
  "old": {:hex, :old, "1.0.0"},
}
`;

describe('elixir-mix-lock-cataloger', () => {
  it('reads Hex packages with their checksums and dependency edges, git dependencies at their commit', async () => {
    const out = await catalogFile(elixirMixLockCataloger, '/app/mix.lock', MIX_LOCK);
    expect(out.packages.map((p) => [p.name, p.version, p.purl])).toEqual([
      ['cowboy', '2.9.0', 'pkg:hex/cowboy@2.9.0'],
      ['cowlib', '2.11.0', 'pkg:hex/cowlib@2.11.0'],
      ['ranch', '1.8.0', 'pkg:hex/ranch@1.8.0'],
      ['enacl', '2f50ba6289f2f2d9fef05d22a396c0bab4f64149', null],
    ]);
    expect(out.packages[0]).toMatchObject({ type: 'hex', evidence: 'declared', metadata: { fields: { checksum: '865dd8b6607e14cf03282e10e934023a1bd8be6f6bacf921a7e2a96d800cd452' } } });
    expect(edges(out)).toEqual(['cowboy -> cowlib', 'cowboy -> ranch']);
    // The path dependency is the project's own code; the truncated Hex entry is not read, and said so.
    expect(out.unknowns.map((u) => u.reason)).toEqual(['1 Hex entr(ies) not of the form {:hex, :name, "version", "checksum", …} were not read']);
  });

  it('a file that is not an Elixir map is an unknown', async () => {
    expect((await catalogFile(elixirMixLockCataloger, '/mix.lock', 'bogus')).unknowns[0]?.reason).toContain('not a mix.lock');
  });
});

describe('elixir-mix-lock-cataloger on hostile input', () => {
  it('a huge line of unclosed dependency lists is read in linear time', async () => {
    const line = `  "x": {:hex, :x, "1.0.0", "ab", [:mix], [${'{:a, "1", ['.repeat(300_000)}`;
    const out = await catalogFile(elixirMixLockCataloger, '/mix.lock', `%{\n${line}\n}\n`);
    expect(out.packages.map((p) => p.name)).toEqual(['x']);
  });
});
