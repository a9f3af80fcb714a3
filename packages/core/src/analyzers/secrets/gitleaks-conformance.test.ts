import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeOciLayout } from '@sekisho/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanImage } from '../../scan/scan-image.js';
import { setupScanners } from '../../scan/scanners.js';
import { sharedDir } from '../../testing/shared-data.js';

/**
 * Gitleaks' own literal rule samples (true positives and false positives from its rule
 * generators), scored through the image scan path: every sample is one file at
 * `/app/s<N>/config.txt` in one layer of a testkit OCI image, scanned with the `secret` scanner
 * exactly as `sekisho image` sets it up. A true positive counts when its file has at least one
 * secret finding (any rule); a false positive counts when its file has any. The samples are
 * gitleaks' (MIT); `../shared/conformance/secrets/` holds them, so this test skips without it.
 * SEKISHO_SHARED_DIR points at another `shared` folder (a git worktree has no sibling one).
 */
const dir = sharedDir('conformance', 'secrets') ?? sharedFromEnv();
const samplesFile = dir === null ? null : join(dir, 'gitleaks-rule-samples.visible.jsonl');
const available = samplesFile !== null && existsSync(samplesFile);

function sharedFromEnv(): string | null {
  const root = process.env['SEKISHO_SHARED_DIR'];
  if (root === undefined || root === '') return null;
  const path = join(root, 'conformance', 'secrets');
  return existsSync(path) ? path : null;
}

interface Sample {
  readonly ruleId: string;
  readonly kind: 'tp' | 'fp';
  readonly text: string;
  readonly path: string;
}

function readSamples(file: string): Sample[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      const row = JSON.parse(line) as { rule_id?: unknown; kind?: unknown; text?: unknown };
      if (typeof row.rule_id !== 'string' || (row.kind !== 'tp' && row.kind !== 'fp') || typeof row.text !== 'string') {
        throw new Error(`sample ${index + 1}: expected rule_id, kind tp|fp and text`);
      }
      return { ruleId: row.rule_id, kind: row.kind, text: row.text, path: `/app/s${index + 1}/config.txt` };
    });
}

const pct = (n: number, d: number): string => `${((100 * n) / Math.max(d, 1)).toFixed(1)}%`;

describe.skipIf(!available)('gitleaks rule samples through the image scan (../shared/conformance/secrets)', () => {
  let tmp = '';
  let samples: Sample[] = [];
  const hits = new Map<string, string[]>();

  beforeAll(async () => {
    samples = readSamples(samplesFile as string);
    tmp = await mkdtemp(join(tmpdir(), 'sekisho-gitleaks-'));
    const layout = join(tmp, 'layout');
    await writeOciLayout(layout, {
      layers: [{ entries: samples.map((s) => ({ name: s.path.slice(1), content: s.text })), createdBy: 'COPY samples /app' }],
    });
    const setup = await setupScanners(new Set(['secret']));
    const { report } = await scanImage(layout, {
      cacheDir: null,
      now: new Date('2026-01-01'),
      catalogers: [],
      analyzers: setup.analyzers,
      analyzerOptions: setup.analyzerOptions,
      configAnalyzers: setup.configAnalyzers,
    });
    for (const finding of report.findings) {
      if (finding.kind !== 'secret' || finding.location === null) continue;
      const list = hits.get(finding.location.path) ?? [];
      list.push(finding.ruleId);
      hits.set(finding.location.path, list);
    }
  }, 120_000);

  afterAll(async () => {
    if (tmp !== '') await rm(tmp, { recursive: true, force: true });
  });

  it('finds at least 95% of the true positives and flags at most 5% of the false positives', () => {
    const tps = samples.filter((s) => s.kind === 'tp');
    const fps = samples.filter((s) => s.kind === 'fp');
    const missed = tps.filter((s) => !hits.has(s.path));
    const flagged = fps.filter((s) => hits.has(s.path));
    const recall = (tps.length - missed.length) / tps.length;
    const fpRate = flagged.length / fps.length;
    const excerpt = (s: Sample): string => JSON.stringify(s.text.length > 100 ? `${s.text.slice(0, 100)}…` : s.text);
    console.log(
      [
        `gitleaks samples: recall ${tps.length - missed.length}/${tps.length} (${pct(tps.length - missed.length, tps.length)}), ` +
          `false positives ${flagged.length}/${fps.length} (${pct(flagged.length, fps.length)})`,
        ...missed.map((s) => `  missed ${s.ruleId} ${s.path}: ${excerpt(s)}`),
        ...flagged.map((s) => `  flagged ${s.ruleId} ${s.path} by ${[...new Set(hits.get(s.path))].join(',')}: ${excerpt(s)}`),
      ].join('\n'),
    );
    if (process.env['SECRETS_CONFORMANCE_DEBUG'] !== undefined) {
      for (const s of tps) console.log(`  tp ${s.ruleId} ${s.path} by ${[...new Set(hits.get(s.path) ?? [])].join(',') || '-'}`);
    }
    expect(tps.length).toBeGreaterThan(0);
    expect(fps.length).toBeGreaterThan(0);
    expect(recall).toBeGreaterThanOrEqual(0.95);
    expect(fpRate).toBeLessThanOrEqual(0.05);
  });
});
