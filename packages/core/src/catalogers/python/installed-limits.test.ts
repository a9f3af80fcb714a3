import { describe, expect, it } from 'vitest';
import { catalogFile } from '../../testing/catalog-tester.js';
import { parseReleaseFile } from '../java/jvm-cataloger.js';
import { parseGemspec } from '../ruby/gemspec.js';
import { pythonInstalledPackageCataloger } from './installed.js';

describe('limits in installed-package metadata never hide content silently', () => {
  it('RECORD and installed-files.txt: files past the limit become an unknown naming the count', async () => {
    const record = Array.from({ length: 100_001 }, (_, i) => `pkg/f${i}.py,sha256=x,1`).join('\n');
    const out = await catalogFile(pythonInstalledPackageCataloger, '/usr/lib/python3/site-packages/pkg-1.0.dist-info/RECORD', record);
    expect(out.unknowns.map((u) => u.reason)).toEqual([expect.stringMatching(/^1 file\(s\) past the limit of 100000 per file were not read/)]);
    const listed = Array.from({ length: 100_001 }, (_, i) => `../pkg/f${i}.py`).join('\n');
    const egg = await catalogFile(pythonInstalledPackageCataloger, '/usr/lib/python3/site-packages/pkg-1.0.egg-info/installed-files.txt', listed);
    expect(egg.unknowns.map((u) => u.reason)).toEqual([expect.stringMatching(/^1 file\(s\) past the limit of 100000 per file were not read/)]);
  });

  it('a JDK release file and a gemspec are read to the end (their size is bounded)', () => {
    expect(parseReleaseFile(`${'# pad\n'.repeat(1_000)}JAVA_VERSION="17.0.9"\n`).get('JAVA_VERSION')).toBe('17.0.9');
    const gemspec = `${'# pad\n'.repeat(20_000)}Gem::Specification.new do |s|\n  s.name = "rack"\n  s.version = "2.2.3"\nend\n`;
    expect(parseGemspec('/usr/lib/ruby/gems/3.1.0/specifications/rack-2.2.3.gemspec', Buffer.from(gemspec)).packages.map((p) => `${p.name}@${p.version}`)).toEqual(['rack@2.2.3']);
  });
});
