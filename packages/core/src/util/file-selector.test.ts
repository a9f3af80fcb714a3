import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { compileSelector, SelectorIndex } from './file-selector.js';

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

describe('compileSelector and SelectorIndex pre-checks agree with the plain glob', () => {
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
    '**/go',
    '/**/go',
    '/{app,opt,srv,workspace,usr/share}/**/bin/**',
    '/usr/lib/go{,-*}/bin/**',
    '/home/*/.cargo/bin/**',
    '**/php[0-9]*',
    '/**/*.exe',
    '**/libstd-????????????????.so',
    '**/*',
    '/usr/{bin,sbin}/{a,b}*',
    '/opt/{a,{b,c}}/**',
    '/x/{a}/y',
    '{rel,other}/python3',
    '/usr/share/doc/*/copyright',
    '**/python[0-9]*.so',
    '**/*.cdx.json',
    '/{a,b}/{c,d}/{e,f}/{g,h}/{i,j}/{k,l}/{m,n}/x',
    '/{a,b}/{c,d}/y*',
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
    '/go',
    '/usr/local/go/bin/go',
    '/app/bin',
    '/app/x/bin',
    '/app/x/bin/tool',
    '/app/x/binary/tool',
    '/apple/x/bin/tool',
    '/usr/share/x/bin/y',
    '/usr/lib/go/bin',
    '/usr/lib/go-1.21/bin/gofmt',
    '/usr/lib/gopher/bin/x',
    '/home/u/.cargo/bin/rg',
    '/home/u/.cargo/binx',
    '/usr/bin/php8.2',
    '/usr/bin/php',
    '/app/tool.exe',
    '/app/tool.exe.bak',
    '/usr/lib/libstd-0123456789abcdef.so',
    '/usr/lib/libstd-x.so',
    'relative/python3',
    'rel/python3',
    '/usr',
    '/usr/bin',
    '/usr/library/x',
    '/usr/bin/awk',
    '/usr/sbin/b2',
    '/opt/b/x',
    '/opt/c',
    '/opt/{b,c}/x',
    '/x/{a}/y',
    '/x/a/y',
    '/usr/share/doc/libc6/copyright',
    '/usr/share/doc/libc6/copyright.gz',
    '/usr/share/doc',
    '/py',
    '/a/p',
    '/usr/lib/python3.11.so',
    '/app/bom.cdx.json',
    '/app/.json',
    '/',
    '/b/d/f/h/j/l/n/x',
    '/a/c/e/g/i/k/m/y',
    '/b/c/yes',
    '/b/c/no',
  ];
  it.each(globs)('%s', (glob) => {
    const plain = picomatch(glob, { dot: true });
    const fast = compileSelector({ globs: [glob] });
    const index = new SelectorIndex([{ selector: { globs: [glob] }, plugin: glob }]);
    for (const path of paths) {
      expect(fast(path), `${glob} on ${path}`).toBe(plain(path));
      expect(index.select(path), `${glob} on ${path} (index)`).toEqual(plain(path) ? [glob] : []);
    }
  });

  it('an index of many selectors picks, for each path, exactly the plugins whose rules match it', () => {
    const selectors = globs.map((glob, i) => ({ selector: { globs: [glob], suffixes: i === 0 ? ['.jar', 'r'] : [], basenames: i === 1 ? ['go'] : [] }, plugin: i }));
    const index = new SelectorIndex(selectors);
    for (const path of [...paths, '/opt/a.jar', '/opt/jar', '/opt/x.tar']) {
      const expected = selectors
        .filter(
          ({ selector }) =>
            selector.globs.some((g) => picomatch(g, { dot: true })(path)) || selector.suffixes.some((x) => path.endsWith(x)) || selector.basenames.includes(path.slice(path.lastIndexOf('/') + 1)),
        )
        .map(({ plugin }) => plugin);
      expect(
        [...index.select(path)].sort((a, b) => a - b),
        path,
      ).toEqual(expected);
    }
  });
});
