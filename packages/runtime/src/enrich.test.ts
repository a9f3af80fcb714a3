import { describe, expect, it } from 'vitest';
import { ContainerIndex, digestOf, shortContainerId } from './enrich.js';
import type { ProcessEvent } from './fields-syscall.js';

const DIGEST = `sha256:${'c'.repeat(64)}`;
/** A kubelet pods/status patch at RequestResponse level, as the API server audits it. */
const statusPatch = {
  kind: 'Event',
  apiVersion: 'audit.k8s.io/v1',
  verb: 'patch',
  objectRef: { resource: 'pods', subresource: 'status', namespace: 'shop', name: 'web-7d9c-x2' },
  responseObject: {
    kind: 'Pod',
    metadata: { name: 'web-7d9c-x2', namespace: 'shop', ownerReferences: [{ kind: 'ReplicaSet', name: 'web-7d9c' }] },
    status: {
      containerStatuses: [{ name: 'web', image: 'ghcr.io/acme/web:2.1', imageID: `ghcr.io/acme/web@${DIGEST}`, containerID: `containerd://0123456789ab${'f'.repeat(52)}` }],
      initContainerStatuses: [{ name: 'init', image: 'busybox:1.36', imageID: 'docker.io/library/busybox@sha256:short', containerID: 'containerd://aaaaaaaaaaaa' }],
    },
  },
};

describe('ContainerIndex', () => {
  it('learns containers from pod status in audit events', () => {
    const index = new ContainerIndex();
    expect(index.learnFromAuditEvent(statusPatch)).toBe(2);
    expect(index.get('0123456789ab')).toEqual({ image: 'ghcr.io/acme/web:2.1', imageDigest: DIGEST, namespace: 'shop', pod: 'web-7d9c-x2', workload: 'ReplicaSet/web-7d9c', container: 'web' });
    // An image id that is not a sha256 digest is not passed off as one.
    expect(index.get('aaaaaaaaaaaa')?.imageDigest).toBeUndefined();
    expect(index.learnFromAuditEvent({ ...statusPatch, objectRef: { resource: 'secrets' } })).toBe(0);
  });

  it('fills what the sensor did not know, and keeps what it did', () => {
    const index = ContainerIndex.fromMapping(JSON.stringify({ containerId: '0123456789ab', image: 'ghcr.io/acme/web:2.1', imageDigest: DIGEST, namespace: 'shop', pod: 'web-1' }));
    const event: ProcessEvent = { type: 'execve', proc: { name: 'sh' }, ancestors: [], container: { id: '0123456789ab', image: 'web:latest' } };
    expect(index.enrich(event)).toMatchObject({ container: { id: '0123456789ab', image: 'web:latest', imageDigest: DIGEST }, k8s: { ns: 'shop', pod: 'web-1' } });
    expect(index.enrich({ ...event, container: { id: 'host' } })).toEqual({ ...event, container: { id: 'host' } });
  });

  it('refuses a mapping entry without a container id or with a malformed digest', () => {
    expect(() => ContainerIndex.fromMapping('[{"image":"x"}]')).toThrow('entry 1 has no containerId');
    expect(() => ContainerIndex.fromMapping('{"containerId":"abc","imageDigest":"sha256:nope"}')).toThrow('is not sha256:<64 hex>');
  });

  it('stays within its size, forgetting the oldest first', () => {
    const index = new ContainerIndex(2);
    for (const id of ['aaaaaaaaaaa1', 'aaaaaaaaaaa2', 'aaaaaaaaaaa3']) index.set(id, { pod: id });
    expect([index.size, index.get('aaaaaaaaaaa1'), index.get('aaaaaaaaaaa3')?.pod]).toEqual([2, undefined, 'aaaaaaaaaaa3']);
  });

  it('normalizes ids and digests', () => {
    expect(shortContainerId('cri-o://0123456789abcdef')).toBe('0123456789ab');
    expect(digestOf(`x@${DIGEST}`)).toBe(DIGEST);
    expect(digestOf('sha256:abc')).toBeUndefined();
  });
});
