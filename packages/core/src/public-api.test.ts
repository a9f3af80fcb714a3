import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');
const DIST = join(ROOT, 'packages/core/dist');
const API_DOC = readFileSync(join(ROOT, 'docs/api.md'), 'utf8');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** `Values: `a`, `b`` and `Types: …` lines of docs/api.md's Exports section. */
function documented(kind: 'Values' | 'Types'): string[] {
  const exportsSection = API_DOC.slice(API_DOC.indexOf('## Exports'));
  return [...exportsSection.matchAll(new RegExp(`^${kind}: (.*)$`, 'gm'))].flatMap((m) => [...(m[1] ?? '').matchAll(/`([A-Za-z_$][\w$]*)`/g)].map((n) => n[1] ?? ''));
}

/** Names the README calls public API: "public API `name(…)`". */
function readmeClaims(): string[] {
  return [...README.matchAll(/public API `([A-Za-z_$][\w$]*)/g)].map((m) => m[1] ?? '');
}

const built = existsSync(join(DIST, 'index.js'));
const requireBuild = process.env['SEKISHO_REQUIRE_FIXTURES'] === '1';
if (!built && !requireBuild) console.warn('skipping the public API test: packages/core/dist is not built (npm run build)');

describe.skipIf(!built && !requireBuild)('@sekisho/core public API (built package)', () => {
  it('exports every value docs/api.md and the README name, and nothing else', async () => {
    const api = (await import(pathToFileURL(join(DIST, 'index.js')).href)) as Record<string, unknown>;
    const values = documented('Values');
    expect(values.length).toBeGreaterThan(50);
    for (const name of [...values, ...readmeClaims()]) expect(api[name], `${name} is documented but not exported`).toBeDefined();
    expect(
      Object.keys(api).filter((name) => !values.includes(name)),
      'exported but not in docs/api.md',
    ).toEqual([]);
  });

  it('exports every type docs/api.md names (in dist/index.d.ts)', () => {
    const declarations = readFileSync(join(DIST, 'index.d.ts'), 'utf8');
    const exportedTypes = new Set([...declarations.matchAll(/^export type \{ ([^}]*) \}/gm)].flatMap((m) => (m[1] ?? '').split(',').map((n) => n.trim())));
    const types = documented('Types');
    for (const name of types) expect(exportedTypes.has(name), `type ${name} is documented but not exported`).toBe(true);
    expect(
      [...exportedTypes].filter((name) => !types.includes(name)),
      'type exported but not in docs/api.md',
    ).toEqual([]);
  });

  it('names getVersionScheme, which the README calls public, and it works', async () => {
    expect(readmeClaims()).toContain('getVersionScheme');
    const { getVersionScheme } = (await import(pathToFileURL(join(DIST, 'index.js')).href)) as { getVersionScheme: (id: string) => { compare(a: string, b: string): number } };
    expect(getVersionScheme('semver').compare('1.2.0', '1.10.0')).toBeLessThan(0);
  });
});
