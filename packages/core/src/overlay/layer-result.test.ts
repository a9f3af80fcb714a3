import { describe, expect, it } from 'vitest';
import { layerPathSets, overwrites, replacesAncestor } from './layer-result.js';

describe('layer path sets', () => {
  const sets = layerPathSets({ paths: ['/etc', '/etc/passwd', '/opt/app', '/var/lib/dpkg'], dirPaths: ['/etc'] });

  it.each([
    ['/var/lib/dpkg/status', true],
    ['/var/lib/dpkg/info/bash.list', true],
    ['/opt/app/node_modules/x/package.json', true],
    ['/var/lib/dpkg', false], // the entry itself is an overwrite, not an ancestor
    ['/var/lib/dpkgx/status', false],
    ['/var/lib/status', false],
    ['/etc/passwd', false],
    ['/etc/passwd/x', true],
    ['/etc/shadow', false], // /etc is a directory entry: it merges, it does not replace
  ])('%s has a replaced ancestor: %s', (path, expected) => {
    expect(replacesAncestor(sets, path)).toBe(expected);
  });

  it('overwrites exactly the paths the layer names', () => {
    expect(overwrites(sets, '/etc/passwd')).toBe(true);
    expect(overwrites(sets, '/etc/passwd ')).toBe(false);
    expect(overwrites(sets, '/var/lib/dpkg/status')).toBe(false);
  });
});
