import { describe, expect, it } from 'vitest';
import { dedupePackages, languagePackage, normalizePath, markDevOnly, purl } from './output.js';

const pkg = (ref: string, name: string, version = '1.0.0') => languagePackage({ ref, name, version, type: 'npm', purl: null, evidence: 'declared', source: 'test', paths: ['/l'] });

describe('output helpers', () => {
  it('builds purls and returns null for an empty name or version', () => {
    expect(purl('npm', '@scope', 'name', '1.0.0')).toBe('pkg:npm/%40scope/name@1.0.0');
    expect(purl('npm', null, '', '1.0.0')).toBeNull();
    expect(purl('npm', null, 'x', '')).toBeNull();
  });

  it('keeps one package per name@version and rewrites relationships to it', () => {
    const result = dedupePackages(
      [pkg('a1', 'a'), pkg('a2', 'a'), pkg('b', 'b')],
      [
        { fromRef: 'a2', toRef: 'b', type: 'depends-on' },
        { fromRef: 'a1', toRef: 'b', type: 'depends-on' },
        { fromRef: 'a1', toRef: 'a2', type: 'depends-on' },
      ],
    );
    expect(result.packages.map((p) => p.ref)).toEqual(['a1', 'b']);
    expect(result.relationships).toEqual([{ fromRef: 'a1', toRef: 'b', type: 'depends-on' }]);
  });

  it('marks packages reachable only from development roots as dev', () => {
    const packages = [pkg('prod', 'prod'), pkg('dev', 'dev'), pkg('shared', 'shared'), pkg('devdep', 'devdep'), pkg('orphan', 'orphan')];
    const rels = [
      { fromRef: 'prod', toRef: 'shared', type: 'depends-on' as const },
      { fromRef: 'dev', toRef: 'shared', type: 'depends-on' as const },
      { fromRef: 'dev', toRef: 'devdep', type: 'depends-on' as const },
    ];
    const result = markDevOnly(packages, rels, ['prod'], ['dev']);
    expect(result.packages.filter((p) => p.dev !== true).map((p) => p.ref)).toEqual(['prod', 'shared', 'orphan']);
    expect(result.packages.filter((p) => p.dev === true).map((p) => p.ref)).toEqual(['dev', 'devdep']);
    expect(result.relationships).toHaveLength(3);
  });

  it('normalizes paths without climbing above the root', () => {
    expect(normalizePath('/usr/lib/python3/site-packages/../../../bin/x')).toBe('/usr/bin/x');
    expect(normalizePath('/a/../../../../etc/passwd')).toBe('/etc/passwd');
  });
});
