import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogDirectory, catalogFile } from '../../testing/catalog-tester.js';
import type { CatalogOutput } from '../types.js';
import { wordpressPluginsCataloger } from './index.js';
import { HEADER_BYTES, readPluginHeader } from './plugin-header.js';

const rows = (out: CatalogOutput): [string, string, string | null, readonly string[], string][] => out.packages.map((p) => [p.name, p.version, p.purl, p.licenses, p.evidence]);
const fields = (out: CatalogOutput): Record<string, string> => (out.packages[0]?.metadata as { fields: Record<string, string> } | undefined)?.fields ?? {};

const AKISMET = `<?php
/**
 * @package Akismet
 */
/*
Plugin Name: Akismet Anti-spam: Spam Protection
Plugin URI: https://akismet.com/
Description: Used by millions, Akismet is quite possibly the best way in the world to <strong>protect your blog from spam</strong>. Akismet Anti-spam keeps your site protected even while you sleep. To get started: activate the Akismet plugin and then go to your Akismet Settings page to set up your API key.
Version: 5.3
Requires at least: 5.8
Requires PHP: 5.6.20
Author: Automattic - Anti-spam Team
Author URI: https://automattic.com/wordpress-plugins/
License: GPLv2 or later
Text Domain: akismet
*/

/*
This program is free software; you can redistribute it and/or
modify it under the terms of the GNU General Public License.
*/

// Make sure we don't expose any info if called directly
if ( !function_exists( 'add_action' ) ) {
	echo 'Hi there!  I\\'m just a plugin, not much I can do when called directly.';
	exit;
}

define( 'AKISMET_VERSION', '5.3' );
`;

const MIGRATION = `<?php
/**
 * Plugin Name: All-in-One WP Migration
 * Plugin URI: https://servmask.com/
 * Description: Migration tool for all your blog data. Import or Export your blog content with a single click.
 * Author: ServMask
 * Author URI: https://servmask.com/
 * Version: 7.79
 * Text Domain: all-in-one-wp-migration
 * Domain Path: /languages
 * Network: True
 * License: GPLv3
 */
`;

const HELLO_DOLLY = `<?php
/**
 * @package Hello_Dolly
 * @version 1.7.2
 */
/*
Plugin Name: Hello Dolly
Plugin URI: http://wordpress.org/plugins/hello-dolly/
Description: This is not just a plugin, it symbolizes the hope and enthusiasm of an entire generation.
Author: Matt Mullenweg
Version: 1.7.2
Author URI: http://ma.tt/
*/
`;

describe('wordpress-plugins-cataloger', () => {
  it('reads a plugin header as Syft does: name, version, the licence’s first word, author, install directory', async () => {
    const path = '/var/www/html/wp-content/plugins/akismet/akismet.php';
    const out = await catalogFile(wordpressPluginsCataloger, path, AKISMET);
    expect(out.unknowns).toEqual([]);
    expect(rows(out)).toEqual([['Akismet Anti-spam: Spam Protection', '5.3', null, ['GPLv2'], 'installed']]);
    expect(out.packages[0]?.type).toBe('wordpress-plugin');
    expect(fields(out)).toEqual({ pluginInstallDirectory: 'akismet', pluginFile: 'akismet.php', author: 'Automattic - Anti-spam Team', authorUri: 'https://automattic.com/wordpress-plugins/' });
  });

  it('reads headers written as a docblock, with CRLF line ends, and single-file plugins', async () => {
    const migration = await catalogFile(wordpressPluginsCataloger, '/wp-content/plugins/all-in-one-wp-migration/all-in-one-wp-migration.php', MIGRATION.replace(/\n/g, '\r\n'));
    expect(rows(migration)).toEqual([['All-in-One WP Migration', '7.79', null, ['GPLv3'], 'installed']]);
    expect(fields(migration)).toMatchObject({ author: 'ServMask', authorUri: 'https://servmask.com/' });
    const hello = await catalogFile(wordpressPluginsCataloger, '/var/www/html/wp-content/plugins/hello.php', HELLO_DOLLY);
    // Syft's pattern takes the first `version:` with a value; `@version 1.7.2` has no colon.
    expect(rows(hello)).toEqual([['Hello Dolly', '1.7.2', null, [], 'installed']]);
    expect(fields(hello)).toEqual({ pluginFile: 'hello.php', author: 'Matt Mullenweg', authorUri: 'http://ma.tt/' });
  });

  it('is not a plugin without both a name and a version; the header must be in the first 4 KiB', async () => {
    const path = '/wp-content/plugins/akismet/class.akismet.php';
    for (const text of ['', '<?php\n// Silence is golden.\n', '<?php\n/* Plugin Name: Draft */\n', '<?php\n/* Version: 1.0 */\n', '<?php\n/*\nPlugin Name:\nVersion: beta\n*/\n']) {
      expect(await catalogFile(wordpressPluginsCataloger, path, text)).toMatchObject({ packages: [], unknowns: [] });
    }
    const late = `<?php\n/*${' '.repeat(HEADER_BYTES)}*/\n/*\nPlugin Name: Late\nVersion: 1.0\n*/\n`;
    expect((await catalogFile(wordpressPluginsCataloger, path, late)).packages).toEqual([]);
    const justInside = `${' '.repeat(HEADER_BYTES - 40)}Plugin Name: Edge\nVersion: 2.0\n`;
    expect(rows(await catalogFile(wordpressPluginsCataloger, path, justInside))).toEqual([['Edge', '2.0', null, [], 'installed']]);
  });

  it('follows Syft’s patterns exactly, quirks included', () => {
    expect(readPluginHeader('PLUGIN NAME:   Shout  \nVERSION: 1.2.3-beta\nlicense: MIT/X11\n')).toEqual({ name: 'Shout', version: '1.2.3', license: 'MIT', author: null, authorUri: null });
    // A field whose value is empty takes the next line (the pattern's \s* crosses newlines).
    expect(readPluginHeader('Plugin Name:\nVersion: 3.0\n').name).toBe('Version: 3.0');
    // The first `version:` followed by digits wins; one without them is skipped.
    expect(readPluginHeader('Requires version: none\nVersion: 4.1\n').version).toBe('4.1');
    expect(readPluginHeader('Author URI: https://a.example\n')).toMatchObject({ author: null, authorUri: 'https://a.example' });
  });

  it('stays linear on hostile input and never reads past the first 4 KiB', async () => {
    const path = '/wp-content/plugins/x/x.php';
    const many = `${'version:'.repeat(500)}${'plugin name:'.repeat(300)}`;
    const started = performance.now();
    expect(readPluginHeader(many)).toMatchObject({ version: null, name: 'plugin name:'.repeat(299).trim() });
    expect(performance.now() - started).toBeLessThan(1000);
    const huge = Buffer.concat([Buffer.from('<?php\n/*\nPlugin Name: Big\nVersion: 1\n*/\n'), Buffer.alloc(8 * 1024 * 1024, 0x61)]);
    expect(rows(await catalogFile(wordpressPluginsCataloger, path, huge))).toEqual([['Big', '1', null, [], 'installed']]);
    const binary = Buffer.from([0xff, 0xfe, 0x00, 0x50, 0x6c, 0x00, 0x80, 0x81]);
    expect(await catalogFile(wordpressPluginsCataloger, path, binary)).toMatchObject({ packages: [], unknowns: [] });
  });

  it('selects the PHP files of each plugin folder and single-file plugins, nothing else', async () => {
    const root = mkdtempSync(join(tmpdir(), 'wp-'));
    try {
      const files: Record<string, string> = {
        'wp-content/plugins/akismet/akismet.php': AKISMET,
        'wp-content/plugins/akismet/index.php': '<?php\n// Silence is golden.\n',
        'wp-content/plugins/akismet/views/config.php': '<?php\n/* Plugin Name: Not a main file\nVersion: 9 */\n',
        'wp-content/plugins/all-in-one-wp-migration/all-in-one-wp-migration.php': MIGRATION,
        'wp-content/plugins/hello.php': HELLO_DOLLY,
        'wp-content/plugins/index.php': '<?php\n',
        'wp-admin/index.php': '<?php\n',
        'wp-includes/index.php': '<?php\n',
        'wp-content/themes/twentytwentyfour/functions.php': '<?php\n',
      };
      for (const [rel, text] of Object.entries(files)) {
        mkdirSync(dirname(join(root, rel)), { recursive: true });
        writeFileSync(join(root, rel), text);
      }
      const out = await catalogDirectory(wordpressPluginsCataloger, root);
      expect(out.selectedPaths).toEqual([
        '/wp-content/plugins/akismet/akismet.php',
        '/wp-content/plugins/akismet/index.php',
        '/wp-content/plugins/all-in-one-wp-migration/all-in-one-wp-migration.php',
        '/wp-content/plugins/hello.php',
        '/wp-content/plugins/index.php',
      ]);
      expect(out.packages.map((p) => [p.name, p.version])).toEqual([
        ['Akismet Anti-spam: Spam Protection', '5.3'],
        ['All-in-One WP Migration', '7.79'],
        ['Hello Dolly', '1.7.2'],
      ]);
      expect(out.unknowns).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
