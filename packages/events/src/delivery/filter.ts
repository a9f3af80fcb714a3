import type { EventKind, SekishoEvent, Severity } from '@sekisho/model';
import { severityAtLeast } from '@sekisho/model';

export interface EventFilterSpec {
  /** Only these kinds; absent: every kind. */
  readonly kinds?: readonly EventKind[];
  /** Only events at least this severe; absent: every severity. */
  readonly minSeverity?: Severity;
  /** Only events whose subject is in one of these environments; an event without an environment does not match. */
  readonly environments?: readonly string[];
}

/** A compiled filter: one closure per output, called once per event. */
export function compileFilter(spec: EventFilterSpec): (event: SekishoEvent) => boolean {
  const kinds = spec.kinds === undefined ? null : new Set<string>(spec.kinds);
  const environments = spec.environments === undefined ? null : new Set(spec.environments);
  const minSeverity = spec.minSeverity;
  return (event) =>
    (kinds === null || kinds.has(event.kind)) &&
    (minSeverity === undefined || severityAtLeast(event.severity, minSeverity)) &&
    (environments === null || (event.subject.environment !== undefined && environments.has(event.subject.environment)));
}
