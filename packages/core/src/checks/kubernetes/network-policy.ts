/**
 * NetworkPolicy coverage: namespaces without any policy, workloads no ingress/egress policy
 * selects, and rules that allow everything. Selection follows the NetworkPolicy API
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/): policyTypes default
 * to Ingress, plus Egress when egress rules are present; an empty podSelector selects every pod.
 */
import type { MisconfigurationFinding } from '@sekisho/model';
import { nsOf } from '../rbac/analyze.js';
import { configTarget, makeMisconfiguration } from '../types.js';
import { isRecord, type KubeObject } from './load.js';
import type { Workload } from './pod-spec.js';

const FOUND_BY = 'sekisho/kubernetes-network-policy';
const REF = 'https://kubernetes.io/docs/concepts/services-networking/network-policies/';

interface Selector {
  readonly matchLabels: Readonly<Record<string, string>>;
  readonly matchExpressions: readonly { key: string; operator: string; values: readonly string[] }[];
}

interface Policy {
  readonly object: KubeObject;
  readonly namespace: string;
  readonly selector: Selector;
  readonly types: readonly ('Ingress' | 'Egress')[];
  readonly ingress: readonly unknown[];
  readonly egress: readonly unknown[];
}

function selector(v: unknown): Selector {
  const r = isRecord(v) ? v : {};
  const ml: Record<string, string> = {};
  if (isRecord(r['matchLabels'])) for (const [k, x] of Object.entries(r['matchLabels'])) if (typeof x === 'string') ml[k] = x;
  const me = Array.isArray(r['matchExpressions'])
    ? r['matchExpressions'].filter(isRecord).map((e) => ({
        key: typeof e['key'] === 'string' ? e['key'] : '',
        operator: typeof e['operator'] === 'string' ? e['operator'] : '',
        values: Array.isArray(e['values']) ? e['values'].filter((x): x is string => typeof x === 'string') : [],
      }))
    : [];
  return { matchLabels: ml, matchExpressions: me };
}

export function selects(s: Selector, labels: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of Object.entries(s.matchLabels)) if (labels[k] !== v) return false;
  for (const e of s.matchExpressions) {
    const has = Object.hasOwn(labels, e.key);
    const val = labels[e.key];
    switch (e.operator) {
      case 'In':
        if (!has || !e.values.includes(val!)) return false;
        break;
      case 'NotIn':
        if (has && e.values.includes(val!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

function parsePolicy(o: KubeObject): Policy {
  const spec = isRecord(o.raw['spec']) ? o.raw['spec'] : {};
  const ingress = Array.isArray(spec['ingress']) ? spec['ingress'] : [];
  const egress = Array.isArray(spec['egress']) ? spec['egress'] : [];
  const declared = Array.isArray(spec['policyTypes']) ? spec['policyTypes'].filter((t): t is 'Ingress' | 'Egress' => t === 'Ingress' || t === 'Egress') : null;
  const types = declared ?? (['Ingress', ...(Array.isArray(spec['egress']) ? ['Egress' as const] : [])] as ('Ingress' | 'Egress')[]);
  return { object: o, namespace: nsOf(o.namespace), selector: selector(spec['podSelector']), types, ingress, egress };
}

/** A rule with no peers (`{}` or empty from/to) admits every source or destination. */
function allowsAll(rule: unknown, peerKey: 'from' | 'to'): boolean {
  if (!isRecord(rule)) return false;
  const peers = rule[peerKey];
  if (peers !== undefined && (!Array.isArray(peers) || peers.length > 0)) {
    // An ipBlock of 0.0.0.0/0 without exceptions, or an empty namespaceSelector, is "everything" too.
    return (
      Array.isArray(peers) &&
      peers.some(
        (p) =>
          isRecord(p) &&
          ((isRecord(p['ipBlock']) && p['ipBlock']['cidr'] === '0.0.0.0/0' && !Array.isArray(p['ipBlock']['except'])) ||
            (isRecord(p['namespaceSelector']) && Object.keys(p['namespaceSelector']).length === 0 && p['podSelector'] === undefined)),
      )
    );
  }
  const ports = rule['ports'];
  return ports === undefined || (Array.isArray(ports) && ports.length === 0);
}

export function networkPolicyFindings(objects: readonly KubeObject[], workloads: readonly Workload[]): MisconfigurationFinding[] {
  const out: MisconfigurationFinding[] = [];
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy' && o.apiVersion.startsWith('networking.k8s.io/')).map(parsePolicy);

  for (const p of policies) {
    const target = configTarget(p.object.file, { document: p.object.document, kind: 'NetworkPolicy', name: p.object.name, namespace: p.namespace });
    const prefix = `${p.object.pathPrefix}spec`;
    if (p.types.includes('Ingress'))
      p.ingress.forEach((r, i) => {
        if (allowsAll(r, 'from'))
          out.push(
            makeMisconfiguration({
              ruleId: 'k8s-netpol-allow-all-ingress',
              title: 'NetworkPolicy allows all ingress',
              severity: 'medium',
              description: `NetworkPolicy ${p.object.name ?? ''} rule ingress[${i}] admits traffic from every source to the pods it selects.`,
              target,
              fieldPath: `${prefix}.ingress[${i}]`,
              fix: 'List the allowed peers (podSelector/namespaceSelector) and ports.',
              foundBy: FOUND_BY,
              references: [REF],
            }),
          );
      });
    if (p.types.includes('Egress'))
      p.egress.forEach((r, i) => {
        if (allowsAll(r, 'to'))
          out.push(
            makeMisconfiguration({
              ruleId: 'k8s-netpol-allow-all-egress',
              title: 'NetworkPolicy allows all egress',
              severity: 'low',
              description: `NetworkPolicy ${p.object.name ?? ''} rule egress[${i}] lets the selected pods reach every destination, including the cloud metadata service.`,
              target,
              fieldPath: `${prefix}.egress[${i}]`,
              fix: 'List the allowed destinations and ports (keep DNS).',
              foundBy: FOUND_BY,
              references: [REF],
            }),
          );
      });
  }

  const namespaceObjects = new Map(objects.filter((o) => o.kind === 'Namespace' && o.name !== null).map((o) => [o.name!, o]));
  const byNamespace = new Map<string, Workload[]>();
  for (const w of workloads) {
    if (w.pod.hostNetwork === true) continue; // NetworkPolicy does not apply to host-network pods.
    const ns = nsOf(w.namespace);
    byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), w]);
  }
  for (const [ns, ws] of [...byNamespace].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const nsPolicies = policies.filter((p) => p.namespace === ns);
    if (nsPolicies.length === 0) {
      const nsObj = namespaceObjects.get(ns);
      const first = ws[0]!.object;
      out.push(
        makeMisconfiguration({
          ruleId: 'k8s-netpol-namespace-uncovered',
          title: 'Namespace has no NetworkPolicy',
          severity: 'medium',
          description: `No NetworkPolicy in the scanned manifests covers namespace ${ns} (${ws.length} workload${ws.length === 1 ? '' : 's'}): every pod accepts traffic from anywhere in the cluster and reaches anything.`,
          target:
            nsObj !== undefined
              ? configTarget(nsObj.file, { document: nsObj.document, kind: 'Namespace', name: ns })
              : configTarget(first.file, { document: first.document, kind: 'Namespace', name: ns }),
          fieldPath: null,
          fix: 'Add a default-deny NetworkPolicy (podSelector: {}, policyTypes: [Ingress, Egress]) and allow what is needed.',
          foundBy: FOUND_BY,
          references: [REF],
        }),
      );
      continue;
    }
    for (const w of ws) {
      const selecting = nsPolicies.filter((p) => selects(p.selector, w.pod.labels));
      const target = configTarget(w.object.file, { document: w.object.document, kind: w.object.kind, name: w.object.name, namespace: ns });
      for (const [type, ruleId] of [
        ['Ingress', 'k8s-netpol-no-ingress'],
        ['Egress', 'k8s-netpol-no-egress'],
      ] as const) {
        if (selecting.some((p) => p.types.includes(type))) continue;
        out.push(
          makeMisconfiguration({
            ruleId,
            title: `Pods not covered by any ${type.toLowerCase()} NetworkPolicy`,
            severity: 'low',
            description: `No NetworkPolicy with policyTypes ${type} selects the pods of ${w.object.kind} ${w.object.name ?? ''} (labels ${JSON.stringify(w.pod.labels)}).`,
            target,
            fieldPath: `${w.pod.metadataPath}.labels`,
            fix: `Add an ${type.toLowerCase()} NetworkPolicy selecting these pods.`,
            foundBy: FOUND_BY,
            references: [REF],
          }),
        );
      }
    }
  }
  return out;
}
