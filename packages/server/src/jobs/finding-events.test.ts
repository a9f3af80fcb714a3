import type { SekishoEvent } from '@sekisho/model';
import { describe, expect, it } from 'vitest';
import { secret, vuln } from '../repository/testing/reports.js';
import { emitAll, newFindingEvents } from './finding-events.js';

const KEY = 'AKIAZ3MHT4V5QX7RW2PL';

describe('finding events', () => {
  const input = {
    digest: `sha256:${'f'.repeat(64)}`,
    reference: 'registry.example/team/app:1',
    scanId: 'scan-1',
    dbVersion: 'v2',
    action: 'scan.record',
    instance: 'test',
    now: new Date('2026-12-06T12:00:00Z'),
  };

  it('raises one event per identity the image did not have, none for known ones or repeats', () => {
    const known = vuln({ cve: 'CVE-2024-1', pkg: 'openssl' });
    const fresh = vuln({ cve: 'CVE-2024-2', pkg: 'openssl', severity: 'high', kev: true });
    const events = newFindingEvents({ ...input, before: new Set(['vulnerability|CVE-2024-1|deb|openssl']), findings: [known, fresh, { ...fresh, id: 'other-id' }] });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      schema: 'sekisho.event/v1',
      kind: 'finding',
      severity: 'high',
      result: 'detected',
      subject: { type: 'image', digest: input.digest },
      details: { vulnerabilityId: 'CVE-2024-2', kev: true, dbVersion: 'v2' },
    });
  });

  it('redacts every event before the sink sees it, and counts what the sink refused', async () => {
    const found = secret(`/app/.env-${KEY}`, KEY);
    const events = newFindingEvents({ ...input, before: new Set(), findings: [{ ...found, title: `AWS key ${KEY}` }, vuln({ cve: 'CVE-2024-3', pkg: 'zlib' })] });
    const seen: SekishoEvent[] = [];
    let calls = 0;
    const result = await emitAll({ emit: (e) => (++calls === 2 ? Promise.reject(new Error('down')) : Promise.resolve(void seen.push(e))) }, events);
    expect(result).toEqual({ emitted: 1, refused: 1 });
    expect(JSON.stringify(seen)).not.toContain(KEY);
    expect(await emitAll(undefined, events)).toEqual({ emitted: 0, refused: 0 });
  });
});
