import { copyFile, mkdtemp, open, readFile, readdir, rm, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { writeDockerArchive, writeOciArchive, writeOciLayout } from '@sekisho/testkit';
import type { ImageSpec } from '@sekisho/testkit';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { scanImage } from './scan-image.js';
import type { ImageScan, ScanOptions } from './scan-image.js';
import { setupScanners, withPostScanFindings } from './scanners.js';
import { defaultRedactor } from '../findings/redaction.js';
import { decodeCacheValue } from './cache-codec.js';
import type { ScannerSetup } from './scanners.js';

/**
 * A warm rescan (every layer cached, the image result cached) must give exactly what a cold scan
 * gives, and must never vouch for bytes that changed since they were verified.
 */
const MARKER = 'warm-rescan-marker';
const TOKEN = 'ghp_' + 'Zq8xW3rT7yP2mK9vB4nL6cF1hJ5dG0sA2eR8';
const stanza = (name: string, version: string) => `Package: ${name}\nStatus: install ok installed\nArchitecture: amd64\nVersion: ${version}\n\n`;
const SPEC: ImageSpec = {
  layers: [
    {
      compression: 'none',
      createdBy: 'ADD rootfs.tar /',
      entries: [
        { name: 'usr/lib/os-release', content: 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n' },
        { name: 'etc/os-release', type: 'symlink', linkTarget: '../usr/lib/os-release' },
        { name: 'var/lib/dpkg/status', content: stanza('bash', '5.2.15-2+b7') + stanza('libc6', '2.36-9+deb12u8') },
        { name: 'var/lib/dpkg/info/bash.list', content: '/bin/bash\n/usr/share/doc/bash/copyright\n' },
        { name: 'usr/bin/passwd', content: 'x', mode: 0o4755 },
        { name: 'opt/old/.env', content: `GITHUB_TOKEN=${TOKEN}\n` },
      ],
    },
    {
      compression: 'none',
      createdBy: 'RUN rm -rf /opt/old && npm install',
      entries: [
        { name: 'opt/.wh.old', content: '' },
        { name: 'app/readme.txt', content: `${MARKER}\n` },
        { name: 'app/node_modules/minimist/package.json', content: JSON.stringify({ name: 'minimist', version: '1.2.0', license: 'MIT' }) },
      ],
    },
  ],
  config: { User: 'root', Env: ['PATH=/usr/bin', `GITHUB_TOKEN=${TOKEN}`] },
};

type Form = 'docker-archive' | 'docker-archive-oci' | 'oci-layout' | 'oci-archive';
const FORMS: readonly Form[] = ['docker-archive', 'docker-archive-oci', 'oci-layout', 'oci-archive'];

let dir: string;
let counter = 0;
let scanners: ScannerSetup;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sekisho-warm-test-'));
  scanners = await setupScanners(new Set(['secret', 'hardening']));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// Files written by a test are seconds old: too recent for a proof (verified-files.ts). The clock
// (Date only) runs an hour ahead, so that they are as old as image files usually are.
beforeEach(() => {
  const now = Date.now();
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(now + 3_600_000);
});
afterEach(() => {
  vi.useRealTimers();
});

/** The reference and the file(s) holding the layer bytes. */
async function write(form: Form): Promise<{ ref: string; files: string[] }> {
  const path = join(dir, `${form}-${counter++}`);
  if (form === 'oci-layout') {
    await writeOciLayout(path, SPEC, { tag: 'v1' });
    const blobs = join(path, 'blobs', 'sha256');
    return { ref: `oci:${path}`, files: (await readdir(blobs)).map((name) => join(blobs, name)) };
  }
  if (form === 'oci-archive') await writeOciArchive(path, SPEC, { tag: 'v1' });
  else await writeDockerArchive(path, SPEC, { form: form === 'docker-archive' ? 'legacy' : 'oci' });
  return { ref: `${form === 'oci-archive' ? 'oci-archive' : 'docker-archive'}:${path}`, files: [path] };
}

const NOW = new Date('2026-01-01');

async function scan(ref: string, cacheDir: string | null, extra: Partial<ScanOptions> = {}): Promise<{ scan: ImageScan; cached: boolean[]; json: string }> {
  const cached: boolean[] = [];
  const result = await scanImage(ref, {
    cacheDir,
    now: NOW,
    analyzers: scanners.analyzers,
    configAnalyzers: scanners.configAnalyzers,
    analyzerOptions: scanners.analyzerOptions,
    onProgress: (e) => {
      if (e.type === 'layer-done') cached.push(e.cached);
    },
    ...extra,
  });
  return { scan: result, cached, json: JSON.stringify(withPostScanFindings(result, scanners, extra.now ?? NOW)) };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
  return 'no error';
}

/** Overwrite the marker in place: same size, and the file's mtime and atime put back as they were. */
async function changeMarker(file: string): Promise<boolean> {
  const before = await stat(file);
  const bytes = await readFile(file);
  const at = bytes.indexOf(MARKER);
  if (at < 0) return false;
  const handle = await open(file, 'r+');
  try {
    await handle.write(Buffer.from('X'), 0, 1, at);
  } finally {
    await handle.close();
  }
  await utimes(file, before.atime, before.mtime);
  return true;
}

function rows(cacheDir: string, sql: string): unknown[] {
  const db = new DatabaseSync(join(cacheDir, 'layers.sqlite'));
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}

function exec(cacheDir: string, sql: string): void {
  const db = new DatabaseSync(join(cacheDir, 'layers.sqlite'));
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

describe.each(FORMS)('warm rescan, %s', (form) => {
  let cacheDir: string;
  beforeEach(() => {
    cacheDir = join(dir, `cache-${counter++}`);
  });

  it('gives the cold scan byte for byte, from the image cache, without hashing the layers again', async () => {
    const { ref } = await write(form);
    const cold = await scan(ref, null);
    const prime = await scan(ref, cacheDir);
    const warm = await scan(ref, cacheDir);
    expect(prime.cached).toEqual([false, false]);
    expect(warm.cached).toEqual([true, true]);
    expect(warm.json).toBe(cold.json);
    expect(prime.json).toBe(cold.json);
    expect(warm.scan.merged).toEqual(cold.scan.merged);
    // The cold scan (a layer verified as it was read) left a proof for every layer blob.
    expect(rows(cacheDir, 'SELECT range FROM verified_ranges')).toHaveLength(2);
    expect(rows(cacheDir, 'SELECT key FROM image_inventories')).toHaveLength(1);
    // What the image exercises: a secret in a file a later layer deleted, one in the config, packages.
    const report = cold.scan.report;
    expect(report.findings.some((f) => f.removedInLayer === 1)).toBe(true);
    expect(report.findings.some((f) => f.location?.layerIndex === null)).toBe(true);
    expect(report.packages.map((p) => p.name)).toEqual(['bash', 'libc6', 'minimist']);
  });

  it('reads a layer changed in place (same size, mtime put back) again, and refuses it as a cold scan does', async () => {
    const { ref, files } = await write(form);
    await scan(ref, cacheDir);
    let changed = 0;
    for (const file of files) if (await changeMarker(file)) changed += 1;
    expect(changed).toBe(1);
    const cold = await codeOf(scan(ref, null));
    expect(['INTEGRITY_DIGEST_MISMATCH', 'INTEGRITY_DIFFID_MISMATCH']).toContain(cold);
    expect(await codeOf(scan(ref, cacheDir))).toBe(cold);
  });

  it('takes no proof from a damaged row, even one that names the changed file', async () => {
    const { ref, files } = await write(form);
    await scan(ref, cacheDir);
    for (const file of files) await changeMarker(file);
    // The state column now describes the changed file; the row's checksum does not.
    const state = async (file: string) => {
      const s = await stat(file, { bigint: true });
      return `${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
    };
    for (const file of files) {
      const s = await stat(file, { bigint: true });
      exec(cacheDir, `UPDATE verified_ranges SET state = '${await state(file)}' WHERE range LIKE '${s.dev}:${s.ino}:%'`);
    }
    const cold = await codeOf(scan(ref, null));
    expect(await codeOf(scan(ref, cacheDir))).toBe(cold);
  });

  it('reads the layers again when the image entry is damaged, and gives the same report', async () => {
    const { ref } = await write(form);
    const cold = await scan(ref, null);
    await scan(ref, cacheDir);
    exec(cacheDir, 'UPDATE image_inventories SET head = substr(head, 1, length(head) / 2)');
    const warm = await scan(ref, cacheDir);
    expect(warm.json).toBe(cold.json);
    // The damaged entry was replaced: the next rescan takes the image from the cache again.
    const again = await scan(ref, cacheDir);
    expect(again.json).toBe(cold.json);
    expect(rows(cacheDir, 'SELECT key FROM image_inventories WHERE length(head) > 100')).toHaveLength(1);
  });

  it('states distro support as of the day of the rescan', async () => {
    const { ref } = await write(form);
    await scan(ref, cacheDir);
    const later = new Date('2031-01-01');
    const cold = await scan(ref, null, { now: later });
    const warm = await scan(ref, cacheDir, { now: later });
    expect(warm.cached).toEqual([true, true]);
    expect(warm.scan.report.distro?.eol.status).toBe('eol');
    expect(warm.json).toBe(cold.json);
  });
});

describe('warm rescan of a copy', () => {
  it('hashes the copy (no proof for a new file) and reports it under its own path', async () => {
    const { ref, files } = await write('docker-archive');
    const cacheDir = join(dir, `cache-${counter++}`);
    await scan(ref, cacheDir);
    const source = files[0] ?? '';
    const copy = `${source}-copy`;
    await copyFile(source, copy);
    const cold = await scan(`docker-archive:${copy}`, null);
    const warm = await scan(`docker-archive:${copy}`, cacheDir);
    expect(warm.cached).toEqual([true, true]);
    expect(warm.scan.report.target.reference).toBe(copy);
    expect(warm.json).toBe(cold.json);
  });
});

describe('the output redactor on a warm rescan', () => {
  const CREDENTIAL = 'hunter2-prod-7Qx';
  const withPackage = (homepage: string): ImageSpec => ({
    ...SPEC,
    layers: [
      ...SPEC.layers,
      {
        compression: 'none',
        entries: [{ name: 'app/node_modules/leaky/package.json', content: JSON.stringify({ name: 'leaky', version: '1.0.0', homepage }) }],
      },
    ],
  });
  const headOf = (cacheDir: string): unknown => {
    const [row] = rows(cacheDir, 'SELECT head FROM image_inventories') as { head: Uint8Array }[];
    return decodeCacheValue(row?.head ?? new Uint8Array());
  };
  const rendered = (scan: ImageScan): string => JSON.stringify(defaultRedactor().report(scan.report));

  it('does not walk packages it found clean when they were cached, and prints what the cold scan prints', async () => {
    const path = join(dir, `clean-${counter++}`);
    await writeOciLayout(path, withPackage('https://example.com/leaky'), { tag: 'v1' });
    const cacheDir = join(dir, `cache-${counter++}`);
    const cold = await scan(`oci:${path}`, null);
    await scan(`oci:${path}`, cacheDir);
    expect(headOf(cacheDir)).toMatchObject({ packagesRedactedBy: expect.stringMatching(/^redaction:/) as unknown, relationshipsRedactedBy: expect.stringMatching(/^redaction:/) as unknown });
    const warm = await scan(`oci:${path}`, cacheDir);
    expect(warm.cached).toEqual([true, true, true]);
    expect(rendered(warm.scan)).toBe(rendered(cold.scan));
    // Not walked: shown by what no real report does, a package added to the array afterwards
    // (reports are never changed once built, which is what makes the answer stay true).
    const late = { name: 'late', homepage: `https://deploy:${CREDENTIAL}@registry.example.com/late` };
    (warm.scan.report.packages as unknown[]).push(late);
    expect(JSON.stringify(defaultRedactor().value(warm.scan.report.packages))).toContain(CREDENTIAL);
    (warm.scan.report.relationships as unknown[]).push(late);
    expect(JSON.stringify(defaultRedactor().value(warm.scan.report.relationships))).toContain(CREDENTIAL);
    // The cold scan's packages too, with nothing cached: walked, and the late one redacted.
    (cold.scan.report.packages as unknown[]).push(late);
    expect(JSON.stringify(defaultRedactor().value(cold.scan.report.packages))).not.toContain(CREDENTIAL);
  });

  it('redacts, cold and warm, a credential in a package, and records no answer for those packages', async () => {
    const path = join(dir, `leaky-${counter++}`);
    await writeOciLayout(path, withPackage(`https://deploy:${CREDENTIAL}@registry.example.com/leaky`), { tag: 'v1' });
    const cacheDir = join(dir, `cache-${counter++}`);
    const prime = await scan(`oci:${path}`, cacheDir);
    expect(JSON.stringify(prime.scan.report.packages)).toContain(CREDENTIAL); // the scan keeps what it read: output is redacted
    expect(headOf(cacheDir)).toMatchObject({ packagesRedactedBy: null });
    const warm = await scan(`oci:${path}`, cacheDir);
    expect(warm.cached).toEqual([true, true, true]);
    for (const output of [rendered(prime.scan), rendered(warm.scan)]) {
      expect(output).not.toContain(CREDENTIAL);
      expect(output).toContain('https://deploy:hunt…(16 chars)@registry.example.com/leaky');
    }
  });
});
