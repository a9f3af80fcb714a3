/**
 * Which events call for a response and so open (or join) an incident: runtime alerts, admission
 * denials, in-app protection detections and new findings listed in CISA's KEV catalog. Everything
 * else (audit, decisions, ordinary findings, host audits, tests) is recorded by its outputs only.
 */
import type { SekishoEvent } from '@sekisho/model';

export type IncidentReason = 'runtime-alert' | 'admission-denied' | 'rasp-detection' | 'kev-finding';

/** Why `event` opens an incident, or null when it does not. */
export function incidentReason(event: Pick<SekishoEvent, 'kind' | 'result' | 'details'>): IncidentReason | null {
  switch (event.kind) {
    case 'runtime':
      // a runtime rule that matched; an `info` result is a source reporting on itself (started, lagging)
      return event.result === 'info' ? null : 'runtime-alert';
    case 'admission':
      return event.result === 'denied' ? 'admission-denied' : null;
    case 'rasp':
      return event.result === 'detected' || event.result === 'blocked' ? 'rasp-detection' : null;
    case 'finding':
      return event.details['kev'] === true ? 'kev-finding' : null;
    default:
      return null;
  }
}

export function opensIncident(event: Pick<SekishoEvent, 'kind' | 'result' | 'details'>): boolean {
  return incidentReason(event) !== null;
}
