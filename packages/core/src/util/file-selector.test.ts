import { describe, expect, it } from 'vitest';
import { compileSelector } from './file-selector.js';

describe('compileSelector', () => {
  const matches = compileSelector({
    paths: ['/var/lib/dpkg/status'],
    basenames: ['package.json'],
    suffixes: ['.jar'],
    globs: ['/var/lib/dpkg/status.d/*', '/usr/lib/**/*.dist-info/METADATA'],
  });

  it.each([
    ['/var/lib/dpkg/status', true],
    ['/var/lib/dpkg/status-old', false],
    ['/app/node_modules/a/package.json', true],
    ['/app/package.json.bak', false],
    ['/opt/app/lib/log4j-core-2.14.1.jar', true],
    ['/var/lib/dpkg/status.d/base', true],
    ['/var/lib/dpkg/status.d/sub/x', false],
    ['/usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA', true],
    ['/usr/lib/python3/.hidden/x.dist-info/METADATA', true],
  ])('%s → %s', (path, expected) => {
    expect(matches(path)).toBe(expected);
  });

  it('selects nothing when empty', () => {
    expect(compileSelector({})('/etc/passwd')).toBe(false);
  });
});
