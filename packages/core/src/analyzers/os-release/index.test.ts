import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reportCompleteness } from '@sekisho/model';
import { writeOciLayout } from '@sekisho/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanImage } from '../../scan/scan-image.js';
import { MAX_OS_RELEASE_BYTES } from './index.js';

describe('os-release analyzer', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sekisho-os-release-test-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('an os-release padded past what is read is an unknown, so the report is incomplete', async () => {
    const content = `# ${'x'.repeat(MAX_OS_RELEASE_BYTES)}\nID=debian\nVERSION_ID="12"\n`;
    await writeOciLayout(join(dir, 'padded'), { layers: [{ entries: [{ name: 'etc/os-release', content }] }] });
    const { report } = await scanImage(join(dir, 'padded'), { cacheDir: null, now: new Date('2026-01-01') });
    expect(report.unknowns.map((u) => [u.location.path, u.foundBy, u.reason])).toEqual([
      [
        '/etc/os-release',
        'os-release-analyzer',
        `file of ${content.length} bytes: only the first ${MAX_OS_RELEASE_BYTES} were read; fields after them (the distribution's ID and version) were not seen`,
      ],
    ]);
    expect(reportCompleteness(report).status).toBe('incomplete');
  });

  it('an honest os-release leaves no unknown', async () => {
    await writeOciLayout(join(dir, 'honest'), { layers: [{ entries: [{ name: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' }] }] });
    const { report } = await scanImage(join(dir, 'honest'), { cacheDir: null, now: new Date('2026-01-01') });
    expect(report.unknowns).toEqual([]);
    expect(report.distro?.id).toBe('debian');
  });
});
