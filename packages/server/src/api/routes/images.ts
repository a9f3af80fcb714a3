/** Images by digest, their tags, scans and decisions; pushed scans (`sekisho image --server`). */
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Report } from '@sekisho/model';
import type { ApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import { Digest, ErrorSchema, ImageRecordSchema, PageOf, PageQuery, RecordScanResponse, ReportBody, ScanRecordSchema, StoredDecisionSchema, TagRecordSchema } from '../schemas.js';

const DigestParams = Type.Object({ digest: Digest });
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };

export function imageRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const { repository } = ctx;

  const ImagesQuery = Type.Object({ repository: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })), ...PageQuery }, { additionalProperties: false });
  app.get<{ Querystring: Static<typeof ImagesQuery> }>(
    '/images',
    {
      config: { action: 'images.list', role: 'viewer' },
      schema: { tags: ['images'], summary: 'List images (by digest)', querystring: ImagesQuery, response: { 200: PageOf(ImageRecordSchema), ...errors } },
    },
    (request) => {
      const { repository: name, limit, cursor } = request.query;
      return repository.listImages(name === undefined ? {} : { repository: name }, { ...(limit === undefined ? {} : { limit }), cursor: cursor ?? null });
    },
  );

  app.get<{ Params: Static<typeof DigestParams> }>(
    '/images/:digest',
    { config: { action: 'images.get', role: 'viewer' }, schema: { tags: ['images'], summary: 'One image', params: DigestParams, response: { 200: ImageRecordSchema, ...errors } } },
    async (request) => {
      request.auditTarget = request.params.digest;
      const image = await repository.getImage(request.params.digest);
      if (image === null) throw new ApiError(404, 'NOT_FOUND', `no image ${request.params.digest}`);
      return image;
    },
  );

  const TagsQuery = Type.Object({ repository: Type.String({ minLength: 1, maxLength: 512 }), ...PageQuery }, { additionalProperties: false });
  app.get<{ Querystring: Static<typeof TagsQuery> }>(
    '/tags',
    {
      config: { action: 'tags.list', role: 'viewer' },
      schema: { tags: ['images'], summary: 'Tags of a repository and the digests they point at', querystring: TagsQuery, response: { 200: PageOf(TagRecordSchema), ...errors } },
    },
    (request) => repository.listTags(request.query.repository, { ...(request.query.limit === undefined ? {} : { limit: request.query.limit }), cursor: request.query.cursor ?? null }),
  );

  const ScansQuery = Type.Object({ digest: Digest, ...PageQuery }, { additionalProperties: false });
  app.get<{ Querystring: Static<typeof ScansQuery> }>(
    '/scans',
    {
      config: { action: 'scans.list', role: 'viewer' },
      schema: { tags: ['scans'], summary: 'Scans of a digest, newest first', querystring: ScansQuery, response: { 200: PageOf(ScanRecordSchema), ...errors } },
    },
    (request) => {
      request.auditTarget = request.query.digest;
      return repository.listScans(request.query.digest, { ...(request.query.limit === undefined ? {} : { limit: request.query.limit }), cursor: request.query.cursor ?? null });
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/scans/:id',
    { config: { action: 'scans.get', role: 'viewer' }, schema: { tags: ['scans'], summary: 'One scan', params: IdParams, response: { 200: ScanRecordSchema, ...errors } } },
    async (request) => {
      request.auditTarget = request.params.id;
      const scan = await repository.getScan(request.params.id);
      if (scan === null) throw new ApiError(404, 'NOT_FOUND', `no scan ${request.params.id}`);
      return scan;
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/scans/:id/report',
    {
      config: { action: 'scans.report', role: 'viewer' },
      schema: {
        tags: ['scans'],
        summary: 'The report of a scan, rebuilt from the store (inventory, findings, image facts; unknowns as a count)',
        params: IdParams,
        response: { 200: Type.Object({}, { additionalProperties: true, description: 'a sekisho.report/v1 document' }), ...errors },
      },
    },
    async (request) => {
      request.auditTarget = request.params.id;
      const report = await repository.getScanReport(request.params.id);
      if (report === null) throw new ApiError(404, 'NOT_FOUND', `no scan ${request.params.id}`);
      return report;
    },
  );

  const PushQuery = Type.Object(
    { dbVersion: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9][A-Za-z0-9._:+-]*$', description: 'advisory database version the report was matched with' })) },
    { additionalProperties: false },
  );
  app.post<{ Querystring: Static<typeof PushQuery>; Body: Static<typeof ReportBody> }>(
    '/scans',
    {
      bodyLimit: ctx.maxReportBytes,
      config: { action: 'scans.record', role: 'scanner' },
      schema: {
        tags: ['scans'],
        summary: 'Record a scan report (what `sekisho image --server` pushes); stored redacted',
        querystring: PushQuery,
        body: ReportBody,
        response: { 201: RecordScanResponse, ...errors, 413: ErrorSchema },
      },
    },
    async (request, reply) => {
      // The schema checked every field the store reads; the rest of the report is the engine's own document.
      const report = request.body as unknown as Report;
      const result = await repository.recordScan(report, request.query.dbVersion ?? 'unknown', { scannedAt: ctx.now() });
      request.auditTarget = result.scan.digest;
      ctx.metrics.scansRecorded.inc();
      return reply.code(201).send(result);
    },
  );

  app.get<{ Params: Static<typeof DigestParams>; Querystring: Static<typeof QueryPage> }>(
    '/images/:digest/decisions',
    {
      config: { action: 'decisions.list', role: 'viewer' },
      schema: {
        tags: ['policy'],
        summary: 'Policy decisions recorded for a digest, newest first',
        params: DigestParams,
        querystring: QueryPage,
        response: { 200: PageOf(StoredDecisionSchema), ...errors },
      },
    },
    (request) => {
      request.auditTarget = request.params.digest;
      return repository.listDecisions(request.params.digest, { ...(request.query.limit === undefined ? {} : { limit: request.query.limit }), cursor: request.query.cursor ?? null });
    },
  );
}

const QueryPage = Type.Object(PageQuery, { additionalProperties: false });
