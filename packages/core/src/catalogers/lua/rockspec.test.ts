import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedDir } from '../../testing/shared-data.js';
import { catalogFile } from '../../testing/catalog-tester.js';
import { luaRockCataloger } from './index.js';

const ROCKSPEC = `-- a comment
build = { type = "builtin", modules = { ["pgmoon.arrays"] = "pgmoon/arrays.lua", foo = 'src/foo.lua' } }
package = "kong-pgmoon"
version = "1.16.2-1"
source = {
  url = "git+https://github.com/kong/pgmoon.git";
  tag = "v1.16.2",
}
description = {
  summary = "Postgres driver for OpenResty and Lua",
  detailed = [[PostgreSQL driver written in pure Lua.
It has "quotes" and ]] .. nothing]=],
  homepage = "https://github.com/Kong/pgmoon",
  license = 'MIT',
}
dependencies = {
  "lua >= 5.1",
  --[[ "luasocket",
  "luasec", ]]
  "lpeg",
}
supported = true
weight = 1.5
`;

describe('lua-rock-cataloger', () => {
  it('reads a rockspec as data: name, version, licence, a luarocks purl; installed under a rocks tree', async () => {
    const out = await catalogFile(luaRockCataloger, '/usr/local/lib/luarocks/rocks-5.1/kong-pgmoon/1.16.2-1/kong-pgmoon-1.16.2-1.rockspec', ROCKSPEC.replace(' .. nothing]=]', ''));
    expect(out.unknowns).toEqual([]);
    expect(out.packages.map((p) => [p.name, p.version, p.type, p.purl, p.licenses, p.evidence])).toEqual([
      ['kong-pgmoon', '1.16.2-1', 'lua-rocks', 'pkg:luarocks/kong-pgmoon@1.16.2-1', ['MIT'], 'installed'],
    ]);
    expect(out.packages[0]?.metadata).toMatchObject({ fields: { url: 'git+https://github.com/kong/pgmoon.git', homepage: 'https://github.com/Kong/pgmoon' } });
    const declared = await catalogFile(luaRockCataloger, '/src/foo-1.0-1.rockspec', 'package = "foo"\nversion = "1.0-1"\n');
    expect(declared.packages[0]?.evidence).toBe('declared');
  });

  const syftRocks = sharedDir('conformance', 'syft', 'syft', 'pkg', 'cataloger', 'lua', 'testdata', 'rockspec');
  it.skipIf(syftRocks === null)('reads the rockspec Kong ships (a real one, from Syft’s fixtures)', async () => {
    const dir = syftRocks ?? '';
    const out = await catalogFile(luaRockCataloger, '/usr/local/lib/luarocks/rocks-5.1/kong/3.7.0-0/kong-3.7.0-0.rockspec', readFileSync(`${dir}/kong-3.7.0-0.rockspec`));
    expect(out).toMatchObject({ unknowns: [], packages: [{ name: 'kong', version: '3.7.0-0', licenses: ['Apache 2.0'] }] });
  });

  it('never runs code: an expression is an unknown, as is a rockspec without a name or version', async () => {
    const run = await catalogFile(luaRockCataloger, '/x.rockspec', 'package = os.execute("id")\nversion = "1"\n');
    expect(run.packages).toEqual([]);
    expect(run.unknowns[0]?.reason).toContain('an expression, not a value');
    expect((await catalogFile(luaRockCataloger, '/x.rockspec', ROCKSPEC)).unknowns[0]?.reason).toContain('rockspec not read');
    expect((await catalogFile(luaRockCataloger, '/x.rockspec', 'version = "1.0-1"\n')).unknowns[0]?.reason).toContain('without a package name');
    for (const empty of ['', ' \n\t\n']) expect(await catalogFile(luaRockCataloger, '/x.rockspec', empty)).toMatchObject({ packages: [], unknowns: [] });
    expect((await catalogFile(luaRockCataloger, '/x.rockspec', `x = ${'{'.repeat(40)}${'}'.repeat(40)}`)).unknowns[0]?.reason).toContain('nested deeper than 32');
  });
});
