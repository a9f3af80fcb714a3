import { describe, expect, it } from 'vitest';
import { decodeKeys, encodeKeys, hasAncestorKey, widePathKey } from './layer-result.js';

describe('non-directory keys', () => {
  const keys = decodeKeys(encodeKeys(Float64Array.from(['/var/lib/dpkg', '/opt/app', '/etc/passwd', '/var/lib/dpkg'].map(widePathKey))));

  it('round-trips sorted, unique, exact 53-bit integers', () => {
    expect(keys).toHaveLength(3);
    for (const key of keys) expect(Number.isSafeInteger(key)).toBe(true);
    expect([...keys]).toEqual([...keys].sort((a, b) => a - b));
  });

  it.each([
    ['/var/lib/dpkg/status', true],
    ['/var/lib/dpkg/info/bash.list', true],
    ['/opt/app/node_modules/x/package.json', true],
    ['/var/lib/dpkg', false], // the entry itself is an overwrite, not an ancestor
    ['/var/lib/dpkgx/status', false],
    ['/var/lib/status', false],
    ['/etc/passwd', false],
  ])('%s has a replaced ancestor: %s', (path, expected) => {
    expect(hasAncestorKey(keys, path)).toBe(expected);
  });
});
