/**
 * The admission decision: one AdmissionReview request in, one response and one event out. The
 * same code serves `POST /validate`, `POST /mutate` and `sekisho admission review`.
 *
 * What is judged (docs/admission.md):
 * - the pod spec against the environment's Pod Security Standards level, with core's PSA checks;
 * - the workload against the policy's workload rules (misconfiguration, registries, complete-scan)
 *   with `evaluatePolicy` over the configuration audit of the object — the `sekisho config` gate;
 * - each image against the server's stored decision for its digest (`evaluatePolicy` over the
 *   image's scan, the `sekisho image` gate), the digest requirement and the trust policy.
 */
import {
  auditKubernetesObjects,
  createRedactor,
  environmentFor,
  evaluatePolicy,
  formatPssVersion,
  parseImageReference,
  resolveEnvironment,
  type PolicyDocument,
  type Redactor,
  type Workload,
} from '@sekisho/core';
import { createEvent, REPORT_SCHEMA, type EventSink, type PolicyDecision, type Report, type SekishoEvent, type Severity } from '@sekisho/model';
import { SharedCache } from './remote/cache.js';
import { remaining, withDeadline } from './remote/deadline.js';
import type { SignatureVerifier, TagResolver } from './remote/digests.js';
import type { ImageVerdict, VerdictSource } from './remote/verdicts.js';
import { encodePatch, pinDigestMutations, seccompMutations, type Mutation } from './mutate.js';
import { namespacePodSecurity, podSecurityReasons, type PodSecurityLevel } from './pod-security.js';
import { denialMessage, reasonLine, ruleReason, truncate, warningLines, type Reason } from './reasons.js';
import type { AdmissionRequest, AdmissionResponse } from './review.js';
import { admissionSettings, type AdmissionMode, type AdmissionSettings } from './settings.js';
import { isSignificantPodUpdate, workloadOfRequest, type WorkloadSubject } from './workload.js';

/** Policy rule kinds judged from the admission request itself; every other kind is judged per image by the server's decision. */
export const WORKLOAD_RULE_KINDS: ReadonlySet<string> = new Set(['misconfiguration', 'registries', 'complete-scan']);

/** Reads a namespace's labels (in a cluster: from the API server); null when the namespace is unknown. */
export interface NamespaceLabelSource {
  labels(namespace: string, signal: AbortSignal): Promise<Readonly<Record<string, string>> | null>;
}

export interface AdmissionOptions {
  readonly policy: PolicyDocument;
  readonly verdicts?: VerdictSource;
  readonly tags?: TagResolver;
  readonly signatures?: SignatureVerifier;
  readonly namespaces?: NamespaceLabelSource;
  readonly events?: EventSink;
  /** Names this webhook instance in events (the pod name in a cluster). */
  readonly instance?: string;
  /** Time for all remote calls of one request (default 2,500 ms); also capped by the API server's `?timeout=`. */
  readonly budgetMs?: number;
  /** How long a stored decision is reused (default 5 min). */
  readonly verdictTtlMs?: number;
  /** How long "the server has no scan" is reused (default 30 s): a scan asked for on a miss is picked up soon. */
  readonly missingTtlMs?: number;
  readonly signatureTtlMs?: number;
  readonly tagTtlMs?: number;
  readonly cacheSize?: number;
  readonly now?: () => Date;
  /** Counts for /metrics. */
  readonly onRemoteError?: (what: string) => void;
}

export type Endpoint = 'validate' | 'mutate';

export interface AdmissionOutcome {
  readonly response: AdmissionResponse;
  /** Null for requests that are not judged (DELETE, CONNECT, status updates…). */
  readonly event: SekishoEvent | null;
  readonly result: 'allowed' | 'denied' | 'warned';
  readonly environment: string | null;
  readonly reasons: readonly Reason[];
  /** The policy's decision over the workload rules, when the environment has any. */
  readonly policyDecision: PolicyDecision | null;
}

interface ImageCheck {
  readonly image: string;
  readonly digest: string | null;
  readonly verdict: ImageVerdict | null;
  readonly reasons: readonly Reason[];
}

const DEFAULT_BUDGET_MS = 2500;
const MAX_PENDING_EVENTS = 1000;
/** Part of the API server's timeout kept back for the answer to travel. */
const TIMEOUT_MARGIN_MS = 500;

function boxed<T>(value: T): { value: T } {
  return { value };
}

export class AdmissionController {
  readonly #options: AdmissionOptions;
  readonly #redactor: Redactor;
  readonly #settings = new Map<string, AdmissionSettings>();
  readonly #verdictCache: SharedCache<{ value: ImageVerdict }>;
  readonly #tagCache: SharedCache<{ value: string }>;
  readonly #signatureCache: SharedCache<{ value: readonly Reason[] }>;
  readonly #labelCache: SharedCache<{ value: Readonly<Record<string, string>> | null }>;
  #pendingEvents = 0;
  eventsDropped = 0;

  constructor(options: AdmissionOptions) {
    this.#options = options;
    this.#redactor = createRedactor();
    const size = options.cacheSize ?? 10_000;
    this.#verdictCache = new SharedCache(size, options.verdictTtlMs ?? 5 * 60_000);
    this.#tagCache = new SharedCache(size, options.tagTtlMs ?? 60_000);
    this.#signatureCache = new SharedCache(size, options.signatureTtlMs ?? 10 * 60_000);
    this.#labelCache = new SharedCache(1000, 60_000);
    // every environment must resolve before the first request (a broken policy fails at start)
    for (const env of Object.keys(options.policy.environments)) this.#settings.set(env, admissionSettings(options.policy, env));
  }

  get cacheStats(): { hits: number; misses: number; size: number } {
    return { hits: this.#verdictCache.hits, misses: this.#verdictCache.misses, size: this.#verdictCache.size };
  }

  /**
   * Judges one request. Never throws: an unexpected failure is a denial (fail closed) naming it.
   * `timeoutMs` is the API server's `?timeout=`, when it sent one.
   */
  async review(request: AdmissionRequest, endpoint: Endpoint, timeoutMs?: number): Promise<AdmissionOutcome> {
    const budget = Math.min(this.#options.budgetMs ?? DEFAULT_BUDGET_MS, timeoutMs === undefined ? Infinity : Math.max(0, timeoutMs - TIMEOUT_MARGIN_MS));
    const deadline = Date.now() + budget;
    try {
      return await this.#review(request, endpoint, deadline);
    } catch (error) {
      const reason: Reason = { level: 'deny', source: 'error', message: `internal error while judging: ${error instanceof Error ? error.message : String(error)}`, fix: null };
      const response: AdmissionResponse = { uid: request.uid, allowed: false, status: { code: 500, message: denialMessage('request', [reason]) } };
      return { response: this.#redactor.value(response), event: null, result: 'denied', environment: null, reasons: [reason], policyDecision: null };
    }
  }

  async #review(request: AdmissionRequest, endpoint: Endpoint, deadline: number): Promise<AdmissionOutcome> {
    const found = workloadOfRequest(request);
    if (found.kind === 'skip') {
      const notWorkload = found.why.endsWith('is not a workload kind');
      return {
        response: { uid: request.uid, allowed: true, ...(notWorkload ? { warnings: [`sekisho: not judged: ${found.why}`] } : {}) },
        event: null,
        result: 'allowed',
        environment: null,
        reasons: [],
        policyDecision: null,
      };
    }
    const subject = found.subject;
    // PSA applies this to the ephemeralcontainers sub-resource too: only an added or changed container is judged
    if (endpoint === 'validate' && found.kind === 'workload' && request.operation === 'UPDATE' && request.kind.kind === 'Pod') {
      const old = request.oldObject;
      if (old !== null && old !== undefined && request.object !== null && request.object !== undefined && !isSignificantPodUpdate(request.object, old)) {
        return this.#finish(request, endpoint, subject, null, 'enforce', [], [], [], 'the update changes nothing Pod Security Admission judges (images, containers, seccomp annotations)');
      }
    }

    const images = found.kind === 'workload' ? [...new Set(found.workload.pod.containers.map((c) => c.image).filter((i): i is string => i !== null))] : [];
    const reasons: Reason[] = [];
    const labels = await this.#namespaceLabels(subject.namespace, deadline, reasons);
    let environment: string;
    try {
      environment = environmentFor(this.#options.policy, { images, namespace: subject.namespace, ...(labels === null ? {} : { namespaceLabels: labels }) });
    } catch (error) {
      reasons.push({ level: 'deny', source: 'error', message: error instanceof Error ? error.message.replace(/; name one with --env$/, '') : String(error), fix: 'Add a mapping for this namespace or a defaultEnvironment to the policy.' });
      return this.#finish(request, endpoint, subject, null, 'enforce', reasons, [], []);
    }
    const settings = this.#settings.get(environment) ?? admissionSettings(this.#options.policy, environment);

    if (found.kind === 'connect') {
      if (settings.exec !== 'allow') {
        const target = `container ${found.container ?? '(default)'} of pod ${subject.namespace}/${subject.name}`;
        reasons.push({ level: settings.exec, source: 'request', message: `${found.via} into ${target}${found.command.length === 0 ? '' : ` (${truncate(found.command.join(' '), 200)})`} is not allowed in environment ${environment}`, fix: 'Debug with an ephemeral container (kubectl debug), which the webhook judges, or in a non-production environment.' });
      }
      return this.#finish(request, endpoint, subject, environment, settings.mode, reasons, [], [], `${found.via} ${found.command.join(' ')}`.slice(0, 300));
    }
    if (found.kind === 'refuse') {
      reasons.push({ level: 'deny', source: 'request', message: `cannot be judged: ${found.why}`, fix: null });
      return this.#finish(request, endpoint, subject, environment, settings.mode, reasons, [], []);
    }
    const { workload, podSpecPointer } = found;

    if (endpoint === 'mutate') return this.#mutate(request, subject, environment, settings, workload, podSpecPointer, deadline);

    const pss: PodSecurityLevel | null = settings.podSecurity === null ? namespacePodSecurity(labels) : { ...settings.podSecurity, from: 'policy' };
    if (pss !== null) reasons.push(...podSecurityReasons(workload.pod, pss));
    const policyDecision = this.#workloadPolicy(workload, environment, settings, pss, images, reasons);
    const checks = await this.#checkImages(images, environment, settings, deadline, request.dryRun === true);
    for (const c of checks) reasons.push(...c.reasons);
    return this.#finish(request, endpoint, subject, environment, settings.mode, reasons, checks, [], undefined, policyDecision, pss);
  }

  async #namespaceLabels(namespace: string, deadline: number, reasons: Reason[]): Promise<Readonly<Record<string, string>> | null> {
    const source = this.#options.namespaces;
    if (source === undefined || namespace === '') return null;
    try {
      const entry = await withDeadline('namespace labels', remaining(deadline), undefined, () =>
        this.#labelCache.get(namespace, async () => boxed(await source.labels(namespace, AbortSignal.timeout(remaining(deadline) + 1000)))),
      );
      return entry.value;
    } catch (error) {
      this.#options.onRemoteError?.('namespaces');
      // mappings by label cannot be applied: fail closed
      reasons.push({ level: 'deny', source: 'error', message: `cannot read the labels of namespace ${namespace}: ${error instanceof Error ? error.message : String(error)}`, fix: null });
      return null;
    }
  }

  /**
   * The policy's workload rules over the configuration audit of the object: the decision
   * `sekisho config --policy` makes, keeping the rules a workload can be judged by.
   */
  #workloadPolicy(workload: Workload, environment: string, settings: AdmissionSettings, pss: PodSecurityLevel | null, images: readonly string[], reasons: Reason[]): PolicyDecision | null {
    const env = resolveEnvironment(this.#options.policy, environment);
    const hasWorkloadRules = env.rules.some((r) => WORKLOAD_RULE_KINDS.has(r.kind.kind) && r.kind.kind !== 'complete-scan');
    if (!hasWorkloadRules && settings.minIsolationScore === null) return null;
    const audit = auditKubernetesObjects([workload.object], { pssVersion: pss === null || pss.level === 'privileged' ? 'latest' : formatPssVersion(pss.minor) });
    if (settings.minIsolationScore !== null) {
      for (const w of audit.workloads) {
        if (w.score >= settings.minIsolationScore) continue;
        const open = w.openPaths.filter((p) => p.certainty === 'open').map((p) => p.name);
        reasons.push({
          level: 'deny',
          source: 'isolation',
          message: `container "${w.target.container ?? ''}" isolation score ${w.score} is below ${settings.minIsolationScore}${open.length === 0 ? '' : ` (open breakout paths: ${open.slice(0, 3).join(', ')})`}`,
          fix: w.openPaths[0]?.fix ?? 'Drop capabilities, run as non-root with a read-only root filesystem and RuntimeDefault seccomp.',
        });
      }
    }
    if (!hasWorkloadRules) return null;
    const report: Report = {
      schema: REPORT_SCHEMA,
      tool: { name: 'sekisho', version: 'admission' },
      target: { reference: workload.object.file, sourceType: 'rootfs', manifestDigest: null, configDigest: null, platform: null, repoTags: [...images] },
      image: null,
      distro: null,
      packages: [],
      relationships: [],
      findings: audit.findings,
      unknowns: [],
      notChecked: [],
      scanners: ['config'],
    };
    const full = evaluatePolicy(report, this.#options.policy, environment, { now: this.#options.now?.() ?? new Date() });
    const rules = full.rules.filter((r) => WORKLOAD_RULE_KINDS.has(r.kind));
    const result = rules.some((r) => r.outcome === 'fail') ? 'fail' : rules.some((r) => r.outcome === 'warn') ? 'warn' : 'pass';
    for (const rule of rules) {
      const reason = ruleReason(rule, 'policy');
      if (reason !== null) reasons.push(reason);
    }
    return { ...full, rules, result };
  }

  async #checkImages(images: readonly string[], environment: string, settings: AdmissionSettings, deadline: number, dryRun: boolean): Promise<ImageCheck[]> {
    const env = resolveEnvironment(this.#options.policy, environment);
    const imageRules = env.rules.filter((r) => !WORKLOAD_RULE_KINDS.has(r.kind.kind));
    const needVerdict = imageRules.length > 0;
    return Promise.all(images.map((image) => this.#checkImage(image, environment, settings, needVerdict, deadline, dryRun)));
  }

  async #checkImage(image: string, environment: string, settings: AdmissionSettings, needVerdict: boolean, deadline: number, dryRun: boolean): Promise<ImageCheck> {
    const reasons: Reason[] = [];
    let ref;
    try {
      ref = parseImageReference(image);
    } catch {
      reasons.push({ level: 'deny', source: 'request', message: `image ${JSON.stringify(truncate(image, 200))} is not a valid image reference`, fix: null });
      return { image, digest: null, verdict: null, reasons };
    }
    const onError = (what: string, error: unknown): void => {
      this.#options.onRemoteError?.(what);
      const why = error instanceof Error ? error.message : String(error);
      reasons.push({ level: settings.onError === 'deny' ? 'deny' : 'warn', source: 'error', message: `image ${image}: ${what} failed: ${truncate(why, 300)}`, fix: settings.onError === 'deny' ? 'Retry; if the service stays down, the environment\'s admission.onError decides.' : null });
    };
    if (ref.digest === null && settings.requireDigest) {
      reasons.push({ level: 'deny', source: 'digest', message: `image ${image} is not pinned by digest`, fix: `Use ${image}@sha256:… (the digest the tag points at now).` });
    }
    let digest = ref.digest;
    const wantDigest = needVerdict || this.#options.signatures !== undefined;
    if (digest === null && wantDigest && this.#options.tags !== undefined) {
      const tags = this.#options.tags;
      try {
        digest = (await withDeadline(`resolving ${image}`, remaining(deadline), undefined, () => this.#tagCache.get(image, async () => boxed(await tags.resolve(image, AbortSignal.timeout(Math.max(remaining(deadline), 1000))))))).value;
      } catch (error) {
        onError('resolving the tag to a digest', error);
        return { image, digest: null, verdict: null, reasons };
      }
    }

    let verdict: ImageVerdict | null = null;
    if (needVerdict) {
      if (digest === null) verdict = { kind: 'missing', why: 'the tag was not resolved to a digest (no registry access configured)' };
      else if (this.#options.verdicts === undefined) verdict = { kind: 'missing', why: 'no server is configured (--server)' };
      else {
        const source = this.#options.verdicts;
        const key = `${digest}|${environment}`;
        const d = digest;
        try {
          verdict = (await withDeadline(`image verdict of ${image}`, remaining(deadline), undefined, () =>
            this.#verdictCache.get(
              key,
              async () => boxed(await source.lookup(d, environment, AbortSignal.timeout(Math.max(remaining(deadline), 1000)))),
              (v) => (v.value.kind === 'missing' ? (this.#options.missingTtlMs ?? 30_000) : undefined),
            ),
          )).value;
          if (verdict.kind === 'missing' && !dryRun && source.requestScan !== undefined) {
            const reference = `${ref.registry}/${ref.repository}@${d}`;
            // best effort, off the request path
            void source.requestScan(reference, d, environment, AbortSignal.timeout(5000)).catch(() => this.#options.onRemoteError?.('scan request'));
          }
        } catch (error) {
          onError('looking up the image verdict', error);
        }
      }
      if (verdict?.kind === 'found') {
        for (const rule of verdict.decision.rules) {
          const reason = ruleReason(rule, 'image-policy', `image ${image} (${digest ?? ''}): `);
          if (reason !== null) reasons.push(reason);
        }
      } else if (verdict?.kind === 'missing' && settings.onMissingScan !== 'allow') {
        reasons.push({
          level: settings.onMissingScan === 'deny' ? 'deny' : 'warn',
          source: 'scan',
          message: `image ${image} has no scan to judge it by: ${verdict.why}`,
          fix: `Scan it first: sekisho image ${image} --server …`,
        });
      }
    }

    const verifier = this.#options.signatures;
    if (verifier !== undefined && digest !== null) {
      const reference = `${ref.registry}/${ref.repository}@${digest}`;
      try {
        const found = (await withDeadline(`signatures of ${image}`, remaining(deadline), undefined, () =>
          this.#signatureCache.get(reference, async () => {
            const findings = await verifier.verify(reference, AbortSignal.timeout(Math.max(remaining(deadline), 1000)));
            return boxed(findings.map((f): Reason => ({ level: 'deny', source: 'signature', message: `image ${image}: ${f.title}: ${f.description}`, fix: f.fix })));
          }),
        )).value;
        reasons.push(...found);
      } catch (error) {
        onError('verifying signatures', error);
      }
    }
    return { image, digest, verdict, reasons };
  }

  async #mutate(request: AdmissionRequest, subject: WorkloadSubject, environment: string, settings: AdmissionSettings, workload: Workload, podSpecPointer: string, deadline: number): Promise<AdmissionOutcome> {
    const mutations: Mutation[] = [];
    const reasons: Reason[] = [];
    // A pod's spec is immutable after creation (images aside); ephemeral containers come through their own sub-resource.
    const mutable = request.subResource === undefined || request.subResource === '' ? request.kind.kind !== 'Pod' || request.operation === 'CREATE' : false;
    if (mutable && settings.mutate.seccompRuntimeDefault) mutations.push(...seccompMutations(workload, podSpecPointer));
    const checks: ImageCheck[] = [];
    if (mutable && settings.mutate.pinDigests) {
      const digests = new Map<string, string>();
      const tags = this.#options.tags;
      const unpinned = [...new Set(workload.pod.containers.map((c) => c.image).filter((i): i is string => i !== null && !i.includes('@')))];
      if (tags === undefined && unpinned.length > 0) reasons.push({ level: 'warn', source: 'digest', message: `images not pinned: no registry access configured (${unpinned.slice(0, 3).join(', ')})`, fix: null });
      else if (tags !== undefined) {
        await Promise.all(
          unpinned.map(async (image) => {
            try {
              parseImageReference(image);
              const d = await withDeadline(`resolving ${image}`, remaining(deadline), undefined, () => this.#tagCache.get(image, async () => boxed(await tags.resolve(image, AbortSignal.timeout(Math.max(remaining(deadline), 1000))))));
              digests.set(image, d.value);
            } catch (error) {
              this.#options.onRemoteError?.('tags');
              reasons.push({ level: 'warn', source: 'digest', message: `image ${image} not pinned: ${error instanceof Error ? truncate(error.message, 200) : String(error)}`, fix: null });
            }
          }),
        );
      }
      mutations.push(...pinDigestMutations(workload, podSpecPointer, digests));
    }
    return this.#finish(request, 'mutate', subject, environment, settings.mode, reasons, checks, mutations);
  }

  /** Turns reasons into the response for the mode, records the event. */
  #finish(
    request: AdmissionRequest,
    endpoint: Endpoint,
    subject: WorkloadSubject,
    environment: string | null,
    mode: AdmissionMode,
    reasons: readonly Reason[],
    images: readonly ImageCheck[],
    mutations: readonly Mutation[],
    note?: string,
    policyDecision?: PolicyDecision | null,
    pss?: PodSecurityLevel | null,
  ): AdmissionOutcome {
    const denials = reasons.filter((r) => r.level === 'deny');
    const warnings = reasons.filter((r) => r.level === 'warn');
    const what = `${subject.kind} ${subject.namespace === '' ? '' : `${subject.namespace}/`}${subject.name}${environment === null ? '' : ` (environment ${environment})`}`;
    let response: AdmissionResponse;
    let result: AdmissionOutcome['result'];
    const mutationWarnings = mutations.map((m) => `sekisho: ${m.note}`);
    const patch = mutations.length === 0 ? {} : { patchType: 'JSONPatch' as const, patch: encodePatch(mutations) };
    if (mode === 'audit') {
      result = denials.length + warnings.length === 0 ? 'allowed' : 'warned';
      const annotations: Record<string, string> = result === 'allowed' ? {} : {
        decision: denials.length > 0 ? 'would-deny' : 'would-warn',
        ...(environment === null ? {} : { environment }),
        reasons: truncate(reasons.map(reasonLine).join('; '), 4096),
      };
      response = { uid: request.uid, allowed: true, ...(Object.keys(annotations).length === 0 ? {} : { auditAnnotations: annotations }), ...(mutationWarnings.length === 0 ? {} : { warnings: mutationWarnings }), ...patch };
    } else if (mode === 'enforce' && denials.length > 0) {
      result = 'denied';
      response = {
        uid: request.uid,
        allowed: false,
        status: { code: 403, reason: 'Forbidden', message: denialMessage(what, denials) },
        ...(warnings.length === 0 ? {} : { warnings: warningLines(warnings) }),
      };
    } else {
      const shown = [...denials, ...warnings];
      result = shown.length === 0 ? 'allowed' : 'warned';
      const lines = [...mutationWarnings, ...warningLines(shown)];
      response = { uid: request.uid, allowed: true, ...(lines.length === 0 ? {} : { warnings: lines }), ...patch };
    }
    response = this.#redactor.value(response);
    // a mutation pass that changed nothing and found nothing is no decision worth an event
    const quiet = endpoint === 'mutate' && mutations.length === 0 && reasons.length === 0;
    const event = quiet ? null : this.#event(request, endpoint, subject, environment, mode, result, reasons, images, mutations, note, policyDecision ?? null, pss ?? null);
    return { response, event, result, environment, reasons, policyDecision: policyDecision ?? null };
  }

  #event(
    request: AdmissionRequest,
    endpoint: Endpoint,
    subject: WorkloadSubject,
    environment: string | null,
    mode: AdmissionMode,
    result: AdmissionOutcome['result'],
    reasons: readonly Reason[],
    images: readonly ImageCheck[],
    mutations: readonly Mutation[],
    note: string | undefined,
    policyDecision: PolicyDecision | null,
    pss: PodSecurityLevel | null,
  ): SekishoEvent {
    const severity: Severity = result === 'denied' ? 'high' : result === 'warned' ? 'medium' : 'negligible';
    const event = createEvent({
      kind: 'admission',
      severity,
      source: { component: 'admission', instance: this.#options.instance ?? 'sekisho-admission' },
      subject: {
        type: 'workload',
        id: `${subject.namespace}/${subject.kind}/${subject.name}`,
        namespace: subject.namespace,
        name: subject.name,
        ...(environment === null ? {} : { environment }),
      },
      principal: request.userInfo?.username ?? null,
      action: `admission.${endpoint}`,
      result,
      reasons: [...reasons.map(reasonLine).slice(0, 50), ...(note === undefined ? [] : [note]), ...mutations.map((m) => m.note)],
      details: {
        uid: request.uid,
        operation: request.operation,
        kind: request.kind,
        ...(request.subResource === undefined ? {} : { subResource: request.subResource }),
        dryRun: request.dryRun === true,
        mode,
        ...(pss === null ? {} : { podSecurity: { level: pss.level, version: formatPssVersion(pss.minor), from: pss.from } }),
        images: images.map((i) => ({ image: i.image, digest: i.digest, verdict: i.verdict === null ? null : i.verdict.kind === 'found' ? i.verdict.decision.result : 'missing' })),
        ...(policyDecision === null ? {} : { policy: { name: policyDecision.policy, result: policyDecision.result, failing: policyDecision.rules.filter((r) => r.outcome !== 'pass').map((r) => r.id) } }),
        ...(mutations.length === 0 ? {} : { patch: mutations.map((m) => m.patch) }),
      },
    });
    const redacted = this.#redactor.value(event);
    this.#emit(redacted);
    return redacted;
  }

  /** Off the request path and bounded: a slow sink drops events (counted) instead of holding memory. */
  #emit(event: SekishoEvent): void {
    const sink = this.#options.events;
    if (sink === undefined) return;
    if (this.#pendingEvents >= MAX_PENDING_EVENTS) {
      this.eventsDropped++;
      return;
    }
    this.#pendingEvents++;
    let done: Promise<void>;
    try {
      done = sink.emit(event);
    } catch {
      done = Promise.reject(new Error('sink threw'));
    }
    void done.then(
      () => this.#pendingEvents--,
      () => {
        this.#pendingEvents--;
        this.eventsDropped++;
      },
    );
  }
}
