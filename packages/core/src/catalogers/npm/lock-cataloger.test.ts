import { describe, expect, it } from 'vitest';
import { catalogFile } from '../../testing/catalog-tester.js';
import { catalogFiles, devIds, edges, ids } from '../lang-common/test-helpers.js';
import { parseBunLock } from './bun-lock.js';
import { parseDenoLock } from './deno-lock.js';
import { javascriptLockCataloger } from './lock-cataloger.js';
import { parsePackageLock } from './package-lock.js';
import { parsePnpmLock } from './pnpm-lock.js';
import { parseYarnLockFile } from './yarn-lock.js';

const lock = (path: string, text: string) => catalogFile(javascriptLockCataloger, path, text);

describe('package-lock.json', () => {
  it('v1: nested dependencies, aliases, dev subtrees skipped, requires resolved through scopes', async () => {
    const out = await lock(
      '/app/package-lock.json',
      JSON.stringify({
        name: 'app',
        version: '1.0.0',
        lockfileVersion: 1,
        dependencies: {
          a: { version: '1.0.0', requires: { b: '^1' }, dependencies: { b: { version: '1.0.0' } } },
          b: { version: '2.0.0' },
          c: { version: 'npm:@scope/real@3.0.0', requires: { b: '^2' } },
          d: { version: '1.0.0', dev: true, dependencies: { e: { version: '1.0.0' } } },
        },
      }),
    );
    expect(ids(out)).toEqual(['@scope/real@3.0.0', 'a@1.0.0', 'b@1.0.0', 'b@2.0.0']);
    const byRef = new Map(out.packages.map((p) => [p.ref, `${p.name}@${p.version}`]));
    expect(out.relationships.map((r) => `${byRef.get(r.fromRef)} -> ${byRef.get(r.toRef)}`).sort()).toEqual(['@scope/real@3.0.0 -> b@2.0.0', 'a@1.0.0 -> b@1.0.0']);
    expect(out.packages.find((p) => p.name === '@scope/real')?.purl).toBe('pkg:npm/%40scope/real@3.0.0');
  });

  it('v3: packages map with the root project, workspace links, licenses and dev entries skipped', async () => {
    const out = await lock(
      '/app/package-lock.json',
      JSON.stringify({
        lockfileVersion: 3,
        packages: {
          '': { name: 'app', version: '1.0.0', dependencies: { a: '^1', ws: '*' } },
          'node_modules/a': { version: '1.2.0', license: ['MIT', 'ISC'], dependencies: { b: '^1' }, resolved: 'https://r/a.tgz' },
          'node_modules/a/node_modules/b': { version: '1.0.0' },
          'node_modules/b': { version: '2.0.0', dev: true },
          'node_modules/ws': { resolved: 'packages/ws', link: true },
          'packages/ws': { name: 'ws', version: '0.1.0', dependencies: { a: '^1' } },
        },
      }),
    );
    expect(ids(out)).toEqual(['a@1.2.0', 'app@1.0.0', 'b@1.0.0', 'ws@0.1.0']);
    expect(out.packages.find((p) => p.name === 'a')).toMatchObject({ licenses: ['MIT', 'ISC'], evidence: 'declared', metadata: { fields: { resolved: 'https://r/a.tgz' } } });
    expect(edges(out)).toEqual(['a -> b', 'app -> a', 'app -> ws', 'ws -> a']);
  });

  it('corrupt lockfiles become unknowns', async () => {
    const out = await lock('/app/package-lock.json', '{"lockfileVersion": 2, "packa');
    expect(out.packages).toEqual([]);
    expect(out.unknowns).toHaveLength(1);
  });
});

describe('yarn.lock', () => {
  const v1 = [
    '# yarn lockfile v1',
    '',
    '"@babel/code-frame@^7.0.0", "@babel/code-frame@^7.10.4":',
    '  version "7.10.4"',
    '  resolved "https://registry.yarnpkg.com/@babel/code-frame/-/code-frame-7.10.4.tgz#abc"',
    '  integrity sha512-x',
    '  dependencies:',
    '    "@babel/highlight" "^7.10.4"',
    '',
    '"@babel/highlight@^7.10.4":',
    '  version "7.10.4"',
    '',
    'fork@^1.0.0:',
    '  version "1.5.2"',
    '  resolved "https://registry.yarnpkg.com/@4lolo/fork/-/fork-1.5.2.tgz#58"',
    '',
    'dev-tool@^1.0.0:',
    '  version "1.0.0"',
    '  dependencies:',
    '    dev-dep "^1.0.0"',
    '',
    'dev-dep@^1.0.0:',
    '  version "1.0.0"',
    '',
  ].join('\n');

  it('v1: descriptors, names from registry URLs, dependency edges', async () => {
    const out = await lock('/app/yarn.lock', v1);
    expect(ids(out)).toEqual(['@4lolo/fork@1.5.2', '@babel/code-frame@7.10.4', '@babel/highlight@7.10.4', 'dev-dep@1.0.0', 'dev-tool@1.0.0']);
    expect(edges(out)).toEqual(['@babel/code-frame -> @babel/highlight', 'dev-tool -> dev-dep']);
    expect(out.packages.find((p) => p.name === '@babel/code-frame')?.purl).toBe('pkg:npm/%40babel/code-frame@7.10.4');
  });

  it('drops packages only the project package.json devDependencies reach', async () => {
    const out = await catalogFiles(javascriptLockCataloger, {
      '/app/yarn.lock': v1,
      '/app/package.json': JSON.stringify({ dependencies: { '@babel/code-frame': '^7.10.4' }, devDependencies: { 'dev-tool': '^1.0.0' } }),
      '/app/node_modules/x/package.json': JSON.stringify({ name: 'x', version: '1.0.0' }),
    });
    expect(ids(out)).toEqual(['@4lolo/fork@1.5.2', '@babel/code-frame@7.10.4', '@babel/highlight@7.10.4']);
  });

  it('berry: YAML entries keyed by descriptors with protocols; workspaces skipped', async () => {
    const berry = [
      '__metadata:',
      '  version: 6',
      '',
      '"app@workspace:.":',
      '  version: 0.0.0-use.local',
      '  resolution: "app@workspace:."',
      '  dependencies:',
      '    lodash: ^4.17.15',
      '',
      '"lodash@npm:^4.17.15":',
      '  version: 4.17.15',
      '  resolution: "lodash@npm:4.17.15"',
      '  checksum: abc',
      '',
      '"@scope/x@npm:1.0.0":',
      '  version: 1.0.0',
      '  resolution: "@scope/x@npm:1.0.0"',
      '  dependencies:',
      '    lodash: "npm:^4.17.15"',
    ].join('\n');
    const out = await lock('/app/yarn.lock', berry);
    expect(ids(out)).toEqual(['@scope/x@1.0.0', 'lodash@4.17.15']);
    expect(edges(out)).toEqual(['@scope/x -> lodash']);
  });
});

describe('pnpm-lock.yaml', () => {
  it('v5 keys, dev flags', async () => {
    const out = await lock(
      '/app/pnpm-lock.yaml',
      [
        'lockfileVersion: 5.4',
        'packages:',
        '  /nanoid/3.3.4:',
        '    resolution: {integrity: sha512-x}',
        '    dev: false',
        '    dependencies:',
        '      "@scope/p": 1.0.0_react@18.2.0',
        '  /@scope/p/1.0.0_react@18.2.0:',
        '    resolution: {integrity: sha512-y}',
        '    dev: false',
        '  /jest/29.0.0:',
        '    resolution: {integrity: sha512-z}',
        '    dev: true',
      ].join('\n'),
    );
    expect(ids(out)).toEqual(['@scope/p@1.0.0', 'nanoid@3.3.4']);
    expect(edges(out)).toEqual(['nanoid -> @scope/p']);
  });

  it('v9: packages + snapshots, dev-only packages pruned from importers', async () => {
    const out = await lock(
      '/app/pnpm-lock.yaml',
      [
        "lockfileVersion: '9.0'",
        'importers:',
        '  .:',
        '    dependencies:',
        '      express:',
        '        specifier: ^4.17.1',
        '        version: 4.17.1',
        '    devDependencies:',
        '      vitest:',
        '        specifier: ^1',
        '        version: 1.0.0(@types/node@20.0.0)',
        'packages:',
        '  express@4.17.1:',
        '    resolution: {integrity: sha512-a}',
        '  debug@2.6.9:',
        '    resolution: {integrity: sha512-b}',
        '  vitest@1.0.0:',
        '    resolution: {integrity: sha512-c}',
        '  tinypool@0.8.0:',
        '    resolution: {integrity: sha512-d}',
        'snapshots:',
        '  express@4.17.1:',
        '    dependencies:',
        '      debug: 2.6.9',
        '  debug@2.6.9: {}',
        '  vitest@1.0.0(@types/node@20.0.0):',
        '    dependencies:',
        '      tinypool: 0.8.0',
        '      debug: 2.6.9',
        '  tinypool@0.8.0: {}',
      ].join('\n'),
    );
    expect(ids(out)).toEqual(['debug@2.6.9', 'express@4.17.1']);
    expect(devIds(out)).toEqual(['tinypool@0.8.0', 'vitest@1.0.0']);
    expect(edges(out)).toEqual(['express -> debug', 'vitest -> debug', 'vitest -> tinypool']);
  });

  it('alias bombs and invalid YAML become unknowns', async () => {
    const levels = ['lockfileVersion: "9.0"', 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++)
      levels.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    const bomb = await lock('/app/pnpm-lock.yaml', levels.join('\n'));
    expect(bomb.packages).toEqual([]);
    expect(bomb.unknowns[0]?.reason).toMatch(/YAML/);
    const invalid = await lock('/app/pnpm-lock.yaml', 'packages:\n  - [unclosed\n');
    expect(invalid.unknowns).toHaveLength(1);
  });
});

describe('bun.lock and deno.lock', () => {
  it('bun.lock: JSONC tuples, nested copies, workspaces skipped, dev-only pruned', async () => {
    const out = await lock(
      '/app/bun.lock',
      `{
        // comment
        "lockfileVersion": 1,
        "workspaces": { "": { "name": "app", "dependencies": { "axios": "^1.6.0" }, "devDependencies": { "typescript": "^5" } } },
        "packages": {
          "app": ["app@root:", {}],
          "axios": ["axios@1.6.0", "", { "dependencies": { "follow-redirects": "^1.15.0" } }, "sha512-a"],
          "follow-redirects": ["follow-redirects@1.15.3", "", {}, "sha512-b"],
          "axios/follow-redirects": ["follow-redirects@1.14.0", "", {}, "sha512-c"],
          "typescript": ["typescript@5.4.0", "", {}, "sha512-d"],
        },
      }`,
    );
    expect(ids(out)).toEqual(['axios@1.6.0', 'follow-redirects@1.14.0', 'follow-redirects@1.15.3']);
    const axios = out.packages.find((p) => p.name === 'axios')!;
    const nested = out.packages.find((p) => p.version === '1.14.0')!;
    expect(out.relationships).toEqual([{ fromRef: axios.ref, toRef: nested.ref, type: 'depends-on' }]);
  });

  it('deno.lock v4: jsr and npm packages, deno.land remote modules', async () => {
    const out = await lock(
      '/app/deno.lock',
      JSON.stringify({
        version: '4',
        jsr: { '@std/bytes@1.0.2': { integrity: 'x' } },
        npm: { 'typedoc@0.28.19_typescript@6.0.3': { integrity: 'y' } },
        remote: { 'https://deno.land/std@0.140.0/path/mod.ts': 'z', 'https://deno.land/std@0.140.0/fs/mod.ts': 'z' },
      }),
    );
    expect(out.packages.map((p) => p.purl).sort()).toEqual([
      'pkg:npm/%40std/bytes@1.0.2?repository_url=https%3A%2F%2Fjsr.io',
      'pkg:npm/deno.land%2Fstd@0.140.0?repository_url=https%3A%2F%2Fdeno.land',
      'pkg:npm/typedoc@0.28.19',
    ]);
  });
});

describe('entry limits never hide packages silently', () => {
  // The real limit is 200,000 packages per lockfile; the parsers take it as a parameter so these stay fast.
  const N = 5;
  const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
  const limitReason = expect.stringMatching(/^1 (package\(s\)|lockfile entries) past the limit of 5 per file were not read$/);
  const buf = (value: unknown): Buffer => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

  it('package-lock v3: link entries do not count; dev entries are kept, marked; real packages past the limit become an unknown', () => {
    const dev = Object.fromEntries(range(N - 1).map((i) => [`node_modules/dev${i}`, { version: '1.0.0', dev: true }]));
    const links = Object.fromEntries(range(N).map((i) => [`node_modules/link${i}`, { link: true, resolved: `packages/l${i}` }]));
    const padded = parsePackageLock('/app/package-lock.json', buf({ lockfileVersion: 3, packages: { ...dev, ...links, 'node_modules/lodash': { version: '4.17.20' } } }), N);
    expect(ids(padded)).toEqual(['lodash@4.17.20']);
    expect(devIds(padded)).toHaveLength(N - 1);
    expect(padded.unknowns).toEqual([]);
    const real = Object.fromEntries(range(N).map((i) => [`node_modules/pad${i}`, { version: '1.0.0' }]));
    const out = parsePackageLock('/app/package-lock.json', buf({ lockfileVersion: 3, packages: { ...real, 'node_modules/lodash': { version: '4.17.20' } } }), N);
    expect(out.packages).toHaveLength(N);
    expect(out.unknowns).toEqual([{ path: '/app/package-lock.json', reason: limitReason }]);
  });

  it('package-lock v1', () => {
    const deps = Object.fromEntries(range(N + 1).map((i) => [`pad${i}`, { version: '1.0.0' }]));
    const out = parsePackageLock('/app/package-lock.json', buf({ lockfileVersion: 1, dependencies: deps }), N);
    expect(out.packages).toHaveLength(N);
    expect(out.unknowns.map((u) => u.reason)).toEqual([limitReason]);
  });

  it('yarn.lock v1 and berry', () => {
    const v1 = parseYarnLockFile(
      '/app/yarn.lock',
      buf(
        range(N + 1)
          .map((i) => `pad${i}@^1.0.0:\n  version "1.0.0"\n`)
          .join('\n'),
      ),
      N,
    );
    expect('packages' in v1 && v1.packages).toHaveLength(N);
    expect('unknowns' in v1 && v1.unknowns.map((u) => u.reason)).toEqual([limitReason]);
    const berryText = `__metadata:\n  version: 6\n\n${range(N + 1)
      .map((i) => `"pad${i}@npm:^1.0.0":\n  version: 1.0.0\n  resolution: "pad${i}@npm:1.0.0"\n`)
      .join('\n')}`;
    const berry = parseYarnLockFile('/app/yarn.lock', buf(berryText), N);
    expect('packages' in berry && berry.packages).toHaveLength(N);
    expect('unknowns' in berry && berry.unknowns.map((u) => u.reason)).toEqual([limitReason]);
  });

  it('bun.lock and deno.lock', () => {
    const bunPackages = Object.fromEntries(range(N + 1).map((i) => [`pad${i}`, [`pad${i}@1.0.0`, '', {}, 'sha512-x']]));
    const workspaces = { '': { dependencies: Object.fromEntries(range(N + 1).map((i) => [`pad${i}`, '1.0.0'])) } };
    const bun = parseBunLock('/app/bun.lock', buf({ lockfileVersion: 1, workspaces, packages: bunPackages }), N);
    expect(bun.packages).toHaveLength(N);
    expect(bun.unknowns.map((u) => u.reason)).toEqual([limitReason]);
    const npm = Object.fromEntries(range(N + 1).map((i) => [`pad${i}@1.0.0`, { integrity: 'sha512-x' }]));
    const deno = parseDenoLock('/app/deno.lock', buf({ version: '4', npm }), N);
    expect(deno.packages).toHaveLength(N);
    expect(deno.unknowns.map((u) => u.reason)).toEqual([limitReason]);
  });

  it('pnpm-lock.yaml', () => {
    const packages = range(N + 1)
      .map((i) => `  /pad${i}@1.0.0:\n    resolution: {integrity: sha512-x}\n    dev: false\n`)
      .join('');
    const out = parsePnpmLock('/app/pnpm-lock.yaml', buf(`lockfileVersion: '6.0'\n\npackages:\n${packages}`), N);
    expect(out.packages).toHaveLength(N);
    expect(out.unknowns.map((u) => u.reason)).toEqual([limitReason]);
  });
});

describe('lockfiles inside installed module trees', () => {
  const shrinkwrap = JSON.stringify({
    name: 'glob',
    version: '8.0.3',
    lockfileVersion: 2,
    packages: { '': { name: 'glob', version: '8.0.3' }, 'node_modules/tap': { version: '16.0.0', dev: true }, 'node_modules/minimatch': { version: '5.1.0' } },
  });

  it('reports no packages for the lockfile an installed module ships (Debian /usr/share/nodejs, node_modules)', async () => {
    for (const path of [
      '/usr/share/nodejs/glob/npm-shrinkwrap.json',
      '/usr/lib/nodejs/glob/package-lock.json',
      '/usr/lib/x86_64-linux-gnu/nodejs/glob/pnpm-lock.yaml',
      '/app/node_modules/glob/package-lock.json',
    ]) {
      expect((await lock(path, shrinkwrap)).packages).toEqual([]);
    }
  });

  it('still reads an application root lockfile', async () => {
    const out = await lock('/srv/app/npm-shrinkwrap.json', shrinkwrap);
    expect(ids(out)).toEqual(['glob@8.0.3', 'minimatch@5.1.0']);
    expect(devIds(out)).toEqual(['tap@16.0.0']);
  });
});

describe('pnpm-lock.yaml with several documents', () => {
  it('reads the env document (pnpm itself) and the project document', () => {
    const text = [
      '---',
      "lockfileVersion: '9.0'",
      'importers:',
      '  .:',
      '    packageManagerDependencies:',
      '      pnpm:',
      '        specifier: 11.0.3',
      '        version: 11.0.3',
      'packages:',
      '  pnpm@11.0.3:',
      '    resolution: {integrity: sha512-aa}',
      'snapshots:',
      '  pnpm@11.0.3: {}',
      '',
      '---',
      "lockfileVersion: '9.0'",
      'importers:',
      '  .:',
      '    dependencies:',
      '      lodash:',
      '        specifier: ^4.17.0',
      '        version: 4.17.21',
      'packages:',
      '  lodash@4.17.21:',
      '    resolution: {integrity: sha512-bb}',
      'snapshots:',
      '  lodash@4.17.21: {}',
      '',
    ].join('\n');
    const out = parsePnpmLock('/app/pnpm-lock.yaml', Buffer.from(text));
    expect(out.unknowns).toEqual([]);
    expect(ids(out)).toEqual(['lodash@4.17.21', 'pnpm@11.0.3']);
  });
});
