/** Policy evaluation of stored digests (decisions recorded) and exceptions: propose, approve, expire. */
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { environmentFor, evaluatePolicy, parsePolicy } from '@sekisho/core';
import type { PolicyDocument } from '@sekisho/core';
import { createEvent } from '@sekisho/model';
import type { Finding } from '@sekisho/model';
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import { approvedExceptions } from '../exceptions-in-force.js';
import { readAll } from '../pages.js';
import { Digest, ErrorSchema, ExceptionRecordSchema, PageOf, PageQuery, ProposeExceptionBody, StoredDecisionSchema, StringEnum } from '../schemas.js';

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };
const MAX_POLICY_CHARS = 4 * 1024 * 1024;
const MAX_FINDINGS = 500_000;

const EvaluateBody = Type.Object(
  {
    digest: Digest,
    scanId: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'the scan to judge; the digest’s newest otherwise' })),
    environment: Type.Optional(Type.String({ minLength: 1, maxLength: 63, pattern: '^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$' })),
    policy: Type.Optional(
      Type.Union([
        Type.String({ minLength: 1, maxLength: MAX_POLICY_CHARS, description: 'a policy file (YAML or JSON text)' }),
        Type.Object({}, { additionalProperties: true, description: 'a policy document' }),
      ]),
    ),
  },
  { additionalProperties: false },
);

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

export function governanceRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const { repository } = ctx;

  app.post<{ Body: Static<typeof EvaluateBody> }>(
    '/policy/evaluate',
    {
      bodyLimit: MAX_POLICY_CHARS + 64 * 1024,
      config: { action: 'policy.evaluate', role: 'scanner' },
      schema: {
        tags: ['policy'],
        summary: 'Evaluate a stored digest against a policy (the request’s, or the server’s) with the approved exceptions; the decision is recorded',
        body: EvaluateBody,
        response: { 201: StoredDecisionSchema, ...errors },
      },
    },
    async (request, reply) => {
      const body = request.body;
      request.auditTarget = body.digest;
      const policy = policyOf(body.policy, ctx.policy);
      let scanId = body.scanId;
      if (scanId === undefined) {
        scanId = (await repository.listScans(body.digest, { limit: 1 })).items[0]?.id;
        if (scanId === undefined) throw new ApiError(404, 'NOT_FOUND', `no scan of ${body.digest}`, 'body.digest');
      }
      const report = await repository.getScanReport(scanId);
      if (report === null) throw new ApiError(404, 'NOT_FOUND', `no scan ${scanId}`, 'body.scanId');
      if (report.target.manifestDigest !== body.digest && report.target.configDigest !== body.digest)
        throw new ApiError(400, 'INVALID_INPUT', `scan ${scanId} is not of ${body.digest}`, 'body.scanId');
      const withExceptions: PolicyDocument = { ...policy, exceptions: [...(policy.exceptions ?? []), ...(await approvedExceptions(repository))] };
      const environment = body.environment ?? environmentFor(policy, { images: [report.target.reference, ...report.target.repoTags] });
      const dbVersion = (await repository.getScan(scanId))?.dbVersion ?? '';
      const stored = await readAll((page) => repository.listFindings({ digest: body.digest, dbVersion }, page), MAX_FINDINGS, 'findings');
      const firstSeen = new Map(stored.map((f) => [f.finding.id, new Date(f.firstSeenAt)]));
      const decision = evaluatePolicy(report, withExceptions, environment, { now: ctx.now(), firstSeen: (f: Finding) => firstSeen.get(f.id) ?? null });
      const record = await repository.recordDecision(body.digest, decision, scanId, ctx.now());
      await ctx.events
        ?.emit(
          createEvent({
            kind: 'policy-decision',
            severity: decision.result === 'fail' ? 'high' : decision.result === 'warn' ? 'medium' : 'negligible',
            source: { component: 'server', instance: ctx.instance },
            subject: { type: 'image', id: body.digest, digest: body.digest, environment },
            principal: request.principal?.name ?? null,
            sourceIp: request.ip,
            action: 'policy.evaluate',
            result: decision.result === 'fail' ? 'denied' : decision.result === 'warn' ? 'warned' : 'allowed',
            reasons: [`${decision.policy}/${decision.environment}: ${decision.result} (grade ${decision.grade}, score ${decision.score})`],
            details: { decisionId: record.id, scanId },
          }),
        )
        .catch((error: unknown) => request.log.warn({ err: error }, 'event not delivered'));
      return reply.code(201).send(record);
    },
  );

  const ExceptionsQuery = Type.Object({ state: Type.Optional(StringEnum(['proposed', 'approved', 'expired'] as const)), ...PageQuery }, { additionalProperties: false });
  app.get<{ Querystring: Static<typeof ExceptionsQuery> }>(
    '/exceptions',
    {
      config: { action: 'exceptions.list', role: 'viewer' },
      schema: { tags: ['exceptions'], summary: 'Exceptions by proposal time', querystring: ExceptionsQuery, response: { 200: PageOf(ExceptionRecordSchema), ...errors } },
    },
    (request) => {
      const q = request.query;
      return repository.listExceptions(q.state === undefined ? {} : { state: q.state }, { ...(q.limit === undefined ? {} : { limit: q.limit }), cursor: q.cursor ?? null });
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/exceptions/:id',
    { config: { action: 'exceptions.get', role: 'viewer' }, schema: { tags: ['exceptions'], summary: 'One exception', params: IdParams, response: { 200: ExceptionRecordSchema, ...errors } } },
    async (request) => {
      request.auditTarget = request.params.id;
      const record = await repository.getException(request.params.id);
      if (record === null) throw new ApiError(404, 'NOT_FOUND', `no exception ${request.params.id}`);
      return record;
    },
  );

  app.post<{ Body: Static<typeof ProposeExceptionBody> }>(
    '/exceptions',
    {
      config: { action: 'exceptions.propose', role: 'scanner' },
      schema: {
        tags: ['exceptions'],
        summary: 'Propose an exception (a finding id or a policy rule, in a scope, until a date); an approver must approve it',
        body: ProposeExceptionBody,
        response: { 201: ExceptionRecordSchema, ...errors },
      },
    },
    async (request, reply) => {
      const body = request.body;
      if ((body.match.id === undefined) === (body.match.rule === undefined)) throw new ApiError(400, 'INVALID_INPUT', 'body.match: name either id (a finding) or rule (a policy rule)', 'body.match');
      if (Number.isNaN(Date.parse(`${body.expires}T00:00:00Z`))) throw new ApiError(400, 'INVALID_INPUT', 'body.expires: not a calendar date', 'body.expires');
      const record = await repository.proposeException({ ...body, principal: principalName(request.principal) }, ctx.now());
      request.auditTarget = record.id;
      return reply.code(201).send(record);
    },
  );

  app.post<{ Params: Static<typeof IdParams> }>(
    '/exceptions/:id/approve',
    {
      config: { action: 'exceptions.approve', role: 'approver' },
      schema: {
        tags: ['exceptions'],
        summary: 'Approve a proposed exception (records who and when; the proposer cannot approve their own)',
        params: IdParams,
        response: { 200: ExceptionRecordSchema, ...errors, 409: ErrorSchema },
      },
    },
    async (request) => {
      request.auditTarget = request.params.id;
      const existing = await repository.getException(request.params.id);
      if (existing === null) throw new ApiError(404, 'NOT_FOUND', `no exception ${request.params.id}`);
      const who = principalName(request.principal);
      if (existing.proposedBy === who) {
        request.denial = 'four eyes: the proposer cannot approve';
        throw new ApiError(403, 'FOUR_EYES', `${who} proposed this exception; another approver must approve it`);
      }
      return repository.approveException(request.params.id, who, ctx.now());
    },
  );

  app.post<{ Params: Static<typeof IdParams> }>(
    '/exceptions/:id/expire',
    {
      config: { action: 'exceptions.expire', role: 'approver' },
      schema: { tags: ['exceptions'], summary: 'End an exception now', params: IdParams, response: { 200: ExceptionRecordSchema, ...errors, 409: ErrorSchema } },
    },
    async (request) => {
      request.auditTarget = request.params.id;
      return repository.expireException(request.params.id, principalName(request.principal), ctx.now());
    },
  );
}

function principalName(principal: { readonly name: string } | null): string {
  if (principal === null) throw new ApiError(401, 'UNAUTHENTICATED', 'no principal');
  return principal.name;
}

function policyOf(given: string | Readonly<Record<string, unknown>> | undefined, fallback: PolicyDocument | null): PolicyDocument {
  if (given === undefined) {
    if (fallback === null) throw new ApiError(400, 'INVALID_INPUT', 'body.policy: send a policy (the server has no default policy: start it with --policy)', 'body.policy');
    return fallback;
  }
  const text = typeof given === 'string' ? given : JSON.stringify(given);
  return parsePolicy(text, 'body.policy');
}
