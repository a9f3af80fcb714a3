import { describe, expect, it } from 'vitest';
import { isSekishoError } from '../../errors.js';
import { parseVex } from './parse.js';

describe('VEX statement limit', () => {
  it('more than 200,000 statements is LIMIT_ENTRY_COUNT, not a silent cut', () => {
    const statements = Array.from({ length: 200_001 }, () => ({}));
    const text = JSON.stringify({ '@context': 'https://openvex.dev/ns/v0.2.0', '@id': 'x', author: 'a', timestamp: '2026-01-01T00:00:00Z', version: 1, statements });
    let code = 'ok';
    try {
      parseVex(text, 'big.vex.json');
    } catch (error) {
      code = isSekishoError(error) ? error.code : String(error);
    }
    expect(code).toBe('LIMIT_ENTRY_COUNT');
  });
});
