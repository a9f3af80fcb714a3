/**
 * What Sekisho knows about a container, joined to events and alerts: its image (and digest) and
 * its workload. Learned from Kubernetes audit events that carry pod objects with
 * `status.containerStatuses` (the kubelet's pods/status updates, RequestResponse-level audit), or
 * read from a mapping file. Bounded: the oldest entries are forgotten first.
 */
import type { ProcessEvent } from './fields-syscall.js';

export interface ContainerFacts {
  readonly image?: string;
  readonly imageDigest?: string;
  readonly namespace?: string;
  readonly pod?: string;
  /** `Kind/name` of the pod's controller (ownerReferences[0]). */
  readonly workload?: string;
  readonly container?: string;
}

type Json = Record<string, unknown>;
const rec = (v: unknown): Json | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);
const s = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** `containerd://0123…` or a bare id → the 12-character id Falco uses. */
export function shortContainerId(id: string): string {
  const bare = id.includes('://') ? id.slice(id.indexOf('://') + 3) : id;
  return bare.slice(0, 12);
}

/** The digest in an image id (`docker.io/library/nginx@sha256:…`, `sha256:…`). */
export function digestOf(imageId: string | undefined): string | undefined {
  if (imageId === undefined) return undefined;
  const at = imageId.lastIndexOf('@');
  const d = at >= 0 ? imageId.slice(at + 1) : imageId;
  return /^sha256:[0-9a-f]{64}$/.test(d) ? d : undefined;
}

export class ContainerIndex {
  private readonly byId = new Map<string, ContainerFacts>();

  constructor(readonly maxEntries = 100_000) {}

  get size(): number {
    return this.byId.size;
  }

  set(containerId: string, facts: ContainerFacts): void {
    const id = shortContainerId(containerId);
    if (id === '' || id === 'host') return;
    this.byId.delete(id);
    this.byId.set(id, { ...this.byId.get(id), ...facts });
    if (this.byId.size > this.maxEntries) {
      const oldest = this.byId.keys().next();
      if (!oldest.done) this.byId.delete(oldest.value);
    }
  }

  get(containerId: string): ContainerFacts | undefined {
    return this.byId.get(shortContainerId(containerId));
  }

  /** Learns the containers of the pod objects in an audit event; returns how many. */
  learnFromAuditEvent(event: Readonly<Record<string, unknown>>): number {
    const ref = rec(event['objectRef']);
    if (ref?.['resource'] !== 'pods') return 0;
    let learned = 0;
    for (const key of ['responseObject', 'requestObject']) {
      const pod = rec(event[key]);
      const status = rec(pod?.['status']);
      if (status === undefined) continue;
      const meta = rec(pod?.['metadata']);
      const owner = Array.isArray(meta?.['ownerReferences']) ? rec((meta['ownerReferences'] as unknown[])[0]) : undefined;
      const namespace = s(meta?.['namespace']) ?? s(ref['namespace']);
      const podName = s(meta?.['name']) ?? s(ref['name']);
      const workload = owner !== undefined && s(owner['kind']) !== undefined && s(owner['name']) !== undefined ? `${s(owner['kind'])}/${s(owner['name'])}` : undefined;
      for (const listKey of ['containerStatuses', 'initContainerStatuses', 'ephemeralContainerStatuses']) {
        const list = status[listKey];
        if (!Array.isArray(list)) continue;
        for (const c of list) {
          const cs = rec(c);
          const id = s(cs?.['containerID']);
          if (cs === undefined || id === undefined) continue;
          const digest = digestOf(s(cs['imageID']));
          const image = s(cs['image']);
          const container = s(cs['name']);
          this.set(id, {
            ...(image === undefined ? {} : { image }),
            ...(digest === undefined ? {} : { imageDigest: digest }),
            ...(namespace === undefined ? {} : { namespace }),
            ...(podName === undefined ? {} : { pod: podName }),
            ...(workload === undefined ? {} : { workload }),
            ...(container === undefined ? {} : { container }),
          });
          learned++;
        }
      }
    }
    return learned;
  }

  /**
   * Reads a mapping file: a JSON array, or JSON lines, of
   * `{containerId, image?, imageDigest?, namespace?, pod?, workload?, container?}`.
   */
  static fromMapping(text: string, maxEntries?: number): ContainerIndex {
    const index = new ContainerIndex(maxEntries);
    const trimmed = text.trim();
    const rows: unknown[] = trimmed.startsWith('[')
      ? (JSON.parse(trimmed) as unknown[])
      : trimmed
          .split('\n')
          .filter((l) => l.trim() !== '')
          .map((l) => JSON.parse(l) as unknown);
    if (!Array.isArray(rows)) throw new Error('container mapping must be a JSON array or JSON lines');
    rows.forEach((row, i) => {
      const r = rec(row);
      const id = s(r?.['containerId']);
      if (r === undefined || id === undefined) throw new Error(`container mapping entry ${i + 1} has no containerId`);
      const digest = s(r['imageDigest']);
      if (digest !== undefined && digestOf(digest) === undefined) throw new Error(`container mapping entry ${i + 1}: imageDigest ${digest} is not sha256:<64 hex>`);
      const facts: Record<string, string> = {};
      for (const key of ['image', 'imageDigest', 'namespace', 'pod', 'workload', 'container'] as const) {
        const v = s(r[key]);
        if (v !== undefined) facts[key] = v;
      }
      index.set(id, facts);
    });
    return index;
  }

  /** The event with its container's image and pod filled in where the sensor did not know them. */
  enrich(event: ProcessEvent): ProcessEvent {
    const container = event.container;
    if (container === undefined || container.id === 'host') return event;
    const facts = this.get(container.id);
    if (facts === undefined) return event;
    return {
      ...event,
      container: {
        ...container,
        ...(container.image === undefined && facts.image !== undefined ? { image: facts.image } : {}),
        ...(container.imageDigest === undefined && facts.imageDigest !== undefined ? { imageDigest: facts.imageDigest } : {}),
        ...(container.name === undefined && facts.container !== undefined ? { name: facts.container } : {}),
      },
      k8s: {
        ...event.k8s,
        ...(event.k8s?.ns === undefined && facts.namespace !== undefined ? { ns: facts.namespace } : {}),
        ...(event.k8s?.pod === undefined && facts.pod !== undefined ? { pod: facts.pod } : {}),
      },
    };
  }
}
