/** The Harbor Pluggable Scanner API v1.2 adapter, as Harbor drives it: metadata, scan, poll the report. */
import type { VulnerabilityFinding } from '@sekisho/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestOf, pkg, report, vuln } from '../../repository/testing/reports.js';
import { apiHarness } from '../testing/harness.js';
import type { ApiHarness } from '../testing/harness.js';
import { MIME } from './report.js';
import { reportKind as routeReportKind } from './routes.js';

let h: ApiHarness;
beforeAll(async () => {
  h = await apiHarness({ kind: 'sqlite' }, { dbBuiltAt: () => new Date('2026-12-01T00:00:00Z') });
});
afterAll(async () => h.close());

const D = digestOf(0xabc);
const SCAN_REQUEST = {
  registry: { url: 'https://core.harbor.example', authorization: 'Basic cm9ib3Q6c2VjcmV0' },
  artifact: { repository: 'library/app', digest: D, tag: '1.0', mime_type: MIME.ociManifest },
};

function rich(): VulnerabilityFinding {
  return {
    ...vuln({ cve: 'CVE-2024-3094', pkg: 'xz-utils', version: '5.6.0', severity: 'critical', fixed: true, kev: true }),
    references: ['https://nvd.nist.gov/vuln/detail/CVE-2024-3094', 'not a link'],
    cvss: [{ source: 'nvd', version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', baseScore: 10 }],
    epss: { score: 0.87, percentile: 0.99 },
    priority: { level: 'p1', score: 98, factors: ['in KEV'] },
    location: { path: '/var/lib/dpkg/status', layerDigest: 'sha256:layer0', diffId: 'sha256:diff0', layerIndex: 0 },
  };
}

async function scan(): Promise<string> {
  const r = await h.call('scanner', { method: 'POST', url: '/harbor/api/v1/scan', headers: { 'content-type': `${MIME.scanRequest}; version=1.1` }, payload: JSON.stringify(SCAN_REQUEST) });
  expect(r.statusCode, r.body).toBe(202);
  expect(r.headers['content-type']).toBe(MIME.scanResponse);
  return r.json<{ id: string }>().id;
}

describe('Harbor scanner adapter', () => {
  it('describes itself: vulnerability and SBOM capabilities, DB freshness', async () => {
    const r = await h.call('viewer', { method: 'GET', url: '/harbor/api/v1/metadata' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe(MIME.metadata);
    const body = r.json<{ scanner: { name: string }; capabilities: { type: string; produces_mime_types: string[] }[]; properties: Record<string, string> }>();
    expect(body.scanner.name).toBe('Sekisho');
    expect(body.capabilities.find((c) => c.type === 'vulnerability')?.produces_mime_types).toContain(MIME.vulnReport);
    expect(body.capabilities.find((c) => c.type === 'sbom')?.produces_mime_types).toEqual([MIME.sbomReport]);
    expect(body.properties['harbor.scanner-adapter/vulnerability-database-updated-at']).toBe('2026-12-01T00:00:00.000Z');
    expect((await h.call('anonymous', { method: 'GET', url: '/harbor/api/v1/metadata' })).statusCode).toBe(401);
    const age = /^sekisho_advisory_db_age_seconds (\S+)$/m.exec((await h.call('anonymous', { method: 'GET', url: '/metrics' })).body)?.[1];
    expect(Number(age)).toBeGreaterThan(0);
  });

  it('queues a scan, answers 302 with Refresh-After while it runs, then the v1.1 report with EPSS, KEV, layer and priority', async () => {
    const id = await scan();
    expect(h.queue.jobs.find((j) => j.id === id)?.payload).toEqual({ reference: `core.harbor.example/library/app@${D}`, digest: D });
    expect(await scan()).toBe(id); // one job per digest while it is queued

    const poll = () => h.call('viewer', { method: 'GET', url: `/harbor/api/v1/scan/${id}/report`, headers: { accept: MIME.vulnReport } });
    const pending = await poll();
    expect(pending.statusCode).toBe(302);
    expect(pending.headers['refresh-after']).toBe('5');

    const { scan: stored } = await h.repository.recordScan(report({ digest: D, reference: `core.harbor.example/library/app:1.0`, packages: [pkg('xz-utils', '5.6.0')], findings: [rich()] }), 'db-1');
    h.queue.settle(id, 'completed', { result: { scanId: stored.id } });
    const done = await poll();
    expect(done.statusCode, done.body).toBe(200);
    expect(done.headers['content-type']).toBe(MIME.vulnReport);
    const body = done.json<{ severity: string; artifact: { repository: string; digest: string }; vulnerabilities: Record<string, unknown>[] }>();
    expect(body.severity).toBe('Critical');
    expect(body.artifact).toMatchObject({ repository: 'library/app', digest: D });
    expect(body.vulnerabilities).toEqual([
      expect.objectContaining({
        id: 'CVE-2024-3094',
        package: 'xz-utils',
        version: '5.6.0',
        fix_version: '9.9',
        severity: 'Critical',
        links: ['https://nvd.nist.gov/vuln/detail/CVE-2024-3094'],
        preferred_cvss: { score_v3: 10, vector_v3: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H' },
        vendor_attributes: expect.objectContaining({
          CVSS: { nvd: { V3Score: 10, V3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H' } },
          epss: { score: 0.87, percentile: 0.99 },
          kev: { dateAdded: '2024-01-01', dueDate: null, ransomware: false },
          priority: { level: 'p1', score: 98, factors: ['in KEV'] },
          layer: { index: 0, digest: 'sha256:layer0', diff_id: 'sha256:diff0', created_by: null },
        }) as unknown,
      }),
    ]);

    const legacy = await h.call('viewer', { method: 'GET', url: `/harbor/api/v1/scan/${id}/report`, headers: { accept: MIME.vulnHarbor } });
    expect(legacy.headers['content-type']).toBe(MIME.vulnHarbor);
    const raw = await h.call('viewer', { method: 'GET', url: `/harbor/api/v1/scan/${id}/report`, headers: { accept: MIME.vulnRaw } });
    expect(JSON.parse(raw.body)).toMatchObject({ schema: 'sekisho.report/v1', status: 'complete' });

    for (const [media, marker] of [
      [MIME.spdx, 'spdxVersion'],
      [MIME.cyclonedx, 'bomFormat'],
    ] as const) {
      const sbom = await h.call('viewer', { method: 'GET', url: `/harbor/api/v1/scan/${id}/report?sbom_media_type=${encodeURIComponent(media)}`, headers: { accept: MIME.sbomReport } });
      expect(sbom.statusCode, sbom.body).toBe(200);
      expect(sbom.headers['content-type']).toBe(MIME.sbomReport);
      const doc = sbom.json<{ media_type: string; sbom: Record<string, unknown> }>();
      expect(doc.media_type).toBe(media);
      expect(doc.sbom).toHaveProperty(marker);
      expect(JSON.stringify(doc.sbom)).toContain('xz-utils');
    }
    const noType = await h.call('viewer', { method: 'GET', url: `/harbor/api/v1/scan/${id}/report`, headers: { accept: MIME.sbomReport } });
    expect(noType.statusCode).toBe(400);
    expect(noType.headers['content-type']).toBe(MIME.error);
    expect((await h.call('viewer', { method: 'GET', url: `/harbor/api/v1/scan/${id}/report`, headers: { accept: 'image/png' } })).statusCode).toBe(501);
  });

  it('answers 500 with the reason for a failed scan and 404 for an unknown id; refuses artifacts it cannot scan', async () => {
    const id = await h.call('scanner', { method: 'POST', url: '/harbor/api/v1/scan', payload: { ...SCAN_REQUEST, artifact: { ...SCAN_REQUEST.artifact, digest: digestOf(0xdef) } } });
    const jobId = id.json<{ id: string }>().id;
    h.queue.settle(jobId, 'dead', { error: 'registry answered 401' });
    const failed = await h.call('viewer', { method: 'GET', url: `/harbor/api/v1/scan/${jobId}/report` });
    expect(failed.statusCode).toBe(500);
    expect(failed.json()).toEqual({ error: { message: 'scan dead: registry answered 401' } });
    expect((await h.call('viewer', { method: 'GET', url: '/harbor/api/v1/scan/nope/report' })).statusCode).toBe(404);
    const helm = await h.call('scanner', {
      method: 'POST',
      url: '/harbor/api/v1/scan',
      payload: { ...SCAN_REQUEST, artifact: { ...SCAN_REQUEST.artifact, mime_type: 'application/vnd.cncf.helm.config.v1+json' } },
    });
    expect(helm.statusCode).toBe(501);
    const oddUrl = await h.call('scanner', { method: 'POST', url: '/harbor/api/v1/scan', payload: { ...SCAN_REQUEST, registry: { url: 'http://[oops' } } });
    expect(oddUrl.statusCode).toBe(422);
    const bad = await h.call('scanner', { method: 'POST', url: '/harbor/api/v1/scan', headers: { 'content-type': MIME.scanRequest }, payload: '{"registry":' });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toBe(MIME.error);
    // Harbor's registry credential is not kept anywhere the adapter writes
    expect(await h.storedText()).not.toContain('cm9ib3Q6c2VjcmV0');
    expect(JSON.stringify(h.queue.jobs)).not.toContain('cm9ib3Q6c2VjcmV0');
  });

  it('reads the Accept header as Harbor sends it', () => {
    expect(routeReportKind('')).toBe('vulnerability');
    expect(routeReportKind('application/vnd.security.vulnerability.report; version=1.1')).toBe('vulnerability');
    expect(routeReportKind('application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0')).toBe('harbor');
    expect(routeReportKind('text/html, application/vnd.security.sbom.report+json; version=1.0')).toBe('sbom');
    expect(routeReportKind('text/html')).toBeNull();
  });
});
