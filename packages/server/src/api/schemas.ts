/**
 * JSON Schemas of the API, written with TypeBox so one definition is both the schema Fastify
 * validates and serialises with (and the OpenAPI document shows) and a static type. Each schema
 * of a model shape is checked against that shape at compile time (`Matches` below): a field added
 * to `@sekisho/model` and not here fails the typecheck.
 */
import { Type } from '@sinclair/typebox';
import type { Static, TSchema, TUnsafe } from '@sinclair/typebox';
import { API_ROLES, FINDING_KINDS, SEVERITIES } from '@sekisho/model';
import type { ApiTokenRecord, AuditEvent, ExceptionRecord, FindingTrend, ImageRecord, ScanRecord, StoredDecision, StoredFinding, TagRecord } from '@sekisho/model';
import type { JobRecord, QueueStats } from '../jobs/types.js';

/** A string enum as plain JSON Schema (`enum`), which gives clearer 400 messages than `anyOf` of constants. */
export function StringEnum<T extends string>(values: readonly T[], options: Record<string, unknown> = {}): TUnsafe<T> {
  return Type.Unsafe<T>({ type: 'string', enum: [...values], ...options });
}

/**
 * Compile-time check that a schema describes a model shape: every value the schema admits is a
 * value of the model type, and the schema names every key of it.
 */
type Matches<S extends TSchema, M> = [Static<S>] extends [M] ? ([keyof M] extends [keyof Static<S>] ? true : { missing: Exclude<keyof M, keyof Static<S>> }) : { notAssignable: S };
function matches<S extends TSchema, M>(schema: S, _check: Matches<S, M>): S {
  return schema;
}

/** Compile-time check, for passthrough documents whose values are not described, that a schema names every key of a model type. */
type NamesKeys<S extends TSchema, M> = [keyof M] extends [keyof Static<S>] ? true : { missing: Exclude<keyof M, keyof Static<S>> };
function namesKeys<S extends TSchema, M>(_schema: S, _check: NamesKeys<S, M>): void {
  // The check is the parameter's type.
}

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Iso = Type.String({ format: 'date-time', maxLength: 64 });
const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength });

export const Digest = Type.String({ pattern: '^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,256}$', maxLength: 300, description: 'an image digest, e.g. sha256:…' });
export const Severity = StringEnum(SEVERITIES);
export const FindingKind = StringEnum(FINDING_KINDS);
export const Role = StringEnum(API_ROLES);
export const Cursor = Type.String({ maxLength: 4096, description: 'the nextCursor of the page before' });
export const Limit = Type.Integer({ minimum: 1, maximum: 500, description: 'page size (default 100, at most 500)' });

const SeverityCounts = Type.Object(Object.fromEntries(SEVERITIES.map((s) => [s, Type.Integer({ minimum: 0 })])) as Record<(typeof SEVERITIES)[number], ReturnType<typeof Type.Integer>>);
const Platform = Type.Object({ os: Type.String(), architecture: Type.String(), variant: Nullable(Type.String()) });
/** Nested engine documents (a finding, a decision, a package) are passed through as they are stored. */
const Document = (description: string) => Type.Object({}, { additionalProperties: true, description });

export const PageOf = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item), nextCursor: Nullable(Type.String()) });

export const ImageRecordSchema = Type.Object({
  digest: Type.String(),
  configDigest: Nullable(Type.String()),
  platform: Nullable(Platform),
  size: Nullable(Type.Integer()),
  repositories: Type.Array(Type.String()),
  firstSeenAt: Type.String(),
  lastScannedAt: Type.String(),
});
matches<typeof ImageRecordSchema, ImageRecord>(ImageRecordSchema, true);

export const TagRecordSchema = Type.Object({ repository: Type.String(), tag: Type.String(), digest: Type.String(), updatedAt: Type.String() });
matches<typeof TagRecordSchema, TagRecord>(TagRecordSchema, true);

export const ScanRecordSchema = Type.Object({
  id: Type.String(),
  digest: Type.String(),
  reference: Type.String(),
  dbVersion: Type.String(),
  scannedAt: Type.String(),
  toolVersion: Type.String(),
  status: StringEnum(['complete', 'incomplete'] as const),
  statusReasons: Type.Array(Type.String()),
  scanners: Type.Array(Type.String()),
  packageCount: Type.Integer(),
  findingCount: Type.Integer(),
  severityCounts: SeverityCounts,
});
matches<typeof ScanRecordSchema, ScanRecord>(ScanRecordSchema, true);

export const StoredFindingSchema = Type.Object({
  digest: Type.String(),
  dbVersion: Type.String(),
  scanId: Type.String(),
  identity: Type.String(),
  firstSeenAt: Type.String(),
  kev: Type.Boolean(),
  fixable: Type.Boolean(),
  finding: Document('the finding as the engine reports it (see the report schema)'),
});
// `finding` is a passthrough document: check the keys only.
namesKeys<typeof StoredFindingSchema, StoredFinding>(StoredFindingSchema, true);

export const StoredDecisionSchema = Type.Object({
  id: Type.String(),
  digest: Type.String(),
  scanId: Nullable(Type.String()),
  recordedAt: Type.String(),
  decision: Document('the policy decision (sekisho.decision/v1)'),
});
namesKeys<typeof StoredDecisionSchema, StoredDecision>(StoredDecisionSchema, true);

const ExceptionMatchSchema = Type.Object(
  {
    id: Type.Optional(Text(200)),
    rule: Type.Optional(Type.String({ minLength: 1, maxLength: 63, pattern: '^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$' })),
    purl: Type.Optional(Type.String({ minLength: 5, maxLength: 2048, pattern: '^pkg:' })),
    package: Type.Optional(Text(500)),
    images: Type.Optional(Type.Array(Text(512), { maxItems: 1000 })),
    environments: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 63, pattern: '^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$' }), { maxItems: 100 })),
  },
  { additionalProperties: false },
);

export const ExceptionRecordSchema = Type.Object({
  id: Type.String(),
  match: ExceptionMatchSchema,
  owner: Type.String(),
  reason: Type.String(),
  expires: Type.String(),
  state: StringEnum(['proposed', 'approved', 'expired'] as const),
  proposedBy: Type.String(),
  proposedAt: Type.String(),
  approvedBy: Nullable(Type.String()),
  approvedAt: Nullable(Type.String()),
  expiredBy: Nullable(Type.String()),
  expiredAt: Nullable(Type.String()),
});
matches<typeof ExceptionRecordSchema, ExceptionRecord>(ExceptionRecordSchema, true);

export const ProposeExceptionBody = Type.Object(
  {
    match: ExceptionMatchSchema,
    owner: Text(200),
    reason: Text(4000),
    expires: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'last day it applies (YYYY-MM-DD)' }),
  },
  { additionalProperties: false },
);

export const AuditEventSchema = Type.Object({
  id: Type.String(),
  at: Type.String(),
  sourceIp: Nullable(Type.String()),
  method: Type.String(),
  action: Type.String(),
  principal: Type.String(),
  result: StringEnum(['success', 'denied', 'failure'] as const),
  target: Nullable(Type.String()),
  details: Type.Object({}, { additionalProperties: true }),
});
matches<typeof AuditEventSchema, AuditEvent>(AuditEventSchema, true);

export const ApiTokenSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: Role,
  createdAt: Type.String(),
  createdBy: Type.String(),
  expiresAt: Nullable(Type.String()),
  revokedAt: Nullable(Type.String()),
  revokedBy: Nullable(Type.String()),
});
matches<typeof ApiTokenSchema, ApiTokenRecord>(ApiTokenSchema, true);

export const CreateTokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9][A-Za-z0-9@._:-]*$' }),
    role: Role,
    expiresAt: Type.Optional(Iso),
  },
  { additionalProperties: false },
);

export const JobKindSchema = StringEnum(['scan-image', 'scan-repository', 'rematch', 'evaluate-policy'] as const);
export const JobStateSchema = StringEnum(['queued', 'active', 'retry', 'completed', 'failed', 'dead', 'cancelled'] as const);
export const JobRecordSchema = Type.Object({
  id: Type.String(),
  kind: JobKindSchema,
  payload: Type.Object({}, { additionalProperties: true }),
  state: JobStateSchema,
  attempts: Type.Integer(),
  createdAt: Type.String(),
  startedAt: Nullable(Type.String()),
  finishedAt: Nullable(Type.String()),
  error: Nullable(Type.String()),
  result: Nullable(Type.Object({}, { additionalProperties: true })),
});
namesKeys<typeof JobRecordSchema, JobRecord>(JobRecordSchema, true);

export const QueueStatsSchema = Type.Object({ queued: Type.Integer(), active: Type.Integer(), failed: Type.Integer(), dead: Type.Integer(), completed: Type.Integer() });
matches<typeof QueueStatsSchema, QueueStats>(QueueStatsSchema, true);

/** What POST /jobs accepts: only the kinds a client may ask for (re-matching and evaluation are the server's own). */
export const EnqueueJobBody = Type.Object(
  {
    kind: StringEnum(['scan-image', 'scan-repository'] as const),
    reference: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'scan-image: what to scan' })),
    digest: Type.Optional(Digest),
    environment: Type.Optional(Type.String({ minLength: 1, maxLength: 63 })),
    repository: Type.Optional(Type.String({ minLength: 1, maxLength: 512, description: 'scan-repository: registry/path' })),
  },
  { additionalProperties: false },
);

export const TrendSchema = Type.Object({
  scope: Type.String(),
  bucket: StringEnum(['day', 'week'] as const),
  points: Type.Array(Type.Object({ at: Type.String(), open: SeverityCounts, opened: Type.Integer(), fixed: Type.Integer(), meanDaysToFix: Nullable(Type.Number()) })),
});
matches<typeof TrendSchema, FindingTrend>(TrendSchema, true);

export const RecordScanResponse = Type.Object({ scan: ScanRecordSchema, opened: Type.Integer(), fixed: Type.Integer() });

export const ErrorSchema = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    field: Type.Optional(Type.String({ description: 'the input that was refused, e.g. body.target.reference or querystring.limit' })),
    requestId: Type.Optional(Type.String()),
  }),
});

/**
 * A report as `sekisho image --format json` writes it. The fields the server reads are checked
 * here; nested engine documents (packages, findings) are checked for the keys the store indexes.
 */
const LocationSchema = Nullable(Type.Object({ path: Type.String({ maxLength: 4096 }) }, { additionalProperties: true }));
const FindingInput = Type.Object(
  {
    id: Text(512),
    kind: FindingKind,
    ruleId: Type.String({ maxLength: 512 }),
    title: Type.String({ maxLength: 4096 }),
    severity: Severity,
    location: LocationSchema,
  },
  { additionalProperties: true },
);
const PackageInput = Type.Object(
  { id: Text(512), name: Type.String({ maxLength: 2048 }), version: Type.String({ maxLength: 1024 }), type: Type.String({ maxLength: 32 }), purl: Type.String({ maxLength: 4096 }) },
  { additionalProperties: true },
);
export const MAX_REPORT_ITEMS = 500_000;
export const ReportBody = Type.Object(
  {
    schema: Type.Literal('sekisho.report/v1'),
    tool: Type.Object({ name: Type.Literal('sekisho'), version: Text(100) }, { additionalProperties: true }),
    target: Type.Object(
      {
        reference: Text(2048),
        sourceType: StringEnum(['docker-archive', 'oci-layout', 'oci-archive', 'rootfs', 'registry', 'sbom'] as const),
        manifestDigest: Nullable(Digest),
        configDigest: Nullable(Digest),
        platform: Nullable(Platform),
        repoTags: Type.Array(Type.String({ maxLength: 1024 }), { maxItems: 1000 }),
      },
      { additionalProperties: true },
    ),
    image: Nullable(
      Type.Object(
        { layers: Type.Array(Type.Object({}, { additionalProperties: true }), { maxItems: 10_000 }), config: Type.Object({}, { additionalProperties: true }) },
        { additionalProperties: true },
      ),
    ),
    distro: Nullable(Type.Object({}, { additionalProperties: true })),
    packages: Type.Array(PackageInput, { maxItems: MAX_REPORT_ITEMS }),
    relationships: Type.Array(Type.Object({}, { additionalProperties: true }), { maxItems: MAX_REPORT_ITEMS }),
    findings: Type.Array(FindingInput, { maxItems: MAX_REPORT_ITEMS }),
    unknowns: Type.Array(Type.Object({}, { additionalProperties: true }), { maxItems: MAX_REPORT_ITEMS }),
    notChecked: Type.Array(Type.Object({ scanner: Text(64), reason: Type.String({ maxLength: 4096 }), fix: Nullable(Type.String({ maxLength: 4096 })) }), { maxItems: 100 }),
    scanners: Type.Optional(Type.Array(Text(64), { maxItems: 100 })),
  },
  { additionalProperties: true },
);

export const PageQuery = { limit: Type.Optional(Limit), cursor: Type.Optional(Cursor) };
