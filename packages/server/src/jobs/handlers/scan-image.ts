/**
 * scan-image: the engine's scan as the CLI's `image` command runs it (inventory, layer scanners,
 * post-scan checks, vulnerability matching) with the shared layer cache, then one
 * `recordScan`. A digest already scanned under the current advisory database is not scanned
 * again, however many tags point at it: the tag is recorded and the job ends.
 */
import { isSekishoError, parseImageReference, parseScanners, scanImage, setupScanners, withPostScanFindings, withScannersRan } from '@sekisho/core';
import type { Scanner, ScannerSetup } from '@sekisho/core';
import { NO_DB_VERSION, dbVersionOf } from '../advisories.js';
import type { WorkerContext } from '../context.js';
import { PermanentJobError } from '../errors.js';
import { emitAll, newFindingEvents } from '../finding-events.js';
import { matchReport } from '../match.js';
import { allFindings, identities } from '../stored-report.js';
import type { JobHandler } from '../types.js';

export const DEFAULT_WORKER_SCANNERS = 'vuln,secret,hardening';

/** Engine errors that no retry can cure: a malformed reference, a refused image, a hostile archive. */
const PERMANENT_CODES =
  /^(USAGE_|CONFIG_|SOURCE_(?:NOT_FOUND|UNSUPPORTED|INVALID|NO_MATCHING_PLATFORM|EMPTY)|INTEGRITY_|LAYER_(?:CORRUPT|PATH_ESCAPE|LINK_ESCAPE)|LIMIT_(?!TIMEOUT)|REGISTRY_(?:UNTRUSTED_REDIRECT|REDIRECT_LOOP))/;

export function scanImageHandler(ctx: WorkerContext): JobHandler<'scan-image'> {
  // Scanner setup (compiling secret rules…) is done once per worker, not per image.
  let scanners: Promise<{ selected: Set<Scanner>; setup: ScannerSetup }> | null = null;
  const scannerSetup = (): Promise<{ selected: Set<Scanner>; setup: ScannerSetup }> => {
    scanners ??= (async () => {
      let selected: Set<Scanner>;
      try {
        selected = parseScanners(ctx.scanners ?? DEFAULT_WORKER_SCANNERS);
      } catch (error) {
        throw new PermanentJobError(`scanners: ${(error as Error).message}`);
      }
      return { selected, setup: await setupScanners(selected, { showSecrets: false }) };
    })();
    scanners.catch(() => {
      scanners = null;
    });
    return scanners;
  };
  return async (job, signal) => {
    const { reference, digest } = job.payload;
    const now = ctx.now ?? (() => new Date());
    const store = ctx.advisories.open();
    try {
      const dbVersion = store === null ? NO_DB_VERSION : dbVersionOf(store.metadata());
      if (digest !== undefined) {
        const latest = (await ctx.repository.listScans(digest, { limit: 1 })).items[0];
        if (latest !== undefined && latest.dbVersion === dbVersion) {
          await recordTag(ctx, reference, digest);
          return { skipped: 'already scanned under this advisory database', scanId: latest.id, digest };
        }
      }
      const { selected, setup } = await scannerSetup();
      let report;
      try {
        const scan = await scanImage(reference, {
          cacheDir: ctx.cacheDir,
          signal,
          analyzers: setup.analyzers,
          configAnalyzers: setup.configAnalyzers,
          analyzerOptions: setup.analyzerOptions,
          ...(ctx.registry === undefined ? {} : { registry: ctx.registry }),
          ...(ctx.scanTimeoutMs === undefined ? {} : { timeoutMs: ctx.scanTimeoutMs }),
        });
        report = withScannersRan(
          withPostScanFindings(scan, setup, now()),
          [...selected].filter((s) => s !== 'vuln'),
        );
      } catch (error) {
        if (isSekishoError(error) && PERMANENT_CODES.test(error.code)) throw new PermanentJobError(`${error.code}: ${error.message}`);
        throw error;
      }
      if (selected.has('vuln')) report = matchReport(report, store, ctx.advisories.path);
      const scanned = report.target.manifestDigest ?? report.target.configDigest;
      if (scanned === null) throw new PermanentJobError('the scan resolved no image digest');
      const before = identities((await allFindings(ctx.repository, scanned)).map((f) => f.finding));
      const { scan, opened, fixed } = await ctx.repository.recordScan(report, dbVersion, { scannedAt: now() });
      const events = newFindingEvents({
        digest: scan.digest,
        reference: scan.reference,
        scanId: scan.id,
        dbVersion,
        before,
        findings: report.findings,
        action: 'scan.record',
        instance: ctx.instance ?? 'worker',
        now: now(),
      });
      const sent = await emitAll(ctx.events, events);
      if (job.payload.environment !== undefined)
        await ctx.queue.enqueue('evaluate-policy', { digest: scan.digest, environment: job.payload.environment }, { singletonKey: `${scan.digest}|${job.payload.environment}` });
      return { scanId: scan.id, digest: scan.digest, dbVersion, status: scan.status, findings: scan.findingCount, opened, fixed, newFindings: events.length, eventsRefused: sent.refused };
    } finally {
      store?.close();
    }
  };
}

/** A registry tag seen pointing at an already scanned digest. */
async function recordTag(ctx: WorkerContext, reference: string, digest: string): Promise<void> {
  let ref;
  try {
    ref = parseImageReference(reference);
  } catch {
    return;
  }
  if (ref.tag !== null) await ctx.repository.setTag(`${ref.registry}/${ref.repository}`, ref.tag, digest);
}
