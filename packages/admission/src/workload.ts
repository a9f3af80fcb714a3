import { workloadOf, type KubeObject, type Workload } from '@sekisho/core';
import type { AdmissionRequest } from './review.js';

/** The workload kinds the webhook judges, by API group, and where each keeps its pod spec (JSON Pointer). */
export const JUDGED_KINDS: Readonly<Record<string, { readonly group: string; readonly resource: string; readonly podSpecPointer: string }>> = {
  Pod: { group: '', resource: 'pods', podSpecPointer: '/spec' },
  ReplicationController: { group: '', resource: 'replicationcontrollers', podSpecPointer: '/spec/template/spec' },
  Deployment: { group: 'apps', resource: 'deployments', podSpecPointer: '/spec/template/spec' },
  StatefulSet: { group: 'apps', resource: 'statefulsets', podSpecPointer: '/spec/template/spec' },
  DaemonSet: { group: 'apps', resource: 'daemonsets', podSpecPointer: '/spec/template/spec' },
  ReplicaSet: { group: 'apps', resource: 'replicasets', podSpecPointer: '/spec/template/spec' },
  Job: { group: 'batch', resource: 'jobs', podSpecPointer: '/spec/template/spec' },
  CronJob: { group: 'batch', resource: 'cronjobs', podSpecPointer: '/spec/jobTemplate/spec/template/spec' },
};

/** Most containers (init, regular and ephemeral together) one pod spec may have to be judged. */
export const MAX_CONTAINERS = 500;

/** Sub-resources that carry a pod spec worth judging; every other one (status, scale, binding, eviction…) is not judged, as PSA does. */
const JUDGED_SUBRESOURCES = new Set(['', 'ephemeralcontainers']);

export type WorkloadOf =
  | { readonly kind: 'workload'; readonly workload: Workload; readonly podSpecPointer: string; readonly subject: WorkloadSubject }
  | { readonly kind: 'connect'; readonly subject: WorkloadSubject; readonly via: 'exec' | 'attach'; readonly container: string | null; readonly command: readonly string[] }
  | { readonly kind: 'skip'; readonly why: string }
  | { readonly kind: 'refuse'; readonly why: string; readonly subject: WorkloadSubject };

export interface WorkloadSubject {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

export function subjectOf(request: AdmissionRequest): WorkloadSubject {
  const meta = isRecord(request.object?.['metadata']) ? request.object['metadata'] : {};
  const name = request.name ?? str(meta['name']) ?? (str(meta['generateName']) === null ? '' : `${String(meta['generateName'])}*`);
  return { kind: request.kind.kind, namespace: request.namespace ?? str(meta['namespace']) ?? '', name };
}

/** The pod spec of a request: which workload, or why it is not judged (`skip`) or cannot be (`refuse`). */
export function workloadOfRequest(request: AdmissionRequest): WorkloadOf {
  const subject = subjectOf(request);
  if (request.operation === 'CONNECT' && request.resource.group === '' && request.resource.resource === 'pods' && (request.subResource === 'exec' || request.subResource === 'attach')) {
    const options = request.object ?? {};
    const command = Array.isArray(options['command']) ? options['command'].filter((c): c is string => typeof c === 'string').slice(0, 64) : [];
    return { kind: 'connect', subject: { kind: 'Pod', namespace: subject.namespace, name: request.name ?? '' }, via: request.subResource, container: str(options['container']), command };
  }
  if (request.operation !== 'CREATE' && request.operation !== 'UPDATE') return { kind: 'skip', why: `${request.operation} is not judged` };
  if (!JUDGED_SUBRESOURCES.has(request.subResource ?? '')) return { kind: 'skip', why: `sub-resource ${request.subResource ?? ''} is not judged` };
  const judged = JUDGED_KINDS[request.kind.kind];
  if (judged === undefined || judged.group !== request.kind.group)
    return { kind: 'skip', why: `${request.kind.group === '' ? '' : `${request.kind.group}/`}${request.kind.kind} is not a workload kind` };
  if (request.subResource === 'ephemeralcontainers' && request.kind.kind !== 'Pod') return { kind: 'skip', why: 'ephemeral containers of a non-pod' };
  const raw = request.object;
  if (raw === null || raw === undefined) return { kind: 'refuse', why: `${request.operation} of ${subject.kind} carries no object`, subject };
  const object: KubeObject = {
    file: `${subject.namespace}/${subject.kind}/${subject.name}`,
    document: 0,
    pathPrefix: '',
    apiVersion: typeof raw['apiVersion'] === 'string' ? raw['apiVersion'] : `${judged.group === '' ? '' : `${judged.group}/`}${request.kind.version}`,
    kind: request.kind.kind,
    name: subject.name === '' ? null : subject.name,
    namespace: subject.namespace === '' ? null : subject.namespace,
    raw,
  };
  // counted on the raw object first: views of thousands of containers are not built only to be refused
  const rawCount = containerCount(raw, judged.podSpecPointer);
  if (rawCount > MAX_CONTAINERS) return { kind: 'refuse', why: `${rawCount} containers: more than the ${MAX_CONTAINERS} judged in one request`, subject };
  const workload = workloadOf(object);
  if (workload === null) return { kind: 'refuse', why: `${subject.kind} has no pod spec at ${judged.podSpecPointer}`, subject };
  if (workload.pod.containers.length > MAX_CONTAINERS) return { kind: 'refuse', why: `${workload.pod.containers.length} containers: more than the ${MAX_CONTAINERS} judged in one request`, subject };
  return { kind: 'workload', workload, podSpecPointer: judged.podSpecPointer, subject };
}

function containerCount(raw: Record<string, unknown>, pointer: string): number {
  let cur: unknown = raw;
  for (const part of pointer.split('/').slice(1)) cur = isRecord(cur) ? cur[part] : undefined;
  if (!isRecord(cur)) return 0;
  const spec = cur;
  return ['initContainers', 'containers', 'ephemeralContainers'].reduce((n, f) => n + (Array.isArray(spec[f]) ? (spec[f] as unknown[]).length : 0), 0);
}

function containersOf(spec: Record<string, unknown>, field: string): Record<string, unknown>[] {
  const list = spec[field];
  return Array.isArray(list) ? list.map((c) => (isRecord(c) ? c : {})) : [];
}

function annotationsOf(pod: Record<string, unknown>): Record<string, unknown> {
  const meta = isRecord(pod['metadata']) ? pod['metadata'] : {};
  return isRecord(meta['annotations']) ? meta['annotations'] : {};
}

/**
 * Pod Security Admission's rule for pod updates (pod-security-admission admission.go,
 * isSignificantPodUpdate): only a change in the number of containers, a container's image, its
 * seccomp annotation, or an added ephemeral container is judged again; every other pod update is
 * admitted as it is (most pod fields are immutable).
 */
export function isSignificantPodUpdate(pod: Record<string, unknown>, oldPod: Record<string, unknown>): boolean {
  const spec = isRecord(pod['spec']) ? pod['spec'] : {};
  const oldSpec = isRecord(oldPod['spec']) ? oldPod['spec'] : {};
  const ann = annotationsOf(pod);
  const oldAnn = annotationsOf(oldPod);
  const changed = (c: Record<string, unknown>, o: Record<string, unknown>): boolean => {
    if (c['image'] !== o['image']) return true;
    const key = `container.seccomp.security.alpha.kubernetes.io/${String(c['name'])}`;
    return ann[key] !== oldAnn[key];
  };
  for (const field of ['containers', 'initContainers']) {
    const now = containersOf(spec, field);
    const before = containersOf(oldSpec, field);
    if (now.length !== before.length) return true;
    if (now.some((c, i) => changed(c, before[i] ?? {}))) return true;
  }
  const oldEphemeral = containersOf(oldSpec, 'ephemeralContainers');
  for (const c of containersOf(spec, 'ephemeralContainers')) {
    const old = oldEphemeral.find((o) => o['name'] === c['name']);
    if (old === undefined || changed(c, old)) return true;
  }
  return false;
}

function at(raw: Record<string, unknown>, pointer: string): unknown {
  let cur: unknown = raw;
  for (const part of pointer.split('/').slice(1)) cur = isRecord(cur) ? cur[part] : undefined;
  return cur;
}

/**
 * A controller UPDATE is judged when its pod template changed. Controllers update their own objects
 * (revision annotations, finalizers, replicas): judging those again would let a verdict that turned
 * bad since the last rollout stop the controller itself, while no new pod spec is asked for.
 * Compared as JSON: a template written in another key order is judged (the safe side).
 */
export function isSignificantTemplateUpdate(object: Record<string, unknown>, oldObject: Record<string, unknown>, podSpecPointer: string): boolean {
  const template = podSpecPointer.replace(/\/spec$/, '');
  return JSON.stringify(at(object, template)) !== JSON.stringify(at(oldObject, template));
}
