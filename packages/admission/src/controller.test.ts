import fastJsonPatch from 'fast-json-patch';
import { auditConfig, evaluatePolicy } from '@sekisho/core';
import { REPORT_SCHEMA, type PolicyDecision, type Report } from '@sekisho/model';
import { stringify as stringifyYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { AdmissionController } from './controller.js';
import type { ImageVerdict, VerdictSource } from './remote/verdicts.js';
import type { TagResolver } from './remote/digests.js';
import { parseAdmissionReview, type AdmissionRequest } from './review.js';
import { fixtureRequest, MemorySink, reviewFixtures, reviewJson, testPolicy } from './testing/fixtures.js';

const KINDS = ['pod', 'deployment', 'statefulset', 'daemonset', 'replicaset', 'job', 'cronjob', 'replicationcontroller'];
const DIGEST = `sha256:${'b'.repeat(64)}`;

function controller(extra: Partial<ConstructorParameters<typeof AdmissionController>[0]> = {}): AdmissionController {
  return new AdmissionController({ policy: testPolicy(), ...extra });
}

function decision(result: PolicyDecision['result'], environment: string): PolicyDecision {
  return {
    schema: 'sekisho.decision/v1',
    policy: 'acme',
    environment,
    result,
    score: result === 'pass' ? 100 : 40,
    grade: result === 'pass' ? 'A' : 'D',
    rules:
      result === 'pass'
        ? [{ id: 'no-critical', kind: 'vulnerabilities', action: 'fail', status: 'pass', outcome: 'pass', message: 'none', evidence: [], evidenceCount: 0, excepted: 0, weight: 20 }]
        : [
            {
              id: 'no-critical',
              kind: 'vulnerabilities',
              action: 'fail',
              status: 'violated',
              outcome: 'fail',
              message: '1 vulnerabilities at or above critical',
              evidence: [{ ref: 'x', text: 'CVE-2024-0001 in openssl 3.0.1 (critical, fixed in 3.0.2)', severity: 'critical', fix: 'Upgrade openssl to 3.0.2 or later' }],
              evidenceCount: 1,
              excepted: 0,
              weight: 20,
            },
          ],
    exceptions: { applied: [], expired: [] },
    evaluatedAt: '2026-12-01T00:00:00.000Z',
  };
}

class FakeVerdicts implements VerdictSource {
  readonly name = 'fake';
  calls = 0;
  scans: string[] = [];
  constructor(readonly answer: (digest: string, env: string) => Promise<ImageVerdict>) {}
  lookup(digest: string, env: string): Promise<ImageVerdict> {
    this.calls++;
    return this.answer(digest, env);
  }
  requestScan(reference: string): Promise<void> {
    this.scans.push(reference);
    return Promise.resolve();
  }
}

const resolver: TagResolver = { resolve: () => Promise.resolve(DIGEST) };

describe('AdmissionReview fixtures for every workload kind and operation', () => {
  it('has a create and update fixture per kind, and each parses as a v1 AdmissionReview', () => {
    const files = reviewFixtures();
    for (const kind of KINDS) for (const op of ['create-restricted', 'create-privileged', 'update-privileged']) expect(files).toContain(`${kind}-${op}.json`);
    for (const f of files) expect(parseAdmissionReview(reviewJson(f)).ok, f).toBe(true);
  });

  it.each(KINDS)('%s: a restricted pod spec is allowed in prod, a privileged one denied on CREATE and UPDATE with PSA’s reason', async (kind) => {
    const c = controller();
    const ok = await c.review(fixtureRequest(`${kind}-create-restricted.json`), 'validate');
    expect(ok.response).toMatchObject({ uid: fixtureRequest(`${kind}-create-restricted.json`).uid, allowed: true });
    expect(ok.result).toBe('allowed');
    for (const op of ['create', 'update']) {
      const request = fixtureRequest(`${kind}-${op}-privileged.json`);
      const bad = await c.review(request, 'validate');
      expect(bad.response.uid).toBe(request.uid);
      expect(bad.response.allowed).toBe(false);
      expect(bad.response.status?.code).toBe(403);
      expect(bad.response.status?.message).toContain('violates PodSecurity "restricted:v1.30": privileged');
      expect(bad.response.status?.message).toContain('fix:');
      expect(bad.environment).toBe('prod');
    }
  });

  it('judges a pod UPDATE only when it changes what PSA judges', async () => {
    const c = controller();
    const labels = await c.review(fixtureRequest('pod-update-labels-only.json'), 'validate');
    expect(labels.response.allowed).toBe(true);
    expect(labels.event?.reasons.join(' ')).toContain('changes nothing Pod Security Admission judges');
    expect((await c.review(fixtureRequest('pod-update-privileged.json'), 'validate')).response.allowed).toBe(false);
  });

  it('judges a controller UPDATE only when its pod template changed (a controller’s own metadata update passes)', async () => {
    const c = controller();
    const request = fixtureRequest('deployment-update-privileged.json');
    const same = { ...request, oldObject: structuredClone(request.object) };
    (same.object as { metadata: { annotations?: object } }).metadata.annotations = { 'deployment.kubernetes.io/revision': '2' };
    const out = await c.review(same, 'validate');
    expect(out.response.allowed).toBe(true);
    expect(out.event?.reasons).toContain('the update leaves the pod template as it was');
    expect((await c.review(request, 'validate')).response.allowed).toBe(false);
  });

  it('judges ephemeral containers added through pods/ephemeralcontainers', async () => {
    const c = controller();
    const bad = await c.review(fixtureRequest('pod-ephemeralcontainers-privileged.json'), 'validate');
    expect(bad.response.allowed).toBe(false);
    expect(bad.response.status?.message).toContain('debugger');
    expect((await c.review(fixtureRequest('pod-ephemeralcontainers-restricted.json'), 'validate')).response.allowed).toBe(true);
  });

  it('does not judge DELETE, or kinds that are no workload — and says so for a wrong kind', async () => {
    const sink = new MemorySink();
    const c = controller({ events: sink });
    for (const f of ['pod-delete.json', 'configmap-create.json']) {
      const out = await c.review(fixtureRequest(f), 'validate');
      expect(out.response).toMatchObject({ uid: fixtureRequest(f).uid, allowed: true });
      expect(out.event).toBeNull();
    }
    expect((await c.review(fixtureRequest('configmap-create.json'), 'validate')).response.warnings?.[0]).toContain('ConfigMap is not a workload kind');
    expect(sink.events).toHaveLength(0);
  });

  it('records exec into a pod (who, which container, what command), and denies it where the environment says so', async () => {
    const sink = new MemorySink();
    const allowed = await controller({ events: sink }).review(fixtureRequest('pod-exec-connect.json'), 'validate');
    expect(allowed.response).toMatchObject({ uid: fixtureRequest('pod-exec-connect.json').uid, allowed: true });
    await Promise.resolve();
    expect(sink.events[0]).toMatchObject({
      kind: 'admission',
      principal: 'alice@example.com',
      result: 'allowed',
      subject: { id: 'shop/Pod/web' },
      details: { operation: 'CONNECT', subResource: 'exec' },
    });
    expect(sink.events[0]?.reasons).toContain('exec sh');
    const policy = testPolicy(`
apiVersion: sekisho.dev/v1
kind: Policy
metadata: { name: exec }
environments:
  prod: { admission: { exec: deny } }
defaultEnvironment: prod
`);
    const denied = await new AdmissionController({ policy }).review(fixtureRequest('pod-exec-connect.json'), 'validate');
    expect(denied.response.allowed).toBe(false);
    expect(denied.response.status?.message).toContain('exec into container app of pod shop/web (sh) is not allowed in environment prod');
  });

  it('judges a dry run and marks its event so the server does not record a deployment', async () => {
    const sink = new MemorySink();
    const verdicts = new FakeVerdicts(() => Promise.resolve({ kind: 'missing', why: 'never scanned' }));
    const c = controller({ events: sink, verdicts, tags: resolver });
    const out = await c.review(fixtureRequest('deployment-create-privileged-dryrun.json', 'scanned'), 'validate');
    expect(out.response.allowed).toBe(false);
    await Promise.resolve();
    expect(sink.events[0]?.details['dryRun']).toBe(true);
    expect(verdicts.scans).toEqual([]); // a dry run has no side effects: no scan is asked for
  });
});

describe('modes and environments', () => {
  it('warn mode admits with warnings; audit mode admits with audit annotations', async () => {
    const c = controller();
    const warn = await c.review(fixtureRequest('pod-create-privileged.json', 'team-a'), 'validate');
    expect(warn.environment).toBe('dev');
    expect(warn.response.allowed).toBe(true);
    expect(warn.result).toBe('warned');
    expect(warn.response.warnings?.join('\n')).toContain('violates PodSecurity "baseline:v1.');
    const audit = await c.review(fixtureRequest('pod-create-privileged.json', 'audit-1'), 'validate');
    expect(audit.response.allowed).toBe(true);
    expect(audit.response.warnings).toBeUndefined();
    expect(audit.response.auditAnnotations).toMatchObject({ decision: 'would-deny', environment: 'audit' });
  });

  it('uses the namespace’s PSA labels when the environment names no level', async () => {
    const policy = testPolicy(`
apiVersion: sekisho.dev/v1
kind: Policy
metadata: { name: labels }
environments:
  any: {}
defaultEnvironment: any
`);
    const labels = { labels: () => Promise.resolve({ 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'v1.29' }) };
    const c = new AdmissionController({ policy, namespaces: labels });
    const out = await c.review(fixtureRequest('pod-create-privileged.json'), 'validate');
    expect(out.response.status?.message).toContain('violates PodSecurity "baseline:v1.29"');
    const none = new AdmissionController({ policy });
    expect((await none.review(fixtureRequest('pod-create-privileged.json'), 'validate')).response.allowed).toBe(true);
  });

  it('fails closed when the namespace labels cannot be read', async () => {
    const c = new AdmissionController({ policy: testPolicy(), namespaces: { labels: () => Promise.reject(new Error('forbidden')) } });
    const out = await c.review(fixtureRequest('pod-create-restricted.json'), 'validate');
    expect(out.response.allowed).toBe(false);
    expect(out.response.status?.message).toContain('cannot read the labels of namespace shop');
  });

  it('applies the policy’s workload rules (registries) exactly as evaluatePolicy decides them', async () => {
    const request = fixtureRequest('pod-create-restricted.json');
    const object = structuredClone(request.object) as { spec: { containers: { image: string }[] } };
    object.spec.containers[0]!.image = `evil.example.net/miner@${DIGEST}`;
    const out = await controller().review({ ...request, object: object }, 'validate');
    expect(out.response.allowed).toBe(false);
    expect(out.response.status?.message).toContain('policy rule official (registries)');
    expect(out.response.status?.message).toContain('evil.example.net/miner');
  });

  it('makes the same policy decision as sekisho config on the same manifest (auditConfig + evaluatePolicy)', async () => {
    const policy = testPolicy(`
apiVersion: sekisho.dev/v1
kind: Policy
metadata: { name: same }
rules:
  official: { kind: registries, allow: ["registry.example.com/shop/*"] }
  no-privileged: { kind: misconfiguration, severity: high }
  pss: { kind: misconfiguration, standard: { name: Pod Security Standards, level: baseline }, action: warn }
environments:
  prod: { admission: { podSecurity: { level: privileged } } }
defaultEnvironment: prod
`);
    const results: string[] = [];
    for (const fixture of ['deployment-create-privileged.json', 'cronjob-create-restricted.json', 'pod-create-privileged.json']) {
      const request = fixtureRequest(fixture);
      const out = await new AdmissionController({ policy }).review(request, 'validate');
      const object = { ...request.object, metadata: { ...(request.object?.['metadata'] as object), namespace: request.namespace } };
      const audit = auditConfig([{ path: 'manifest.yaml', content: new TextEncoder().encode(stringifyYaml(object)) }], { pssVersion: 'latest' });
      const images = (out.event?.details['images'] as { image: string }[]).map((i) => i.image);
      const report: Report = {
        schema: REPORT_SCHEMA,
        tool: { name: 'sekisho', version: 'test' },
        target: { reference: 'manifest.yaml', sourceType: 'rootfs', manifestDigest: null, configDigest: null, platform: null, repoTags: images },
        image: null,
        distro: null,
        packages: [],
        relationships: [],
        findings: audit.findings,
        unknowns: [],
        notChecked: [],
        scanners: ['config'],
      };
      const cli = evaluatePolicy(report, policy, 'prod', { now: new Date() });
      const summary = (d: PolicyDecision): string[] => d.rules.map((r) => `${r.id}:${r.outcome}:${r.evidenceCount}`);
      expect(out.policyDecision, fixture).not.toBeNull();
      expect(summary(out.policyDecision!), fixture).toEqual(summary(cli));
      expect(out.policyDecision!.result, fixture).toBe(cli.result);
      expect(out.response.allowed, fixture).toBe(cli.result !== 'fail');
      results.push(`${fixture}:${cli.result}`);
    }
    // both outcomes are exercised
    expect(results).toEqual(['deployment-create-privileged.json:fail', 'cronjob-create-restricted.json:pass', 'pod-create-privileged.json:fail']);
  });

  it('refuses a workload without a pod spec, and one with more containers than it judges, quickly', async () => {
    const request = fixtureRequest('deployment-create-restricted.json');
    const empty = await controller().review({ ...request, object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: {} } }, 'validate');
    expect(empty.response.allowed).toBe(false);
    expect(empty.response.status?.message).toContain('has no pod spec');

    const pod = fixtureRequest('pod-create-restricted.json');
    const spec = (pod.object as { spec: { containers: unknown[] } }).spec;
    const many = Array.from({ length: 5000 }, (_, i) => ({ ...(spec.containers[0] as object), name: `c${i}` }));
    const started = Date.now();
    const out = await controller().review({ ...pod, object: { ...pod.object, spec: { ...spec, containers: many } } }, 'validate');
    expect(out.response.allowed).toBe(false);
    expect(out.response.status?.message).toContain('5000 containers');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('image verdicts by digest', () => {
  it('denies an image whose stored decision fails, names the rule and the fix, and caches the verdict', async () => {
    const verdicts = new FakeVerdicts((_d, env) => Promise.resolve({ kind: 'found', decision: decision('fail', env), scannedAt: null }));
    const c = controller({ verdicts, tags: resolver });
    const out = await c.review(fixtureRequest('pod-create-restricted.json', 'scanned'), 'validate');
    expect(out.response.allowed).toBe(false);
    expect(out.response.status?.message).toContain('policy rule no-critical (vulnerabilities)');
    expect(out.response.status?.message).toContain('Upgrade openssl to 3.0.2');
    await c.review(fixtureRequest('deployment-create-restricted.json', 'scanned'), 'validate');
    expect(verdicts.calls).toBe(1);
  });

  it('a failing stored decision that names no rule still denies', async () => {
    const verdicts = new FakeVerdicts((_d, env) => Promise.resolve({ kind: 'found', decision: { ...decision('fail', env), rules: [] }, scannedAt: null }));
    const out = await controller({ verdicts }).review(fixtureRequest('pod-create-restricted.json', 'scanned'), 'validate');
    expect(out.response.allowed).toBe(false);
    expect(out.response.status?.message).toContain('policy acme failed in environment scanned');
  });

  it('admits an image whose stored decision passes', async () => {
    const verdicts = new FakeVerdicts((_d, env) => Promise.resolve({ kind: 'found', decision: decision('pass', env), scannedAt: null }));
    const out = await controller({ verdicts }).review(fixtureRequest('pod-create-restricted.json', 'scanned'), 'validate');
    expect(out.response.allowed).toBe(true);
    expect(out.event?.details['images']).toEqual([{ image: expect.stringContaining('@sha256:') as string, digest: `sha256:${'a'.repeat(64)}`, verdict: 'pass' }]);
  });

  it('applies onMissingScan: deny, or warn — and asks the server to scan the image', async () => {
    const verdicts = new FakeVerdicts(() => Promise.resolve({ kind: 'missing', why: 'never scanned' }));
    const c = controller({ verdicts });
    const deny = await c.review(fixtureRequest('pod-create-restricted.json', 'scanned'), 'validate');
    expect(deny.response.allowed).toBe(false);
    expect(deny.response.status?.message).toContain('has no scan to judge it by');
    expect(verdicts.scans).toEqual([`registry.example.com/shop/web@sha256:${'a'.repeat(64)}`]);
    await c.review(fixtureRequest('pod-create-restricted.json', 'scanned'), 'validate');
    expect(verdicts.scans).toHaveLength(1); // the miss is cached: no second scan request
    const warn = await c.review(fixtureRequest('pod-create-restricted.json', 'scanned-lax'), 'validate');
    expect(warn.response.allowed).toBe(true);
    expect(warn.response.warnings?.join()).toContain('has no scan');
  });

  it('asks again about an unscanned digest once the short miss TTL has passed', async () => {
    let scanned = false;
    const verdicts = new FakeVerdicts((_d, env) => Promise.resolve(scanned ? { kind: 'found', decision: decision('pass', env), scannedAt: null } : { kind: 'missing', why: 'never scanned' }));
    const c = controller({ verdicts, missingTtlMs: 50 });
    expect((await c.review(fixtureRequest('pod-create-restricted.json', 'scanned'), 'validate')).response.allowed).toBe(false);
    scanned = true;
    expect((await c.review(fixtureRequest('pod-create-restricted.json', 'scanned'), 'validate')).response.allowed).toBe(false);
    await new Promise((r) => setTimeout(r, 80));
    expect((await c.review(fixtureRequest('pod-create-restricted.json', 'scanned'), 'validate')).response.allowed).toBe(true);
    expect(verdicts.calls).toBe(2);
  });

  it('without a server every image counts as unscanned: a policy with image rules is never passed unjudged', async () => {
    const out = await controller().review(fixtureRequest('pod-create-restricted.json', 'scanned'), 'validate');
    expect(out.response.allowed).toBe(false);
    expect(out.response.status?.message).toContain('no server is configured');
  });

  it('a slow verdict source is cut at the deadline and onError decides (deny, or allow with a warning)', async () => {
    const verdicts = new FakeVerdicts(() => new Promise(() => undefined));
    const c = controller({ verdicts, budgetMs: 200 });
    const started = Date.now();
    const deny = await c.review(fixtureRequest('pod-create-restricted.json', 'scanned'), 'validate');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(deny.response.allowed).toBe(false);
    expect(deny.response.status?.message).toContain('no answer within');
    const allow = await c.review(fixtureRequest('pod-create-restricted.json', 'scanned-lax'), 'validate');
    expect(allow.response.allowed).toBe(true);
    expect(allow.response.warnings?.join()).toContain('looking up the image verdict failed');
  });

  it('takes the API server’s ?timeout= into account', async () => {
    const verdicts = new FakeVerdicts(() => new Promise(() => undefined));
    const started = Date.now();
    await controller({ verdicts, budgetMs: 30_000 }).review(fixtureRequest('pod-create-restricted.json', 'scanned'), 'validate', 1000);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('resolves a tag through the registry resolver before asking for the verdict, and requires digests when told to', async () => {
    const seen: string[] = [];
    const verdicts = new FakeVerdicts((d, env) => {
      seen.push(d);
      return Promise.resolve({ kind: 'found', decision: decision('pass', env), scannedAt: null });
    });
    const request = fixtureRequest('pod-create-restricted.json', 'scanned');
    const object = structuredClone(request.object) as { spec: { containers: { image: string }[] } };
    object.spec.containers[0]!.image = 'registry.example.com/shop/web:1.4';
    await controller({ verdicts, tags: resolver }).review({ ...request, object: object }, 'validate');
    expect(seen).toEqual([DIGEST]);

    const strict = testPolicy(`
apiVersion: sekisho.dev/v1
kind: Policy
metadata: { name: pinned }
environments:
  prod: { admission: { requireDigest: true } }
defaultEnvironment: prod
`);
    const out = await new AdmissionController({ policy: strict }).review({ ...request, object: object }, 'validate');
    expect(out.response.status?.message).toContain('is not pinned by digest');
  });

  it('denies images whose signature check finds a problem', async () => {
    const signatures = {
      verify: () =>
        Promise.resolve([
          {
            id: 'x',
            kind: 'supply-chain' as const,
            ruleId: 'SC-TRUST-002',
            title: 'Image not signed by a required signer',
            severity: 'high' as const,
            description: 'no valid signature',
            location: null,
            createdBy: null,
            removedInLayer: null,
            foundBy: 'trust-policy',
            fix: 'Sign the image with cosign',
            references: [],
            evidence: 'none',
          },
        ]),
    };
    const out = await controller({ signatures }).review(fixtureRequest('pod-create-restricted.json'), 'validate');
    expect(out.response.allowed).toBe(false);
    expect(out.response.status?.message).toContain('Image not signed by a required signer');
  });
});

describe('mutations', () => {
  it('pins tags to digests and adds RuntimeDefault seccomp, reported, and the patched pod passes restricted', async () => {
    const request: AdmissionRequest = fixtureRequest('deployment-create-privileged.json', 'mutating');
    const object = structuredClone(request.object) as { spec: { template: { spec: { containers: { securityContext: unknown }[] } } } };
    object.spec.template.spec.containers[0]!.securityContext = { allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] } };
    const c = controller({ tags: resolver });
    const input = { ...request, object: object as unknown as Record<string, unknown> };
    const out = await c.review(input, 'mutate');
    expect(out.response.allowed).toBe(true);
    expect(out.response.patchType).toBe('JSONPatch');
    const patch = JSON.parse(Buffer.from(out.response.patch ?? '', 'base64').toString('utf8')) as fastJsonPatch.Operation[];
    expect(patch).toEqual([
      { op: 'add', path: '/spec/template/spec/securityContext/seccompProfile', value: { type: 'RuntimeDefault' } },
      { op: 'replace', path: '/spec/template/spec/containers/0/image', value: `registry.example.com/shop/web:1.4@${DIGEST}` },
    ]);
    expect(out.response.warnings?.join('\n')).toContain('pinned container "app"');
    const patched = fastJsonPatch.applyPatch(structuredClone(input.object), patch).newDocument;
    const after = await c.review({ ...input, object: patched }, 'validate');
    expect(after.response.allowed).toBe(true);
  });

  it.each(KINDS)('%s: the patch points at the kind’s own pod spec and applies cleanly', async (kind) => {
    const request = fixtureRequest(`${kind}-create-privileged.json`, 'mutating');
    const out = await controller({ tags: resolver }).review(request, 'mutate');
    const patch = JSON.parse(Buffer.from(out.response.patch ?? '', 'base64').toString('utf8')) as fastJsonPatch.Operation[];
    expect(patch.map((p) => p.op)).toEqual(['add', 'replace']);
    // validate: true makes a pointer to a missing field an error
    const patched = fastJsonPatch.applyPatch(structuredClone(request.object), patch, true).newDocument as Record<string, unknown>;
    expect(JSON.stringify(patched)).toContain(`registry.example.com/shop/web:1.4@${DIGEST}`);
    expect(JSON.stringify(patched)).toContain('"seccompProfile":{"type":"RuntimeDefault"}');
  });

  it('does not touch a pod on UPDATE (its spec is immutable) nor environments that did not opt in, and records no event for nothing', async () => {
    const sink = new MemorySink();
    const c = controller({ tags: resolver, events: sink });
    expect((await c.review(fixtureRequest('pod-update-privileged.json', 'mutating'), 'mutate')).response.patch).toBeUndefined();
    expect((await c.review(fixtureRequest('pod-create-privileged.json'), 'mutate')).response.patch).toBeUndefined();
    expect(sink.events).toEqual([]);
  });
});

describe('events', () => {
  it('records every decision as a sekisho admission event: who, what, namespace, decision, reasons', async () => {
    const sink = new MemorySink();
    const c = controller({ events: sink, instance: 'webhook-0' });
    await c.review(fixtureRequest('deployment-create-privileged.json'), 'validate');
    await Promise.resolve();
    const event = sink.events[0];
    expect(event).toMatchObject({
      schema: 'sekisho.event/v1',
      kind: 'admission',
      severity: 'high',
      source: { component: 'admission', instance: 'webhook-0' },
      subject: { type: 'workload', id: 'shop/Deployment/web', namespace: 'shop', environment: 'prod' },
      principal: 'alice@example.com',
      action: 'admission.validate',
      result: 'denied',
    });
    expect(event?.reasons[0]).toContain('violates PodSecurity');
  });

  it('a failing or stuck sink never blocks or breaks admission', async () => {
    const c = controller({ events: { emit: () => new Promise(() => undefined) } });
    const request = fixtureRequest('pod-create-restricted.json', 'team-a');
    for (let i = 0; i < 1100; i++) await c.review(request, 'validate');
    expect(c.eventsDropped).toBe(100);
    const throwing = controller({
      events: {
        emit: () => {
          throw new Error('down');
        },
      },
    });
    expect((await throwing.review(fixtureRequest('pod-create-restricted.json'), 'validate')).response.allowed).toBe(true);
  });
});
