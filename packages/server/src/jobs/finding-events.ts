/** A `finding` event for each finding an image did not have before (sekisho.event/v1). */
import { createRedactor } from '@sekisho/core';
import type { Redactor } from '@sekisho/core';
import { createEvent, findingIdentity } from '@sekisho/model';
import type { EventSink, Finding, SekishoEvent } from '@sekisho/model';

let redactor: Redactor | null = null;

export interface NewFindingsInput {
  readonly digest: string;
  readonly reference: string;
  readonly scanId: string;
  readonly dbVersion: string;
  /** Identities the image had before this scan. */
  readonly before: ReadonlySet<string>;
  readonly findings: readonly Finding[];
  /** `scan.record` or `advisories.rematch`. */
  readonly action: string;
  readonly instance: string;
  readonly now: Date;
}

export function newFindingEvents(input: NewFindingsInput): SekishoEvent[] {
  const seen = new Set<string>();
  const events: SekishoEvent[] = [];
  for (const finding of input.findings) {
    const identity = findingIdentity(finding);
    if (input.before.has(identity) || seen.has(identity)) continue;
    seen.add(identity);
    events.push(
      createEvent({
        kind: 'finding',
        severity: finding.severity,
        source: { component: 'worker', instance: input.instance },
        subject: { type: 'image', id: input.digest, digest: input.digest, name: input.reference },
        action: input.action,
        result: 'detected',
        time: input.now.toISOString(),
        reasons: [finding.title],
        links: [{ rel: 'scan', href: `/api/v1/scans/${encodeURIComponent(input.scanId)}` }],
        details: {
          identity,
          findingKind: finding.kind,
          ruleId: finding.ruleId,
          dbVersion: input.dbVersion,
          ...(finding.kind === 'vulnerability'
            ? { vulnerabilityId: finding.vulnerabilityId, package: finding.packageName, installedVersion: finding.installedVersion, fixedVersions: finding.fixedVersions, kev: finding.kev !== null }
            : {}),
        },
      }),
    );
  }
  return events;
}

/**
 * Emits each event and counts what was accepted. A sink that refuses one does not undo the
 * recorded scan (the events module's outputs spool and retry on their own); the job result says
 * how many were not accepted.
 */
export async function emitAll(sink: EventSink | undefined, events: readonly SekishoEvent[]): Promise<{ readonly emitted: number; readonly refused: number }> {
  if (sink === undefined) return { emitted: 0, refused: 0 };
  let emitted = 0;
  // Findings come straight from the scan: every event is redacted before it leaves.
  redactor ??= createRedactor();
  for (const event of events) {
    try {
      await sink.emit(redactor.value(event));
      emitted++;
    } catch {
      // counted below
    }
  }
  return { emitted, refused: events.length - emitted };
}
