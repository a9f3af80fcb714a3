import { describe, expect, it } from 'vitest';
import { normalizeEntryPath } from './normalize-path.js';

describe('normalizeEntryPath', () => {
  it.each([
    ['etc/passwd', '/etc/passwd'],
    ['etc/', '/etc'],
    ['./etc/passwd', '/etc/passwd'],
    ['a//b', '/a/b'],
    ['a/./b', '/a/b'],
    ['a/b/../c', '/a/c'],
    ['a/..', '/'],
    ['./', '/'],
    ['.hidden/x', '/.hidden/x'],
    ['..dots/x', '/..dots/x'],
    ['a/...', '/a/...'],
  ])('%s → %s', (name, expected) => {
    expect(normalizeEntryPath(name)).toBe(expected);
  });
  it.each(['/etc/passwd', '../x', 'a/../../x', '..'])('rejects %s', (name) => {
    expect(() => normalizeEntryPath(name)).toThrow();
  });
});
