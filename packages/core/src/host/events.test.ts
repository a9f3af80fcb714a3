import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SekishoEvent } from '@sekisho/model';
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../findings/redaction.js';
import { auditHost } from './audit-host.js';
import { emitHostAudit } from './events.js';

const TODAY = new Date('2026-12-06T00:00:00Z');

describe('host audit events', () => {
  it('sends one event per finding and a closing event to the sink, in order', async () => {
    const { report } = await auditHost({ root: path.join(import.meta.dirname, '__fixtures__/weak'), today: TODAY, toolVersion: 'test' });
    const got: SekishoEvent[] = [];
    const n = await emitHostAudit(report, { emit: async (e) => void got.push(e) }, { instance: 'auditor-0', host: 'node-weak-1', environment: 'prod', redactor: createRedactor() });
    expect(n).toBe(report.findings.length + 1);
    expect(got.slice(0, -1).map((e) => e.severity)).toEqual(report.findings.map((f) => f.severity));
    expect(got[0]).toMatchObject({ kind: 'host', source: { component: 'host', instance: 'auditor-0' }, subject: { type: 'host', id: 'node-weak-1', environment: 'prod' } });
    expect(got.at(-1)).toMatchObject({ action: 'host.audit.complete', result: 'success', severity: 'critical' });
  });

  it('closes an audit that could not judge everything as a failure with the reasons', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'sekisho-host-events-'));
    try {
      const { report } = await auditHost({ root: empty, today: TODAY, toolVersion: 'test' });
      const got: SekishoEvent[] = [];
      await emitHostAudit(report, { emit: async (e) => void got.push(e) }, { instance: 'a', host: 'h', redactor: createRedactor() });
      expect(got).toHaveLength(1);
      expect(got[0]).toMatchObject({ action: 'host.audit.complete', result: 'failure' });
      expect(got[0]!.reasons.some((r) => r.startsWith('host-kernel not checked'))).toBe(true);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
