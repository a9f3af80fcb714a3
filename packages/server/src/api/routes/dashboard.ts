/**
 * What the dashboard reads besides the resource routes: who is calling, and the fleet views
 * (computed in the store, one query per view whatever the number of images).
 */
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { SEVERITIES } from '@sekisho/model';
import type { FleetFilter } from '@sekisho/model';
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import { PageOf, PageQuery, Role } from '../schemas.js';

const EnvironmentName = Type.String({ minLength: 1, maxLength: 63, pattern: '^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$' });
const RepositoryName = Type.String({ minLength: 1, maxLength: 512 });
const Counts = Type.Object(Object.fromEntries(SEVERITIES.map((s) => [s, Type.Integer()])));
const Grade = Type.Union([Type.Literal('A'), Type.Literal('B'), Type.Literal('C'), Type.Literal('D'), Type.Literal('E'), Type.Literal('F')]);

const ImageSummarySchema = Type.Object({
  digest: Type.String(),
  repositories: Type.Array(Type.String()),
  tags: Type.Array(Type.String()),
  lastScannedAt: Type.String(),
  scanId: Type.Union([Type.String(), Type.Null()]),
  status: Type.Union([Type.Literal('complete'), Type.Literal('incomplete'), Type.Null()]),
  severityCounts: Type.Union([Counts, Type.Null()]),
  packageCount: Type.Integer(),
  kev: Type.Integer(),
  decision: Type.Union([
    Type.Object({
      environment: Type.String(),
      result: Type.Union([Type.Literal('pass'), Type.Literal('warn'), Type.Literal('fail')]),
      grade: Type.Union([Grade, Type.Null()]),
      score: Type.Union([Type.Integer(), Type.Null()]),
    }),
    Type.Null(),
  ]),
});

const OverviewSchema = Type.Object({
  images: Type.Integer(),
  bySeverity: Counts,
  byPriority: Type.Object({ p1: Type.Integer(), p2: Type.Integer(), p3: Type.Integer(), p4: Type.Integer() }),
  kev: Type.Integer(),
  pastSla: Type.Integer(),
  slaDays: Type.Integer(),
  dbBuiltAt: Type.Union([Type.String(), Type.Null()]),
  environments: Type.Array(
    Type.Object({
      name: Type.String(),
      images: Type.Integer(),
      failing: Type.Integer(),
      grades: Type.Object({ A: Type.Integer(), B: Type.Integer(), C: Type.Integer(), D: Type.Integer(), E: Type.Integer(), F: Type.Integer() }),
    }),
  ),
});

const FleetFilters = {
  environment: Type.Optional(EnvironmentName),
  repository: Type.Optional(RepositoryName),
  registry: Type.Optional(Type.String({ minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9.:\\[\\]-]+$', description: 'a registry host, e.g. ghcr.io or registry.example:5000' })),
  namespace: Type.Optional(Type.String({ minLength: 1, maxLength: 253, description: 'images run by workloads of this namespace (from the stored configuration audits)' })),
};
const FleetQuery = Type.Object({ ...FleetFilters, ...PageQuery }, { additionalProperties: false });
const OverviewQuery = Type.Object({ ...FleetFilters, slaDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })) }, { additionalProperties: false });

function fleetFilter(q: { environment?: string; repository?: string; registry?: string; namespace?: string }): FleetFilter {
  return {
    ...(q.environment === undefined ? {} : { environment: q.environment }),
    ...(q.repository === undefined ? {} : { repository: q.repository }),
    ...(q.registry === undefined ? {} : { registry: q.registry }),
    ...(q.namespace === undefined ? {} : { namespace: q.namespace }),
  };
}

const errors = { 400: Type.Any(), 401: Type.Any(), 403: Type.Any() };

export function dashboardRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get(
    '/whoami',
    {
      config: { action: 'whoami', role: 'viewer' },
      schema: { tags: ['auth'], summary: 'The calling token: its name and role', response: { 200: Type.Object({ name: Type.String(), role: Role }), ...errors } },
    },
    (request) => {
      const p = request.principal;
      if (p === null) throw new ApiError(401, 'UNAUTHENTICATED', 'no principal');
      return { name: p.name, role: p.role };
    },
  );
  app.get<{ Querystring: Static<typeof OverviewQuery> }>(
    '/overview',
    {
      config: { action: 'overview.get', role: 'viewer' },
      schema: {
        tags: ['images'],
        summary: "The fleet at a glance over each image's latest scan: vulnerabilities by severity, KEV, past the fix SLA, grades per environment",
        querystring: OverviewQuery,
        response: { 200: OverviewSchema, ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      const overview = await ctx.repository.fleetOverview(fleetFilter(q), q.slaDays ?? 30, ctx.now());
      return { ...overview, dbBuiltAt: ctx.dbBuiltAt()?.toISOString() ?? null };
    },
  );
  app.get<{ Querystring: Static<typeof FleetQuery> }>(
    '/images/summary',
    {
      config: { action: 'images.summary', role: 'viewer' },
      schema: {
        tags: ['images'],
        summary: "Images, most recently scanned first, with their latest scan's counts and latest policy decision",
        querystring: FleetQuery,
        response: { 200: PageOf(ImageSummarySchema), ...errors },
      },
    },
    (request) => {
      const q = request.query;
      return ctx.repository.summarizeImages(fleetFilter(q), { ...(q.limit === undefined ? {} : { limit: q.limit }), cursor: q.cursor ?? null });
    },
  );
}
