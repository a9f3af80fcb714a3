import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { SelectorIndex } from '../util/file-selector.js';
import type { FileSelector } from '../util/file-selector.js';
import { catalogers } from './registry.js';

/** What a selector selects, read straight from its rules: the index must agree with this for every path. */
function selects(selector: FileSelector, path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return (
    (selector.paths ?? []).includes(path) ||
    (selector.basenames ?? []).includes(name) ||
    (selector.suffixes ?? []).some((suffix) => path.endsWith(suffix)) ||
    (selector.globs ?? []).some((glob) => picomatch(glob, { dot: true })(path))
  );
}

/**
 * Paths from every ecosystem the catalogers read, and near misses of them: a sibling directory
 * sharing a prefix, a name one character longer or shorter, a file where a directory is expected.
 */
const PATHS = [
  '/var/lib/dpkg/status',
  '/var/lib/dpkg/status.d/base',
  '/var/lib/dpkg/status.d/base.md5sums',
  '/var/lib/dpkg/info/libc6:amd64.list',
  '/var/lib/dpkg/infox/libc6.list',
  '/usr/share/doc/libc6/copyright',
  '/usr/share/docs/libc6/copyright',
  '/usr/share/doc/libc6/sub/copyright',
  '/lib/apk/db/installed',
  '/var/lib/rpm/rpmdb.sqlite',
  '/usr/lib/sysimage/rpm/Packages.db',
  '/var/lib/pacman/local/bash-5.2-1/desc',
  '/var/db/pkg/app-shells/bash-5.2/CONTENTS',
  '/nix/store/abc-hello-2.12/bin/hello',
  '/nix/store/abc-hello-2.12.drv',
  '/usr/bin/python3.11',
  '/usr/local/bin/python3',
  '/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0',
  '/usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA',
  '/usr/lib/python3/dist-packages/six-1.16.0.dist-info/RECORD',
  '/usr/local/lib/python3.11/site-packages/req-1.0.egg-info/PKG-INFO',
  '/app/requirements.txt',
  '/app/requirements-dev.txt',
  '/app/Pipfile.lock',
  '/app/poetry.lock',
  '/app/uv.lock',
  '/app/setup.py',
  '/app/pyproject.toml',
  '/app/package.json',
  '/app/package-lock.json',
  '/app/yarn.lock',
  '/app/pnpm-lock.yaml',
  '/app/node_modules/lodash/package.json',
  '/usr/lib/node_modules/npm/node_modules/semver/package.json',
  '/app/Gemfile.lock',
  '/usr/lib/ruby/gems/3.1.0/specifications/rake-13.0.6.gemspec',
  '/app/go.mod',
  '/app/go.sum',
  '/usr/local/go/bin/go',
  '/usr/lib/go-1.21/bin/gofmt',
  '/usr/lib/go/bin/go',
  '/usr/lib/gopher/bin/go',
  '/usr/local/bin/tool',
  '/usr/bin/tool',
  '/usr/sbin/tool',
  '/usr/libexec/tool',
  '/usr/libexecx/tool',
  '/app/tool.exe',
  '/app/Cargo.lock',
  '/usr/local/cargo/bin/rg',
  '/app/composer.lock',
  '/app/vendor/composer/installed.json',
  '/usr/share/php/.registry/.channel.pecl.php.net/x.reg',
  '/app/pom.xml',
  '/app/lib/log4j-core-2.14.1.jar',
  '/app/lib/app.war',
  '/app/gradle/dependency-locks/compile.lockfile',
  '/opt/jdk/bin/javac',
  '/opt/jdk/release',
  '/app/packages.lock.json',
  '/app/app.deps.json',
  '/app/lib.dll',
  '/app/mix.lock',
  '/app/rebar.lock',
  '/app/pubspec.lock',
  '/app/Package.resolved',
  '/app/Podfile.lock',
  '/app/stack.yaml.lock',
  '/app/cabal.project.freeze',
  '/app/conan.lock',
  '/app/conanfile.txt',
  '/app/x.opam',
  '/app/.terraform.lock.hcl',
  '/app/.github/workflows/ci.yml',
  '/app/.github/workflows/sub/ci.yml',
  '/app/.github/actions/setup/action.yml',
  '/opt/homebrew/Cellar/jq/1.7/.brew/jq.rb',
  '/var/www/html/wp-content/plugins/akismet/akismet.php',
  '/Applications/Safari.app/Contents/Info.plist',
  '/models/llama.gguf',
  '/app/bom.cdx.json',
  '/app/image.syft.json',
  '/app/sbom.spdx.json',
  '/usr/share/snappy/dpkg.yaml',
  '/snap/manifest.yaml',
  '/opt/conda/conda-meta/numpy-1.26.0-py311.json',
  '/usr/bin/node',
  '/usr/bin/nodejs',
  '/usr/bin/busybox',
  '/usr/sbin/nginx',
  '/usr/lib/x86_64-linux-gnu/libssl.so.3',
  '/usr/lib/x86_64-linux-gnu/libcrypto.so.3',
  '/usr/lib/libstd-0123456789abcdef.so',
  '/usr/bin/php8.2',
  '/usr/sbin/php-fpm8.2',
  '/usr/bin/perl5.36.0',
  '/etc/os-release',
  '/usr/lib/os-release',
  '/etc/alpine-release',
  '/opt/bitnami/nginx/.spdx-nginx.spdx',
  '/app/x',
  '/usr',
  '/',
  'relative/package.json',
];

describe('the index of every registered cataloger', () => {
  const index = new SelectorIndex(catalogers.map((cataloger) => ({ selector: cataloger.selector, plugin: cataloger })));

  it.each(PATHS)('%s: selected by exactly the catalogers whose rules match it', (path) => {
    const expected = catalogers.filter((cataloger) => selects(cataloger.selector, path)).map((cataloger) => cataloger.id);
    expect(
      index
        .select(path)
        .map((cataloger) => cataloger.id)
        .sort(),
    ).toEqual(expected.sort());
  });

  it('selects something for most of these paths (the list exercises the catalogers, not only misses)', () => {
    expect(PATHS.filter((path) => index.select(path).length > 0).length).toBeGreaterThan(PATHS.length / 2);
  });
});
