import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCaptured } from '../testing/run-captured.js';

const ROOT = resolve(import.meta.dirname, '../../../..');
const EXAMPLE = join(ROOT, 'examples', 'hello-app.oci.tar');

describe('sekisho recommend', () => {
  let dir = '';
  let db = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sekisho-recommend-'));
    db = join(dir, 'advisories.sqlite');
    const built = await runCaptured(['-q', 'db', 'build', '--from', join(ROOT, 'examples', 'advisories'), '--db', db]);
    expect(built.code).toBe(0);
  }, 120_000);
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('names the smallest upgrade of each vulnerable package of the example image, from the bundled advisories', async () => {
    const run = await runCaptured(['-q', '--no-cache', 'recommend', EXAMPLE, '--db', db, '--format', 'json']);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as { upgrades: { name: string; installed: string; target: string; clears: string[] }[]; baseImage: unknown; status: string };
    expect(out.status).toBe('complete');
    expect(out.baseImage).toBeNull();
    expect(out.upgrades.find((u) => u.name === 'lodash')).toMatchObject({ installed: '4.17.15', target: '4.17.19', clears: ['NSWG-ECO-516'] });
  }, 120_000);

  it('compares candidate base images scanned with the same database, and renders markdown for a pull request', async () => {
    const run = await runCaptured(['-q', '--no-cache', 'recommend', EXAMPLE, '--db', db, '--format', 'markdown', '--base-candidates', EXAMPLE]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('| lodash | 4.17.15 | 4.17.19 |');
    // the same image as its own candidate fixes nothing: never recommended
    expect(run.stdout).toContain('No candidate base image fixes more than it introduces.');
  }, 120_000);
});
