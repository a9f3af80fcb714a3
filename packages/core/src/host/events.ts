import { createEvent, reportCompleteness, severityRank, type EventSink, type Report, type SekishoEvent, type Severity } from '@sekisho/model';
import type { Redactor } from '../findings/redaction.js';

export interface HostEventOptions {
  /** The emitting process (pod name, hostname of the auditor). */
  readonly instance: string;
  /** The audited host: its hostname, else the root as given. */
  readonly host: string;
  /** The policy environment the host belongs to, when known. */
  readonly environment?: string;
  /** Every string of every event passes through it before it leaves (core's createRedactor). */
  readonly redactor: Redactor;
}

/**
 * A host audit as events (`kind: host`): one per finding, then one that closes the run with its
 * completeness — an incomplete audit is a `failure`, never a quiet success.
 */
export function hostAuditEvents(report: Report, options: HostEventOptions): SekishoEvent[] {
  const source = { component: 'host' as const, instance: options.instance };
  const subject = { type: 'host' as const, id: options.host, name: options.host, ...(options.environment === undefined ? {} : { environment: options.environment }) };
  const events: SekishoEvent[] = [];
  for (const f of report.findings) {
    if (f.kind !== 'misconfiguration') continue;
    events.push(
      createEvent({
        kind: 'host',
        severity: f.severity,
        source,
        subject,
        action: 'host.audit',
        result: 'detected',
        reasons: [f.title, f.description],
        details: { findingId: f.id, ruleId: f.ruleId, file: f.target.file, key: f.fieldPath, fix: f.fix, standard: f.standard, references: f.references },
      }),
    );
  }
  const completeness = reportCompleteness(report);
  const worst = report.findings.reduce<Severity>((w, f) => (severityRank(f.severity) > severityRank(w) ? f.severity : w), 'negligible');
  events.push(
    createEvent({
      kind: 'host',
      severity: worst,
      source,
      subject,
      action: 'host.audit.complete',
      result: completeness.status === 'complete' ? 'success' : 'failure',
      reasons: completeness.status === 'complete' ? [`${report.findings.length} finding(s)`] : completeness.reasons,
      details: {
        findings: report.findings.length,
        unknowns: report.unknowns.length,
        notChecked: report.notChecked.map((n) => n.scanner),
        ...(report.policy === undefined ? {} : { policy: report.policy.result }),
      },
    }),
  );
  return events.map((e) => options.redactor.value(e));
}

/** Emits the events of a host audit to a sink, in order; resolves once every one is queued. */
export async function emitHostAudit(report: Report, sink: EventSink, options: HostEventOptions): Promise<number> {
  const events = hostAuditEvents(report, options);
  for (const e of events) await sink.emit(e);
  return events.length;
}
