import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { writeOciLayout } from '@sekisho/testkit';
import type { ImageSpec } from '@sekisho/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretsAnalyzer } from '../analyzers/secrets/analyzer.js';
import { scanImage } from '../scan/scan-image.js';

/*
 * End to end: sparse members in image layers are what a runtime unpacks, so what sits after a
 * hole must reach catalogers and analyzers. Layer 1 is a real GNU tar archive (old GNU format,
 * __fixtures__/sparse/README.md); layer 0 is built by the test writer in PAX 1.0.
 */

const OS_RELEASE = 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n';
// A GitHub token shape built at run time, so the repository holds no literal token.
const TOKEN = `ghp_${'A1b2C3d4E5'.repeat(3)}xYz9W8`;
const AGE_KEY = `AGE-SECRET-KEY-1QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7LQPZRY9X8GF2TVDW0S3JN54KHCE`;
const gnuFixture = zlib.gunzipSync(readFileSync(join(import.meta.dirname, '__fixtures__', 'sparse', 'gnu.tar.gz')));

const SPEC: ImageSpec = {
  layers: [
    {
      entries: [
        { name: 'etc/os-release', content: OS_RELEASE },
        { name: 'app/.env', sparse: { format: 'pax-1.0', realSize: 40_000, regions: [{ offset: 32_768, data: `# ci\nGITHUB_TOKEN=${TOKEN}\n` }] } },
        // A rule that reads text only: the holes' zeros must not make the file look binary.
        { name: 'root/.config/age/keys.txt', sparse: { format: 'pax-0.1', realSize: 9000, regions: [{ offset: 8192, data: `# created: 2026\n${AGE_KEY}\n` }] } },
      ],
    },
    { raw: gnuFixture, compression: 'none', entries: [] },
  ],
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sekisho-sparse-scan-'));
  await writeOciLayout(join(dir, 'layout'), SPEC, { tag: 'v1' });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('sparse files in image layers', () => {
  it('catalogs a dpkg database stored after a hole and finds a secret stored after a hole', async () => {
    const { report } = await scanImage(`oci:${join(dir, 'layout')}:v1`, { cacheDir: null, now: new Date('2026-01-01'), analyzers: [createSecretsAnalyzer()] });
    expect(report.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['zlib1g@1:1.2.13.dfsg-1']);
    expect(report.packages[0]?.locations[0]).toMatchObject({ path: '/var/lib/dpkg/status', layerIndex: 1 });
    const secrets = report.findings.filter((f) => f.kind === 'secret');
    expect(secrets.map((f) => [f.ruleId, f.location?.path]).sort()).toEqual([
      ['age-secret-key', '/root/.config/age/keys.txt'],
      ['github-pat', '/app/.env'],
    ]);
    expect(report.unknowns).toEqual([]);
  });
});
