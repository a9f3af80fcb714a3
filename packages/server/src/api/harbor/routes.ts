/**
 * Harbor Pluggable Scanner API v1.2, mounted under /harbor/api/v1 (its /api/v1/metadata and
 * /api/v1/scan would clash with Sekisho's own /api/v1): register `https://HOST/harbor` as the
 * adapter URL in Harbor. POST /scan queues a scan job by digest; GET /scan/{id}/report answers 302
 * with Refresh-After while the job runs, 500 with the reason when it failed, and the report in the
 * MIME type asked for once it is done.
 */
import { getReporter } from '@sekisho/core';
import { toReportDocument } from '@sekisho/model';
import type { Report } from '@sekisho/model';
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { JobRecord } from '../../jobs/types.js';
import type { ApiContext } from '../context.js';
import { toErrorResponse } from '../errors.js';
import { Digest } from '../schemas.js';
import { harborVulnerabilityReport, MIME, SCANNER } from './report.js';
import type { HarborArtifact } from './report.js';

/** Harbor polls about every 5 s; ask it to come back after this many seconds. */
const REFRESH_AFTER_SECONDS = 5;

const ScanRequest = Type.Object(
  {
    registry: Type.Object(
      {
        url: Type.String({ minLength: 1, maxLength: 2048, pattern: '^https?://[^\\s/?#]+', description: 'the registry base URL Harbor gives' }),
        authorization: Type.Optional(Type.String({ maxLength: 8192 })),
      },
      { additionalProperties: true },
    ),
    artifact: Type.Object(
      {
        repository: Type.String({ minLength: 1, maxLength: 512, pattern: '^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$' }),
        digest: Digest,
        tag: Type.Optional(Type.String({ maxLength: 128 })),
        mime_type: Type.Optional(Type.String({ maxLength: 256 })),
      },
      { additionalProperties: true },
    ),
    enabled_capabilities: Type.Optional(Type.Array(Type.Object({ type: Type.String({ maxLength: 32 }) }, { additionalProperties: true }), { maxItems: 10 })),
  },
  { additionalProperties: true },
);

const IdParams = Type.Object({ scan_request_id: Type.String({ minLength: 1, maxLength: 100 }) });
const ReportQuery = Type.Object({ sbom_media_type: Type.Optional(Type.String({ maxLength: 100 })) }, { additionalProperties: true });

export function harborRoutes(app: FastifyInstance, ctx: ApiContext): void {
  // Harbor sends its own media types for JSON bodies.
  app.addContentTypeParser(/^application\/vnd\.scanner\.adapter\.scan\.request\+json/, { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, JSON.parse(body as string) as unknown);
    } catch (error) {
      done(Object.assign(new Error('body is not valid JSON'), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY', cause: error }), undefined);
    }
  });
  // Harbor reads errors as {error: {message}} in its own media type; a bad field is 422.
  app.setErrorHandler((error, request, reply) => {
    const { status, body, internal } = toErrorResponse(error, request.id);
    if (internal) request.log.error({ err: error, requestId: request.id }, 'harbor request failed');
    request.failure = { code: body.error.code, ...(body.error.field === undefined ? {} : { field: body.error.field }) };
    const harborStatus = status === 400 && (error as { validationContext?: string }).validationContext === 'body' ? 422 : status;
    return harborError(reply, harborStatus, body.error.message);
  });

  app.get('/metadata', { config: { action: 'harbor.metadata', role: 'viewer' }, schema: { tags: ['harbor'], summary: 'Harbor: scanner metadata and capabilities' } }, (_request, reply) => {
    const built = ctx.dbBuiltAt();
    return sendAs(reply, MIME.metadata, {
      scanner: SCANNER,
      capabilities: [
        { type: 'vulnerability', consumes_mime_types: [MIME.ociManifest, MIME.dockerManifest], produces_mime_types: [MIME.vulnHarbor, MIME.vulnReport, MIME.vulnRaw] },
        {
          type: 'sbom',
          consumes_mime_types: [MIME.ociManifest, MIME.dockerManifest],
          produces_mime_types: [MIME.sbomReport],
          additional_attributes: { sbom_media_types: [MIME.spdx, MIME.cyclonedx] },
        },
      ],
      properties: {
        'harbor.scanner-adapter/scanner-type': 'os-package-vulnerability',
        ...(built === null ? {} : { 'harbor.scanner-adapter/vulnerability-database-updated-at': built.toISOString() }),
        'org.sekisho/vendor-attributes': 'CVSS, epss, kev, priority, layer, status, purl',
      },
    });
  });

  app.post<{ Body: Static<typeof ScanRequest> }>(
    '/scan',
    { config: { action: 'harbor.scan', role: 'scanner' }, schema: { tags: ['harbor'], summary: 'Harbor: accept a scan request (queued by digest)', body: ScanRequest } },
    async (request, reply) => {
      const { registry, artifact } = request.body;
      const mime = artifact.mime_type;
      if (mime !== undefined && mime !== MIME.ociManifest && mime !== MIME.dockerManifest) return harborError(reply, 501, `cannot scan artifacts of type ${mime}`);
      let host: string;
      try {
        host = new URL(registry.url).host;
      } catch {
        return harborError(reply, 422, 'registry.url is not a URL');
      }
      const job = await ctx.queue.enqueue('scan-image', { reference: `${host}/${artifact.repository}@${artifact.digest}`, digest: artifact.digest }, { singletonKey: artifact.digest });
      request.auditTarget = artifact.digest;
      return sendAs(reply.code(202), MIME.scanResponse, { id: job.id });
    },
  );

  app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof ReportQuery> }>(
    '/scan/:scan_request_id/report',
    { config: { action: 'harbor.report', role: 'viewer' }, schema: { tags: ['harbor'], summary: 'Harbor: the report of a scan request', params: IdParams, querystring: ReportQuery } },
    async (request, reply) => {
      const id = request.params.scan_request_id;
      request.auditTarget = id;
      const accept = request.headers.accept ?? '';
      const wanted = reportKind(accept);
      if (wanted === null) return harborError(reply, 501, `cannot produce ${accept}`);
      const sbomType = request.query.sbom_media_type;
      if (wanted === 'sbom' && sbomType !== MIME.spdx && sbomType !== MIME.cyclonedx) return harborError(reply, 400, `sbom_media_type must be ${MIME.spdx} or ${MIME.cyclonedx}`);

      const job = await ctx.queue.get(id);
      if (job === null || job.kind !== 'scan-image') return harborError(reply, 404, `no scan request ${id}`);
      if (job.state === 'queued' || job.state === 'active' || job.state === 'retry') {
        return reply.code(302).header('refresh-after', String(REFRESH_AFTER_SECONDS)).header('location', request.url).send();
      }
      if (job.state !== 'completed') return harborError(reply, 500, `scan ${job.state}: ${job.error ?? 'no reason given'}`);
      const report = await reportOf(ctx, job);
      if (report === null) return harborError(reply, 500, 'the scan finished but its report is not in the store');
      const payload = job.payload as { reference: string; digest?: string };
      const artifact: HarborArtifact = { repository: repositoryOf(payload.reference), digest: payload.digest ?? report.target.manifestDigest ?? '', mime_type: MIME.ociManifest };
      const now = ctx.now();
      if (wanted === 'raw') return reply.type(MIME.vulnRaw).send(JSON.stringify(toReportDocument(report)));
      if (wanted === 'sbom') {
        const reporter = getReporter(sbomType === MIME.spdx ? 'spdx-json' : 'cyclonedx-json');
        if (reporter === undefined) return harborError(reply, 501, `no ${sbomType} writer`);
        const sbom = JSON.parse(reporter.render(report, { now, color: false })) as unknown;
        return sendAs(reply, MIME.sbomReport, {
          generated_at: now.toISOString(),
          artifact,
          scanner: SCANNER,
          vendor_attributes: { status: report.notChecked.length + report.unknowns.length === 0 ? 'complete' : 'incomplete' },
          media_type: sbomType,
          sbom,
        });
      }
      return sendAs(reply, wanted === 'harbor' ? MIME.vulnHarbor : MIME.vulnReport, harborVulnerabilityReport(report, artifact, now));
    },
  );
}

type ReportKind = 'vulnerability' | 'harbor' | 'raw' | 'sbom';

/** Which report an Accept header asks for; a missing or wildcard Accept gets the v1.1 vulnerability report. */
export function reportKind(accept: string): ReportKind | null {
  const types = accept.split(',').map((t) =>
    t
      .trim()
      .toLowerCase()
      .replace(/\s*;\s*q=[0-9.]+$/, ''),
  );
  for (const t of types) {
    const bare = t.replace(/\s+/g, '');
    if (bare.startsWith('application/vnd.security.sbom.report+json')) return 'sbom';
    if (bare.startsWith('application/vnd.security.vulnerability.report')) return 'vulnerability';
    if (bare.startsWith('application/vnd.scanner.adapter.vuln.report.harbor+json')) return 'harbor';
    if (bare.startsWith('application/vnd.scanner.adapter.vuln.report.raw')) return 'raw';
    if (bare === '' || bare === '*/*' || bare === 'application/*' || bare === 'application/json') return 'vulnerability';
  }
  return null;
}

async function reportOf(ctx: ApiContext, job: JobRecord): Promise<Report | null> {
  const scanId = job.result?.['scanId'];
  if (typeof scanId === 'string') return ctx.repository.getScanReport(scanId);
  const digest = (job.payload as { digest?: string }).digest;
  if (digest === undefined) return null;
  const latest = (await ctx.repository.listScans(digest, { limit: 1 })).items[0];
  return latest === undefined ? null : ctx.repository.getScanReport(latest.id);
}

function repositoryOf(reference: string): string {
  const withoutDigest = reference.split('@')[0] ?? reference;
  const slash = withoutDigest.indexOf('/');
  return slash < 0 ? withoutDigest : withoutDigest.slice(slash + 1);
}

function harborError(reply: FastifyReply, status: number, message: string): FastifyReply {
  return sendAs(reply.code(status), MIME.error, { error: { message } });
}

/** JSON in Harbor's media type exactly as the spec writes it (Fastify would otherwise append a charset). */
function sendAs(reply: FastifyReply, mediaType: string, body: unknown): FastifyReply {
  return reply
    .type(mediaType)
    .serializer((payload: unknown) => JSON.stringify(payload))
    .send(body);
}
