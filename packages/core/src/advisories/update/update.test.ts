import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAdvisoryStore } from '../sqlite-store.js';
import { writeZip } from '@sekisho/testkit';
import { googMd5, parseNvdMeta, updateAdvisoryDb } from './index.js';

// A local mirror on 127.0.0.1 serving hand-written feeds; the network is never used.
interface Served {
  body: Buffer;
  headers?: Record<string, string>;
  /** Declare the full length but send only this many bytes, then drop the connection. */
  truncateAt?: number;
  status?: number;
}

const osvRecord = (fixed: string): string =>
  JSON.stringify({
    id: 'PYSEC-2099-1',
    modified: '2099-01-01T00:00:00Z',
    details: 'made-up '.repeat(200),
    affected: [{ package: { ecosystem: 'PyPI', name: 'example' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }] }],
  });
const kevJson = (cve: string): Buffer =>
  Buffer.from(
    JSON.stringify({ title: 'KEV', catalogVersion: '2099.01.01', count: 1, vulnerabilities: [{ cveID: cve, dateAdded: '2099-01-01', knownRansomwareCampaignUse: 'Unknown' }], pad: 'x'.repeat(2048) }),
  );
const epssRows = (): string => Array.from({ length: 2000 }, (_, i) => `CVE-2098-${10000 + i},0.${(i * 7919) % 100000},0.${(i * 104729) % 100000}\n`).join('');
const md5b64 = (body: Buffer): string => createHash('md5').update(body).digest('base64');

const files = new Map<string, Served>();
let server: Server;
let base: string;
const requests: string[] = [];
const dir = mkdtempSync(join(tmpdir(), 'sekisho-update-'));
const savedNoProxy = process.env['NO_PROXY'];

function serveDefaults(): void {
  files.clear();
  const zip = writeZip([{ name: 'PYSEC-2099-1.json', data: osvRecord('1.5'), store: true }]);
  files.set('/osv/PyPI/all.zip', { body: zip, headers: { 'x-goog-hash': `crc32c=AAAAAA==,md5=${md5b64(zip)}` } });
  files.set('/kev/known_exploited_vulnerabilities.json', { body: kevJson('CVE-2099-0001') });
  files.set('/epss/epss_scores-current.csv.gz', { body: gzipSync(`#model_version:v1,score_date:2099-01-01\ncve,epss,percentile\nCVE-2099-0001,0.4,0.8\n${epssRows()}`) });
  const tracker = JSON.stringify({ libexample: { 'CVE-2099-0001': { description: 'x'.repeat(1024 * 1024), releases: { bookworm: { status: 'resolved', fixed_version: '1.0-2', urgency: 'low' } } } } });
  files.set('/debian/tracker.json', { body: Buffer.from(tracker) });
}

beforeAll(async () => {
  process.env['NO_PROXY'] = '127.0.0.1,localhost';
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const file = files.get(req.url ?? '');
    if (file === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(file.status ?? 200, { 'content-length': String(file.body.length), ...file.headers });
    if (file.truncateAt !== undefined) {
      res.write(file.body.subarray(0, file.truncateAt));
      setTimeout(() => res.destroy(), 20);
    } else res.end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  if (savedNoProxy === undefined) delete process.env['NO_PROXY'];
  else process.env['NO_PROXY'] = savedNoProxy;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

describe('db update from a mirror', () => {
  const db = join(dir, 'db', 'advisories.sqlite');
  const sources = ['osv-pypi', 'kev', 'epss', 'debian-tracker'];
  const fast = { attempts: 2, retryDelayMs: 5 };

  it('downloads, verifies, builds and records fetch times', async () => {
    serveDefaults();
    const report = await updateAdvisoryDb({ db, mirror: base, sources, now: new Date('2099-02-01T00:00:00Z'), ...fast });
    expect(report.downloaded.map((d) => [d.source, d.verified])).toEqual([
      ['osv-pypi', 'checksum'],
      ['kev', 'size'],
      ['epss', 'size'],
      ['debian-tracker', 'size'],
    ]);
    const store = openAdvisoryStore(db);
    expect(store.query('PyPI', 'example')[0]?.affected.fixedVersions).toEqual(['1.5']);
    expect(store.query('debian:12', 'libexample')[0]?.affected.fixedVersions).toEqual(['1.0-2']);
    expect(store.cveFacts(['CVE-2099-0001']).get('CVE-2099-0001')).toMatchObject({ epss: { score: 0.4 }, kev: { dateAdded: '2099-01-01' } });
    expect(store.metadata().sources.find((s) => s.id === 'osv-pypi')?.fetched).toBe('2099-02-01T00:00:00.000Z');
    store.close();
    expect(readdirSync(join(dir, 'db', 'feeds')).sort()).toEqual(['debian', 'epss', 'fetched.json', 'kev', 'osv']);
  });

  it('updates one source and rebuilds with the cached others', async () => {
    files.set('/kev/known_exploited_vulnerabilities.json', { body: kevJson('CVE-2099-0002') });
    requests.length = 0;
    await updateAdvisoryDb({ db, mirror: base, sources: ['kev'], now: new Date('2099-03-01T00:00:00Z'), ...fast });
    expect(requests).toEqual(['/kev/known_exploited_vulnerabilities.json']);
    const store = openAdvisoryStore(db);
    expect([...store.cveFacts(['CVE-2099-0001', 'CVE-2099-0002']).values()].map((f) => f.kev?.dateAdded ?? null)).toEqual([null, '2099-01-01']);
    expect(store.query('PyPI', 'example')).toHaveLength(1); // from the cached all.zip
    const meta = store.metadata().sources;
    expect(meta.find((s) => s.id === 'kev')?.fetched).toBe('2099-03-01T00:00:00.000Z');
    expect(meta.find((s) => s.id === 'osv-pypi')?.fetched).toBe('2099-02-01T00:00:00.000Z');
    store.close();
  });

  it('leaves the old database intact on truncated, tampered or wrong downloads', async () => {
    const before = readFileSync(db);
    const cases: [string, Served, RegExp][] = [
      ['/debian/tracker.json', { body: Buffer.alloc(2 * 1024 * 1024, 0x20), truncateAt: 1000 }, /cannot download debian-tracker/],
      ['/osv/PyPI/all.zip', { body: writeZip([{ name: 'a.json', data: osvRecord('9'), store: true }]), headers: { 'x-goog-hash': `md5=${md5b64(Buffer.from('other'))}` } }, /md5 .* does not match/],
      ['/kev/known_exploited_vulnerabilities.json', { body: Buffer.from(`<html>${'x'.repeat(4096)}</html>`) }, /unrecognized content/],
      ['/epss/epss_scores-current.csv.gz', { body: gzipSync(`cve,epss,percentile\n${epssRows()}`).subarray(0, 1500) }, /corrupt or truncated gzip/],
      ['/kev/known_exploited_vulnerabilities.json', { body: Buffer.from('gone'), status: 404 }, /HTTP 404/],
    ];
    for (const [path, served, message] of cases) {
      serveDefaults();
      files.set(path, served);
      await expect(updateAdvisoryDb({ db, mirror: base, sources, ...fast })).rejects.toMatchObject({ code: 'DB_DOWNLOAD', message: expect.stringMatching(message) });
      expect(readFileSync(db).equals(before)).toBe(true);
      expect(readdirSync(join(dir, 'db', 'feeds')).filter((name) => name.startsWith('.'))).toEqual([]);
      expect(readdirSync(join(dir, 'db')).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    }
  });

  it('refuses unknown sources', async () => {
    await expect(updateAdvisoryDb({ db: join(dir, 'x', 'a.sqlite'), mirror: base, sources: ['nope'] })).rejects.toMatchObject({ code: 'USAGE_INVALID' });
    expect(existsSync(join(dir, 'x', 'a.sqlite'))).toBe(false);
  });
});

describe('published checksums', () => {
  it('reads GCS md5 headers and NVD meta files', () => {
    expect(googMd5('crc32c=n03x6A==,md5=XrY7u+Ae7tCTyyK7j1rNww==')).toBe('5eb63bbbe01eeed093cb22bb8f5acdc3');
    expect(googMd5('crc32c=n03x6A==')).toBeNull();
    const meta = 'lastModifiedDate:2099-01-01T03:00:01-04:00\r\nsize:1234\r\nzipSize:100\r\ngzSize:90\r\nsha256:' + 'AB'.repeat(32) + '\r\n';
    expect(parseNvdMeta(meta)).toEqual({ sha256: 'ab'.repeat(32), size: 1234 });
    expect(parseNvdMeta('size:1')).toBeNull();
  });
});
