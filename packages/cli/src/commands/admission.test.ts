import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCaptured } from '../testing/run-captured.js';
import { runCli } from '../run.js';
import type { CliIo } from '../io.js';

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

  it('serve answers reviews until SIGTERM, then drains: readiness fails, reviews in flight finish, outputs close, exit 0', async () => {
    const crt = path.join(dir, 'serve.crt');
    const key = path.join(dir, 'serve.key');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost', '-days', '1', '-keyout', key, '-out', crt], {
      stdio: 'ignore',
    });
    const ca = await readFile(crt, 'utf8');
    let stderr = '';
    const io: CliIo = { stdout: () => {}, stderr: (t) => void (stderr += t), isTty: false };
    const running = runCli(
      ['admission', 'serve', '--policy', policy, '--tls-cert', crt, '--tls-key', key, '--port', '0', '--host', '127.0.0.1', '--shutdown-delay', '300ms', '--shutdown-grace', '5s'],
      io,
    );
    const get = (port: number, urlPath: string, method = 'GET', body?: string): Promise<number> =>
      new Promise((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            path: urlPath,
            method,
            ca,
            servername: 'localhost',
            agent: new Agent({ keepAlive: false }),
            headers: body === undefined ? {} : { 'content-type': 'application/json' },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    let port = 0;
    try {
      for (let i = 0; i < 200 && port === 0; i++) {
        port = Number(/listening on https:\/\/127\.0\.0\.1:(\d+)/.exec(stderr)?.[1] ?? 0);
        if (port === 0) await new Promise((r) => setTimeout(r, 25));
      }
      expect(port, stderr).toBeGreaterThan(0);
      expect(await get(port, '/readyz')).toBe(200);
      const review = await readFile(path.join(FIXTURES, 'deployment-create-privileged.json'), 'utf8');
      expect(await get(port, '/validate', 'POST', review)).toBe(200);
    } finally {
      process.emit('SIGTERM');
    }
    // during the delay: not ready, still answering
    expect(await get(port, '/readyz')).toBe(503);
    expect(await running).toBe(0);
    expect(stderr).toMatch(/draining[\s\S]*stopped/);
    await expect(get(port, '/healthz')).rejects.toThrow();
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
