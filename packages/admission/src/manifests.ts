/**
 * What `sekisho admission manifests` prints: the webhook configurations, the Deployment, Service,
 * service account and the cert-manager Issuer and Certificate that serve them. The Helm chart's
 * templates (deploy/helm/sekisho/templates/admission-*.yaml) render the same objects.
 */
import { stringify } from 'yaml';
import { JUDGED_KINDS } from './workload.js';

export interface ManifestOptions {
  readonly namespace: string;
  /** Base name of every object (default `sekisho-admission`). */
  readonly name?: string;
  readonly image: string;
  /** Decides the default failure policy: `enforce` fails closed, `warn`/`audit` fail open. */
  readonly mode: 'enforce' | 'warn' | 'audit';
  readonly failurePolicy?: 'Fail' | 'Ignore';
  /** Seconds the API server waits for an answer (1–30, default 5). */
  readonly timeoutSeconds?: number;
  readonly replicas?: number;
  /** Also install the mutating webhook (digest pinning, seccomp defaults). */
  readonly mutating?: boolean;
  /** Also send `kubectl exec`/`attach` (CONNECT) to the validating webhook: recorded, and denied where an environment says `exec: deny`. */
  readonly judgeExec?: boolean;
  /** ConfigMap holding `sekisho.yaml` (default `<name>-policy`). */
  readonly policyConfigMap?: string;
  /** Server URL for image verdicts, passed as --server. */
  readonly server?: string;
}

type Manifest = Record<string, unknown>;

const EXEC_RULE: Manifest = { apiGroups: [''], apiVersions: ['v1'], operations: ['CONNECT'], resources: ['pods/attach', 'pods/exec'], scope: 'Namespaced' };

/** One rule per API group: every workload kind, CREATE and UPDATE, plus ephemeral containers. */
export function webhookRules(withEphemeral: boolean): Manifest[] {
  const groups = new Map<string, string[]>();
  for (const kind of Object.values(JUDGED_KINDS)) groups.set(kind.group, [...(groups.get(kind.group) ?? []), kind.resource]);
  if (withEphemeral) groups.get('')?.push('pods/ephemeralcontainers');
  return [...groups].map(([group, resources]) => ({
    apiGroups: [group],
    apiVersions: ['v1'],
    operations: ['CREATE', 'UPDATE'],
    resources: resources.sort(),
    scope: 'Namespaced',
  }));
}

export function admissionManifests(options: ManifestOptions): Manifest[] {
  const name = options.name ?? 'sekisho-admission';
  const ns = options.namespace;
  const timeoutSeconds = Math.min(30, Math.max(1, options.timeoutSeconds ?? 5));
  const failurePolicy = options.failurePolicy ?? (options.mode === 'enforce' ? 'Fail' : 'Ignore');
  const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'sekisho' };
  const namespaceSelector = { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', ns] }] };
  const clientConfig = (path: string): Manifest => ({ service: { namespace: ns, name, path, port: 443 } });
  const caInjection = { 'cert-manager.io/inject-ca-from': `${ns}/${name}` };
  const webhook = (hookName: string, path: string, policy: string, withEphemeral: boolean): Manifest => ({
    name: hookName,
    admissionReviewVersions: ['v1'],
    sideEffects: 'None',
    timeoutSeconds,
    failurePolicy: policy,
    matchPolicy: 'Equivalent',
    clientConfig: clientConfig(path),
    rules: [...webhookRules(withEphemeral), ...(withEphemeral && options.judgeExec === true ? [EXEC_RULE] : [])],
    namespaceSelector,
  });
  const policyConfigMap = options.policyConfigMap ?? `${name}-policy`;
  const args = [
    'admission',
    'serve',
    '--port',
    '8443',
    '--tls-cert',
    '/tls/tls.crt',
    '--tls-key',
    '/tls/tls.key',
    '--policy',
    '/policy/sekisho.yaml',
    '--in-cluster',
    '--timeout-seconds',
    String(timeoutSeconds),
    ...(options.server === undefined ? [] : ['--server', options.server]),
  ];
  const probe = { httpGet: { path: '/healthz', port: 8443, scheme: 'HTTPS' }, periodSeconds: 10 };

  const out: Manifest[] = [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: ns, labels } },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name, labels }, rules: [{ apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list', 'watch'] }] },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace: ns }],
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: ns, labels },
      spec: {
        replicas: options.replicas ?? 2,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: name,
            securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name: 'webhook',
                image: options.image,
                args,
                ports: [{ name: 'https', containerPort: 8443 }],
                readinessProbe: probe,
                livenessProbe: probe,
                // served on while the endpoint is withdrawn: the process stops at once on SIGTERM
                lifecycle: { preStop: { sleep: { seconds: 5 } } },
                resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
                volumeMounts: [
                  { name: 'tls', mountPath: '/tls', readOnly: true },
                  { name: 'policy', mountPath: '/policy', readOnly: true },
                ],
              },
            ],
            volumes: [
              { name: 'tls', secret: { secretName: `${name}-tls` } },
              { name: 'policy', configMap: { name: policyConfigMap } },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: ns, labels },
      spec: { selector: labels, ports: [{ name: 'https', port: 443, targetPort: 8443 }] },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name, namespace: ns, labels },
      // with failurePolicy Fail, a drained node must never take every replica at once
      spec: { minAvailable: 1, selector: { matchLabels: labels } },
    },
    { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: { name: `${name}-selfsigned`, namespace: ns, labels }, spec: { selfSigned: {} } },
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name, namespace: ns, labels },
      spec: {
        secretName: `${name}-tls`,
        dnsNames: [`${name}.${ns}.svc`, `${name}.${ns}.svc.cluster.local`],
        duration: '2160h',
        renewBefore: '360h',
        privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
        issuerRef: { name: `${name}-selfsigned`, kind: 'Issuer' },
      },
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name, labels, annotations: caInjection },
      webhooks: [webhook('validate.admission.sekisho.dev', '/validate', failurePolicy, true)],
    },
  ];
  if (options.mutating === true) {
    out.push({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name, labels, annotations: caInjection },
      // a failed mutation only leaves the object as written; the validating webhook still judges it
      webhooks: [{ ...webhook('mutate.admission.sekisho.dev', '/mutate', 'Ignore', false), reinvocationPolicy: 'Never' }],
    });
  }
  return out;
}

export function renderManifests(manifests: readonly Manifest[]): string {
  return manifests.map((m) => `---\n${stringify(m, { lineWidth: 0 })}`).join('');
}
