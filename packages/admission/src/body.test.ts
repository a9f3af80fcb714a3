import { describe, expect, it } from 'vitest';
import { jsonDepthExceeds, parseJsonBody } from './body.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('bounded JSON bodies', () => {
  it('counts nesting outside strings only, escapes included', () => {
    expect(jsonDepthExceeds('[[[]]]', 3)).toBe(false);
    expect(jsonDepthExceeds('[[[[]]]]', 3)).toBe(true);
    expect(jsonDepthExceeds('{"a":"[[[[[[\\"[[[["}', 1)).toBe(false);
    expect(jsonDepthExceeds('{"a":{"b":{"c":1}}}', 2)).toBe(true);
  });

  it('refuses too large (413), too deep, not UTF-8 and not JSON (400), and parses the rest', () => {
    expect(parseJsonBody(bytes('{"a":1}'), { bytes: 4, depth: 10 })).toMatchObject({ ok: false, status: 413 });
    expect(parseJsonBody(bytes(`${'['.repeat(200)}${']'.repeat(200)}`), { bytes: 1000, depth: 100 })).toMatchObject({ ok: false, status: 400, message: expect.stringContaining('deeper') as string });
    expect(parseJsonBody(new Uint8Array([0x7b, 0xff, 0x7d]))).toMatchObject({ ok: false, status: 400, message: 'body is not UTF-8' });
    expect(parseJsonBody(bytes('{"a":'))).toMatchObject({ ok: false, status: 400 });
    expect(parseJsonBody(bytes('{"__proto__":{"x":1}}'))).toMatchObject({ ok: true });
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
  });
});
