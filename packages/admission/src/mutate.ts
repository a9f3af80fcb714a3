import type { Workload } from '@sekisho/core';

/** One RFC 6902 operation; the webhook only adds and replaces. */
export interface PatchOperation {
  readonly op: 'add' | 'replace';
  readonly path: string;
  readonly value: unknown;
}

export interface Mutation {
  readonly patch: PatchOperation;
  /** What changed, in words, for the response's warnings and the event. */
  readonly note: string;
}

/** `name:tag@digest`: the tag stays readable, the digest decides what runs. */
export function pinnedImage(image: string, digest: string): string {
  return `${image}@${digest}`;
}

/** Replaces each tag-only image with its digest-pinned form, where the digest is known. */
export function pinDigestMutations(workload: Workload, podSpecPointer: string, digests: ReadonlyMap<string, string>): Mutation[] {
  const out: Mutation[] = [];
  for (const c of workload.pod.containers) {
    if (c.image === null || c.image.includes('@')) continue;
    const digest = digests.get(c.image);
    if (digest === undefined) continue;
    out.push({
      patch: { op: 'replace', path: `${podSpecPointer}/${c.kind}/${c.index}/image`, value: pinnedImage(c.image, digest) },
      note: `pinned ${c.kind === 'containers' ? 'container' : c.kind.replace(/s$/, '')} "${c.name}" image ${c.image} to ${digest}`,
    });
  }
  return out;
}

/**
 * Adds `seccompProfile: {type: RuntimeDefault}` to the pod's security context when neither the pod
 * nor any container sets a profile (a container's own profile is its owner's choice). Windows pods
 * have no seccomp and are left alone.
 */
export function seccompMutations(workload: Workload, podSpecPointer: string): Mutation[] {
  const pod = workload.pod;
  if (pod.osName === 'windows') return [];
  if (pod.securityContext?.seccompProfile !== undefined) return [];
  if (pod.containers.some((c) => c.securityContext?.seccompProfile !== undefined)) return [];
  const spec = podSpecOf(workload, podSpecPointer);
  const hasContext = spec !== null && typeof spec['securityContext'] === 'object' && spec['securityContext'] !== null && !Array.isArray(spec['securityContext']);
  const value = { type: 'RuntimeDefault' };
  return [
    {
      patch: hasContext ? { op: 'add', path: `${podSpecPointer}/securityContext/seccompProfile`, value } : { op: 'add', path: `${podSpecPointer}/securityContext`, value: { seccompProfile: value } },
      note: 'set the pod securityContext.seccompProfile to RuntimeDefault (none was set)',
    },
  ];
}

function podSpecOf(workload: Workload, pointer: string): Record<string, unknown> | null {
  let cur: unknown = workload.object.raw;
  for (const part of pointer.split('/').slice(1)) cur = typeof cur === 'object' && cur !== null && !Array.isArray(cur) ? (cur as Record<string, unknown>)[part] : undefined;
  return typeof cur === 'object' && cur !== null && !Array.isArray(cur) ? (cur as Record<string, unknown>) : null;
}

export function encodePatch(mutations: readonly Mutation[]): string {
  return Buffer.from(JSON.stringify(mutations.map((m) => m.patch)), 'utf8').toString('base64');
}
