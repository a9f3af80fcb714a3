import picomatch from 'picomatch';
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

describe('compileSelector pre-checks agree with the plain glob', () => {
  const globs = [
    '**/python[0-9]*',
    '**/libpython*.so*',
    '/usr/{bin,sbin,libexec}/**',
    '/{app,opt,srv}/**/!(*.*)',
    '/!(*.*)',
    '**/bin/javac',
    '/**/specifications/**/*.gemspec',
    '/var/lib/dpkg/status.d/*',
    '**/node_modules/**/package.json',
    '/**/*requirements*.txt',
  ];
  const paths = [
    '/usr/bin/python3.11',
    '/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0',
    '/usr/bin/env',
    '/usr/local/bin/x',
    '/app/server',
    '/app/server.js',
    '/bin',
    '/init',
    '/opt/jdk/bin/javac',
    '/usr/lib/ruby/gems/3.1.0/specifications/rake-13.0.6.gemspec',
    '/var/lib/dpkg/status.d/libc6',
    '/app/node_modules/a/node_modules/b/package.json',
    '/srv/requirements-dev.txt',
    '/srv/.hidden/requirements.txt',
  ];
  it.each(globs)('%s', (glob) => {
    const plain = picomatch(glob, { dot: true });
    const fast = compileSelector({ globs: [glob] });
    for (const path of paths) expect(fast(path), `${glob} on ${path}`).toBe(plain(path));
  });
});
