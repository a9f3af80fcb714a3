import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { SekishoError } from '../errors.js';
import { buildAdvisoryDb } from './build.js';
import { normalizeOsvRecord } from './feeds/osv/index.js';
import { openAdvisoryStore } from './sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'sekisho-advdb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A small feed tree written here: OSV JSON (twice, older copy second), a secdb, EPSS and KEV.
function writeFeeds(root: string): void {
  const record = (modified: string, fixed: string): string =>
    JSON.stringify({
      id: 'GHSA-test-0001',
      modified,
      aliases: ['CVE-2099-0001'],
      affected: [{ package: { ecosystem: 'PyPI', name: 'Example.Pkg' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }] }],
      details: 'x'.repeat(3000), // large enough to be stored compressed
    });
  mkdirSync(join(root, 'osv', 'a'), { recursive: true });
  mkdirSync(join(root, 'osv', 'b'), { recursive: true });
  writeFileSync(join(root, 'osv', 'a', 'GHSA-test-0001.json'), record('2099-02-01T00:00:00Z', '2.0'));
  writeFileSync(join(root, 'osv', 'b', 'GHSA-test-0001.json'), record('2099-01-01T00:00:00Z', '1.0'));
  writeFileSync(join(root, 'osv', 'b', 'broken.json'), '{"id": "GHSA-broken", "affected": 5, "modified": "x"}');
  writeFileSync(join(root, 'README.md'), '# not a feed\n');
  writeFileSync(
    join(root, 'secdb.json'),
    JSON.stringify({
      distroversion: 'v3.20',
      reponame: 'main',
      urlprefix: 'https://dl-cdn.alpinelinux.org/alpine',
      packages: [{ pkg: { name: 'openssl', secfixes: { '3.3.2-r0': ['CVE-2099-0001'] } } }],
    }),
  );
  writeFileSync(join(root, 'epss.csv'), '#model_version:v1,score_date:2099-01-01\ncve,epss,percentile\nCVE-2099-0001,0.5,0.9\n');
  writeFileSync(join(root, 'kev.json'), JSON.stringify({ catalogVersion: '1', vulnerabilities: [{ cveID: 'CVE-2099-0001', dateAdded: '2099-01-05', knownRansomwareCampaignUse: 'Known' }] }));
}

describe('SQLite advisory store', () => {
  const feeds = join(dir, 'feeds');
  const db = join(dir, 'db', 'advisories.sqlite');
  writeFeeds(feeds);

  it('builds, dedupes, merges CVE facts and answers indexed queries', async () => {
    const warnings: string[] = [];
    const report = await buildAdvisoryDb({ out: db, from: [feeds], now: new Date('2099-03-01T00:00:00Z'), onWarning: (m) => warnings.push(m) });
    expect(report).toMatchObject({ files: 6, unrecognizedFiles: 1, advisories: 2, cveFacts: 2, built: '2099-03-01T00:00:00.000Z' });
    expect(report.sources).toEqual([
      { id: 'alpine-secdb', records: 1, skipped: 0, duplicates: 0 },
      { id: 'epss', records: 1, skipped: 0, duplicates: 0 },
      { id: 'ghsa', records: 1, skipped: 0, duplicates: 1 },
      { id: 'kev', records: 1, skipped: 0, duplicates: 0 },
      { id: 'osv', records: 0, skipped: 1, duplicates: 0 },
    ]);
    expect(warnings).toEqual([expect.stringMatching(/^osv: skipped feeds\/osv\/b\/broken\.json: affected is not a list/)]);

    const store = openAdvisoryStore(db);
    const hits = store.query('PyPI', 'example_pkg');
    expect(hits.map((h) => h.affected.fixedVersions)).toEqual([['2.0']]); // the newer copy won
    expect(hits[0]?.advisory.details).toHaveLength(3000);
    expect(store.query('alpine:3.20', 'openssl')[0]?.affected.ranges[0]?.events).toEqual([{ introduced: '0' }, { fixed: '3.3.2-r0' }]);
    expect(store.query('alpine:3.19', 'openssl')).toEqual([]);
    expect(store.cveFacts(['CVE-2099-0001', 'CVE-2000-1'])).toEqual(
      new Map([['CVE-2099-0001', { epss: { score: 0.5, percentile: 0.9 }, kev: { dateAdded: '2099-01-05', dueDate: null, ransomware: true }, nvd: [] }]]),
    );
    expect(store.metadata()).toMatchObject({ schemaVersion: 1, built: '2099-03-01T00:00:00.000Z' });
    expect(store.metadata().sources.find((s) => s.id === 'osv')).toEqual({ id: 'osv', records: 0, skipped: 1, fetched: null });
    store.close();
  });

  it('returns advisories exactly as imported (defaults restored, affected rebuilt in order)', async () => {
    const record = {
      id: 'GHSA-test-0002',
      modified: '2099-01-01T00:00:00Z',
      aliases: [],
      summary: '',
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
      affected: [
        { package: { ecosystem: 'npm', name: 'b-pkg' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }] },
        // a long `versions` list: stored zstd-compressed
        { package: { ecosystem: 'npm', name: 'a-pkg' }, versions: Array.from({ length: 400 }, (_, i) => `1.${i}.0`) },
      ],
    };
    const root = join(dir, 'roundtrip');
    mkdirSync(root);
    writeFileSync(join(root, 'GHSA-test-0002.json'), JSON.stringify(record));
    const out = join(dir, 'roundtrip.sqlite');
    await buildAdvisoryDb({ out, from: [root] });
    const store = openAdvisoryStore(out);
    const expected = normalizeOsvRecord(record);
    const [hit] = store.query('npm', 'a-pkg');
    expect(hit?.affected).toEqual(expected.affected[1]);
    const raw = new DatabaseSync(out, { readOnly: true });
    expect(raw.prepare("SELECT typeof(payload) AS t FROM affected WHERE package = 'a-pkg'").get()).toEqual({ t: 'blob' });
    raw.close();
    expect(JSON.parse(JSON.stringify(hit?.advisory))).toEqual(JSON.parse(JSON.stringify(expected)));
    store.close();
  });

  it('keeps the old database when a build fails', async () => {
    const before = readFileSync(db);
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    writeFileSync(join(empty, 'notes.txt'), 'nothing here');
    await expect(buildAdvisoryDb({ out: db, from: [empty] })).rejects.toMatchObject({ code: 'DB_BUILD' });
    await expect(buildAdvisoryDb({ out: db, from: [join(dir, 'missing')] })).rejects.toMatchObject({ code: 'DB_BUILD' });
    expect(readFileSync(db).equals(before)).toBe(true);
  });

  it('names missing, corrupt and foreign files with DB_* codes and a rebuild hint', () => {
    const code = (path: string): string => {
      try {
        openAdvisoryStore(path).close();
        return 'opened';
      } catch (error) {
        expect(error).toBeInstanceOf(SekishoError);
        expect((error as SekishoError).message).toMatch(/sekisho db (update|build)/);
        return (error as SekishoError).code;
      }
    };
    expect(code(join(dir, 'nope.sqlite'))).toBe('DB_NOT_FOUND');
    writeFileSync(join(dir, 'garbage.sqlite'), 'this is not sqlite at all');
    expect(code(join(dir, 'garbage.sqlite'))).toBe('DB_CORRUPT');
    const foreign = new DatabaseSync(join(dir, 'foreign.sqlite'));
    foreign.exec('CREATE TABLE t (x)');
    foreign.close();
    expect(code(join(dir, 'foreign.sqlite'))).toBe('DB_SCHEMA');
    const copy = join(dir, 'old-schema.sqlite');
    writeFileSync(copy, readFileSync(db));
    const old = new DatabaseSync(copy);
    old.exec("UPDATE meta SET value = '0' WHERE key = 'schema_version'");
    old.close();
    expect(code(copy)).toBe('DB_SCHEMA');
    // A damaged file: the header survives, the pages after it are overwritten.
    const damaged = readFileSync(db);
    damaged.fill(0xa5, 100);
    writeFileSync(join(dir, 'damaged.sqlite'), damaged);
    expect(code(join(dir, 'damaged.sqlite'))).toBe('DB_CORRUPT');
  });
});
