import type { MisconfigurationFinding, Severity } from '@sekisho/model';
import type { RbacPower } from '../isolation/profile.js';
import { configTarget, makeMisconfiguration } from '../types.js';
import { BROAD_GROUPS, type BindingInfo, type RbacModel, type RoleInfo } from './analyze.js';

export const RBAC_FOUND_BY = 'sekisho/rbac';
const RBAC_DOC = 'https://kubernetes.io/docs/concepts/security/rbac-good-practices/';

interface PowerInfo {
  readonly title: string;
  readonly severity: Severity;
  readonly why: string;
  readonly fix: string;
}

/** What each power lets an intruder holding the credential do. */
export const POWER_INFO: Readonly<Record<RbacPower, PowerInfo>> = {
  'cluster-admin': {
    title: 'Grants full control of the cluster',
    severity: 'critical',
    why: 'every verb on every resource: full cluster control',
    fix: 'Replace the wildcard rule with the specific resources and verbs the workload needs.',
  },
  wildcard: {
    title: 'Uses wildcard verbs or resources',
    severity: 'high',
    why: 'a wildcard also covers resources and verbs added later (including escalate, bind, impersonate on RBAC objects)',
    fix: 'List the verbs and resources explicitly.',
  },
  'read-secrets': {
    title: 'Can read Secrets',
    severity: 'high',
    why: 'get/list/watch on secrets reveals every credential and service-account token stored in scope',
    fix: 'Remove get/list/watch on secrets, or narrow with resourceNames.',
  },
  'create-pods': {
    title: 'Can create pods',
    severity: 'high',
    why: 'creating a pod lets the holder run any image with any service account in scope, and — unless admission blocks it — a privileged pod with hostPath / that owns the node',
    fix: 'Remove create on pods; let a controller create pods instead.',
  },
  'create-workloads': {
    title: 'Can create or modify workloads',
    severity: 'high',
    why: 'writing Deployments/DaemonSets/Jobs makes the controllers create pods on the holder’s behalf (same power as creating pods)',
    fix: 'Remove create/update/patch on workload resources.',
  },
  'exec-pods': {
    title: 'Can exec into, attach to or port-forward pods',
    severity: 'high',
    why: 'pods/exec, attach and portforward give a shell or network path into every pod in scope and its credentials',
    fix: 'Remove pods/exec, pods/attach and pods/portforward.',
  },
  'nodes-proxy': {
    title: 'Can reach the kubelet API through nodes/proxy',
    severity: 'critical',
    why: 'nodes/proxy reaches the kubelet API, which runs commands in any pod on the node without audit of pods/exec',
    fix: 'Remove nodes/proxy.',
  },
  'create-tokens': {
    title: 'Can mint service-account tokens',
    severity: 'high',
    why: 'create on serviceaccounts/token issues tokens for any service account in scope, taking over its permissions',
    fix: 'Remove create on serviceaccounts/token.',
  },
  escalate: {
    title: 'Can escalate roles',
    severity: 'critical',
    why: 'escalate lets the holder add permissions it does not have to a role',
    fix: 'Remove the escalate verb.',
  },
  bind: {
    title: 'Can bind roles',
    severity: 'critical',
    why: 'bind lets the holder bind any role (up to cluster-admin) to itself',
    fix: 'Remove the bind verb.',
  },
  impersonate: {
    title: 'Can impersonate users, groups or service accounts',
    severity: 'critical',
    why: 'impersonation acts with the permissions of another identity (e.g. system:masters)',
    fix: 'Remove the impersonate verb.',
  },
  'modify-rbac': {
    title: 'Can write roles or bindings',
    severity: 'high',
    why: 'writing RBAC objects lets the holder grant itself whatever it already holds to other subjects, and with bind/escalate anything',
    fix: 'Remove create/update/patch on roles and bindings.',
  },
  'approve-csr': {
    title: 'Can approve certificate signing requests',
    severity: 'high',
    why: 'approving CSRs can mint client certificates for privileged identities',
    fix: 'Remove update/patch on certificatesigningrequests/approval.',
  },
  'modify-webhooks': {
    title: 'Can write admission webhooks',
    severity: 'high',
    why: 'a mutating webhook sees and rewrites every object, a validating one can disable admission controls',
    fix: 'Remove write access to admission webhook configurations.',
  },
  'delete-resources': {
    title: 'Can delete nodes, namespaces or persistent volumes',
    severity: 'medium',
    why: 'deleting nodes, namespaces or volumes destroys workloads and data',
    fix: 'Remove delete/deletecollection on nodes, namespaces and persistentvolumes.',
  },
};

/** Powers that turn into node or cluster takeover (used for workload chains). */
export const TAKEOVER_POWERS: readonly RbacPower[] = ['cluster-admin', 'create-pods', 'create-workloads', 'nodes-proxy', 'escalate', 'bind', 'impersonate', 'create-tokens'];

function roleTarget(role: RoleInfo) {
  const o = role.object!;
  return configTarget(o.file, { document: o.document, kind: o.kind, name: o.name, namespace: role.namespace });
}

function describeSubjects(b: BindingInfo): string {
  return b.subjects.map((s) => (s.kind === 'ServiceAccount' ? `ServiceAccount ${s.namespace ?? b.namespace ?? 'default'}/${s.name}` : `${s.kind} ${s.name}`)).join(', ');
}

/** Findings about roles and bindings themselves (workload chains are built by the Kubernetes audit). */
export function rbacFindings(model: RbacModel): MisconfigurationFinding[] {
  const out: MisconfigurationFinding[] = [];
  for (const role of model.roles) {
    if (role.object === null) continue;
    for (const [power, rules] of role.powers) {
      if (power === 'wildcard' && role.powers.has('cluster-admin')) continue;
      const info = POWER_INFO[power];
      // A namespaced Role's reach is its namespace; a ClusterRole's depends on how it is bound.
      const severity: Severity = role.kind === 'Role' && info.severity === 'high' ? 'medium' : info.severity;
      out.push(
        makeMisconfiguration({
          ruleId: `rbac-${power}`,
          title: `${role.kind} ${info.title.charAt(0).toLowerCase()}${info.title.slice(1)}`,
          severity,
          description: `${role.kind} ${role.name} ${role.namespace === null ? '' : `(namespace ${role.namespace}) `}grants ${power} in rule ${rules.map((i) => `#${i}`).join(', ')}: ${info.why}.`,
          target: roleTarget(role),
          fieldPath: `${role.object.pathPrefix}rules[${rules[0] ?? 0}]`,
          fix: info.fix,
          foundBy: RBAC_FOUND_BY,
          references: [RBAC_DOC],
        }),
      );
    }
  }
  for (const b of model.bindings) {
    const o = b.object;
    const target = configTarget(o.file, { document: o.document, kind: o.kind, name: o.name, namespace: b.namespace });
    if (b.roleRef.kind === 'ClusterRole' && b.roleRef.name === 'cluster-admin') {
      out.push(
        makeMisconfiguration({
          ruleId: 'rbac-cluster-admin-binding',
          title: 'Binding to cluster-admin',
          severity: 'critical',
          description: `${b.kind} ${b.name} gives cluster-admin${b.kind === 'RoleBinding' ? ` in namespace ${b.namespace ?? 'default'}` : ''} to ${describeSubjects(b) || 'no subjects'}.`,
          target,
          fieldPath: `${o.pathPrefix}roleRef`,
          fix: 'Bind a role with only the permissions needed instead of cluster-admin.',
          foundBy: RBAC_FOUND_BY,
          references: [RBAC_DOC],
        }),
      );
    }
    const powers = b.role === null ? [] : [...b.role.powers.keys()];
    if (powers.length === 0) continue;
    b.subjects.forEach((s, i) => {
      if (s.kind === 'Group' && BROAD_GROUPS.has(s.name)) {
        out.push(
          makeMisconfiguration({
            ruleId: 'rbac-broad-subject',
            title: 'Risky permissions granted to every user or service account',
            severity: 'critical',
            description: `${b.kind} ${b.name} grants ${powers.join(', ')} to group ${s.name}.`,
            target,
            fieldPath: `${o.pathPrefix}subjects[${i}]`,
            fix: 'Bind the role to the specific service accounts that need it.',
            foundBy: RBAC_FOUND_BY,
            references: [RBAC_DOC],
          }),
        );
      } else if (s.kind === 'ServiceAccount' && s.name === 'default') {
        out.push(
          makeMisconfiguration({
            ruleId: 'rbac-default-service-account',
            title: 'Default service account holds risky permissions',
            severity: 'high',
            description: `${b.kind} ${b.name} grants ${powers.join(', ')} to the default service account of namespace ${s.namespace ?? b.namespace ?? 'default'}; every pod there that does not name another account gets them.`,
            target,
            fieldPath: `${o.pathPrefix}subjects[${i}]`,
            fix: 'Create a dedicated service account for the workload that needs these permissions.',
            foundBy: RBAC_FOUND_BY,
            references: [RBAC_DOC],
          }),
        );
      }
    });
  }
  return out;
}
