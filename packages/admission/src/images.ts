/**
 * Images of a workload, judged by digest: the reference, the digest requirement, the server's stored
 * decision (cached per digest and environment, one call in flight per key) and the trust policy
 * (cached per digest). Every remote call ends by the request's deadline; a failure becomes a reason
 * whose level the environment's `onError` sets.
 */
import { parseImageReference } from '@sekisho/core';
import { SharedCache } from './remote/cache.js';
import { remaining, withDeadline } from './remote/deadline.js';
import type { SignatureVerifier, TagResolver } from './remote/digests.js';
import type { ImageVerdict, VerdictSource } from './remote/verdicts.js';
import { ruleReason, truncate, type Reason } from './reasons.js';
import type { AdmissionSettings } from './settings.js';

export interface ImageJudgeOptions {
  readonly verdicts?: VerdictSource;
  readonly tags?: TagResolver;
  readonly signatures?: SignatureVerifier;
  /** How long a stored decision is reused (default 5 min). */
  readonly verdictTtlMs?: number;
  /** How long "the server has no scan" is reused (default 30 s): a scan asked for on a miss is picked up soon. */
  readonly missingTtlMs?: number;
  readonly signatureTtlMs?: number;
  readonly tagTtlMs?: number;
  readonly cacheSize?: number;
  readonly onRemoteError?: (what: string) => void;
}

export interface ImageCheck {
  readonly image: string;
  readonly digest: string | null;
  readonly verdict: ImageVerdict | null;
  readonly reasons: readonly Reason[];
}

function boxed<T>(value: T): { value: T } {
  return { value };
}

/** A remote call's own time limit: what is left of the request, at least a second (the caller stops waiting at its deadline anyway). */
function callSignal(deadline: number): AbortSignal {
  return AbortSignal.timeout(Math.max(remaining(deadline), 1000));
}

export class ImageJudge {
  readonly #options: ImageJudgeOptions;
  readonly #verdictCache: SharedCache<{ value: ImageVerdict }>;
  readonly #tagCache: SharedCache<{ value: string }>;
  readonly #signatureCache: SharedCache<{ value: readonly Reason[] }>;

  constructor(options: ImageJudgeOptions) {
    this.#options = options;
    const size = options.cacheSize ?? 10_000;
    this.#verdictCache = new SharedCache(size, options.verdictTtlMs ?? 5 * 60_000);
    this.#tagCache = new SharedCache(size, options.tagTtlMs ?? 60_000);
    this.#signatureCache = new SharedCache(size, options.signatureTtlMs ?? 10 * 60_000);
  }

  get cacheStats(): { hits: number; misses: number; size: number } {
    return { hits: this.#verdictCache.hits, misses: this.#verdictCache.misses, size: this.#verdictCache.size };
  }

  /** The digest a tag points at now (cached for the tag TTL); throws when it cannot be known in time. */
  async resolve(image: string, deadline: number): Promise<string> {
    const tags = this.#options.tags;
    if (tags === undefined) throw new Error('no registry access configured');
    parseImageReference(image);
    const entry = await withDeadline(`resolving ${image}`, remaining(deadline), undefined, () => this.#tagCache.get(image, async () => boxed(await tags.resolve(image, callSignal(deadline)))));
    return entry.value;
  }

  /**
   * Judges each image: its reference, the digest requirement, the server's verdict (when the
   * environment has image rules: `needVerdict`) and the trust policy. Never waits past `deadline`.
   */
  judge(images: readonly string[], environment: string, settings: AdmissionSettings, needVerdict: boolean, deadline: number, dryRun: boolean): Promise<ImageCheck[]> {
    return Promise.all(images.map((image) => this.#judgeOne(image, environment, settings, needVerdict, deadline, dryRun)));
  }

  async #judgeOne(image: string, environment: string, settings: AdmissionSettings, needVerdict: boolean, deadline: number, dryRun: boolean): Promise<ImageCheck> {
    const reasons: Reason[] = [];
    let ref;
    try {
      ref = parseImageReference(image);
    } catch {
      reasons.push({ level: 'deny', source: 'request', message: `image ${JSON.stringify(truncate(image, 200))} is not a valid image reference`, fix: null });
      return { image, digest: null, verdict: null, reasons };
    }
    const onError = (what: string, error: unknown): void => {
      this.#options.onRemoteError?.(what);
      const why = error instanceof Error ? error.message : String(error);
      reasons.push({
        level: settings.onError === 'deny' ? 'deny' : 'warn',
        source: 'error',
        message: `image ${image}: ${what} failed: ${truncate(why, 300)}`,
        fix: settings.onError === 'deny' ? "Retry; if the service stays down, the environment's admission.onError decides." : null,
      });
    };
    if (ref.digest === null && settings.requireDigest) {
      reasons.push({ level: 'deny', source: 'digest', message: `image ${image} is not pinned by digest`, fix: `Use ${image}@sha256:… (the digest the tag points at now).` });
    }
    let digest = ref.digest;
    const wantDigest = needVerdict || this.#options.signatures !== undefined;
    if (digest === null && wantDigest && this.#options.tags !== undefined) {
      try {
        digest = await this.resolve(image, deadline);
      } catch (error) {
        onError('resolving the tag to a digest', error);
        return { image, digest: null, verdict: null, reasons };
      }
    }

    let verdict: ImageVerdict | null = null;
    if (needVerdict) {
      if (digest === null) verdict = { kind: 'missing', why: 'the tag was not resolved to a digest (no registry access configured)' };
      else if (this.#options.verdicts === undefined) verdict = { kind: 'missing', why: 'no server is configured (--server)' };
      else {
        const source = this.#options.verdicts;
        const key = `${digest}|${environment}`;
        const d = digest;
        try {
          const lookup = async (): Promise<{ value: ImageVerdict }> => {
            const found = await source.lookup(d, environment, callSignal(deadline));
            // asked once per miss (not per request while the miss is cached), never for a dry run; off the request path
            if (found.kind === 'missing' && !dryRun && source.requestScan !== undefined) {
              void source.requestScan(`${ref.registry}/${ref.repository}@${d}`, d, environment, AbortSignal.timeout(5000)).catch(() => this.#options.onRemoteError?.('scan request'));
            }
            return boxed(found);
          };
          verdict = (
            await withDeadline(`image verdict of ${image}`, remaining(deadline), undefined, () =>
              this.#verdictCache.get(key, lookup, (v) => (v.value.kind === 'missing' ? (this.#options.missingTtlMs ?? 30_000) : undefined)),
            )
          ).value;
        } catch (error) {
          onError('looking up the image verdict', error);
        }
      }
      if (verdict?.kind === 'found') {
        const before = reasons.length;
        for (const rule of verdict.decision.rules) {
          const reason = ruleReason(rule, 'image-policy', `image ${image} (${digest ?? ''}): `);
          if (reason !== null) reasons.push(reason);
        }
        // a decision that fails or warns without naming a rule still counts
        if (reasons.length === before && verdict.decision.result !== 'pass') {
          reasons.push({
            level: verdict.decision.result === 'fail' ? 'deny' : 'warn',
            source: 'image-policy',
            message: `image ${image} (${digest ?? ''}): policy ${verdict.decision.policy} ${verdict.decision.result === 'fail' ? 'failed' : 'warned'} in environment ${environment}`,
            fix: null,
          });
        }
      } else if (verdict?.kind === 'missing' && settings.onMissingScan !== 'allow') {
        reasons.push({
          level: settings.onMissingScan === 'deny' ? 'deny' : 'warn',
          source: 'scan',
          message: `image ${image} has no scan to judge it by: ${verdict.why}`,
          fix: `Scan it first: sekisho image ${image} --server …`,
        });
      }
    }

    const verifier = this.#options.signatures;
    if (verifier !== undefined && digest !== null) {
      const reference = `${ref.registry}/${ref.repository}@${digest}`;
      try {
        const found = (
          await withDeadline(`signatures of ${image}`, remaining(deadline), undefined, () =>
            this.#signatureCache.get(reference, async () => {
              const findings = await verifier.verify(reference, callSignal(deadline));
              return boxed(findings.map((f): Reason => ({ level: 'deny', source: 'signature', message: `image ${image}: ${f.title}: ${f.description}`, fix: f.fix })));
            }),
          )
        ).value;
        reasons.push(...found);
      } catch (error) {
        onError('verifying signatures', error);
      }
    }
    return { image, digest, verdict, reasons };
  }
}
