/** Findings of a digest (filtered), trends of open findings over time, and comparison of two scans. */
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { compareReports, ExceptionBook } from '@sekisho/core';
import { SEVERITIES } from '@sekisho/model';
import type { FindingFilter, FindingTrend, PolicyDecision, Severity, TrendPoint } from '@sekisho/model';
import type { FastifyInstance } from 'fastify';
import { MAX_INTERVAL_SCOPES } from '../../repository/types.js';
import type { Repository } from '../../repository/types.js';
import type { ApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import { approvedExceptions, namesOnlyReport } from '../exceptions-in-force.js';
import { advisoryUpdates, MAX_UPDATE_DIGESTS } from '../trends/advisory-updates.js';
import { Digest, ErrorSchema, FindingKind, PageOf, PageQuery, Severity as SeveritySchema, StoredFindingSchema, StringEnum, TrendSchema } from '../schemas.js';

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };
const EnvironmentName = Type.String({ minLength: 1, maxLength: 63, pattern: '^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$' });
const IsoTime = Type.String({ format: 'date-time', maxLength: 64 });

const FindingsQuery = Type.Object(
  {
    digest: Digest,
    dbVersion: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    severity: Type.Optional(Type.Array(SeveritySchema, { maxItems: 6, description: 'repeat for several' })),
    kind: Type.Optional(Type.Array(FindingKind, { maxItems: 6 })),
    kev: Type.Optional(Type.Boolean()),
    fixable: Type.Optional(Type.Boolean()),
    firstSeenFrom: Type.Optional(IsoTime),
    firstSeenTo: Type.Optional(IsoTime),
    environment: Type.Optional({ ...EnvironmentName, description: 'leave out findings that approved exceptions excuse in this environment' }),
    ...PageQuery,
  },
  { additionalProperties: false },
);

const MAX_TREND_POINTS = 366;
const DAY_MS = 86_400_000;

export function findingRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const { repository } = ctx;

  app.get<{ Querystring: Static<typeof FindingsQuery> }>(
    '/findings',
    {
      config: { action: 'findings.list', role: 'viewer' },
      schema: {
        tags: ['findings'],
        summary: 'Findings of a digest: most severe first, filtered by severity, kind, KEV, fixability, first-seen and environment',
        querystring: FindingsQuery,
        response: { 200: PageOf(StoredFindingSchema), ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      request.auditTarget = q.digest;
      const filter: FindingFilter = {
        digest: q.digest,
        ...(q.dbVersion === undefined ? {} : { dbVersion: q.dbVersion }),
        ...(q.severity === undefined ? {} : { severities: q.severity }),
        ...(q.kind === undefined ? {} : { kinds: q.kind }),
        ...(q.kev === undefined ? {} : { kev: q.kev }),
        ...(q.fixable === undefined ? {} : { fixable: q.fixable }),
        ...(q.firstSeenFrom === undefined ? {} : { firstSeenFrom: q.firstSeenFrom }),
        ...(q.firstSeenTo === undefined ? {} : { firstSeenTo: q.firstSeenTo }),
      };
      const page = await repository.listFindings(filter, { ...(q.limit === undefined ? {} : { limit: q.limit }), cursor: q.cursor ?? null });
      if (q.environment === undefined || page.items.length === 0) return page;
      // A page can come back shorter than asked for; its cursor still continues the list.
      const image = await repository.getImage(q.digest);
      const book = new ExceptionBook(await approvedExceptions(repository), namesOnlyReport(q.digest, image?.repositories ?? []), q.environment, ctx.now());
      return { items: page.items.filter((f) => !book.excuses(f.finding)), nextCursor: page.nextCursor };
    },
  );

  const TrendQuery = Type.Object(
    {
      repository: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
      digest: Type.Optional(Digest),
      environment: Type.Optional({ ...EnvironmentName, description: 'every repository with an image whose latest policy decision is in this environment, summed' }),
      bucket: Type.Optional(StringEnum(['day', 'week'] as const)),
      from: Type.Optional(IsoTime),
      to: Type.Optional(IsoTime),
    },
    { additionalProperties: false },
  );
  app.get<{ Querystring: Static<typeof TrendQuery> }>(
    '/trends',
    {
      config: { action: 'trends.get', role: 'viewer' },
      schema: {
        tags: ['findings'],
        summary: 'Open findings by severity at the end of each day or week, from the finding intervals of a repository (its newest image) or of one digest',
        querystring: TrendQuery,
        response: { 200: TrendSchema, ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      if ([q.repository, q.digest, q.environment].filter((v) => v !== undefined).length !== 1) {
        throw new ApiError(400, 'INVALID_INPUT', 'querystring: name one of repository, digest or environment', 'querystring.repository');
      }
      const scope = q.repository !== undefined ? `repo:${q.repository}` : q.digest !== undefined ? `image:${q.digest}` : `env:${q.environment ?? ''}`;
      const scopes = q.environment === undefined ? [scope] : (await environmentRepositories(repository, q.environment)).map((r) => `repo:${r}`);
      request.auditTarget = scope;
      const bucket = q.bucket ?? 'day';
      const step = bucket === 'day' ? DAY_MS : 7 * DAY_MS;
      const to = q.to === undefined ? Math.ceil(ctx.now().getTime() / DAY_MS) * DAY_MS : Date.parse(q.to);
      const from = q.from === undefined ? to - (bucket === 'day' ? 30 : 26) * step : Date.parse(q.from);
      if (!(from < to)) throw new ApiError(400, 'INVALID_INPUT', 'querystring.from: must be before to', 'querystring.from');
      const count = Math.ceil((to - from) / step);
      if (count > MAX_TREND_POINTS) throw new ApiError(400, 'INVALID_INPUT', `querystring.from: at most ${MAX_TREND_POINTS} ${bucket}s per trend`, 'querystring.from');
      const ends = Array.from({ length: count }, (_, i) => Math.min(to, from + (i + 1) * step));
      return trend(repository, scope, scopes, bucket, from, ends);
    },
  );

  const UpdatesQuery = Type.Object({ repository: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })), digest: Type.Optional(Digest) }, { additionalProperties: false });
  app.get<{ Querystring: Static<typeof UpdatesQuery> }>(
    '/trends/advisory-updates',
    {
      config: { action: 'trends.advisory-updates', role: 'viewer' },
      schema: {
        tags: ['findings'],
        summary: 'New and fixed findings per advisory-database version, split into those an advisory update brought (an image matched again) and those a new image brought',
        querystring: UpdatesQuery,
        response: errors,
      },
    },
    async (request) => {
      const q = request.query;
      if ((q.repository === undefined) === (q.digest === undefined)) throw new ApiError(400, 'INVALID_INPUT', 'querystring: name either repository or digest', 'querystring.repository');
      const scope = q.repository !== undefined ? `repo:${q.repository}` : `image:${q.digest ?? ''}`;
      request.auditTarget = scope;
      const digests: string[] = [];
      if (q.repository !== undefined) {
        let cursor: string | null = null;
        do {
          const page = await repository.listImages({ repository: q.repository }, { limit: 500, cursor });
          digests.push(...page.items.map((i) => i.digest));
          if (digests.length > MAX_UPDATE_DIGESTS) throw new ApiError(400, 'INVALID_INPUT', `${q.repository} has more than ${MAX_UPDATE_DIGESTS} images: ask for one digest`, 'querystring.repository');
          cursor = page.nextCursor;
        } while (cursor !== null);
      } else if (q.digest !== undefined) digests.push(q.digest);
      return advisoryUpdates(repository, scope, digests);
    },
  );

  const CompareQuery = Type.Object({ before: Type.String({ minLength: 1, maxLength: 100 }), after: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false });
  app.get<{ Querystring: Static<typeof CompareQuery> }>(
    '/compare',
    {
      config: { action: 'scans.compare', role: 'viewer' },
      schema: {
        tags: ['scans'],
        summary: 'What changed between two scans (core compareReports): packages, vulnerabilities, other findings, base image, policy outcome',
        querystring: CompareQuery,
        response: { 200: Type.Object({}, { additionalProperties: true, description: 'a sekisho.comparison/v1 document' }), ...errors },
      },
    },
    async (request) => {
      const { before, after } = request.query;
      request.auditTarget = `${before}..${after}`;
      const [a, b] = await Promise.all([repository.getScanReport(before), repository.getScanReport(after)]);
      if (a === null) throw new ApiError(404, 'NOT_FOUND', `no scan ${before}`, 'querystring.before');
      if (b === null) throw new ApiError(404, 'NOT_FOUND', `no scan ${after}`, 'querystring.after');
      const [da, db] = await Promise.all([decisionOf(repository, before, a.target.manifestDigest), decisionOf(repository, after, b.target.manifestDigest)]);
      return compareReports({ before: a, after: b, beforeDecision: da, afterDecision: db });
    },
  );
}

async function decisionOf(repository: Repository, scanId: string, digest: string | null): Promise<PolicyDecision | null> {
  if (digest === null) return null;
  const page = await repository.listDecisions(digest, { limit: 50 });
  return page.items.find((d) => d.scanId === scanId)?.decision ?? null;
}

function zero(): Record<Severity, number> {
  return Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
}

/** Most repositories an environment's trend sums (one interval query): a larger environment is refused, not cut. */
const MAX_ENVIRONMENT_REPOSITORIES = MAX_INTERVAL_SCOPES;

/** The repositories of the images whose latest policy decision is in `environment`. */
async function environmentRepositories(repository: Repository, environment: string): Promise<string[]> {
  const names = new Set<string>();
  let cursor: string | null = null;
  do {
    const page = await repository.summarizeImages({ environment }, { limit: 500, cursor });
    for (const image of page.items) for (const r of image.repositories) names.add(r);
    if (names.size > MAX_ENVIRONMENT_REPOSITORIES)
      throw new ApiError(400, 'INVALID_INPUT', `${environment} spans more than ${MAX_ENVIRONMENT_REPOSITORIES} repositories: ask for one`, 'querystring.environment');
    cursor = page.nextCursor;
  } while (cursor !== null);
  return [...names].sort();
}

/** Open at `end` means first seen before it and not fixed by then. */
async function trend(repository: Repository, scope: string, scopes: readonly string[], bucket: 'day' | 'week', from: number, ends: readonly number[]): Promise<FindingTrend> {
  const last = ends[ends.length - 1] ?? from;
  const intervals = await repository.listSeverityIntervals(scopes, new Date(from).toISOString(), new Date(last).toISOString());
  const spans = intervals.map((i) => ({ open: Date.parse(i.firstSeenAt), fixed: i.fixedAt === null ? Infinity : Date.parse(i.fixedAt), severity: i.severity }));
  const points: TrendPoint[] = ends.map((end, i) => {
    const start = i === 0 ? from : (ends[i - 1] ?? from);
    const open = zero();
    let opened = 0;
    let fixed = 0;
    let daysToFix = 0;
    for (const s of spans) {
      if (s.open < end && s.fixed >= end) open[s.severity] += 1;
      if (s.open >= start && s.open < end) opened += 1;
      if (s.fixed >= start && s.fixed < end) {
        fixed += 1;
        daysToFix += (s.fixed - s.open) / DAY_MS;
      }
    }
    return { at: new Date(end).toISOString(), open: open, opened, fixed, meanDaysToFix: fixed === 0 ? null : Math.round((daysToFix / fixed) * 10) / 10 };
  });
  return { scope, bucket, points };
}
