import { describe, expect, it } from 'vitest';
import { catalogFile } from '../../testing/catalog-tester.js';
import { catalogFiles, edges, ids } from '../lang-common/test-helpers.js';
import { javascriptPackageCataloger } from './package-json.js';

const manifest = (name: string, version: string, deps: Record<string, string> = {}) => JSON.stringify({ name, version, dependencies: deps });

describe('javascript-package-cataloger', () => {
  it('reads a package.json stored sparse (zeros of a hole around the JSON text)', async () => {
    const content = Buffer.concat([Buffer.alloc(8192), Buffer.from('{"name": "left-pad", "version": "1.3.0"}\n'), Buffer.alloc(2000)]);
    const out = await catalogFile(javascriptPackageCataloger, '/app/node_modules/left-pad/package.json', content);
    expect(out.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['left-pad@1.3.0']);
    expect(out.unknowns).toEqual([]);
  });

  it('reports a package.json with name and version, scoped purl, licenses and metadata', async () => {
    const out = await catalogFile(
      javascriptPackageCataloger,
      '/app/node_modules/@types/node/package.json',
      JSON.stringify({ name: '@types/node', version: '20.1.0', license: { type: 'MIT' }, author: { name: 'A', email: 'a@x' }, homepage: 'https://h' }),
    );
    expect(out.packages).toHaveLength(1);
    expect(out.packages[0]).toMatchObject({
      name: '@types/node',
      version: '20.1.0',
      type: 'npm',
      purl: 'pkg:npm/%40types/node@20.1.0',
      licenses: ['MIT'],
      evidence: 'installed',
      paths: ['/app/node_modules/@types/node/package.json'],
      metadata: { type: 'language-package', source: 'package.json', fields: { author: 'A <a@x>', homepage: 'https://h' } },
    });
  });

  it('skips manifests without a name or version, and legacy license arrays are read', async () => {
    expect((await catalogFile(javascriptPackageCataloger, '/app/package.json', '{"private": true}')).packages).toEqual([]);
    const legacy = await catalogFile(javascriptPackageCataloger, '/p/package.json', JSON.stringify({ name: 'x', version: '1.0.0', licenses: [{ type: 'MIT' }, 'Apache-2.0'] }));
    expect(legacy.packages[0]?.licenses).toEqual(['MIT', 'Apache-2.0']);
  });

  it('resolves dependencies the way Node does, nested copies first', async () => {
    const out = await catalogFiles(javascriptPackageCataloger, {
      '/app/package.json': manifest('app', '1.0.0', { a: '^1', b: '^2' }),
      '/app/node_modules/a/package.json': manifest('a', '1.0.0', { b: '^1' }),
      '/app/node_modules/a/node_modules/b/package.json': manifest('b', '1.5.0'),
      '/app/node_modules/b/package.json': manifest('b', '2.0.0'),
    });
    const byRef = new Map(out.packages.map((p) => [p.ref, `${p.name}@${p.version}`]));
    const rels = out.relationships.map((r) => `${byRef.get(r.fromRef)} -> ${byRef.get(r.toRef)}`).sort();
    expect(rels).toEqual(['a@1.0.0 -> b@1.5.0', 'app@1.0.0 -> a@1.0.0', 'app@1.0.0 -> b@2.0.0']);
  });

  it('links pnpm store packages whose dependency links are symlinks, by range', async () => {
    const out = await catalogFiles(javascriptPackageCataloger, {
      '/app/node_modules/.pnpm/a@1.0.0/node_modules/a/package.json': manifest('a', '1.0.0', { b: '^2.0.0' }),
      '/app/node_modules/.pnpm/b@1.0.0/node_modules/b/package.json': manifest('b', '1.0.0'),
      '/app/node_modules/.pnpm/b@2.1.0/node_modules/b/package.json': manifest('b', '2.1.0'),
    });
    expect(ids(out)).toEqual(['a@1.0.0', 'b@1.0.0', 'b@2.1.0']);
    expect(out.relationships).toEqual([
      { fromRef: '/app/node_modules/.pnpm/a@1.0.0/node_modules/a/package.json', toRef: '/app/node_modules/.pnpm/b@2.1.0/node_modules/b/package.json', type: 'depends-on' },
    ]);
    expect(edges(out)).toEqual(['a -> b']);
  });

  it('turns invalid or deeply nested JSON into an unknown', async () => {
    const bad = await catalogFile(javascriptPackageCataloger, '/x/package.json', '{"name": "x", ');
    expect(bad.packages).toEqual([]);
    expect(bad.unknowns[0]?.path).toBe('/x/package.json');
    const deep = await catalogFile(javascriptPackageCataloger, '/y/package.json', `{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`);
    expect(deep.unknowns[0]?.reason).toMatch(/nested deeper/);
  });
});
