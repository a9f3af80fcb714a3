/**
 * evaluate-policy: the configured policy applied to the stored scan of a digest, through the one
 * library call (`evaluatePolicy`) the CLI gate and the admission webhook make, with first-seen
 * times from the store; the decision is recorded. The rebuilt report has no image configuration,
 * so rules that need it are not judged (never passed).
 */
import { environmentFor, evaluatePolicy } from '@sekisho/core';
import { findingIdentity } from '@sekisho/model';
import type { WorkerContext } from '../context.js';
import { PermanentJobError } from '../errors.js';
import { loadStoredImage, reportOf } from '../stored-report.js';
import type { JobHandler } from '../types.js';

export function evaluatePolicyHandler(ctx: WorkerContext): JobHandler<'evaluate-policy'> {
  return async (job) => {
    const policy = ctx.policy ?? null;
    if (policy === null) throw new PermanentJobError('no policy is configured for this worker (--policy FILE): the image was not judged');
    const stored = await loadStoredImage(ctx.repository, job.payload.digest);
    if (stored === null) throw new PermanentJobError(`no stored scan of ${job.payload.digest}`);
    const firstSeen = new Map(stored.findings.map((f) => [f.identity, new Date(f.firstSeenAt)]));
    const now = (ctx.now ?? (() => new Date()))();
    let decision;
    try {
      // No environment named: the policy's mappings decide, from the image's repositories, as the CLI does.
      const environment = job.payload.environment ?? environmentFor(policy, { images: stored.image.repositories });
      decision = evaluatePolicy(reportOf(stored), policy, environment, { now, firstSeen: (f) => firstSeen.get(findingIdentity(f)) ?? null });
    } catch (error) {
      throw new PermanentJobError(`policy: ${(error as Error).message}`);
    }
    const recorded = await ctx.repository.recordDecision(stored.image.digest, decision, stored.scan.id, now);
    return { decisionId: recorded.id, digest: stored.image.digest, environment: decision.environment, result: decision.result };
  };
}
