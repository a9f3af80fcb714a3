import { describe, expect, it } from 'vitest';
import { getVersionScheme, isAffectedByEvents } from '../../../versioning/index.js';
import { memoryFile, runImporter } from '../util/test-feed.js';
import { affectedEvents, requirementInterval } from './cargo-req.js';
import { rustsecImporter } from './index.js';

const cargo = getVersionScheme('cargo');
const affected = (safe: string[], version: string): boolean => isAffectedByEvents(cargo, version, affectedEvents(safe, cargo.compare));

describe('Cargo requirements → OSV ranges', () => {
  it('reads caret, tilde, comparison and partial requirements as Cargo does', () => {
    expect(requirementInterval('^1.2.3', cargo.compare)).toEqual({ lo: { version: '1.2.3', inclusive: true }, hi: { version: '2.0.0', inclusive: false } });
    expect(requirementInterval('^0.2.3', cargo.compare)?.hi?.version).toBe('0.3.0');
    expect(requirementInterval('^0.0.3', cargo.compare)?.hi?.version).toBe('0.0.4');
    expect(requirementInterval('~1.2', cargo.compare)?.hi?.version).toBe('1.3.0');
    expect(requirementInterval('>= 0.6.1, < 0.7.0', cargo.compare)).toEqual({ lo: { version: '0.6.1', inclusive: true }, hi: { version: '0.7.0', inclusive: false } });
    expect(requirementInterval('>= 1.0 || 2', cargo.compare)).toBeNull();
  });

  it('affects every version outside the patched and unaffected sets', () => {
    const safe = ['>= 0.6.1, < 0.7.0', '>= 0.7.2, < 0.8.0', '>= 0.8.2', '< 0.3.0'];
    expect(affectedEvents(safe, cargo.compare)).toEqual([{ introduced: '0.3.0' }, { fixed: '0.6.1' }, { introduced: '0.7.0' }, { fixed: '0.7.2' }, { introduced: '0.8.0' }, { fixed: '0.8.2' }]);
    expect([affected(safe, '0.2.9'), affected(safe, '0.3.0'), affected(safe, '0.6.1'), affected(safe, '0.7.1'), affected(safe, '0.8.1'), affected(safe, '1.0.0')]).toEqual([
      false,
      true,
      false,
      true,
      true,
      false,
    ]);
    expect(affected([], '9.9.9')).toBe(true);
    expect(affected(['^1.2'], '1.9.0')).toBe(false);
    expect(affected(['^1.2'], '2.0.0')).toBe(true);
    expect(affected(['> 1.2.3'], '1.2.3')).toBe(true);
    expect(affected(['> 1.2.3'], '1.2.4')).toBe(false);
    expect(affected(['<= 0.1.5'], '0.1.5')).toBe(false);
    expect(affected(['<= 0.1.5'], '0.1.6')).toBe(true);
  });
});

// Hand-written in the RustSec advisory format.
const advisory = `\`\`\`toml
[advisory]
id = "RUSTSEC-2099-0001"
package = "example-crate"
date = 2099-01-02
url = "https://example.invalid/issue/1"
aliases = ["CVE-2099-0001", "GHSA-aaaa-bbbb-cccc"]
cvss = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"

[versions]
patched = [">= 1.4.2"]
unaffected = ["< 1.0.0"]
\`\`\`

# Made-up panic in parser

Parsing a crafted input panics.
`;

describe('RustSec importer', () => {
  it('reads the TOML front matter, title and description', async () => {
    const { advisories, detected, skipped } = await runImporter(rustsecImporter, memoryFile('crates/example-crate/RUSTSEC-2099-0001.md', advisory));
    expect(detected).toBe(true);
    expect(skipped).toEqual([]);
    expect(advisories[0]).toMatchObject({
      id: 'RUSTSEC-2099-0001',
      source: 'rustsec',
      aliases: ['CVE-2099-0001', 'GHSA-aaaa-bbbb-cccc'],
      summary: 'Made-up panic in parser',
      details: 'Parsing a crafted input panics.',
      published: '2099-01-02',
      severity: [{ type: 'CVSS_V3' }],
      affected: [{ namespace: 'crates.io', packageName: 'example-crate', fixedVersions: ['1.4.2'], ranges: [{ scheme: 'cargo', events: [{ introduced: '1.0.0' }, { fixed: '1.4.2' }] }] }],
    });
  });

  it('leaves out informational advisories and skips unreadable ones', async () => {
    const informational = advisory.replace('cvss =', 'informational = "unmaintained"\ncvss =');
    expect((await runImporter(rustsecImporter, memoryFile('a.md', informational))).advisories).toEqual([]);
    const bad = await runImporter(rustsecImporter, memoryFile('b.md', advisory.replace('">= 1.4.2"', '">= 1.4.2 || 2"')));
    expect(bad.skipped).toEqual([{ source: 'rustsec', record: 'b.md', reason: expect.stringContaining('unsupported version requirement') }]);
  });
});
