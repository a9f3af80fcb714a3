import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSekishoError } from '@sekisho/core';
import { dbCommand, formatAge, resolveDbPath } from './db.js';

const dir = mkdtempSync(join(tmpdir(), 'sekisho-db-cli-'));
const feeds = join(dir, 'feeds');
const NOW = new Date('2099-03-04T05:00:00Z');

// Hand-written feeds: one OSV record and one Alpine secdb.
const osv = JSON.stringify({
  id: 'GHSA-test-cli1',
  modified: '2099-01-01T00:00:00Z',
  affected: [{ package: { ecosystem: 'npm', name: 'left-pad' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.3.0' }] }] }],
});
const secdb = JSON.stringify({
  distroversion: 'v3.20',
  reponame: 'main',
  urlprefix: 'https://dl-cdn.alpinelinux.org/alpine',
  packages: [{ pkg: { name: 'zlib', secfixes: { '1.3-r0': ['CVE-2099-0001'] } } }],
});
const kev = JSON.stringify({ catalogVersion: '1', vulnerabilities: [{ cveID: 'CVE-2099-0001', dateAdded: '2099-01-01' }], pad: 'x'.repeat(2048) });

let server: Server;
let base: string;
const savedDb = process.env['SEKISHO_DB'];
const savedNoProxy = process.env['NO_PROXY'];

beforeAll(async () => {
  mkdirSync(join(feeds, 'osv'), { recursive: true });
  writeFileSync(join(feeds, 'osv', 'GHSA-test-cli1.json'), osv);
  writeFileSync(join(feeds, 'main.json'), secdb);
  process.env['NO_PROXY'] = '127.0.0.1';
  server = createServer((req, res) => {
    if (req.url === '/kev/known_exploited_vulnerabilities.json') res.writeHead(200, { 'content-type': 'application/json' }).end(kev);
    else if (req.url === '/epss/epss_scores-current.csv.gz') {
      res.writeHead(200, { 'content-length': '100000' });
      res.write(Buffer.alloc(100));
      setTimeout(() => res.destroy(), 10);
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const [key, value] of [
    ['SEKISHO_DB', savedDb],
    ['NO_PROXY', savedNoProxy],
  ] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

async function run(...args: string[]): Promise<{ out: string; err: string }> {
  let out = '';
  let err = '';
  const command = dbCommand({ io: { stdout: (t) => (out += t), stderr: (t) => (err += t), isTty: false }, now: () => NOW }).exitOverride();
  command.commands.forEach((sub) => sub.exitOverride());
  await command.parseAsync(args, { from: 'user' });
  return { out, err };
}

async function errorCode(...args: string[]): Promise<string> {
  try {
    await run(...args);
  } catch (error) {
    return isSekishoError(error) ? error.code : `not a SekishoError: ${String(error)}`;
  }
  return 'no error';
}

describe('sekisho db', () => {
  const db = join(dir, 'out', 'advisories.sqlite');

  it('builds from feed folders and reports per-source counts', async () => {
    const { out } = await run('build', '--from', feeds, '--db', db);
    expect(out).toMatch(/^SOURCE\s+STORED\s+NOT USABLE\s+REPEATED\nalpine-secdb\s+1\s+0\s+0\nghsa\s+1\s+0\s+0\n/);
    expect(out).toContain('2 advisories and 0 CVE facts stored from 2 feed files');
    expect(out).toContain('REPEATED: records met again');
  });

  it('shows status as text and JSON, with the age of the build', async () => {
    const { out } = await run('status', '--db', db);
    expect(out).toContain(`Database: ${db}`);
    expect(out).toMatch(/Built:\s+2099-03-04T05:00:00.000Z \(0m ago\)/);
    expect(out).toMatch(/Records:\s+2/);
    const json = JSON.parse((await run('status', '--db', db, '--format', 'json')).out) as { schemaVersion: number; sources: { id: string; records: number }[]; ageSeconds: number };
    expect(json.schemaVersion).toBe(1);
    expect(json.ageSeconds).toBe(0);
    expect(json.sources.map((s) => [s.id, s.records])).toEqual([
      ['alpine-secdb', 1],
      ['ghsa', 1],
    ]);
  });

  it('selects the file with SEKISHO_DB and fails with DB_* codes', async () => {
    process.env['SEKISHO_DB'] = db;
    expect((await run('status')).out).toContain(`Database: ${db}`);
    process.env['SEKISHO_DB'] = join(dir, 'missing.sqlite');
    expect(await errorCode('status')).toBe('DB_NOT_FOUND');
    delete process.env['SEKISHO_DB'];
    writeFileSync(join(dir, 'junk.sqlite'), 'junk');
    expect(await errorCode('status', '--db', join(dir, 'junk.sqlite'))).toBe('DB_CORRUPT');
    expect(await errorCode('build', '--from', join(dir, 'nowhere'), '--db', db)).toBe('DB_BUILD');
  });

  it('updates from a mirror and keeps the database when a download is truncated', async () => {
    const updated = join(dir, 'upd', 'advisories.sqlite');
    const { out } = await run('update', '--db', updated, '--mirror', base, '--source', 'kev');
    expect(out).toContain('Downloaded: kev');
    expect(out).toContain('0 advisories and 1 CVE facts');
    const before = readFileSync(updated);
    expect(await errorCode('update', '--db', updated, '--mirror', base, '--source', 'epss', 'kev')).toBe('DB_DOWNLOAD');
    expect(readFileSync(updated).equals(before)).toBe(true);
    expect(await errorCode('update', '--db', updated, '--source', 'no-such-feed')).toBe('USAGE_INVALID');
  }, 30_000);

  it('resolves the default path under the cache dir', () => {
    delete process.env['SEKISHO_DB'];
    expect(resolveDbPath(undefined, '/c')).toBe(join('/c', 'db', 'advisories.sqlite'));
    expect(resolveDbPath('/x.sqlite', '/c')).toBe('/x.sqlite');
    expect([formatAge(59_000), formatAge(3_600_000 * 5 + 120_000), formatAge(86_400_000 * 3 + 3_600_000)]).toEqual(['0m', '5h 2m', '3d 1h']);
  });
});
