/**
 * scan-repository: list a repository's tags through core's registry client (the hardened one:
 * bounded pages, verified digests), resolve each tag's digest, and queue a scan of each digest
 * not scanned yet (one per digest, whatever number of tags name it). Tags that moved are recorded.
 */
import { RegistryClient, isSekishoError, parseRegistryTarget } from '@sekisho/core';
import type { WorkerContext } from '../context.js';
import { PermanentJobError } from '../errors.js';
import type { JobHandler } from '../types.js';

/** Most tags read from one repository per job. */
export const MAX_TAGS_PER_REPOSITORY = 5000;

export function scanRepositoryHandler(ctx: WorkerContext): JobHandler<'scan-repository'> {
  return async (job, signal) => {
    let target;
    try {
      target = parseRegistryTarget(job.payload.repository);
    } catch (error) {
      throw new PermanentJobError(`not a repository: ${(error as Error).message}`);
    }
    if (target.repository === null) throw new PermanentJobError('name a repository (registry/path), not a registry alone');
    const name = `${target.registry}/${target.repository}`;
    const client = new RegistryClient({ registry: target.registry, apiHost: target.apiHost }, { ...ctx.registry, signal });
    try {
      const tags = await client.listTags(target.repository, { max: MAX_TAGS_PER_REPOSITORY });
      const queuedDigests = new Set<string>();
      let unchanged = 0;
      for (const tag of tags) {
        if (signal.aborted) throw new Error('the repository scan was stopped');
        const head = await client.headManifest(target.repository, tag);
        // Without a digest in the HEAD answer, the manifest is fetched: its digest is computed from its bytes.
        const digest = head?.digest ?? (await client.getManifest(target.repository, tag)).digest;
        const known = await ctx.repository.resolveTag(name, tag);
        const scanned = (await ctx.repository.listScans(digest, { limit: 1 })).items.length > 0;
        if (known?.digest === digest && scanned) {
          unchanged++;
          continue;
        }
        if (scanned) {
          await ctx.repository.setTag(name, tag, digest);
          unchanged++;
          continue;
        }
        if (queuedDigests.has(digest)) continue;
        queuedDigests.add(digest);
        await ctx.queue.enqueue('scan-image', { reference: `${name}:${tag}`, digest }, { singletonKey: digest });
      }
      return { repository: name, tags: tags.length, queued: queuedDigests.size, unchanged };
    } catch (error) {
      if (isSekishoError(error) && (error.code === 'USAGE_INVALID' || error.code === 'REGISTRY_UNTRUSTED_REDIRECT' || error.code === 'REGISTRY_REDIRECT_LOOP')) {
        throw new PermanentJobError(`${error.code}: ${error.message}`);
      }
      throw error;
    } finally {
      await client.close().catch(() => {});
    }
  };
}
