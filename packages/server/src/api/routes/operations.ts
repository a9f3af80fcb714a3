/** Jobs (enqueue scans, read the queue), tokens and the audit log (admin), probes and metrics. */
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { JobRecord } from '../../jobs/types.js';
import { issueToken } from '../auth.js';
import type { ApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import { ApiTokenSchema, AuditEventSchema, CreateTokenBody, EnqueueJobBody, ErrorSchema, JobKindSchema, JobRecordSchema, JobStateSchema, PageOf, PageQuery, QueueStatsSchema } from '../schemas.js';

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
const READY_TIMEOUT_MS = 2000;

export function operationRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const { repository, queue } = ctx;

  app.post<{ Body: Static<typeof EnqueueJobBody> }>(
    '/jobs',
    {
      config: { action: 'jobs.enqueue', role: 'scanner' },
      schema: {
        tags: ['jobs'],
        summary: 'Queue a scan of an image or of every tag of a repository; one job per digest while one is queued',
        body: EnqueueJobBody,
        response: { 202: JobRecordSchema, ...errors },
      },
    },
    async (request, reply) => {
      const body = request.body;
      let job: JobRecord;
      if (body.kind === 'scan-image') {
        if (body.reference === undefined) throw new ApiError(400, 'INVALID_INPUT', 'body.reference: a scan-image job needs the reference to scan', 'body.reference');
        if (body.repository !== undefined) throw new ApiError(400, 'INVALID_INPUT', 'body.repository: not a field of scan-image', 'body.repository');
        const payload = { reference: body.reference, ...(body.digest === undefined ? {} : { digest: body.digest }), ...(body.environment === undefined ? {} : { environment: body.environment }) };
        job = await queue.enqueue('scan-image', payload, { singletonKey: body.digest ?? body.reference });
        request.auditTarget = body.digest ?? body.reference;
      } else {
        if (body.repository === undefined) throw new ApiError(400, 'INVALID_INPUT', 'body.repository: a scan-repository job needs the repository', 'body.repository');
        if (body.reference !== undefined || body.digest !== undefined) throw new ApiError(400, 'INVALID_INPUT', 'body.reference: not a field of scan-repository', 'body.reference');
        job = await queue.enqueue('scan-repository', { repository: body.repository }, { singletonKey: body.repository });
        request.auditTarget = body.repository;
      }
      return reply.code(202).send(job);
    },
  );

  const JobsQuery = Type.Object({ kind: Type.Optional(JobKindSchema), state: Type.Optional(JobStateSchema), ...PageQuery }, { additionalProperties: false });
  app.get<{ Querystring: Static<typeof JobsQuery> }>(
    '/jobs',
    {
      config: { action: 'jobs.list', role: 'viewer' },
      schema: { tags: ['jobs'], summary: 'Jobs, filtered by kind and state', querystring: JobsQuery, response: { 200: PageOf(JobRecordSchema), ...errors } },
    },
    (request) => {
      const q = request.query;
      return queue.list(
        { ...(q.kind === undefined ? {} : { kind: q.kind }), ...(q.state === undefined ? {} : { state: q.state }) },
        { ...(q.limit === undefined ? {} : { limit: q.limit }), cursor: q.cursor ?? null },
      );
    },
  );

  app.get(
    '/jobs/stats',
    { config: { action: 'jobs.stats', role: 'viewer' }, schema: { tags: ['jobs'], summary: 'How many jobs are in each state', response: { 200: QueueStatsSchema, ...errors } } },
    () => queue.stats(),
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/jobs/:id',
    { config: { action: 'jobs.get', role: 'viewer' }, schema: { tags: ['jobs'], summary: 'One job', params: IdParams, response: { 200: JobRecordSchema, ...errors } } },
    async (request) => {
      request.auditTarget = request.params.id;
      const job = await queue.get(request.params.id);
      if (job === null) throw new ApiError(404, 'NOT_FOUND', `no job ${request.params.id}`);
      return job;
    },
  );

  const TokensQuery = Type.Object(PageQuery, { additionalProperties: false });
  app.get<{ Querystring: Static<typeof TokensQuery> }>(
    '/tokens',
    {
      config: { action: 'tokens.list', role: 'admin' },
      schema: { tags: ['admin'], summary: 'API tokens (never their secrets)', querystring: TokensQuery, response: { 200: PageOf(ApiTokenSchema), ...errors } },
    },
    (request) => repository.listTokens({ ...(request.query.limit === undefined ? {} : { limit: request.query.limit }), cursor: request.query.cursor ?? null }),
  );

  app.post<{ Body: Static<typeof CreateTokenBody> }>(
    '/tokens',
    {
      config: { action: 'tokens.create', role: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'Create a token; its secret is in this response only (the store keeps its SHA-256)',
        body: CreateTokenBody,
        response: { 201: Type.Object({ token: Type.String(), record: ApiTokenSchema }), ...errors, 409: ErrorSchema },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const expiresAt = body.expiresAt === undefined ? null : new Date(body.expiresAt);
      const issued = await issueToken(repository, { name: body.name, role: body.role, createdBy: request.principal?.name ?? 'unknown', expiresAt }, ctx.now());
      request.auditTarget = issued.record.id;
      return reply.code(201).header('cache-control', 'no-store').send(issued);
    },
  );

  app.post<{ Params: Static<typeof IdParams> }>(
    '/tokens/:id/revoke',
    { config: { action: 'tokens.revoke', role: 'admin' }, schema: { tags: ['admin'], summary: 'Revoke a token', params: IdParams, response: { 200: ApiTokenSchema, ...errors } } },
    (request) => {
      request.auditTarget = request.params.id;
      return repository.revokeToken(request.params.id, request.principal?.name ?? 'unknown', ctx.now());
    },
  );

  const AuditQuery = Type.Object(
    {
      principal: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
      action: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
      from: Type.Optional(Type.String({ format: 'date-time' })),
      to: Type.Optional(Type.String({ format: 'date-time' })),
      ...PageQuery,
    },
    { additionalProperties: false },
  );
  app.get<{ Querystring: Static<typeof AuditQuery> }>(
    '/audit',
    {
      config: { action: 'audit.list', role: 'admin' },
      schema: { tags: ['admin'], summary: 'The audit log, newest first', querystring: AuditQuery, response: { 200: PageOf(AuditEventSchema), ...errors } },
    },
    (request) => {
      const { limit, cursor, ...filter } = request.query;
      return repository.listAudit(filter, { ...(limit === undefined ? {} : { limit }), cursor: cursor ?? null });
    },
  );
}

/** Probes and metrics, at the root (where Kubernetes and Prometheus look). */
export function probeRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const probe = { role: 'public' as const, audit: false };
  const Status = Type.Object({ status: Type.String(), reason: Type.Optional(Type.String()) });
  app.get('/healthz', { config: { ...probe, action: 'healthz' }, schema: { tags: ['probes'], summary: 'The process answers', security: [], response: { 200: Status } } }, () => ({ status: 'ok' }));
  app.get(
    '/readyz',
    { config: { ...probe, action: 'readyz' }, schema: { tags: ['probes'], summary: 'The store and the queue answer', security: [], response: { 200: Status, 503: Status } } },
    async (_request, reply) => {
      try {
        await withTimeout(Promise.all([ctx.repository.listImages({}, { limit: 1 }), ctx.queue.stats()]), READY_TIMEOUT_MS);
        return { status: 'ready' };
      } catch (error) {
        return reply.code(503).send({ status: 'unavailable', reason: error instanceof Error && error.name === 'TimeoutError' ? 'timed out' : 'store or queue unreachable' });
      }
    },
  );
  app.get('/metrics', { config: { ...probe, action: 'metrics' }, schema: { tags: ['probes'], summary: 'Prometheus metrics', security: [], hide: true } }, async (_request, reply) => {
    const text = await ctx.metrics.registry.metrics();
    return reply.type(ctx.metrics.registry.contentType).send(text);
  });
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('timed out'), { name: 'TimeoutError' })), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
