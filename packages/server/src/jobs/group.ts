/**
 * The concurrency group of a job: the registry it reads from, so a per-registry limit keeps
 * workers from tripping a registry's rate limit. Local sources (`oci-dir:`, archives) have none.
 */
import { existsSync } from 'node:fs';
import { parseRegistryTarget, registryReferenceOf } from '@sekisho/core';
import type { JobKind, JobPayloads } from './types.js';

export function registryOfReference(reference: string): string | null {
  try {
    return registryReferenceOf(reference, existsSync)?.registry ?? null;
  } catch {
    return null;
  }
}

export function registryOfRepository(repository: string): string | null {
  try {
    return parseRegistryTarget(repository).registry;
  } catch {
    return null;
  }
}

export function groupOf<K extends JobKind>(kind: K, payload: JobPayloads[K]): string | null {
  if (kind === 'scan-image') return registryOfReference((payload as JobPayloads['scan-image']).reference);
  if (kind === 'scan-repository') return registryOfRepository((payload as JobPayloads['scan-repository']).repository);
  return null;
}
