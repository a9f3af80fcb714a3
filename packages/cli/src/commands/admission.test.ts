import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCaptured } from '../testing/run-captured.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../admission/src/__fixtures__/reviews');

const POLICY = `
apiVersion: sekisho.dev/v1
kind: Policy
metadata: { name: acme }
environments:
  prod: { admission: { mode: enforce, podSecurity: { level: restricted, version: v1.30 } } }
  dev: { admission: { mode: warn, podSecurity: { level: baseline } } }
mappings:
  - { environment: prod, namespaces: ["shop"] }
defaultEnvironment: dev
`;

describe('sekisho admission', () => {
  let dir: string;
  let policy: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sekisho-admission-cli-'));
    policy = path.join(dir, 'sekisho.yaml');
    await writeFile(policy, POLICY);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('review prints the AdmissionReview response: allowed exits 0, denied exits 1 with the reason on stderr', async () => {
    const ok = await runCaptured(['admission', 'review', path.join(FIXTURES, 'deployment-create-restricted.json'), '--policy', policy]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: '705ab4f5-6393-11e8-b7cc-42010a800004', allowed: true } });
    const denied = await runCaptured(['admission', 'review', path.join(FIXTURES, 'deployment-create-privileged.json'), '--policy', policy]);
    expect(denied.code).toBe(1);
    expect(JSON.parse(denied.stdout)).toMatchObject({ response: { allowed: false, status: { code: 403 } } });
    expect(denied.stderr).toContain('violates PodSecurity "restricted:v1.30"');
  });

  it('review --endpoint mutate answers as the mutating webhook', async () => {
    const out = await runCaptured(['admission', 'review', path.join(FIXTURES, 'pod-create-privileged.json'), '--policy', policy, '--endpoint', 'mutate']);
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ response: { allowed: true } });
  });

  it('review refuses what is no AdmissionReview (exit 8) and a broken policy (exit 8)', async () => {
    const bad = path.join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ apiVersion: 'v1', kind: 'Pod' }));
    const out = await runCaptured(['admission', 'review', bad, '--policy', policy]);
    expect(out.code).toBe(8);
    expect(out.stderr).toContain('not an admission.k8s.io/v1 AdmissionReview');
    const broken = path.join(dir, 'broken.yaml');
    await writeFile(broken, POLICY.replace('level: baseline', 'level: lax'));
    expect((await runCaptured(['admission', 'review', bad, '--policy', broken])).code).toBe(8);
  });

  it('serve refuses an unreadable certificate before listening', async () => {
    const out = await runCaptured(['admission', 'serve', '--policy', policy, '--tls-cert', path.join(dir, 'none.crt'), '--tls-key', path.join(dir, 'none.key'), '--port', '0', '--host', '127.0.0.1']);
    expect(out.code).toBe(8);
    expect(out.stderr).toContain('--tls-cert');
  });

  it('manifests: every workload kind, v1 reviews, no side effects, kube-system and its own namespace excluded, failurePolicy by mode', async () => {
    const out = await runCaptured(['admission', 'manifests', '--namespace', 'guard', '--mutating', '--timeout-seconds', '4']);
    expect(out.code).toBe(0);
    const docs = parseAllDocuments(out.stdout).map((d) => d.toJS() as Record<string, unknown>);
    const kinds = docs.map((d) => d['kind']);
    expect(kinds).toEqual([
      'ServiceAccount',
      'ClusterRole',
      'ClusterRoleBinding',
      'Deployment',
      'Service',
      'PodDisruptionBudget',
      'Issuer',
      'Certificate',
      'ValidatingWebhookConfiguration',
      'MutatingWebhookConfiguration',
    ]);
    const validating = docs.find((d) => d['kind'] === 'ValidatingWebhookConfiguration') as { webhooks: Record<string, unknown>[]; metadata: { annotations: Record<string, string> } };
    const hook = validating.webhooks[0]!;
    expect(hook).toMatchObject({
      admissionReviewVersions: ['v1'],
      sideEffects: 'None',
      timeoutSeconds: 4,
      failurePolicy: 'Fail',
      clientConfig: { service: { namespace: 'guard', path: '/validate' } },
    });
    expect(hook['namespaceSelector']).toEqual({ matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', 'guard'] }] });
    const resources = (hook['rules'] as { apiGroups: string[]; resources: string[]; operations: string[] }[]).flatMap((r) => r.resources.map((x) => `${r.apiGroups[0] ?? ''}/${x}`));
    expect(resources.sort()).toEqual([
      '/pods',
      '/pods/ephemeralcontainers',
      '/replicationcontrollers',
      'apps/daemonsets',
      'apps/deployments',
      'apps/replicasets',
      'apps/statefulsets',
      'batch/cronjobs',
      'batch/jobs',
    ]);
    expect(validating.metadata.annotations['cert-manager.io/inject-ca-from']).toBe('guard/sekisho-admission');
    const mutating = docs.find((d) => d['kind'] === 'MutatingWebhookConfiguration') as { webhooks: Record<string, unknown>[] };
    expect(mutating.webhooks[0]).toMatchObject({ failurePolicy: 'Ignore', clientConfig: { service: { path: '/mutate' } } });
    const audit = await runCaptured(['admission', 'manifests', '--mode', 'audit']);
    expect(audit.stdout).toContain('failurePolicy: Ignore');
    expect(audit.stdout).not.toContain('MutatingWebhookConfiguration');
  });
});
