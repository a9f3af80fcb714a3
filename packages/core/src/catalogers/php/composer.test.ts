import { describe, expect, it } from 'vitest';
import { catalogFile } from '../../testing/catalog-tester.js';
import { edges, ids } from '../lang-common/test-helpers.js';
import { phpComposerInstalledCataloger, phpComposerLockCataloger } from './composer.js';

const pkg = (name: string, version: string, extra: Record<string, unknown> = {}) => ({ name, version, ...extra });

describe('php-composer-lock-cataloger', () => {
  it('reports packages (not packages-dev) with vendor purls, licenses and require edges', async () => {
    const out = await catalogFile(
      phpComposerLockCataloger,
      '/app/composer.lock',
      JSON.stringify({
        packages: [pkg('monolog/monolog', '2.9.1', { license: ['MIT'], require: { php: '>=7.2', 'ext-json': '*', 'psr/log': '^1' } }), pkg('psr/log', '1.1.4')],
        'packages-dev': [pkg('phpunit/phpunit', '9.6.0')],
      }),
    );
    expect(ids(out)).toEqual(['monolog/monolog@2.9.1', 'psr/log@1.1.4']);
    expect(out.packages[0]).toMatchObject({ purl: 'pkg:composer/monolog/monolog@2.9.1', licenses: ['MIT'], type: 'composer', evidence: 'declared' });
    expect(edges(out)).toEqual(['monolog/monolog -> psr/log']);
  });

  it('invalid or shapeless files are unknowns', async () => {
    expect((await catalogFile(phpComposerLockCataloger, '/app/composer.lock', 'bogus')).unknowns).toHaveLength(1);
    expect((await catalogFile(phpComposerLockCataloger, '/app/composer.lock', '{}')).unknowns).toHaveLength(1);
  });
});

describe('php-composer-installed-cataloger', () => {
  it('reads Composer 1 arrays and Composer 2 objects; dev packages are installed and marked', async () => {
    const v1 = await catalogFile(phpComposerInstalledCataloger, '/app/vendor/composer/installed.json', JSON.stringify([pkg('a/b', '1.0.0')]));
    expect(ids(v1)).toEqual(['a/b@1.0.0']);
    const v2 = await catalogFile(
      phpComposerInstalledCataloger,
      '/app/vendor/composer/installed.json',
      JSON.stringify({ packages: [pkg('a/b', '1.0.0'), pkg('behat/mink', 'v1.8.1')], dev: true, 'dev-package-names': ['behat/mink'] }),
    );
    expect(ids(v2)).toEqual(['a/b@1.0.0', 'behat/mink@v1.8.1']);
    expect(v2.packages[1]).toMatchObject({ evidence: 'installed', metadata: { fields: { dev: 'true' } } });
  });

  it('ignores unrelated installed.json files but reports broken ones', async () => {
    expect(await catalogFile(phpComposerInstalledCataloger, '/opt/tool/installed.json', JSON.stringify({ plugins: [] }))).toMatchObject({ packages: [], unknowns: [] });
    expect((await catalogFile(phpComposerInstalledCataloger, '/opt/tool/installed.json', 'bogus installed.json')).unknowns).toHaveLength(1);
    expect((await catalogFile(phpComposerInstalledCataloger, '/app/vendor/composer/installed.json', '{"x": 1}')).unknowns).toHaveLength(1);
  });
});
