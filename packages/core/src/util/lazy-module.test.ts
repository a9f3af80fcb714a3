import { describe, expect, it } from 'vitest';
import { lazyModule } from './lazy-module.js';

describe('lazyModule', () => {
  it('loads the package on the first call and returns the same module after', () => {
    const path = lazyModule<typeof import('node:path')>('node:path');
    expect(path().posix.join('a', 'b')).toBe('a/b');
    expect(path()).toBe(path());
  });

  it('fails only when called, naming the package', () => {
    const missing = lazyModule<unknown>('sekisho-no-such-package');
    expect(() => missing()).toThrow(/sekisho-no-such-package/);
  });
});
