import { createEvent } from '@sekisho/model';
import type { EventKind, SekishoEvent, Severity } from '@sekisho/model';

/** A readable test event; `n` goes into the action so events differ. */
export function testEvent(n: number, overrides: { kind?: EventKind; severity?: Severity; environment?: string; details?: Record<string, unknown> } = {}): SekishoEvent {
  return createEvent({
    kind: overrides.kind ?? 'runtime',
    severity: overrides.severity ?? 'high',
    source: { component: 'runtime', instance: 'node-1' },
    subject: { type: 'workload', id: 'prod/Pod/web-1', ...(overrides.environment === undefined ? {} : { environment: overrides.environment }) },
    action: `exec shell in container #${n}`,
    result: 'detected',
    reasons: ['a shell was spawned in a container'],
    details: overrides.details ?? { seq: n },
  });
}
