/**
 * Registry notifications into scan jobs, on the real in-process queue: Docker Distribution
 * envelopes and Harbor webhooks (both of its forms), and hostile payloads (too big, too many
 * events, wrong shapes, forged hosts and names, control characters) refused or ignored with why.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../jobs/open-store.js';
import type { StoreWithQueue } from '../jobs/open-store.js';
import { NOTIFICATION_MAX_BYTES, NotificationError, handleRegistryNotification, parseRegistryNotification } from './notifications.js';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

function distributionEvent(overrides: Record<string, unknown> = {}, target: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'asdf-asdf-asdf-asdf-0',
    timestamp: '2026-12-06T12:00:00.000Z',
    action: 'push',
    target: { mediaType: MANIFEST, size: 708, digest: D1, length: 708, repository: 'team/app', url: `https://registry.example:5000/v2/team/app/manifests/${D1}`, tag: '1.0', ...target },
    request: { id: 'r1', addr: '192.0.2.1:5000', host: 'registry.example:5000', method: 'PUT', useragent: 'docker/27' },
    actor: { name: 'ci' },
    source: { addr: 'registry-1:5000', instanceID: 'i-1' },
    ...overrides,
  };
}

function harbor(resources: unknown[], type = 'PUSH_ARTIFACT'): Record<string, unknown> {
  return {
    type,
    occur_at: 1765000000,
    operator: 'robot$ci',
    event_data: { resources, repository: { date_created: 1765000000, name: 'nginx', namespace: 'library', repo_full_name: 'library/nginx', repo_type: 'private' } },
  };
}

function code(fn: () => unknown): string {
  try {
    fn();
    return 'accepted';
  } catch (error) {
    return error instanceof NotificationError ? error.code : `other: ${String(error)}`;
  }
}

describe('registry notifications', () => {
  let dir: string;
  let store: StoreWithQueue;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sekisho-notify-'));
    store = await openSqliteStore({ path: join(dir, 'store.db') });
  });
  afterEach(async () => {
    await store.queue.stop(100);
    await store.repository.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('queues one scan per pushed manifest digest from a Docker Distribution envelope; pulls, blobs and repeats are not queued', async () => {
    const body = JSON.stringify({
      events: [
        distributionEvent(),
        distributionEvent({}, { tag: 'latest' }), // a second tag of the same digest
        distributionEvent({ action: 'pull' }),
        distributionEvent({}, { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: D2 }),
        distributionEvent({}, { digest: D2, tag: undefined }),
      ],
    });
    const result = await handleRegistryNotification(body, store.queue);
    expect(result.format).toBe('distribution');
    expect(result.images.map((i) => i.reference)).toEqual([`registry.example:5000/team/app:1.0@${D1}`, `registry.example:5000/team/app:latest@${D1}`, `registry.example:5000/team/app@${D2}`]);
    expect(result.jobs.map((j) => j.payload.digest)).toEqual([D1, D2]);
    expect(result.ignored.map((i) => i.index)).toEqual([2, 3]);
    // The same push notified again (registries retry): no second job while the first waits.
    const again = await handleRegistryNotification(body, store.queue);
    expect(again.jobs.map((j) => j.id)).toEqual(result.jobs.map((j) => j.id));
    expect((await store.queue.stats()).queued).toBe(2);
  });

  it('reads Harbor webhooks, in the classic form and as CloudEvents', async () => {
    const classic = await handleRegistryNotification(harbor([{ digest: D1, tag: '1.25', resource_url: `harbor.example/library/nginx:1.25` }]), store.queue, { environment: 'prod' });
    expect(classic.format).toBe('harbor');
    expect(classic.jobs[0]?.payload).toEqual({ reference: `harbor.example/library/nginx:1.25@${D1}`, digest: D1, environment: 'prod' });
    const cloud = parseRegistryNotification({
      specversion: '1.0',
      type: 'harbor.artifact.pushed',
      data: harbor([{ digest: D2, tag: 'x', resource_url: 'harbor.example/library/nginx:x' }])['event_data'],
    });
    expect(cloud.images.map((i) => i.digest)).toEqual([D2]);
    const scanEvent = parseRegistryNotification(harbor([{ digest: D1 }], 'SCANNING_COMPLETED'));
    expect(scanEvent.images).toHaveLength(0);
    // No host in the event: only with a default registry.
    expect(parseRegistryNotification(harbor([{ digest: D1, tag: 'a' }])).ignored[0]?.reason).toMatch(/registry host/);
    expect(parseRegistryNotification(harbor([{ digest: D1, tag: 'a' }]), { defaultRegistry: 'harbor.example' }).images[0]?.reference).toBe(`harbor.example/library/nginx:a@${D1}`);
  });

  it('refuses payloads too big or of the wrong shape as a whole', () => {
    expect(code(() => parseRegistryNotification('x'.repeat(NOTIFICATION_MAX_BYTES + 1)))).toBe('NOTIFICATION_TOO_LARGE');
    expect(code(() => parseRegistryNotification(Buffer.alloc(NOTIFICATION_MAX_BYTES + 1, 0x20)))).toBe('NOTIFICATION_TOO_LARGE');
    expect(code(() => parseRegistryNotification({ events: Array.from({ length: 1001 }, () => ({})) }))).toBe('NOTIFICATION_TOO_LARGE');
    for (const body of [
      '{',
      '[]',
      'null',
      '"events"',
      JSON.stringify({ events: 'all' }),
      JSON.stringify({ hello: 1 }),
      JSON.stringify({ type: 'PUSH_ARTIFACT', event_data: [] }),
      JSON.stringify(harbor('many' as unknown as unknown[])),
    ]) {
      expect(
        code(() => parseRegistryNotification(body)),
        body,
      ).toBe('NOTIFICATION_INVALID');
    }
    expect(code(() => parseRegistryNotification(42))).toBe('NOTIFICATION_INVALID');
  });

  it('ignores forged events with the reason: bad digests, hosts, names, control characters, registries not watched', () => {
    const events = [
      distributionEvent({}, { digest: 'sha256:abc' }),
      distributionEvent({}, { digest: `md5:${'1'.repeat(32)}` }),
      distributionEvent({ request: { host: 'evil host' } }, { url: 'file:///etc/passwd' }),
      distributionEvent({}, { repository: '../../etc/passwd' }),
      distributionEvent({}, { repository: 'Team/App' }),
      distributionEvent({}, { tag: 'a\nb' }),
      distributionEvent({}, { tag: '-bad' }),
      distributionEvent({}, { repository: { $ne: 1 } }),
      distributionEvent({ request: { host: 'other.example' } }, { url: undefined }),
      distributionEvent({ request: null }, { url: `https://registry.example:5000/v2/team/app/manifests/${D1}` }),
    ];
    const parsed = parseRegistryNotification({ events }, { allowedRegistries: ['registry.example:5000'] });
    expect(parsed.images.map((i) => i.reference)).toEqual([`registry.example:5000/team/app:1.0@${D1}`]);
    expect(parsed.ignored.map((i) => i.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(parsed.ignored[8]?.reason).toMatch(/not watched/);
    for (const i of parsed.ignored) expect(i.reason.length).toBeLessThan(200);
  });
});
