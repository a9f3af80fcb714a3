/**
 * The HTTP API of the server (Fastify): REST under /api/v1, the Harbor scanner adapter under
 * /harbor/api/v1, probes and metrics at the root. Every route declares the least role it needs and
 * its audit action; hooks authenticate before the body is read, and record every request in the
 * audit log (and as an `audit` event) once it is answered.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import fastifySwagger from '@fastify/swagger';
import { createRedactor, TOOL_VERSION } from '@sekisho/core';
import type { PolicyDocument } from '@sekisho/core';
import { createEvent } from '@sekisho/model';
import type { AuditResult, EventSink, SekishoEvent } from '@sekisho/model';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyRequest, FastifyServerOptions } from 'fastify';
import type { IncidentResponses } from '../incidents/respond.js';
import type { JobQueue } from '../jobs/types.js';
import type { Repository } from '../repository/types.js';
import { allows, TokenAuthenticator } from './auth.js';
import type { ApiContext } from './context.js';
import { ApiError, sendError } from './errors.js';
import { harborRoutes } from './harbor/routes.js';
import { createApiMetrics } from './metrics.js';
import { serveDashboard } from './ui.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { findingRoutes } from './routes/findings.js';
import { governanceRoutes } from './routes/governance.js';
import { imageRoutes } from './routes/images.js';
import { incidentRoutes } from './routes/incidents.js';
import { operationRoutes, probeRoutes } from './routes/operations.js';
import { workloadRoutes } from './routes/workloads.js';

export const API_PREFIX = '/api/v1';
export const HARBOR_PREFIX = '/harbor/api/v1';

export interface ApiServerOptions {
  readonly repository: Repository;
  readonly queue: JobQueue;
  readonly events?: EventSink | null;
  /** An admin token from the environment (SEKISHO_ADMIN_TOKEN), to create the first stored tokens. */
  readonly bootstrapToken?: string | null;
  /** The policy evaluations use when a request sends none. */
  readonly policy?: PolicyDocument | null;
  /** Largest request body (default 1 MiB); pushed reports have their own limit. */
  readonly maxBodyBytes?: number;
  /** Largest pushed report (default 64 MiB). */
  readonly maxReportBytes?: number;
  /** Trust X-Forwarded-For from these proxies (Fastify's `trustProxy`); off by default. */
  readonly trustProxy?: FastifyServerOptions['trustProxy'];
  readonly logger?: FastifyServerOptions['logger'];
  /** How long a request may take, in ms (default 60 s). */
  readonly requestTimeoutMs?: number;
  readonly now?: () => Date;
  readonly dbBuiltAt?: () => Date | null;
  /** Names this server in events (default: the host name). */
  readonly instance?: string;
  /** The built dashboard (`packages/dashboard/dist`), served under /ui/; none when null. */
  readonly uiDir?: string | null;
  /** Automated responses to incidents on Kubernetes workloads (off by default). */
  readonly incidentResponses?: IncidentResponses | null;
}

export async function buildApiServer(options: ApiServerOptions): Promise<FastifyInstance> {
  const now = options.now ?? (() => new Date());
  const dbBuiltAt = options.dbBuiltAt ?? (() => null);
  const ctx: ApiContext = {
    repository: options.repository,
    queue: options.queue,
    events: options.events ?? null,
    policy: options.policy ?? null,
    now,
    dbBuiltAt,
    metrics: createApiMetrics(options.queue, dbBuiltAt, now),
    instance: options.instance ?? hostname(),
    maxReportBytes: options.maxReportBytes ?? 64 * 1024 * 1024,
    incidentResponses: options.incidentResponses ?? null,
  };
  const auth = new TokenAuthenticator(options.repository, { bootstrapToken: options.bootstrapToken ?? null, now });
  const redactor = createRedactor();

  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.maxBodyBytes ?? 1024 * 1024,
    requestTimeout: options.requestTimeoutMs ?? 60_000,
    trustProxy: options.trustProxy ?? false,
    return503OnClosing: true,
    genReqId: () => randomUUID(),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
  });
  app.decorateRequest('principal', null);
  app.decorateRequest('auditTarget', null);
  app.decorateRequest('denial', null);
  app.decorateRequest('failure', null);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Sekisho server API',
        version: TOOL_VERSION,
        description: 'Images, scans, findings, trends, policy decisions, exceptions, jobs and the audit log. Bearer tokens with roles viewer < scanner < approver < admin.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'an API token: skt_<id>.<secret>' } } },
      security: [{ bearer: [] }],
    },
  });

  app.setErrorHandler((error, request, reply) => sendError(reply, request, error));
  app.setNotFoundHandler((request, reply) => sendError(reply, request, new ApiError(404, 'NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0] ?? ''}`)));

  // Authentication and roles, before the body is read: an unknown caller cannot make us parse 64 MiB.
  app.addHook('onRequest', async (request) => {
    const role = request.routeOptions.config.role;
    if (role === undefined || role === 'public') return;
    const result = await auth.authenticate(TokenAuthenticator.tokenFrom(request.headers));
    if (!result.ok) {
      request.denial = result.reason;
      throw new ApiError(401, 'UNAUTHENTICATED', `${result.reason}: send Authorization: Bearer <token>`);
    }
    request.principal = result.principal;
    if (!allows(result.principal, role)) {
      request.denial = `needs ${role}`;
      throw new ApiError(403, 'FORBIDDEN', `${request.routeOptions.config.action ?? 'this'} needs the ${role} role; ${result.principal.name} is ${result.principal.role}`);
    }
  });
  app.addHook('onSend', async (request, reply, payload) => {
    // the id the audit row and the server log carry, so a caller can quote it
    void reply.header('x-request-id', request.id);
    if (reply.statusCode === 401) void reply.header('www-authenticate', 'Bearer');
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    ctx.metrics.requestDuration.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
    if (request.routeOptions.config.audit === false) return;
    await audit(ctx, request, reply.statusCode, reply.elapsedTime, (event) => redactor.value(event));
  });

  probeRoutes(app, ctx);
  // Route registration is synchronous; the executor turns a throw (a duplicate route) into a rejected register().
  await app.register(
    (api) =>
      new Promise<void>((resolve) => {
        api.get('/openapi.json', { config: { role: 'public', action: 'openapi.get' }, schema: { hide: true } }, () => app.swagger());
        imageRoutes(api, ctx);
        findingRoutes(api, ctx);
        governanceRoutes(api, ctx);
        operationRoutes(api, ctx);
        dashboardRoutes(api, ctx);
        incidentRoutes(api, ctx);
        workloadRoutes(api, ctx);
        resolve();
      }),
    { prefix: API_PREFIX },
  );
  await app.register(
    (harbor) =>
      new Promise<void>((resolve) => {
        harborRoutes(harbor, ctx);
        resolve();
      }),
    { prefix: HARBOR_PREFIX },
  );
  if (options.uiDir !== undefined && options.uiDir !== null) await serveDashboard(app, options.uiDir);
  return app;
}

function resultOf(status: number): AuditResult {
  if (status === 401 || status === 403) return 'denied';
  return status < 400 ? 'success' : 'failure';
}

/** One audit row and one `audit` event per request; a store failure here is logged, never turned into a second answer. */
async function audit(ctx: ApiContext, request: FastifyRequest, status: number, elapsedMs: number, redact: (event: SekishoEvent) => SekishoEvent): Promise<void> {
  const action = request.routeOptions.config.action ?? 'unmatched';
  const result = resultOf(status);
  const path = request.url.split('?')[0] ?? '';
  const principal = request.principal?.name ?? 'anonymous';
  const details = {
    path,
    status,
    requestId: request.id,
    durationMs: Math.round(elapsedMs),
    ...(request.denial === null ? {} : { denial: request.denial }),
    ...(request.failure === null ? {} : { error: request.failure }),
  };
  try {
    await ctx.repository.appendAudit({ at: ctx.now(), sourceIp: request.ip, method: request.method, action, principal, result, target: request.auditTarget, details });
  } catch (error) {
    request.log.error({ err: error, requestId: request.id }, 'audit row not written');
  }
  if (ctx.events === null) return;
  const event = createEvent({
    kind: 'audit',
    severity: result === 'denied' ? 'medium' : result === 'failure' ? 'low' : 'negligible',
    source: { component: 'server', instance: ctx.instance },
    subject: { type: 'request', id: request.id },
    principal,
    sourceIp: request.ip,
    action: `${request.method} ${action}`,
    result: result === 'denied' ? 'denied' : result === 'failure' ? 'failure' : 'success',
    reasons: request.denial === null ? [] : [request.denial],
    details: { ...details, target: request.auditTarget },
  });
  await ctx.events.emit(redact(event)).catch((error: unknown) => request.log.warn({ err: error }, 'audit event not delivered'));
}
