import { describe, expect, it } from 'vitest';
import { compileSelector } from '../../util/file-selector.js';
import { catalogFile } from '../../testing/catalog-tester.js';
import { phpPearRegistryCataloger } from './pear-registry.js';

/** A registry entry as `pecl install` writes it (PEAR registry format 1.0 and later). */
const MEMCACHED =
  'a:6:{s:4:"name";s:9:"memcached";s:7:"channel";s:12:"pecl.php.net";s:4:"date";s:10:"2022-01-11";s:4:"time";s:8:"15:23:47";' +
  's:7:"version";a:2:{s:7:"release";s:5:"3.2.0";s:3:"api";s:5:"3.2.0";}' +
  's:7:"license";a:2:{s:7:"attribs";a:1:{s:3:"uri";s:26:"http://www.php.net/license";}s:8:"_content";s:11:"PHP License";}}';

/** The same without a channel, as older PEAR releases wrote it. */
const WITHOUT_CHANNEL = 'a:3:{s:4:"name";s:5:"redis";s:7:"version";a:1:{s:7:"release";s:5:"5.3.7";}s:7:"license";s:11:"PHP License";}';

const PECL_DIR = '/usr/local/lib/php/.registry/.channel.pecl.php.net';

describe('php-pear-serialized-cataloger', () => {
  it('reads a PECL extension: name, release version, licence and a pear purl with its channel', async () => {
    const out = await catalogFile(phpPearRegistryCataloger, `${PECL_DIR}/memcached.reg`, MEMCACHED);
    expect(out.unknowns).toEqual([]);
    expect(out.packages).toEqual([
      expect.objectContaining({
        name: 'memcached',
        version: '3.2.0',
        type: 'php-pear',
        purl: 'pkg:pear/pecl.php.net/memcached@3.2.0',
        licenses: ['PHP License'],
        evidence: 'installed',
        paths: [`${PECL_DIR}/memcached.reg`],
        metadata: { type: 'language-package', source: 'pear-registry', fields: { apiVersion: '3.2.0', channel: 'pecl.php.net', date: '2022-01-11' } },
      }),
    ]);
  });

  it.each([
    [`${PECL_DIR}/redis.reg`, 'pkg:pear/pecl.php.net/redis@5.3.7'],
    ['/usr/share/php/.registry/redis.reg', 'pkg:pear/pear.php.net/redis@5.3.7'],
    ['/usr/share/php/.registry/.channel.__uri/redis.reg', 'pkg:pear/__uri/redis@5.3.7'],
  ])('without a channel in the entry, %s takes it from where PEAR keeps the file', async (path, purl) => {
    const out = await catalogFile(phpPearRegistryCataloger, path, WITHOUT_CHANNEL);
    expect(out.packages.map((p) => [p.purl, p.licenses])).toEqual([[purl, ['PHP License']]]);
  });

  it('lists the files the package installed, from the entry’s filelist', async () => {
    const entry =
      'a:3:{s:4:"name";s:11:"Archive_Tar";s:7:"version";s:6:"1.4.14";s:8:"filelist";a:2:{' +
      's:15:"Archive/Tar.php";a:2:{s:4:"role";s:3:"php";s:12:"installed_as";s:30:"/usr/share/php/Archive/Tar.php";}' +
      's:6:"README";a:1:{s:4:"role";s:3:"doc";}}}';
    const out = await catalogFile(phpPearRegistryCataloger, '/usr/share/php/.registry/archive_tar.reg', entry);
    expect(out.packages).toEqual([expect.objectContaining({ name: 'Archive_Tar', version: '1.4.14', purl: 'pkg:pear/pear.php.net/Archive_Tar@1.4.14', files: ['/usr/share/php/Archive/Tar.php'] })]);
  });

  it.each([
    ['a placeholder that is not serialized data', 'hello', 'not a PEAR registry file'],
    ['a serialized string', 's:2:"hi";', 'not a serialized array'],
    ['an object', 'O:8:"stdClass":1:{s:4:"name";s:1:"x";}', "unsupported value 'O'"],
    ['an entry without a version', 'a:1:{s:4:"name";s:1:"x";}', 'without a package version'],
    ['an entry without a name', 'a:1:{s:7:"version";s:3:"1.0";}', 'without a package name'],
  ])('%s is an unknown, not a silent miss', async (_name, content, reason) => {
    const out = await catalogFile(phpPearRegistryCataloger, `${PECL_DIR}/x.reg`, content);
    expect(out.packages).toEqual([]);
    expect(out.unknowns.map((u) => u.path)).toEqual([`${PECL_DIR}/x.reg`]);
    expect(out.unknowns[0]?.reason).toContain(reason);
  });

  it('selects registry files of a php directory, not channel definitions or other .reg files', () => {
    const selects = compileSelector(phpPearRegistryCataloger.selector);
    for (const path of [`${PECL_DIR}/imagick.reg`, '/usr/share/php/.registry/console_getopt.reg', '/opt/php/lib/php/.registry/.channel.doc.php.net/pecl.reg']) expect(selects(path), path).toBe(true);
    for (const path of ['/usr/share/php/.channels/pecl.php.net.reg', '/app/.registry/x.reg', '/usr/share/php/.registry/.depdb', '/etc/php/x.reg']) expect(selects(path), path).toBe(false);
  });
});
