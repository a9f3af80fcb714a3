/**
 * Workloads and the event timeline: `POST /config-audits` takes what `sekisho config -f json`
 * writes (`sekisho config --server` sends it) and keeps the latest isolation analysis of each
 * workload; the workload routes list them worst first and show one; `GET /events` and
 * `GET /events/histogram` read the timeline that `POST /events` fills.
 */
import { Type } from '@sinclair/typebox';
import type { Static, TSchema } from '@sinclair/typebox';
import { SEVERITIES, WORKLOAD_LAYERS } from '@sekisho/model';
import type { EventKind, EventResult, Severity } from '@sekisho/model';
import type { FastifyInstance } from 'fastify';
import type { RecordConfigAudit } from '../../repository/types.js';
import type { ApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import { ErrorSchema, PageQuery, StringEnum } from '../schemas.js';
import { EVENT_KINDS, EVENT_RESULTS } from './incidents.js';

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema };
/** A cluster-wide audit of a large cluster is tens of megabytes of JSON. */
const MAX_AUDIT_BYTES = 64 * 1024 * 1024;
const MAX_AUDIT_FINDINGS = 200_000;

const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Name = Type.String({ minLength: 1, maxLength: 253 });
const EnvironmentName = Type.String({ minLength: 1, maxLength: 63, pattern: '^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$' });

const Target = Type.Object(
  { file: Text(4096), document: Nullable(Type.Integer({ minimum: 0 })), kind: Nullable(Name), name: Nullable(Name), namespace: Nullable(Name), container: Nullable(Name) },
  { additionalProperties: false },
);
const Cell = Type.Object({ state: StringEnum(['held', 'partial', 'missing'] as const), detail: Type.String({ maxLength: 4096 }) }, { additionalProperties: false });
const Lines = Type.Array(Type.String({ maxLength: 4096 }), { maxItems: 100 });
const Path = Type.Object(
  {
    techniqueId: Text(200),
    name: Text(500),
    impact: Type.String({ maxLength: 4096 }),
    severity: StringEnum(['critical', 'high', 'medium', 'low'] as const),
    certainty: StringEnum(['open', 'conditional'] as const),
    because: Lines,
    unknowns: Lines,
    fix: Type.String({ maxLength: 4096 }),
    references: Lines,
  },
  { additionalProperties: false },
);

/** The parts of a `sekisho.config-audit/v1` document the store keeps; the rest is allowed and ignored. */
export const ConfigAuditBody = Type.Object(
  {
    schema: Type.Literal('sekisho.config-audit/v1'),
    tool: Type.Object({ name: Type.Literal('sekisho'), version: Text(100) }, { additionalProperties: true }),
    status: StringEnum(['complete', 'incomplete'] as const),
    statusReasons: Type.Array(Type.String({ maxLength: 4096 }), { maxItems: 1000 }),
    workloads: Type.Array(
      Type.Object(
        {
          target: Target,
          profile: Type.Optional(Type.Object({ image: Type.Optional(Nullable(Type.String({ maxLength: 2048 }))) }, { additionalProperties: true })),
          score: Type.Integer({ minimum: 0, maximum: 100 }),
          layers: Type.Object(Object.fromEntries(WORKLOAD_LAYERS.map((l) => [l, Type.Optional(Cell)])), { additionalProperties: false }),
          openPaths: Type.Array(Path, { maxItems: 200 }),
        },
        { additionalProperties: true },
      ),
      { maxItems: 20_000 },
    ),
    findings: Type.Array(Type.Object({ severity: StringEnum(SEVERITIES), target: Target }, { additionalProperties: true }), { maxItems: MAX_AUDIT_FINDINGS }),
  },
  { additionalProperties: true },
);
const AuditQuery = Type.Object(
  {
    cluster: Type.String({ minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9]([A-Za-z0-9._:/-]*[A-Za-z0-9])?$', description: 'the cluster (or other scope) the audited configuration belongs to' }),
    environment: Type.Optional(EnvironmentName),
    replace: Type.Optional(Type.Boolean({ description: "the audit covers the whole cluster: when complete, the cluster's workloads it does not name are removed" })),
  },
  { additionalProperties: false },
);

const WorkloadQuery = Type.Object(
  { cluster: Type.Optional(Name), namespace: Type.Optional(Name), environment: Type.Optional(EnvironmentName), paths: Type.Optional(StringEnum(['open', 'any'] as const)), ...PageQuery },
  { additionalProperties: false },
);
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-f0-9]+$' }) });

const Time = Type.String({ format: 'date-time', maxLength: 64 });
const EventFilters = {
  kind: Type.Optional(Type.Array(StringEnum(EVENT_KINDS), { maxItems: 20, description: 'one or more event kinds (repeat the parameter)' })),
  minSeverity: Type.Optional(StringEnum(SEVERITIES)),
  result: Type.Optional(StringEnum(EVENT_RESULTS)),
  namespace: Type.Optional(Name),
};
const EventsQuery = Type.Object({ ...EventFilters, from: Type.Optional(Time), to: Type.Optional(Time), ...PageQuery }, { additionalProperties: false });
const HistogramQuery = Type.Object({ ...EventFilters, from: Time, to: Time, bucket: Type.Optional(StringEnum(['hour', 'day'] as const)) }, { additionalProperties: false });

function eventFilter(q: { kind?: EventKind[]; minSeverity?: Severity; result?: EventResult; namespace?: string }) {
  return {
    ...(q.kind === undefined ? {} : { kinds: q.kind }),
    ...(q.minSeverity === undefined ? {} : { minSeverity: q.minSeverity }),
    ...(q.result === undefined ? {} : { result: q.result }),
    ...(q.namespace === undefined ? {} : { namespace: q.namespace }),
  };
}

function workloadFilter(q: Static<typeof WorkloadQuery>) {
  return {
    ...(q.cluster === undefined ? {} : { cluster: q.cluster }),
    ...(q.namespace === undefined ? {} : { namespace: q.namespace }),
    ...(q.environment === undefined ? {} : { environment: q.environment }),
    ...(q.paths === undefined ? {} : { paths: q.paths }),
  };
}

export function workloadRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const { repository } = ctx;

  app.post<{ Querystring: Static<typeof AuditQuery>; Body: Static<typeof ConfigAuditBody> }>(
    '/config-audits',
    {
      bodyLimit: MAX_AUDIT_BYTES,
      config: { action: 'config-audits.record', role: 'scanner' },
      schema: {
        tags: ['workloads'],
        summary: 'Record a configuration audit (what `sekisho config -f json` writes; `sekisho config --server` sends it): the latest isolation layers and breakout paths of each workload',
        querystring: AuditQuery,
        body: ConfigAuditBody,
        response: { ...errors, 413: ErrorSchema },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const principal = request.principal?.name;
      if (principal === undefined) throw new ApiError(401, 'UNAUTHENTICATED', 'no principal');
      const audit: RecordConfigAudit = {
        cluster: request.query.cluster,
        environment: request.query.environment ?? null,
        principal,
        status: body.status,
        statusReasons: body.statusReasons,
        toolVersion: body.tool.version,
        replace: request.query.replace === true,
        workloads: body.workloads.map((w) => ({ target: w.target, image: w.profile?.image ?? null, score: w.score, layers: w.layers, paths: w.openPaths })),
        findings: body.findings.map((f) => ({ severity: f.severity, target: f.target })),
      };
      const result = await repository.recordConfigAudit(audit, ctx.now());
      request.auditTarget = result.audit.id;
      return reply.code(201).send(result);
    },
  );

  app.get<{ Querystring: Static<typeof QueryPageOnly> }>(
    '/config-audits',
    { config: { action: 'config-audits.list', role: 'viewer' }, schema: { tags: ['workloads'], summary: 'Configuration audits received, newest first', querystring: QueryPageOnly, response: errors } },
    (request) => repository.listConfigAudits({ ...(request.query.limit === undefined ? {} : { limit: request.query.limit }), cursor: request.query.cursor ?? null }),
  );

  app.get<{ Querystring: Static<typeof WorkloadQuery> }>(
    '/workloads',
    {
      config: { action: 'workloads.list', role: 'viewer' },
      schema: { tags: ['workloads'], summary: 'Workloads, lowest isolation score first, with their layers and open breakout paths', querystring: WorkloadQuery, response: errors },
    },
    (request) => repository.listWorkloads(workloadFilter(request.query), { ...(request.query.limit === undefined ? {} : { limit: request.query.limit }), cursor: request.query.cursor ?? null }),
  );

  app.get<{ Querystring: Static<typeof WorkloadQuery> }>(
    '/workloads/overview',
    {
      config: { action: 'workloads.overview', role: 'viewer' },
      schema: { tags: ['workloads'], summary: 'Workload counts: with open or conditional breakout paths, missing layers, mean score', querystring: WorkloadQuery, response: errors },
    },
    (request) => repository.workloadOverview(workloadFilter(request.query)),
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/workloads/:id',
    { config: { action: 'workloads.get', role: 'viewer' }, schema: { tags: ['workloads'], summary: 'One workload', params: IdParams, response: { ...errors, 404: ErrorSchema } } },
    async (request) => {
      request.auditTarget = request.params.id;
      const workload = await repository.getWorkload(request.params.id);
      if (workload === null) throw new ApiError(404, 'NOT_FOUND', `no workload ${request.params.id}`, 'params.id');
      return workload;
    },
  );

  app.get<{ Querystring: Static<typeof EventsQuery> }>(
    '/events',
    {
      config: { action: 'events.list', role: 'viewer' },
      schema: { tags: ['incidents'], summary: 'The event timeline, newest first (runtime alerts, admission decisions, in-app detections…)', querystring: EventsQuery, response: errors },
    },
    (request) => {
      const q = request.query;
      return repository.listEvents(
        { ...eventFilter(q), ...(q.from === undefined ? {} : { from: q.from }), ...(q.to === undefined ? {} : { to: q.to }) },
        { ...(q.limit === undefined ? {} : { limit: q.limit }), cursor: q.cursor ?? null },
      );
    },
  );

  app.get<{ Querystring: Static<typeof HistogramQuery> }>(
    '/events/histogram',
    {
      config: { action: 'events.histogram', role: 'viewer' },
      schema: { tags: ['incidents'], summary: 'Events per hour or day by severity over [from, to] (at most 2000 buckets)', querystring: HistogramQuery, response: errors },
    },
    (request) => {
      const q = request.query;
      return repository.eventHistogram({ ...eventFilter(q), from: q.from, to: q.to }, q.bucket ?? 'hour');
    },
  );
}

const QueryPageOnly = Type.Object({ ...PageQuery }, { additionalProperties: false });
