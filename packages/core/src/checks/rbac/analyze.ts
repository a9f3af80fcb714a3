/**
 * RBAC risk analysis: what each Role/ClusterRole grants, which subjects receive it through which
 * bindings, and what a given service account can do. Risky grants follow the Kubernetes RBAC good
 * practices (https://kubernetes.io/docs/concepts/security/rbac-good-practices/) — reading secrets,
 * creating pods or workloads, pods/exec|attach|portforward, nodes/proxy, serviceaccounts/token,
 * escalate/bind/impersonate, wildcards.
 */
import type { RbacPower } from '../isolation/profile.js';
import { isRecord, type KubeObject } from '../kubernetes/load.js';

export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  readonly resourceNames: readonly string[];
  readonly nonResourceURLs: readonly string[];
}

export interface RoleInfo {
  readonly kind: 'Role' | 'ClusterRole';
  readonly name: string;
  /** Namespace of a Role; null for a ClusterRole. */
  readonly namespace: string | null;
  readonly rules: readonly PolicyRule[];
  readonly object: KubeObject | null;
  /** Powers and the rule indexes that grant each. */
  readonly powers: ReadonlyMap<RbacPower, readonly number[]>;
}

export interface Subject {
  readonly kind: 'ServiceAccount' | 'User' | 'Group';
  readonly name: string;
  readonly namespace: string | null;
}

export interface BindingInfo {
  readonly kind: 'RoleBinding' | 'ClusterRoleBinding';
  readonly name: string;
  readonly namespace: string | null;
  readonly roleRef: { readonly kind: 'Role' | 'ClusterRole'; readonly name: string };
  readonly subjects: readonly Subject[];
  readonly object: KubeObject;
  /** The role it binds, when known (in the input or built in). */
  readonly role: RoleInfo | null;
  /** Namespace the grant applies in, or `*` cluster-wide. */
  readonly scope: string;
}

export interface Grant {
  readonly power: RbacPower;
  readonly scope: string;
  readonly binding: BindingInfo;
  readonly role: RoleInfo;
}

export interface RbacModel {
  /** False when the input held no RBAC objects at all: powers are then unknown, not empty. */
  readonly present: boolean;
  readonly roles: readonly RoleInfo[];
  readonly bindings: readonly BindingInfo[];
  /** ServiceAccount objects: `ns/name` → automountServiceAccountToken (undefined when unset). */
  readonly serviceAccounts: ReadonlyMap<string, { readonly object: KubeObject; readonly automount: boolean | undefined }>;
}

/** The namespace a manifest without one is applied into (helm/kubectl default). */
export const DEFAULT_NAMESPACE = 'default';
export const nsOf = (namespace: string | null): string => namespace ?? DEFAULT_NAMESPACE;

const strList = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

function parseRules(v: unknown): PolicyRule[] {
  if (!Array.isArray(v)) return [];
  return v.filter(isRecord).map((r) => ({
    apiGroups: strList(r['apiGroups']),
    resources: strList(r['resources']),
    verbs: strList(r['verbs']),
    resourceNames: strList(r['resourceNames']),
    nonResourceURLs: strList(r['nonResourceURLs']),
  }));
}

const has = (list: readonly string[], value: string): boolean => list.includes('*') || list.includes(value);

function resourceMatches(list: readonly string[], resource: string): boolean {
  if (list.includes('*') || list.includes(resource)) return true;
  const slash = resource.indexOf('/');
  if (slash < 0) return false;
  // `pods/*` and `*/exec` forms.
  return list.includes(`${resource.slice(0, slash)}/*`) || list.includes(`*${resource.slice(slash)}`);
}

/** True when the rule grants any of `verbs` on any of `resources` in any of `groups` (no resourceNames narrowing). */
function grants(rule: PolicyRule, groups: readonly string[], resources: readonly string[], verbs: readonly string[]): boolean {
  if (rule.resourceNames.length > 0) return false;
  return groups.some((g) => has(rule.apiGroups, g)) && resources.some((r) => resourceMatches(rule.resources, r)) && verbs.some((v) => has(rule.verbs, v));
}

const WRITE = ['create', 'update', 'patch'];

/** How each power is recognised in a rule. */
const POWER_TESTS: readonly [RbacPower, (r: PolicyRule) => boolean][] = [
  ['cluster-admin', (r) => r.apiGroups.includes('*') && r.resources.includes('*') && r.verbs.includes('*') && r.resourceNames.length === 0],
  ['wildcard', (r) => r.verbs.includes('*') || r.resources.includes('*')],
  ['read-secrets', (r) => grants(r, [''], ['secrets'], ['get', 'list', 'watch'])],
  ['create-pods', (r) => grants(r, [''], ['pods'], ['create'])],
  [
    'create-workloads',
    (r) =>
      grants(r, ['apps'], ['deployments', 'daemonsets', 'statefulsets', 'replicasets'], WRITE) ||
      grants(r, ['batch'], ['jobs', 'cronjobs'], WRITE) ||
      grants(r, [''], ['replicationcontrollers', 'podtemplates'], WRITE),
  ],
  ['exec-pods', (r) => grants(r, [''], ['pods/exec', 'pods/attach', 'pods/portforward'], ['create', 'get'])],
  ['nodes-proxy', (r) => grants(r, [''], ['nodes/proxy'], ['get', 'create'])],
  ['create-tokens', (r) => grants(r, [''], ['serviceaccounts/token'], ['create'])],
  ['escalate', (r) => has(r.apiGroups, 'rbac.authorization.k8s.io') && ['roles', 'clusterroles'].some((x) => resourceMatches(r.resources, x)) && has(r.verbs, 'escalate')],
  ['bind', (r) => has(r.apiGroups, 'rbac.authorization.k8s.io') && ['roles', 'clusterroles'].some((x) => resourceMatches(r.resources, x)) && has(r.verbs, 'bind')],
  [
    'impersonate',
    (r) =>
      (has(r.apiGroups, '') && ['users', 'groups', 'serviceaccounts'].some((x) => resourceMatches(r.resources, x)) && has(r.verbs, 'impersonate')) ||
      (has(r.apiGroups, 'authentication.k8s.io') && ['userextras/*', 'uids'].some((x) => r.resources.includes(x) || r.resources.includes('*')) && has(r.verbs, 'impersonate')),
  ],
  ['modify-rbac', (r) => grants(r, ['rbac.authorization.k8s.io'], ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'], WRITE)],
  ['approve-csr', (r) => grants(r, ['certificates.k8s.io'], ['certificatesigningrequests/approval'], ['update', 'patch'])],
  ['modify-webhooks', (r) => grants(r, ['admissionregistration.k8s.io'], ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations'], [...WRITE, 'delete'])],
  ['delete-resources', (r) => grants(r, [''], ['nodes', 'namespaces', 'persistentvolumes'], ['delete', 'deletecollection'])],
];

export function rulePowers(rules: readonly PolicyRule[]): Map<RbacPower, number[]> {
  const out = new Map<RbacPower, number[]>();
  rules.forEach((rule, i) => {
    for (const [power, test] of POWER_TESTS) {
      if (!test(rule)) continue;
      const list = out.get(power) ?? [];
      list.push(i);
      out.set(power, list);
    }
  });
  return out;
}

const rule = (apiGroups: string[], resources: string[], verbs: string[]): PolicyRule => ({
  apiGroups,
  resources,
  verbs,
  resourceNames: [],
  nonResourceURLs: [],
});

/**
 * The risky part of the default user-facing ClusterRoles (kubernetes plugin/pkg/auth/authorizer/rbac/
 * bootstrappolicy/policy.go): cluster-admin holds everything; admin and edit can read secrets, run
 * and exec into pods, write workloads and impersonate service accounts; view holds none of these.
 */
const BUILTIN_CLUSTER_ROLES: Readonly<Record<string, PolicyRule[]>> = {
  'cluster-admin': [rule(['*'], ['*'], ['*'])],
  admin: [
    rule([''], ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets'], ['create', 'delete', 'get', 'list', 'watch', 'update', 'patch']),
    rule(['apps'], ['deployments', 'daemonsets', 'statefulsets', 'replicasets'], ['create', 'update', 'patch', 'delete']),
    rule(['batch'], ['jobs', 'cronjobs'], ['create', 'update', 'patch', 'delete']),
    rule([''], ['serviceaccounts'], ['impersonate']),
    rule(['rbac.authorization.k8s.io'], ['roles', 'rolebindings'], ['create', 'update', 'patch', 'delete']),
  ],
  edit: [
    rule([''], ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets'], ['create', 'delete', 'get', 'list', 'watch', 'update', 'patch']),
    rule(['apps'], ['deployments', 'daemonsets', 'statefulsets', 'replicasets'], ['create', 'update', 'patch', 'delete']),
    rule(['batch'], ['jobs', 'cronjobs'], ['create', 'update', 'patch', 'delete']),
    rule([''], ['serviceaccounts'], ['impersonate']),
  ],
  view: [rule(['', 'apps', 'batch'], ['pods', 'deployments', 'jobs', 'configmaps', 'services'], ['get', 'list', 'watch'])],
};

function builtinRole(name: string): RoleInfo | null {
  const rules = BUILTIN_CLUSTER_ROLES[name];
  if (rules === undefined) return null;
  return { kind: 'ClusterRole', name, namespace: null, rules, object: null, powers: rulePowers(rules) };
}

function parseSubjects(v: unknown): Subject[] {
  if (!Array.isArray(v)) return [];
  return v.filter(isRecord).flatMap((s) => {
    const kind = s['kind'];
    const name = s['name'];
    if ((kind !== 'ServiceAccount' && kind !== 'User' && kind !== 'Group') || typeof name !== 'string') return [];
    const namespace = typeof s['namespace'] === 'string' ? s['namespace'] : null;
    return [{ kind, name, namespace }];
  });
}

export function buildRbacModel(objects: readonly KubeObject[]): RbacModel {
  const roles: RoleInfo[] = [];
  const serviceAccounts = new Map<string, { object: KubeObject; automount: boolean | undefined }>();
  for (const o of objects) {
    if ((o.kind === 'Role' || o.kind === 'ClusterRole') && o.apiVersion.startsWith('rbac.authorization.k8s.io/')) {
      const rules = parseRules(o.raw['rules']);
      roles.push({
        kind: o.kind,
        name: o.name ?? '',
        namespace: o.kind === 'Role' ? nsOf(o.namespace) : null,
        rules,
        object: o,
        powers: rulePowers(rules),
      });
    } else if (o.kind === 'ServiceAccount' && o.apiVersion === 'v1' && o.name !== null) {
      const a = o.raw['automountServiceAccountToken'];
      serviceAccounts.set(`${nsOf(o.namespace)}/${o.name}`, { object: o, automount: typeof a === 'boolean' ? a : undefined });
    }
  }
  const findRole = (kind: 'Role' | 'ClusterRole', name: string, namespace: string | null): RoleInfo | null =>
    roles.find((r) => r.kind === kind && r.name === name && (kind === 'ClusterRole' || r.namespace === namespace)) ?? (kind === 'ClusterRole' ? builtinRole(name) : null);

  const bindings: BindingInfo[] = [];
  for (const o of objects) {
    if ((o.kind !== 'RoleBinding' && o.kind !== 'ClusterRoleBinding') || !o.apiVersion.startsWith('rbac.authorization.k8s.io/')) continue;
    const ref = isRecord(o.raw['roleRef']) ? o.raw['roleRef'] : {};
    const refKind = ref['kind'] === 'Role' ? 'Role' : 'ClusterRole';
    const refName = typeof ref['name'] === 'string' ? ref['name'] : '';
    const namespace = o.kind === 'RoleBinding' ? nsOf(o.namespace) : null;
    bindings.push({
      kind: o.kind,
      name: o.name ?? '',
      namespace,
      roleRef: { kind: refKind, name: refName },
      subjects: parseSubjects(o.raw['subjects']),
      object: o,
      role: findRole(refKind, refName, namespace),
      scope: namespace ?? '*',
    });
  }
  return { present: roles.length > 0 || bindings.length > 0, roles, bindings, serviceAccounts };
}

/** True when a binding subject covers the service account `ns/name`. */
export function subjectCovers(subject: Subject, bindingNamespace: string | null, ns: string, name: string): boolean {
  if (subject.kind === 'ServiceAccount') return subject.name === name && (subject.namespace ?? bindingNamespace ?? DEFAULT_NAMESPACE) === ns;
  if (subject.kind === 'Group') return subject.name === 'system:serviceaccounts' || subject.name === `system:serviceaccounts:${ns}` || subject.name === 'system:authenticated';
  return subject.kind === 'User' && subject.name === `system:serviceaccount:${ns}:${name}`;
}

/** Every grant a service account receives. */
export function grantsFor(model: RbacModel, ns: string, name: string): Grant[] {
  const out: Grant[] = [];
  for (const b of model.bindings) {
    if (b.role === null) continue;
    if (!b.subjects.some((s) => subjectCovers(s, b.namespace, ns, name))) continue;
    for (const power of b.role.powers.keys()) out.push({ power, scope: b.scope, binding: b, role: b.role });
  }
  return out;
}

/** Groups that mean "anyone" or "every account". */
export const BROAD_GROUPS = new Set(['system:anonymous', 'system:unauthenticated', 'system:authenticated', 'system:serviceaccounts']);
