import { describe, expect, it } from 'vitest';
import { isSekishoError } from '../errors.js';
import { reportFromSbom, SBOM_INPUT_LIMITS } from './sbom-input.js';

// Small CycloneDX documents written for these tests.
const component = (n: number, components: unknown[] = []): Record<string, unknown> => ({
  type: 'library',
  'bom-ref': `c${n}`,
  name: `pkg${n}`,
  version: '1.0.0',
  purl: `pkg:npm/pkg${n}@1.0.0`,
  ...(components.length > 0 ? { components } : {}),
});

/** A chain of `depth` components, each nested in the one before. */
function chain(depth: number): string {
  let inner: Record<string, unknown> | null = null;
  for (let n = depth - 1; n >= 0; n--) inner = component(n, inner === null ? [] : [inner]);
  return JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', components: inner === null ? [] : [inner] });
}

function codeOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (error) {
    return isSekishoError(error) ? error.code : `not a SekishoError: ${String(error)}`;
  }
}

describe('CycloneDX nesting and size bounds', () => {
  it('reads components nested far deeper than 16 levels (no silent drop)', () => {
    const input = reportFromSbom(chain(200), 'deep.json');
    expect(input.report.packages).toHaveLength(200);
    expect(input.report.packages.map((p) => p.name)).toContain('pkg199');
  });

  it('walks without recursion: a chain deeper than the stack would allow fails with a limit, not a crash', () => {
    expect(codeOf(() => reportFromSbom(chain(SBOM_INPUT_LIMITS.maxDepth + 1), 'deeper.json'))).toBe('LIMIT_SBOM_DEPTH');
    expect(reportFromSbom(chain(SBOM_INPUT_LIMITS.maxDepth), 'at-bound.json').report.packages).toHaveLength(SBOM_INPUT_LIMITS.maxDepth);
  });

  it('refuses more components than the cap with a limit error instead of truncating', () => {
    const doc = JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', components: [component(0, [component(1), component(2)]), component(3)] });
    expect(reportFromSbom(doc, 'four.json', { maxComponents: 4 }).report.packages).toHaveLength(4);
    expect(codeOf(() => reportFromSbom(doc, 'four.json', { maxComponents: 3 }))).toBe('LIMIT_SBOM_COMPONENTS');
    const sekisho = JSON.stringify({ schema: 'sekisho.report/v1', packages: [1, 2, 3, 4].map((n) => ({ id: `p${n}`, name: `p${n}`, version: '1', type: 'npm' })) });
    expect(codeOf(() => reportFromSbom(sekisho, 'report.json', { maxComponents: 3 }))).toBe('LIMIT_SBOM_COMPONENTS');
  });

  it('documents the default bounds', () => {
    expect(SBOM_INPUT_LIMITS.maxComponents).toBe(500_000);
    expect(SBOM_INPUT_LIMITS.maxDepth).toBeGreaterThanOrEqual(1000);
  });
});
