import { describe, expect, it } from 'vitest';
import type { NotChecked, Unknown } from '@sekisho/model';
import { gateDecision } from './gate.js';

const unknown: Unknown = { location: { path: '/bad.yaml', layerDigest: null, diffId: null, layerIndex: null }, foundBy: 'config', reason: 'YAML alias limit exceeded' };
const noDb: NotChecked = { scanner: 'vuln', reason: 'no advisory database at /x', fix: 'sekisho db update' };
const high = { severity: 'high' as const };

describe('gateDecision', () => {
  it('no --fail-on: no gate, whatever the report', () => {
    expect(gateDecision({ findings: [high], unknowns: [unknown], notChecked: [noDb] }, { failOn: undefined, allowIncomplete: false }).exitCode).toBe(0);
  });

  it('findings at or above the threshold fail with 1, below pass', () => {
    expect(gateDecision({ findings: [high], unknowns: [], notChecked: [] }, { failOn: 'high', allowIncomplete: false }).exitCode).toBe(1);
    expect(gateDecision({ findings: [high], unknowns: [], notChecked: [] }, { failOn: 'critical', allowIncomplete: false })).toMatchObject({ exitCode: 0, failure: null, warning: null });
  });

  it('an incomplete report fails closed with 1; vulnerabilities not checked fail with 7', () => {
    expect(gateDecision({ findings: [], unknowns: [unknown], notChecked: [] }, { failOn: 'critical', allowIncomplete: false })).toMatchObject({
      exitCode: 1,
      failure: expect.stringContaining('incomplete') as string,
    });
    expect(gateDecision({ findings: [], unknowns: [], notChecked: [noDb] }, { failOn: 'critical', allowIncomplete: false })).toMatchObject({
      exitCode: 7,
      failure: expect.stringContaining('sekisho db update') as string,
    });
    expect(gateDecision({ findings: [high], unknowns: [], notChecked: [noDb] }, { failOn: 'high', allowIncomplete: false }).exitCode).toBe(7);
  });

  it('--allow-incomplete lets an incomplete report pass with a warning, but not its findings, and not missing vulnerabilities', () => {
    const passed = gateDecision({ findings: [], unknowns: [unknown], notChecked: [] }, { failOn: 'critical', allowIncomplete: true });
    expect(passed).toMatchObject({ exitCode: 0, failure: null });
    expect(passed.warning).toMatch(/could not be read/);
    expect(gateDecision({ findings: [], unknowns: [], notChecked: [noDb] }, { failOn: 'critical', allowIncomplete: true })).toMatchObject({
      exitCode: 7,
      failure: expect.stringContaining('--no-vulnerabilities') as string,
    });
    expect(gateDecision({ findings: [high], unknowns: [unknown], notChecked: [] }, { failOn: 'high', allowIncomplete: true }).exitCode).toBe(1);
  });
});
