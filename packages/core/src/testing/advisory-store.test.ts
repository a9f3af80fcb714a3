import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getVersionScheme, isAffectedByEvents } from '../versioning/index.js';
import { advisoryStoreFromYaml, loadAdvisoryFixtureStore, parseAdvisoryFixture } from './advisory-store.js';

const FIXTURE = join(import.meta.dirname, '__fixtures__', 'advisories.yaml');

describe('advisory YAML fixtures', () => {
  it('loads advisories, expands shorthands and indexes by normalized name', async () => {
    const store = await loadAdvisoryFixtureStore(FIXTURE);
    const deb = store.query('debian:12', 'libexample');
    expect(deb).toHaveLength(1);
    expect(deb[0]?.affected).toMatchObject({
      status: 'fixed',
      fixedVersions: ['1.2.3-1+deb12u1'],
      vendorSeverity: 'high',
      ranges: [{ scheme: 'deb', events: [{ introduced: '0' }, { fixed: '1.2.3-1+deb12u1' }] }],
    });
    expect(store.query('debian:11', 'libexample')[0]?.affected).toMatchObject({ status: 'wont-fix', ranges: [] });
    expect(store.query('debian:10', 'libexample')).toEqual([]);

    // Asked with an unnormalized name, found under the PEP 503 name.
    const py = store.query('PyPI', 'example.pkg');
    expect(py.map((hit) => hit.advisory.id)).toEqual(['GHSA-aaaa-bbbb-cccc']);
    const affected = py[0]!.affected;
    expect(affected.packageName).toBe('example-pkg');
    expect(affected.fixedVersions).toEqual(['1.4.2']);
    const pep440 = getVersionScheme('pep440');
    const hit = (v: string): boolean => affected.ranges.some((range) => isAffectedByEvents(pep440, v, range.events));
    expect([hit('1.3'), hit('1.4.2'), hit('2.1'), hit('2.1.1')]).toEqual([true, false, true, false]);

    expect(store.query('Go', 'example.com/mod')[0]?.affected.ranges[0]?.scheme).toBe('golang');
    const facts = store.cveFacts(['CVE-2023-0001', 'CVE-2000-0000']);
    expect([...facts.keys()]).toEqual(['CVE-2023-0001']);
    expect(facts.get('CVE-2023-0001')?.kev).toEqual({ dateAdded: '2023-05-01', dueDate: null, ransomware: true });
    expect(store.metadata().sources).toEqual([{ id: 'test', records: 3, skipped: 0, fetched: null }]);
    store.close();
    expect(() => store.query('PyPI', 'x')).toThrow();
  });

  it('rejects invalid fixtures with the path of the problem', () => {
    expect(() => parseAdvisoryFixture('advisories: [{ id: X, affected: [{ namespace: PyPI }] }]')).toThrow(/advisories\.0\.affected\.0\.package/);
    expect(() => advisoryStoreFromYaml('advisories: [{ id: X, affected: [{ namespace: nowhere, package: p, fixed: "1" }] }]')).toThrow(/no version scheme/);
    expect(() => parseAdvisoryFixture('advisories: [{ id: X, affected: [{ namespace: npm, package: p, events: [{ introduced: "0", fixed: "1" }] }] }]')).toThrow(/exactly one field/);
  });
});
