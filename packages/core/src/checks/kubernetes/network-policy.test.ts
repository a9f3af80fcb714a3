import { describe, expect, it } from 'vitest';
import { auditKubernetes } from './index.js';

const deploy = (name: string, ns: string, labels: Record<string, string>) =>
  JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: ns }, spec: { template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'x:1' }] } } } });
const policy = (name: string, ns: string, spec: Record<string, unknown>) => JSON.stringify({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec });

function netFindings(docs: string[]) {
  const r = auditKubernetes([{ path: 'n.yaml', content: new TextEncoder().encode(docs.join('\n---\n')) }]);
  return r.findings.filter((f) => f.ruleId.startsWith('k8s-netpol')).map((f) => `${f.ruleId} ${f.target.name ?? ''}`);
}

describe('NetworkPolicy coverage', () => {
  it('flags a namespace without any policy once', () => {
    expect(netFindings([deploy('a', 'shop', { app: 'a' }), deploy('b', 'shop', { app: 'b' })])).toEqual(['k8s-netpol-namespace-uncovered shop']);
  });

  it('flags pods no ingress or egress policy selects, honouring matchExpressions and policyTypes', () => {
    const found = netFindings([
      deploy('api', 'shop', { app: 'api', tier: 'web' }),
      deploy('db', 'shop', { app: 'db' }),
      policy('web-in', 'shop', { podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['web'] }] }, ingress: [{ from: [{ podSelector: {} }] }] }),
      policy('deny-egress', 'shop', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Egress'] }),
    ]);
    expect(found.sort()).toEqual(['k8s-netpol-no-egress db', 'k8s-netpol-no-ingress db']);
  });

  it('flags rules that allow everything', () => {
    const found = netFindings([
      deploy('api', 'shop', { app: 'api' }),
      policy('open', 'shop', { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{}], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] }),
    ]);
    expect(found.sort()).toEqual(['k8s-netpol-allow-all-egress open', 'k8s-netpol-allow-all-ingress open']);
  });
});

describe('namespace Pod Security labels', () => {
  it('predicts rejection by the namespace enforce level and flags namespaces without one', () => {
    const docs = [
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'prod', labels: { 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'v1.28' } },
      }),
      JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev' } }),
      JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'prod' }, spec: { hostNetwork: true, containers: [{ name: 'c', image: 'x:1' }] } }),
      JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'q', namespace: 'prod' }, spec: { containers: [{ name: 'c', image: 'x:1' }] } }),
    ];
    const r = auditKubernetes([{ path: 'ns.yaml', content: new TextEncoder().encode(docs.join('\n---\n')) }]);
    const rejects = r.findings.filter((f) => f.ruleId === 'k8s-psa-enforce-rejects');
    expect(rejects.map((f) => [f.target.name, f.standard?.level, f.standard?.version])).toEqual([['p', 'baseline', 'v1.28']]);
    expect(r.findings.filter((f) => f.ruleId === 'k8s-namespace-no-psa').map((f) => f.target.name)).toEqual(['dev']);
  });
});
