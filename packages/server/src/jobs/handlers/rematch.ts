/**
 * rematch: the stored inventories of some digests (all when none are named) matched again against
 * the current advisory database, without reading any layer. Each digest's findings are recorded
 * under the new version through `recordScan`, so first-seen/fixed-at follow as for any scan; the
 * other kinds of findings of its last scan are carried over. A digest already matched under this
 * version is left alone, so a retried job does not redo finished work. Every finding the digest
 * did not have before raises a `finding` event.
 */
import { VULN_SCANNER } from '@sekisho/core';
import { dbVersionOf } from '../advisories.js';
import type { WorkerContext } from '../context.js';
import { PermanentJobError } from '../errors.js';
import { emitAll, newFindingEvents } from '../finding-events.js';
import { matchReport } from '../match.js';
import { identities, loadStoredImage, reportOf } from '../stored-report.js';
import type { JobHandler } from '../types.js';

export function rematchHandler(ctx: WorkerContext): JobHandler<'rematch'> {
  return async (job, signal) => {
    const now = ctx.now ?? (() => new Date());
    const store = ctx.advisories.open();
    if (store === null) throw new PermanentJobError(`no advisory database at ${ctx.advisories.path}: nothing to re-match against`);
    try {
      const dbVersion = dbVersionOf(store.metadata());
      // A newer database replaced the one this job was queued for: the newer one is matched (its own job skips what this one did).
      const digests = job.payload.digests ?? (await allDigests(ctx));
      let matched = 0;
      let skipped = 0;
      let missing = 0;
      let newFindings = 0;
      let refused = 0;
      for (const digest of digests) {
        if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('the re-match was stopped');
        const stored = await loadStoredImage(ctx.repository, digest);
        if (stored === null) {
          missing++;
          continue;
        }
        if (stored.scan.dbVersion === dbVersion) {
          skipped++;
          continue;
        }
        const before = identities(stored.findings.map((f) => f.finding));
        const base = reportOf(
          stored,
          stored.findings.map((f) => f.finding),
        );
        const report = matchReport({ ...base, scanners: [...(base.scanners ?? []).filter((s) => s !== VULN_SCANNER)] }, store, ctx.advisories.path);
        const withSize = { ...report, image: stored.image.size === null ? null : { layers: [], config: EMPTY_CONFIG, size: stored.image.size } };
        // Its repositories, without tags: the repository scope's intervals follow when it is a head.
        const names = stored.image.repositories.map((repository) => ({ repository, tag: null }));
        const { scan } = await ctx.repository.recordScan(withSize, dbVersion, { scannedAt: now(), names });
        const events = newFindingEvents({
          digest,
          reference: scan.reference,
          scanId: scan.id,
          dbVersion,
          before,
          findings: report.findings,
          action: 'advisories.rematch',
          instance: ctx.instance ?? 'worker',
          now: now(),
        });
        newFindings += events.length;
        refused += (await emitAll(ctx.events, events)).refused;
        matched++;
      }
      return { dbVersion, matched, skipped, missing, newFindings, eventsRefused: refused };
    } finally {
      store.close();
    }
  };
}

/** Image configuration is not stored; an empty one only carries the size through recordScan (which stores no configuration). */
const EMPTY_CONFIG = { user: null, env: [], entrypoint: [], cmd: [], workingDir: null, exposedPorts: [], labels: {}, healthcheck: null, created: null };

async function allDigests(ctx: WorkerContext): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await ctx.repository.listImages({}, { limit: 500, cursor });
    out.push(...page.items.map((i) => i.digest));
    cursor = page.nextCursor;
  } while (cursor !== null);
  return out;
}
