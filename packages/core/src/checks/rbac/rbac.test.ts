import { describe, expect, it } from 'vitest';
import { auditKubernetes } from '../kubernetes/index.js';
import { loadKubernetesFile } from '../kubernetes/load.js';
import { buildRbacModel, grantsFor, rulePowers } from './analyze.js';

const rule = (apiGroups: string[], resources: string[], verbs: string[], resourceNames: string[] = []) => ({
  apiGroups,
  resources,
  verbs,
  resourceNames,
  nonResourceURLs: [],
});

describe('RBAC powers', () => {
  it('recognises each risky grant and nothing in a read-only rule', () => {
    const powers = (r: ReturnType<typeof rule>) => [...rulePowers([r]).keys()].sort();
    expect(powers(rule(['*'], ['*'], ['*']))).toEqual(expect.arrayContaining(['cluster-admin', 'wildcard', 'read-secrets', 'create-pods', 'escalate', 'bind', 'impersonate']));
    expect(powers(rule([''], ['secrets'], ['list']))).toEqual(['read-secrets']);
    expect(powers(rule([''], ['secrets'], ['get'], ['one-secret']))).toEqual([]);
    expect(powers(rule([''], ['pods/exec'], ['create']))).toEqual(['exec-pods']);
    expect(powers(rule([''], ['pods/*'], ['get']))).toEqual(['exec-pods']);
    expect(powers(rule([''], ['nodes/proxy'], ['get']))).toEqual(['nodes-proxy']);
    expect(powers(rule([''], ['serviceaccounts/token'], ['create']))).toEqual(['create-tokens']);
    expect(powers(rule(['apps'], ['deployments'], ['patch']))).toEqual(['create-workloads']);
    expect(powers(rule(['rbac.authorization.k8s.io'], ['clusterroles'], ['bind', 'escalate']))).toEqual(['bind', 'escalate']);
    expect(powers(rule([''], ['users', 'groups'], ['impersonate']))).toEqual(['impersonate']);
    expect(powers(rule(['', 'apps'], ['pods', 'deployments', 'configmaps'], ['get', 'list', 'watch']))).toEqual([]);
  });

  it('follows RoleBindings to ClusterRoles (namespaced), groups and the built-in roles', () => {
    const yaml = `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ci-edit, namespace: build}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects: [{kind: ServiceAccount, name: ci}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: all-sa-read}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}
subjects: [{kind: Group, name: "system:serviceaccounts:build", apiGroup: rbac.authorization.k8s.io}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: secret-reader}
rules: [{apiGroups: [""], resources: [secrets], verbs: [get, list]}]
`;
    const model = buildRbacModel(loadKubernetesFile('r.yaml', new TextEncoder().encode(yaml)).objects);
    const ci = grantsFor(model, 'build', 'ci');
    expect(ci.filter((g) => g.power === 'create-pods').map((g) => g.scope)).toEqual(['build']);
    expect(
      ci
        .filter((g) => g.power === 'read-secrets')
        .map((g) => g.scope)
        .sort(),
    ).toEqual(['*', 'build']);
    expect(grantsFor(model, 'other', 'ci').map((g) => g.power)).toEqual([]);
  });

  it('reports cluster-admin bindings, broad groups, default service accounts and the workload chain', () => {
    const yaml = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ops}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: default, namespace: ops}, {kind: Group, name: "system:authenticated"}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: tool, namespace: ops}
spec: {template: {spec: {containers: [{name: c, image: x:1}]}}}
`;
    const r = auditKubernetes([{ path: 'r.yaml', content: new TextEncoder().encode(yaml) }]);
    const ids = r.findings.map((f) => f.ruleId);
    expect(ids).toEqual(expect.arrayContaining(['rbac-cluster-admin-binding', 'rbac-broad-subject', 'rbac-default-service-account', 'rbac-workload-chain']));
    const chain = r.findings.find((f) => f.ruleId === 'rbac-workload-chain')!;
    expect(chain.severity).toBe('critical');
    expect(chain.description).toContain('Deployment tool → ServiceAccount ops/default (token mounted) → cluster-admin cluster-wide via ClusterRoleBinding ops');
    expect(r.workloads[0]!.openPaths.find((p) => p.techniqueId === 'token-create-privileged-pod')?.certainty).toBe('open');
  });
});
