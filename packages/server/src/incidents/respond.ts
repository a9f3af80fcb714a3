/**
 * Automated responses to an incident on a Kubernetes workload, per policy: label the workload
 * (`sekisho.dev/incident=<id>`) or scale it to zero, through the Kubernetes API with a bearer token
 * (JSON merge patches; the `scale` subresource for scaling), optionally as a server-side dry run
 * (`?dryRun=All`: the API server admits and validates the change but stores nothing). Every
 * attempt, skipped, failed or done, is a timeline entry and an audit row, and an `incident` event.
 *
 * Hand-written on node:http(s) rather than @kubernetes/client-node: two PATCH requests do not
 * justify that client's dependency tree, and this keeps the timeout and response size bounded here.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createEvent, severityAtLeast } from '@sekisho/model';
import type { EventKind, EventSink, IncidentRecord, Severity } from '@sekisho/model';
import type { Repository } from '../repository/types.js';

export type ResponseAction = 'label' | 'scale-to-zero';

export interface ResponsePolicy {
  readonly name: string;
  readonly action: ResponseAction;
  /** The least severity of an incident this responds to (default `critical`). */
  readonly minSeverity?: Severity;
  /** Only incidents of these event kinds (default: any). */
  readonly kinds?: readonly EventKind[];
  /** Only workloads in these namespaces (default: any). */
  readonly namespaces?: readonly string[];
  /** Ask the API server to validate the change without storing it (`?dryRun=All`). */
  readonly dryRun: boolean;
}

export interface KubernetesApi {
  /** `https://kubernetes.default.svc` or the like. */
  readonly server: string;
  readonly token: string;
  /** PEM of the cluster CA, for https. */
  readonly ca?: string;
  /** Per request (default 10 s). */
  readonly timeoutMs?: number;
}

/** What a server is configured with: the policies and the API server they act through. */
export interface IncidentResponses {
  readonly policies: readonly ResponsePolicy[];
  readonly kubernetes: KubernetesApi;
}

export interface RespondOptions {
  readonly repository: Repository;
  readonly kubernetes: KubernetesApi;
  readonly events?: EventSink | null;
  readonly instance?: string;
  readonly now?: () => Date;
}

export interface ResponseOutcome {
  readonly policy: string;
  readonly action: ResponseAction;
  readonly dryRun: boolean;
  readonly result: 'success' | 'failure' | 'skipped';
  readonly reason: string;
  /** The request made, when one was made. */
  readonly request: { readonly method: 'PATCH'; readonly path: string } | null;
  readonly status: number | null;
}

export const INCIDENT_LABEL = 'sekisho.dev/incident';
const MAX_RESPONSE_BYTES = 64 * 1024;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

interface Workload {
  readonly namespace: string;
  readonly kind: string;
  readonly name: string;
}

/** Workload kinds and where their objects live; only those with a scale subresource can be scaled. */
const RESOURCES: Readonly<Record<string, { readonly base: string; readonly plural: string; readonly scalable: boolean }>> = {
  deployment: { base: '/apis/apps/v1', plural: 'deployments', scalable: true },
  statefulset: { base: '/apis/apps/v1', plural: 'statefulsets', scalable: true },
  replicaset: { base: '/apis/apps/v1', plural: 'replicasets', scalable: true },
  daemonset: { base: '/apis/apps/v1', plural: 'daemonsets', scalable: false },
  pod: { base: '/api/v1', plural: 'pods', scalable: false },
};

/** The workload of an incident (subject id `namespace/Kind/name`), or why there is none. */
export function workloadOf(incident: Pick<IncidentRecord, 'subject'>): Workload | string {
  const { subject } = incident;
  if (subject.type !== 'workload') return `the incident is about a ${subject.type}, not a Kubernetes workload`;
  const parts = subject.id.split('/');
  if (parts.length !== 3) return `workload id ${JSON.stringify(subject.id.slice(0, 200))} is not namespace/Kind/name`;
  const [namespace = '', kind = '', name = ''] = parts;
  if (!DNS_LABEL.test(namespace) || namespace.length > 63) return `namespace ${JSON.stringify(namespace.slice(0, 100))} is not a Kubernetes namespace name`;
  if (!DNS_SUBDOMAIN.test(name) || name.length > 253) return `name ${JSON.stringify(name.slice(0, 100))} is not a Kubernetes object name`;
  if (RESOURCES[kind.toLowerCase()] === undefined) return `workload kind ${JSON.stringify(kind.slice(0, 100))} is not one of ${Object.keys(RESOURCES).join(', ')}`;
  return { namespace, kind, name };
}

/** Whether a policy applies to an incident (severity, kind, namespace). */
export function policyApplies(policy: ResponsePolicy, incident: IncidentRecord): boolean {
  if (!severityAtLeast(incident.severity, policy.minSeverity ?? 'critical')) return false;
  if (policy.kinds !== undefined && !policy.kinds.includes(incident.kind)) return false;
  if (policy.namespaces !== undefined && (incident.subject.namespace === undefined || !policy.namespaces.includes(incident.subject.namespace))) return false;
  return true;
}

/**
 * The policies that apply to the incident now and have not yet acted on it (done or skipped):
 * an incident that grows more severe as events join can reach a policy later; a failed attempt
 * is tried again with the next event.
 */
export async function pendingPolicies(incident: IncidentRecord, policies: readonly ResponsePolicy[], repository: Repository): Promise<ResponsePolicy[]> {
  const applicable = policies.filter((p) => policyApplies(p, incident));
  if (applicable.length === 0) return [];
  const acted = new Set<string>();
  let cursor: string | null = null;
  do {
    const page = await repository.incidentTimeline(incident.id, { limit: 500, cursor });
    for (const entry of page.items) {
      if (entry.type === 'action' && entry.principal === 'system' && entry.details['result'] !== 'failure' && typeof entry.details['policy'] === 'string') acted.add(entry.details['policy']);
    }
    cursor = page.nextCursor;
  } while (cursor !== null);
  return applicable.filter((p) => !acted.has(p.name));
}

/** Runs every applicable policy against the incident's workload, in order, and records each outcome. */
export async function respondToIncident(incident: IncidentRecord, policies: readonly ResponsePolicy[], options: RespondOptions): Promise<ResponseOutcome[]> {
  const outcomes: ResponseOutcome[] = [];
  for (const policy of policies) {
    if (!policyApplies(policy, incident)) continue;
    const outcome = await act(incident, policy, options.kubernetes);
    outcomes.push(outcome);
    await record(incident, outcome, options);
  }
  return outcomes;
}

async function act(incident: IncidentRecord, policy: ResponsePolicy, api: KubernetesApi): Promise<ResponseOutcome> {
  const base = { policy: policy.name, action: policy.action, dryRun: policy.dryRun };
  const workload = workloadOf(incident);
  if (typeof workload === 'string') return { ...base, result: 'skipped', reason: workload, request: null, status: null };
  const resource = RESOURCES[workload.kind.toLowerCase()];
  if (resource === undefined) return { ...base, result: 'skipped', reason: `workload kind ${workload.kind} is not supported`, request: null, status: null };
  if (policy.action === 'scale-to-zero' && !resource.scalable) {
    return { ...base, result: 'skipped', reason: `a ${workload.kind} cannot be scaled`, request: null, status: null };
  }
  const object = `${resource.base}/namespaces/${encodeURIComponent(workload.namespace)}/${resource.plural}/${encodeURIComponent(workload.name)}`;
  const path = `${object}${policy.action === 'scale-to-zero' ? '/scale' : ''}${policy.dryRun ? '?dryRun=All' : ''}`;
  const body = policy.action === 'label' ? { metadata: { labels: { [INCIDENT_LABEL]: incident.id } } } : { spec: { replicas: 0 } };
  const what = `${policy.action === 'label' ? `label ${INCIDENT_LABEL}=${incident.id} on` : 'scale to 0'} ${workload.kind} ${workload.namespace}/${workload.name}${policy.dryRun ? ' (dry run)' : ''}`;
  try {
    const { status, text } = await patch(api, path, JSON.stringify(body));
    if (status >= 200 && status < 300) return { ...base, result: 'success', reason: what, request: { method: 'PATCH', path }, status };
    return { ...base, result: 'failure', reason: `${what}: the API server answered ${status}${statusMessage(text)}`, request: { method: 'PATCH', path }, status };
  } catch (error) {
    return { ...base, result: 'failure', reason: `${what}: ${error instanceof Error ? error.message : String(error)}`, request: { method: 'PATCH', path }, status: null };
  }
}

/** The `message` of a Kubernetes Status body, when there is one. */
function statusMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    return typeof parsed.message === 'string' ? ` (${parsed.message.slice(0, 300)})` : '';
  } catch {
    return '';
  }
}

function patch(api: KubernetesApi, path: string, body: string): Promise<{ status: number; text: string }> {
  const url = new URL(path, api.server);
  const https = url.protocol === 'https:';
  if (!https && url.protocol !== 'http:') return Promise.reject(new Error(`the Kubernetes API must be http(s), not ${url.protocol}`));
  const timeoutMs = api.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const options = {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${api.token}`,
        'content-type': 'application/merge-patch+json',
        accept: 'application/json',
        'content-length': Buffer.byteLength(body),
      },
      signal: AbortSignal.timeout(timeoutMs),
      ...(https && api.ca !== undefined ? { ca: api.ca } : {}),
    };
    const req = (https ? httpsRequest : httpRequest)(url, options, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', (error: Error) => reject(error.name === 'AbortError' ? new Error(`no answer from the Kubernetes API within ${timeoutMs} ms`) : error));
    req.end(body);
  });
}

async function record(incident: IncidentRecord, outcome: ResponseOutcome, options: RespondOptions): Promise<void> {
  const at = (options.now ?? (() => new Date()))();
  const action = `respond.${outcome.action}`;
  const details = { policy: outcome.policy, dryRun: outcome.dryRun, result: outcome.result, reason: outcome.reason, request: outcome.request, status: outcome.status };
  await options.repository.recordIncidentAction(incident.id, 'system', action, details, at);
  await options.repository.appendAudit({
    at,
    sourceIp: null,
    method: 'PATCH',
    action: `incident.${action}`,
    principal: 'system',
    result: outcome.result === 'success' ? 'success' : 'failure',
    target: incident.id,
    details,
  });
  await options.events
    ?.emit(
      createEvent({
        kind: 'incident',
        severity: incident.severity,
        source: { component: 'server', instance: options.instance ?? 'server' },
        subject: { type: 'incident', id: incident.id },
        principal: 'system',
        action: `incident.${action}`,
        result: outcome.result === 'success' ? 'success' : 'failure',
        reasons: [outcome.reason],
        links: [{ rel: 'incident', href: `/api/v1/incidents/${incident.id}` }],
        details,
      }),
    )
    .catch(() => undefined);
}
