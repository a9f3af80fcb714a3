import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Report } from '@sekisho/model';
import { repoRoot } from '@sekisho/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../run.js';

/* `sekisho image` of the bundled example image: which scanners the report lists, and --policy. */
const IMAGE = path.join(repoRoot(), 'examples', 'hello-app.oci.tar');
const POLICY = `apiVersion: sekisho.dev/v1
kind: Policy
metadata: { name: acme }
rules:
  secrets: { kind: secrets }
  malware: { kind: malware, action: warn }
environments:
  prod: {}
`;

let dir = '';
let policy = '';
let savedDb: string | undefined;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sekisho-image-policy-'));
  policy = path.join(dir, 'sekisho.yaml');
  writeFileSync(policy, POLICY);
  savedDb = process.env['SEKISHO_DB'];
  delete process.env['SEKISHO_DB'];
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  if (savedDb !== undefined) process.env['SEKISHO_DB'] = savedDb;
});
afterEach(() => {
  process.exitCode = undefined;
});

async function image(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(['--cache-dir', path.join(dir, 'cache'), 'image', IMAGE, ...args], { stdout: (t) => (out += t), stderr: (t) => (err += t), isTty: false });
  return { code, out, err };
}

describe('sekisho image: scanners and --policy', () => {
  it('lists the layer scanners that ran; vuln only when the database was there', { timeout: 120_000 }, async () => {
    const noDb = JSON.parse((await image('--format', 'json')).out) as Report;
    expect(noDb.notChecked.map((n) => n.scanner)).toEqual(['vuln']);
    expect(noDb.scanners).toEqual(['hardening', 'secret']);
    const selected = JSON.parse((await image('--format', 'json', '--scanners', 'secret,malware')).out) as Report;
    expect(selected.scanners).toEqual(['malware', 'secret']);
  });

  it('--policy: the decision in the report; the deleted GitHub token breaks secrets (exit 1), the malware rule is not judged', { timeout: 120_000 }, async () => {
    const { out, err, code } = await image('--format', 'json', '--no-vulnerabilities', '--policy', policy, '--env', 'prod');
    const report = JSON.parse(out) as Report;
    const rules = Object.fromEntries((report.policy?.rules ?? []).map((r) => [r.id, r.status]));
    expect(rules).toEqual({ secrets: 'violated', malware: 'not-evaluated', 'complete-scan': 'pass' });
    expect(report.policy?.result).toBe('fail');
    expect(err).toMatch(/policy acme \(environment prod\) failed: secrets/);
    expect(code).toBe(1);
  });

  it('a broken policy exits 8 before the image is read', async () => {
    const broken = path.join(dir, 'broken.yaml');
    writeFileSync(broken, POLICY.replace('kind: malware', 'kind: nope'));
    let err = '';
    const code = await runCli(['image', path.join(dir, 'no-such-image'), '--policy', broken, '--env', 'prod'], { stdout: () => undefined, stderr: (t) => (err += t), isTty: false });
    expect(code).toBe(8);
    expect(err).toMatch(/unknown rule kind "nope"/);
  });
});
