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
import { auditKubernetesObjects, createRedactor, environmentFor, evaluatePolicy, formatPssVersion, resolveEnvironment, type PolicyDocument, type Redactor, type Workload } from '@sekisho/core';
import { createEvent, REPORT_SCHEMA, type EventSink, type PolicyDecision, type Report, type SekishoEvent, type Severity } from '@sekisho/model';
import { ImageJudge, type ImageCheck, type ImageJudgeOptions } from './images.js';
import { SharedCache } from './remote/cache.js';
import { remaining, withDeadline } from './remote/deadline.js';
import { encodePatch, pinDigestMutations, seccompMutations, type Mutation } from './mutate.js';
import { namespacePodSecurity, podSecurityReasons, type PodSecurityLevel } from './pod-security.js';
import { denialMessage, reasonLine, ruleReason, truncate, warningLines, type Reason } from './reasons.js';
import type { AdmissionRequest, AdmissionResponse } from './review.js';
import { admissionSettings, type AdmissionMode, type AdmissionSettings } from './settings.js';
import { isSignificantPodUpdate, isSignificantTemplateUpdate, workloadOfRequest, type WorkloadSubject } from './workload.js';

/** Policy rule kinds judged from the admission request itself; every other kind is judged per image by the server's decision. */
export const WORKLOAD_RULE_KINDS: ReadonlySet<string> = new Set(['misconfiguration', 'registries', 'complete-scan']);

/** Reads a namespace's labels (in a cluster: from the API server); null when the namespace is unknown. */
export interface NamespaceLabelSource {
  labels(namespace: string, signal: AbortSignal): Promise<Readonly<Record<string, string>> | null>;
}

export interface AdmissionOptions extends ImageJudgeOptions {
  readonly policy: PolicyDocument;
  readonly namespaces?: NamespaceLabelSource;
  readonly events?: EventSink;
  /** Names this webhook instance in events (the pod name in a cluster). */
  readonly instance?: string;
  /** Time for all remote calls of one request (default 2,500 ms); also capped by the API server's `?timeout=`. */
  readonly budgetMs?: number;
  readonly now?: () => Date;
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
  readonly #images: ImageJudge;
  readonly #labelCache: SharedCache<{ value: Readonly<Record<string, string>> | null }>;
  #pendingEvents = 0;
  eventsDropped = 0;

  constructor(options: AdmissionOptions) {
    this.#options = options;
    this.#redactor = createRedactor();
    this.#images = new ImageJudge(options);
    this.#labelCache = new SharedCache(1000, 60_000);
    // every environment must resolve before the first request (a broken policy fails at start)
    for (const env of Object.keys(options.policy.environments)) this.#settings.set(env, admissionSettings(options.policy, env));
  }

  get cacheStats(): { hits: number; misses: number; size: number } {
    return this.#images.cacheStats;
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

    if (endpoint === 'validate' && found.kind === 'workload' && request.operation === 'UPDATE' && request.kind.kind !== 'Pod') {
      const old = request.oldObject;
      if (old !== null && old !== undefined && request.object !== null && request.object !== undefined && !isSignificantTemplateUpdate(request.object, old, found.podSpecPointer)) {
        return this.#finish(request, endpoint, subject, null, 'enforce', [], [], [], 'the update leaves the pod template as it was');
      }
    }

    const images = found.kind === 'workload' ? [...new Set(found.workload.pod.containers.map((c) => c.image).filter((i): i is string => i !== null))] : [];
    const reasons: Reason[] = [];
    const labels = await this.#namespaceLabels(subject.namespace, deadline, reasons);
    let environment: string;
    try {
      environment = environmentFor(this.#options.policy, { images, namespace: subject.namespace, ...(labels === null ? {} : { namespaceLabels: labels }) });
    } catch (error) {
      reasons.push({
        level: 'deny',
        source: 'error',
        message: error instanceof Error ? error.message.replace(/; name one with --env$/, '') : String(error),
        fix: 'Add a mapping for this namespace or a defaultEnvironment to the policy.',
      });
      return this.#finish(request, endpoint, subject, null, 'enforce', reasons, [], []);
    }
    const settings = this.#settings.get(environment) ?? admissionSettings(this.#options.policy, environment);

    if (found.kind === 'connect') {
      if (settings.exec !== 'allow') {
        const target = `container ${found.container ?? '(default)'} of pod ${subject.namespace}/${subject.name}`;
        reasons.push({
          level: settings.exec,
          source: 'request',
          message: `${found.via} into ${target}${found.command.length === 0 ? '' : ` (${truncate(found.command.join(' '), 200)})`} is not allowed in environment ${environment}`,
          fix: 'Debug with an ephemeral container (kubectl debug), which the webhook judges, or in a non-production environment.',
        });
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
    const needVerdict = resolveEnvironment(this.#options.policy, environment).rules.some((r) => !WORKLOAD_RULE_KINDS.has(r.kind.kind));
    const checks = await this.#images.judge(images, environment, settings, needVerdict, deadline, request.dryRun === true);
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

  async #mutate(
    request: AdmissionRequest,
    subject: WorkloadSubject,
    environment: string,
    settings: AdmissionSettings,
    workload: Workload,
    podSpecPointer: string,
    deadline: number,
  ): Promise<AdmissionOutcome> {
    const mutations: Mutation[] = [];
    const reasons: Reason[] = [];
    // A pod's spec is immutable after creation (images aside); ephemeral containers come through their own sub-resource.
    const mutable = request.subResource === undefined || request.subResource === '' ? request.kind.kind !== 'Pod' || request.operation === 'CREATE' : false;
    if (mutable && settings.mutate.seccompRuntimeDefault) mutations.push(...seccompMutations(workload, podSpecPointer));
    const checks: ImageCheck[] = [];
    if (mutable && settings.mutate.pinDigests) {
      const digests = new Map<string, string>();
      const unpinned = [...new Set(workload.pod.containers.map((c) => c.image).filter((i): i is string => i !== null && !i.includes('@')))];
      await Promise.all(
        unpinned.map(async (image) => {
          try {
            digests.set(image, await this.#images.resolve(image, deadline));
          } catch (error) {
            this.#options.onRemoteError?.('tags');
            reasons.push({ level: 'warn', source: 'digest', message: `image ${image} not pinned: ${error instanceof Error ? truncate(error.message, 200) : String(error)}`, fix: null });
          }
        }),
      );
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
      const annotations: Record<string, string> =
        result === 'allowed'
          ? {}
          : {
              decision: denials.length > 0 ? 'would-deny' : 'would-warn',
              ...(environment === null ? {} : { environment }),
              reasons: truncate(reasons.map(reasonLine).join('; '), 4096),
            };
      response = {
        uid: request.uid,
        allowed: true,
        ...(Object.keys(annotations).length === 0 ? {} : { auditAnnotations: annotations }),
        ...(mutationWarnings.length === 0 ? {} : { warnings: mutationWarnings }),
        ...patch,
      };
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
        ...(policyDecision === null
          ? {}
          : { policy: { name: policyDecision.policy, result: policyDecision.result, failing: policyDecision.rules.filter((r) => r.outcome !== 'pass').map((r) => r.id) } }),
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
