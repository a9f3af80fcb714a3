import { z } from 'zod';
import { dateString } from '../findings/exceptions.js';

/**
 * The policy file, `sekisho.yaml` (docs/policy.md):
 *
 * ```yaml
 * apiVersion: sekisho.dev/v1
 * kind: Policy
 * metadata: { name: acme }
 * rules:                          # every environment starts from these
 *   no-critical: { kind: vulnerabilities, severity: critical, fixable: true, action: fail }
 *   secrets:     { kind: secrets, action: fail }
 * environments:
 *   dev:  { rules: { no-critical: { action: warn } } }
 *   prod: { extends: dev, rules: { no-critical: { action: fail, severity: high } } }
 * mappings:                       # first match wins
 *   - { environment: prod, images: ["registry.acme.io/prod/**"], namespaces: ["prod-*"] }
 * defaultEnvironment: dev
 * exceptions:
 *   - { id: CVE-2024-1234, purl: pkg:deb/debian/openssl, owner: a@acme.io, reason: "…", expires: 2027-01-31 }
 * ```
 *
 * Rules are validated after inheritance is applied, against their kind's own schema
 * (`rules/*.ts`), so an override may name only the fields it changes.
 */
export const POLICY_API_VERSION = 'sekisho.dev/v1' as const;

const MAX_RULES = 500;
const MAX_ENVIRONMENTS = 100;
const MAX_MAPPINGS = 1000;
const MAX_EXCEPTIONS = 100_000;

const name = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/, 'lower-case letters, digits, ".", "_" and "-", starting and ending with a letter or digit');
const glob = z.string().min(1).max(512);
const labelMap = z.record(z.string().max(317), z.string().max(512));

export const ACTIONS = ['fail', 'warn', 'info'] as const;

/** A rule as written: its kind-specific fields are checked once inheritance is applied. */
const ruleEntry = z
  .object({
    kind: z.string().min(1).max(64).optional(),
    action: z.enum(ACTIONS).optional(),
    weight: z.number().min(0).max(1000).optional(),
    /** `false` removes an inherited rule from this environment. */
    enabled: z.boolean().optional(),
    description: z.string().max(2000).optional(),
  })
  .catchall(z.unknown());

const rules = z.record(name, ruleEntry).refine((r) => Object.keys(r).length <= MAX_RULES, `at most ${MAX_RULES} rules`);

/**
 * How the admission webhook (`sekisho admission serve`, docs/admission.md) judges workloads of an
 * environment. Inherited along `extends` field by field, like rules.
 */
export const admissionSettingsSchema = z
  .object({
    /** `enforce` denies, `warn` admits with warnings, `audit` admits and records (default enforce). */
    mode: z.enum(['enforce', 'warn', 'audit']).optional(),
    /** Pod Security Standards level and version, enforced exactly as Pod Security Admission does. */
    podSecurity: z
      .object({
        level: z.enum(['privileged', 'baseline', 'restricted']),
        version: z
          .string()
          .regex(/^(latest|v?1\.\d{1,3})$/, 'v1.<minor> or latest')
          .optional(),
      })
      .strict()
      .optional(),
    /** Every container image must name a digest (`image@sha256:…`). */
    requireDigest: z.boolean().optional(),
    /** When the server has no scan of an image: admit, admit with a warning, or deny (default warn). */
    onMissingScan: z.enum(['allow', 'warn', 'deny']).optional(),
    /** When a remote call (server, registry, signatures) fails or runs out of time: admit with a warning or deny (default deny). */
    onError: z.enum(['allow', 'deny']).optional(),
    /** Lowest isolation score (docs/isolation.md) a container may have. */
    minIsolationScore: z.number().int().min(0).max(100).optional(),
    /** `kubectl exec` / `attach` into pods (when the webhook is sent CONNECT requests): allow (default), warn, or deny. */
    exec: z.enum(['allow', 'warn', 'deny']).optional(),
    /** Opt-in mutations, each reported in the response's warnings and the event. */
    mutate: z.object({ pinDigests: z.boolean().optional(), seccompRuntimeDefault: z.boolean().optional() }).strict().optional(),
  })
  .strict();

const environment = z
  .object({
    extends: name.optional(),
    description: z.string().max(2000).optional(),
    /** Whether an incomplete scan (unread files, scanners that could not run) may pass; default false. */
    allowIncomplete: z.boolean().optional(),
    rules: rules.optional(),
    admission: admissionSettingsSchema.optional(),
  })
  .strict();

const mapping = z
  .object({
    environment: name,
    /** `registry/repository[:tag]` globs: `*` within a path segment, `**` across segments. */
    images: z.array(glob).max(1000).optional(),
    namespaces: z.array(glob).max(1000).optional(),
    /** Every listed label must be present on the namespace with a value matching the glob. */
    namespaceLabels: labelMap.optional(),
  })
  .strict()
  .refine((m) => m.images !== undefined || m.namespaces !== undefined || m.namespaceLabels !== undefined, 'a mapping needs images, namespaces or namespaceLabels');

const exception = z
  .object({
    /** A vulnerability id or alias, a finding's rule id (secret rule, check id), … */
    id: z.string().min(1).max(200).optional(),
    /** … or a policy rule id: the whole rule is waived in scope. */
    rule: name.optional(),
    purl: z.string().startsWith('pkg:').max(2048).optional(),
    package: z.string().min(1).max(500).optional(),
    images: z.array(glob).max(1000).optional(),
    environments: z.array(name).max(MAX_ENVIRONMENTS).optional(),
    owner: z.string().min(1).max(200),
    reason: z.string().min(1).max(4000),
    /** Required: every accepted risk is reviewed. From the day after, it no longer applies. */
    expires: dateString,
    approvedBy: z.string().max(200).optional(),
  })
  .strict()
  .refine((e) => (e.id === undefined) !== (e.rule === undefined), 'an exception names either id (a finding) or rule (a policy rule)');

export const policyDocumentSchema = z
  .object({
    apiVersion: z.literal(POLICY_API_VERSION),
    kind: z.literal('Policy'),
    metadata: z.object({ name: name, description: z.string().max(2000).optional() }).strict(),
    rules: rules.optional(),
    environments: z.record(name, environment).refine((e) => Object.keys(e).length <= MAX_ENVIRONMENTS, `at most ${MAX_ENVIRONMENTS} environments`),
    mappings: z.array(mapping).max(MAX_MAPPINGS).optional(),
    /** Environment for subjects no mapping matches; without it such a subject is an error. */
    defaultEnvironment: name.optional(),
    exceptions: z.array(exception).max(MAX_EXCEPTIONS).optional(),
    /** Event outputs (docs/events.md): validated by @sekisho/events, which reads the same file. */
    outputs: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export type PolicyDocument = z.infer<typeof policyDocumentSchema>;
export type PolicyRuleEntry = z.infer<typeof ruleEntry>;
export type PolicyException = z.infer<typeof exception>;
export type PolicyMapping = z.infer<typeof mapping>;
export type AdmissionSettingsInput = z.infer<typeof admissionSettingsSchema>;
