import { describe, expect, it } from 'vitest';
import { isSekishoError } from '../errors.js';
import { reportFromSbom } from './sbom-input.js';

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
    return 'ok';
  } catch (error) {
    return isSekishoError(error) ? error.code : String(error);
  }
};

describe('SBOM input limits fail the scan instead of dropping components', () => {
  it('more than 500,000 CycloneDX components is LIMIT_ENTRY_COUNT', () => {
    const components = Array.from({ length: 500_001 }, () => ({}));
    expect(codeOf(() => reportFromSbom(JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', components }), 'big.cdx.json'))).toBe('LIMIT_ENTRY_COUNT');
  });

  it('components nested deeper than 16 levels is LIMIT_ENTRY_SIZE', () => {
    let nested: Record<string, unknown> = { type: 'library', name: 'deep', version: '1', purl: 'pkg:npm/deep@1' };
    for (let i = 0; i < 20; i++) nested = { type: 'library', name: `n${i}`, version: '1', purl: `pkg:npm/n${i}@1`, components: [nested] };
    expect(codeOf(() => reportFromSbom(JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', components: [nested] }), 'deep.cdx.json'))).toBe('LIMIT_ENTRY_SIZE');
  });

  it('more than 500,000 packages in a Sekisho report is LIMIT_ENTRY_COUNT', () => {
    const packages = Array.from({ length: 500_001 }, () => null);
    expect(codeOf(() => reportFromSbom(JSON.stringify({ schema: 'sekisho.report/v1', packages }), 'big.json'))).toBe('LIMIT_ENTRY_COUNT');
  });
});
