import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGlob, parseTrustPolicy, verifyImageTrust } from './trust-policy.js';

describe('trust policy', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sekisho-trust-'));
    await writeFile(join(dir, 'cosign.pub'), '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('matches repositories with * inside a segment and ** across', () => {
    expect(compileGlob('docker.io/library/*').test('docker.io/library/nginx')).toBe(true);
    expect(compileGlob('docker.io/library/*').test('docker.io/library/nginx/extra')).toBe(false);
    expect(compileGlob('docker.io/library/*').test('docker.io/bitnami/nginx')).toBe(false);
    expect(compileGlob('ghcr.io/acme/**').test('ghcr.io/acme/team/app')).toBe(true);
    expect(compileGlob('registry.example.com:5000/a.b').test('registry.example.com:5000/aXb')).toBe(false);
  });

  it('reads YAML with keys relative to the policy and cosign type shorthands', async () => {
    const policy = await parseTrustPolicy(
      'allowedRepositories: ["docker.io/library/*"]\nrules:\n  - repositories: ["docker.io/library/*"]\n    signers:\n      - key: cosign.pub\n        tlog: if-present\n      - identity: release@example.com\n        issuer: https://accounts.example.com\n    attestations: [cyclonedx]\n',
      dir,
    );
    expect(policy.allowedRepositories).toEqual(['docker.io/library/*']);
    expect(policy.rules[0]?.attestations).toEqual(['https://cyclonedx.org/bom']);
    expect(policy.rules[0]?.signers.map((s) => s.kind)).toEqual(['key', 'identity']);
  });

  it('refuses malformed policies with VERIFY_INPUT', async () => {
    for (const text of [
      'rules: [{repositories: []}]',
      'unknownField: 1',
      'rules: [{repositories: ["x"], signers: [{identity: "a"}]}]',
      'rules: [{repositories: ["x"], signers: [{key: missing.pub}]}]',
    ]) {
      await expect(parseTrustPolicy(text, dir)).rejects.toMatchObject({ code: 'VERIFY_INPUT' });
    }
  });

  it('denies an image from a registry outside the allowed list without contacting it', async () => {
    const policy = await parseTrustPolicy('allowedRepositories: ["docker.io/library/*"]', dir);
    const findings = await verifyImageTrust('127.0.0.1:1/team/app:1', policy);
    expect(findings.map((f) => [f.kind, f.ruleId, f.severity, f.evidence])).toEqual([['supply-chain', 'SC-TRUST-001', 'high', '127.0.0.1:1/team/app']]);
    expect(await verifyImageTrust('nginx:1.27', await parseTrustPolicy('allowedRepositories: ["docker.io/library/*"]', dir))).toEqual([]);
  });
});
