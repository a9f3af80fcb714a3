/**
 * A rule match as a Sekisho event (kind `runtime`), carrying Falco's alert unchanged in
 * `details.falco` so Falcosidekick-style consumers keep working, plus what Sekisho knows of the
 * container: image, digest, workload.
 */
import { createEvent, type EventSubject, type SekishoEvent } from '@sekisho/model';
import type { FalcoAlert } from './detector.js';
import type { ContainerFacts } from './enrich.js';
import type { ProcessEvent } from './fields-syscall.js';
import { PRIORITY_SEVERITY } from './loader.js';

type Json = Record<string, unknown>;
const rec = (v: unknown): Json | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);
const s = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export interface AlertContext {
  /** The event the rule matched, as its source produced it. */
  readonly event: Readonly<Record<string, unknown>>;
  /** Facts about the container from the container index, when known. */
  readonly container?: ContainerFacts;
}

function subjectOf(alert: FalcoAlert, ctx: AlertContext): EventSubject {
  if (alert.source === 'k8s_audit') {
    const ref = rec(ctx.event['objectRef']);
    const ns = s(ref?.['namespace']);
    const name = s(ref?.['name']);
    const resource = s(ref?.['resource']);
    if (resource !== undefined)
      return { type: 'workload', id: [ns, resource, name].filter((x) => x !== undefined).join('/'), ...(ns === undefined ? {} : { namespace: ns }), ...(name === undefined ? {} : { name }) };
    return { type: 'system', id: 'kubernetes-api' };
  }
  const e = ctx.event as unknown as Partial<ProcessEvent>;
  const facts = ctx.container;
  const digest = e.container?.imageDigest ?? facts?.imageDigest;
  const ns = e.k8s?.ns ?? facts?.namespace;
  const pod = e.k8s?.pod ?? facts?.pod;
  const extra = { ...(ns === undefined ? {} : { namespace: ns }), ...(pod === undefined ? {} : { name: pod }) };
  if (digest !== undefined) return { type: 'image', id: digest, digest, ...extra };
  if (pod !== undefined) return { type: 'workload', id: [ns, 'pods', pod].filter((x) => x !== undefined).join('/'), ...extra };
  return { type: 'host', id: alert.hostname };
}

export function alertEvent(alert: FalcoAlert, ctx: AlertContext): SekishoEvent {
  const audit = alert.source === 'k8s_audit';
  const user = audit ? s(rec(ctx.event['user'])?.['username']) : (s((ctx.event as unknown as Partial<ProcessEvent>).user?.name) ?? s(alert.output_fields['user.name']));
  const ip = audit ? s((ctx.event['sourceIPs'] as unknown[] | undefined)?.[0]) : undefined;
  const e = ctx.event as unknown as Partial<ProcessEvent>;
  const facts = ctx.container;
  const image = audit ? undefined : (e.container?.image ?? facts?.image);
  const digest = audit ? undefined : (e.container?.imageDigest ?? facts?.imageDigest);
  const ms = alert.time.slice(0, 23);
  return createEvent({
    kind: 'runtime',
    severity: PRIORITY_SEVERITY[alert.priority],
    source: { component: 'runtime', instance: alert.hostname },
    subject: subjectOf(alert, ctx),
    principal: user ?? null,
    sourceIp: ip ?? null,
    action: alert.rule,
    result: 'detected',
    time: `${ms}Z`,
    reasons: [alert.output],
    details: {
      rule: alert.rule,
      priority: alert.priority,
      tags: alert.tags,
      source: alert.source,
      ...(image === undefined ? {} : { image }),
      ...(digest === undefined ? {} : { imageDigest: digest }),
      ...(facts?.workload === undefined ? {} : { workload: facts.workload }),
      ...(audit || e.container?.id === undefined ? {} : { containerId: e.container.id }),
      falco: alert,
    },
  });
}
