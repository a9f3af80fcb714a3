import { readFileSync } from 'node:fs';
import type { Report } from '@sekisho/model';
import { REPORT_SCHEMA } from '@sekisho/model';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { Ajv } from 'ajv';
import * as ajvFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { getScanReporter, SCAN_FORMATS } from './registry.js';

const addFormats = ajvFormats.default as unknown as (ajv: Ajv) => Ajv;
const options = { now: new Date('2026-01-02T03:04:05Z'), color: false };

const COMPLETE: Report = {
  schema: REPORT_SCHEMA,
  tool: { name: 'sekisho', version: '0.1.0' },
  target: { reference: 'app.tar', sourceType: 'docker-archive', manifestDigest: null, configDigest: null, platform: null, repoTags: [] },
  image: null,
  distro: null,
  packages: [],
  relationships: [],
  findings: [],
  unknowns: [],
  notChecked: [],
};
const NO_DB: Report = {
  ...COMPLETE,
  notChecked: [{ scanner: 'vuln', reason: 'no advisory database at /tmp/x/advisories.db', fix: 'sekisho db update' }],
  unknowns: [{ location: { path: '/var/lib/dpkg/status', layerDigest: null, diffId: null, layerIndex: 0 }, foundBy: 'dpkg', reason: 'truncated' }],
};

function render(format: string, report: Report): string {
  const reporter = getScanReporter(format, { template: '{{status}}|{{#statusReasons}}{{.}};{{/statusReasons}}' });
  if (reporter === undefined) throw new Error(format);
  return reporter.render(report, options);
}

describe('every format says whether the report is complete', () => {
  it.each(SCAN_FORMATS)('%s names what was not checked and how to fix it', (format) => {
    const text = render(format, NO_DB);
    expect(text).toMatch(/incomplete/i);
    expect(text).toContain('vuln');
    if (format !== 'template') expect(text).toContain('sekisho db update');
    expect(render(format, COMPLETE)).not.toMatch(/incomplete|not checked/i);
  });

  it('json: top-level status, statusReasons and notChecked', () => {
    const doc = JSON.parse(render('json', NO_DB)) as Record<string, unknown>;
    expect(Object.keys(doc).slice(0, 4)).toEqual(['schema', 'tool', 'status', 'statusReasons']);
    expect(doc['status']).toBe('incomplete');
    expect(doc['notChecked']).toEqual(NO_DB.notChecked);
    expect((JSON.parse(render('json', COMPLETE)) as Record<string, unknown>)['status']).toBe('complete');
  });

  it('table: the vulnerability section says NOT CHECKED instead of "none found", and the footer names it', () => {
    const text = render('table', NO_DB);
    expect(text).not.toContain('none found');
    expect(text).toContain('Vulnerabilities: NOT CHECKED');
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/^Status: INCOMPLETE — vuln NOT CHECKED .*sekisho db update.*1 file\(s\) not read$/);
    expect(render('table', COMPLETE).trimEnd().split('\n').at(-1)).toBe('Status: complete');
  });

  it('sarif: run properties and error notifications, valid SARIF 2.1.0', () => {
    const schema = JSON.parse(readFileSync(new URL('./sarif/__fixtures__/sarif-schema-2.1.0.json', import.meta.url), 'utf8')) as object;
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    const log = JSON.parse(render('sarif', NO_DB)) as { runs: { properties: { status: string }; invocations: { toolExecutionNotifications: { level: string; message: { text: string } }[] }[] }[] };
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    expect(log.runs[0]?.properties.status).toBe('incomplete');
    expect(log.runs[0]?.invocations[0]?.toolExecutionNotifications[0]).toMatchObject({ level: 'error', message: { text: expect.stringContaining('vuln not checked') as string } });
  });

  it('junit: an errored test case per scanner not checked', () => {
    const xml = render('junit', NO_DB);
    expect(xml).toContain('<property name="status" value="incomplete"/>');
    expect(xml).toMatch(/<testcase classname="sekisho" name="vuln not checked">\s*<error /);
    expect(xml).toMatch(/<testsuites [^>]*errors="2"/);
  });

  const UNSEARCHED: Report = { ...COMPLETE, notSearchable: { conda: 12, 'php-pear': 1, binary: 3 } };
  it.each(SCAN_FORMATS.filter((f) => f !== 'template'))('%s says which package types no advisory feed covers, and stays complete', (format) => {
    const text = render(format, UNSEARCHED);
    expect(text).toContain('no advisory feed covers their type: conda 12, php-pear 1 package(s)');
    expect(text).not.toMatch(/incomplete/i);
  });

  it('cyclonedx-json and spdx-json carry the status and stay schema-valid', async () => {
    const cdx = render('cyclonedx-json', NO_DB);
    expect(await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(cdx)).toBeNull();
    const bom = JSON.parse(cdx) as { metadata: { properties: { name: string; value: string }[] } };
    expect(bom.metadata.properties).toContainEqual({ name: 'sekisho:status', value: 'incomplete' });
    expect(bom.metadata.properties).toContainEqual({ name: 'sekisho:notChecked:vuln', value: expect.stringContaining('sekisho db update') as string });
    const schema = JSON.parse(readFileSync(new URL('./spdx-json/__fixtures__/spdx-schema-2.3.json', import.meta.url), 'utf8')) as object;
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    const spdx = JSON.parse(render('spdx-json', NO_DB)) as { creationInfo: { comment: string }; annotations: { comment: string }[] };
    expect(validate(spdx), JSON.stringify(validate.errors)).toBe(true);
    expect(spdx.creationInfo.comment).toMatch(/^sekisho status: incomplete/);
    expect(spdx.annotations.map((a) => a.comment)).toContainEqual(expect.stringContaining('sekisho db update'));
  });
});
