import { createEvent } from '@sekisho/model';
import type { EventInput, EventKind, EventResult } from '@sekisho/model';
import { describe, expect, it } from 'vitest';
import { incidentReason, opensIncident } from './opens.js';

const event = (kind: EventKind, result: EventResult, details: Record<string, unknown> = {}) =>
  createEvent({ kind, result, details, severity: 'high', source: { component: 'server', instance: 't' }, subject: { type: 'host', id: 'h' }, action: 'a' } satisfies EventInput);

describe('opensIncident', () => {
  it('opens for runtime alerts, admission denials, in-app detections and new KEV findings', () => {
    expect(incidentReason(event('runtime', 'detected'))).toBe('runtime-alert');
    expect(incidentReason(event('runtime', 'blocked'))).toBe('runtime-alert');
    expect(incidentReason(event('admission', 'denied'))).toBe('admission-denied');
    expect(incidentReason(event('rasp', 'detected'))).toBe('rasp-detection');
    expect(incidentReason(event('rasp', 'blocked'))).toBe('rasp-detection');
    expect(incidentReason(event('finding', 'info', { kev: true }))).toBe('kev-finding');
  });

  it('ignores everything else', () => {
    expect(opensIncident(event('runtime', 'info'))).toBe(false);
    expect(opensIncident(event('admission', 'allowed'))).toBe(false);
    expect(opensIncident(event('admission', 'warned'))).toBe(false);
    expect(opensIncident(event('rasp', 'allowed'))).toBe(false);
    expect(opensIncident(event('finding', 'info'))).toBe(false);
    expect(opensIncident(event('finding', 'info', { kev: 'true' }))).toBe(false);
    expect(opensIncident(event('finding', 'info', { kev: false }))).toBe(false);
    for (const kind of ['policy-decision', 'host', 'function', 'audit', 'incident', 'test'] as const) {
      expect(opensIncident(event(kind, 'denied', { kev: true }))).toBe(false);
    }
  });
});
