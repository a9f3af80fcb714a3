import { describe, expect, it } from 'vitest';
import { getVersionScheme, isAffectedByEvents } from '../../../versioning/index.js';
import { memoryFile, runImporter } from '../util/test-feed.js';
import { npmNspImporter, npmRangeToOsv } from './index.js';

const npm = getVersionScheme('npm');

// Hand-written in the legacy Node Security Project format.
const record = {
  id: 9001,
  updated_at: '2099-01-02',
  publish_date: '2099-01-01',
  title: 'Made-up prototype pollution',
  module_name: 'Example-Module',
  cves: ['CVE-2099-0001'],
  vulnerable_versions: '<1.2.4 || >=2.0.0 <2.1.0',
  patched_versions: '>=1.2.4 <2.0.0 || >=2.1.0',
  overview: 'Overview.',
  recommendation: 'Upgrade.',
  references: ['https://example.invalid'],
  cvss_vector: 'CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N',
};

describe('npm NSP importer', () => {
  it('turns each range alternative into an OSV range', () => {
    const ranges = npmRangeToOsv('<1.2.4 || >=2.0.0 <=2.0.9 || >3.0.0');
    expect(ranges.map((r) => r.events)).toEqual([[{ introduced: '0' }, { fixed: '1.2.4' }], [{ introduced: '2.0.0' }, { last_affected: '2.0.9' }], [{ introduced: '3.0.1' }]]);
    const hit = (v: string): boolean => ranges.some((r) => isAffectedByEvents(npm, v, r.events));
    expect(['1.2.3', '1.2.4', '2.0.9', '2.1.0', '3.0.0', '3.0.1'].map(hit)).toEqual([true, false, true, false, false, true]);
  });

  it('reads single advisories and index.json, with NSWG ids', async () => {
    const single = await runImporter(npmNspImporter, memoryFile('npm/9001.json', JSON.stringify(record)));
    expect(single.detected).toBe(true);
    expect(single.advisories[0]).toMatchObject({
      id: 'NSWG-ECO-9001',
      aliases: ['CVE-2099-0001'],
      modified: '2099-01-02',
      affected: [{ namespace: 'npm', packageName: 'example-module', fixedVersions: ['1.2.4', '2.1.0'] }],
    });
    const index = await runImporter(npmNspImporter, memoryFile('npm/index.json', JSON.stringify({ '9001': record, '9002': { id: 9002 } })));
    expect(index.detected).toBe(true);
    expect(index.advisories.map((a) => a.id)).toEqual(['NSWG-ECO-9001']);
    expect(index.skipped).toEqual([{ source: 'npm-nsp', record: 'npm/index.json: 9002', reason: 'lacks id or module_name' }]);
  });
});
