import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient, SekishoError } from '@sekisho/core';
import { requiredTool } from '@sekisho/testkit';
import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { attestCommand } from './attest.js';
import { signCommand } from './sign.js';
import { verifyAttestationCommand } from './verify-attestation.js';
import { verifyCommand } from './verify.js';

/* sign / attest / verify / verify-attestation against Debian's docker-registry started by
   scripts/start-registry.sh; the image is pushed with the registry client. */

function repoRoot(): string {
  let dir = import.meta.dirname;
  while (!existsSync(path.join(dir, 'tsconfig.base.json'))) dir = path.dirname(dir);
  return dir;
}
const onPath = (p: string) => (process.env['PATH'] ?? '').split(path.delimiter).some((d) => d !== '' && existsSync(path.join(d, p)));
const missing = requiredTool(onPath('docker-registry'), 'docker-registry', 'apt-get install -y docker-registry') ? null : 'docker-registry (apt-get install -y docker-registry)';
if (missing !== null) console.warn(`sign/verify CLI tests skipped: missing ${missing}`);

describe.skipIf(missing !== null)('sekisho sign / attest / verify / verify-attestation', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sekisho-sign-cli-'));
  let host = '';
  let pid = 0;
  const file = (name: string, content: string) => {
    const p = path.join(dir, name);
    writeFileSync(p, content);
    return p;
  };
  const pair = () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    return { key: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), pub: publicKey.export({ format: 'pem', type: 'spki' }).toString() };
  };
  const signer = pair();
  const other = pair();
  const keyFile = file('cosign.key', signer.key);
  const pubFile = file('cosign.pub', signer.pub);
  const otherPub = file('other.pub', other.pub);
  const sbom = file('sbom.cdx.json', JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', components: [] }));

  beforeAll(async () => {
    const { stdout } = await promisify(execFile)(path.join(repoRoot(), 'scripts', 'start-registry.sh'), [path.join(dir, 'registry')], { timeout: 60_000 });
    ({ host, pid } = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { host: string; pid: number });
    const client = new RegistryClient({ registry: host, apiHost: host }, { insecureRegistries: [host], dockerConfig: null, env: {} });
    try {
      const config = Buffer.from('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}');
      const configDigest = await client.pushBlob('team/app', config);
      const manifest = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
          layers: [],
        }),
      );
      await client.pushManifest('team/app', '1', manifest, 'application/vnd.oci.image.manifest.v1+json');
    } finally {
      await client.close();
    }
  });
  afterAll(() => {
    try {
      if (pid !== 0) process.kill(pid);
    } catch {
      // already gone
    }
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(make: (io: CliIo) => Command, args: string[]): Promise<{ out: string; code?: string }> {
    let out = '';
    const io: CliIo = { stdout: (t) => void (out += t), stderr: (t) => void (out += t), isTty: false };
    try {
      await make(io)
        .exitOverride()
        .parseAsync([...args, '--insecure-registry', host], { from: 'user' });
      return { out };
    } catch (error) {
      if (error instanceof SekishoError) return { out, code: error.code };
      throw error;
    }
  }
  const image = () => `${host}/team/app:1`;

  it('verifies nothing before signing, then both forms after', async () => {
    expect((await run(verifyCommand, ['--key', pubFile, '--insecure-ignore-tlog', image()])).code).toBe('VERIFY_FAILED');
    const signed = await run(signCommand, ['--key', keyFile, image()]);
    expect(signed.code).toBeUndefined();
    expect(signed.out).toMatch(/Signed .* legacy-tag sha256-[0-9a-f]{64}\.sig\n.* bundle-referrer sha256:[0-9a-f]{64}\n/);
    const ok = await run(verifyCommand, ['--key', pubFile, '--insecure-ignore-tlog', image()]);
    expect(ok.code).toBeUndefined();
    expect(ok.out.match(/^Verified OK: .* (legacy-tag|bundle-referrer) .* signer: key$/gm)).toHaveLength(2);
    expect((await run(verifyCommand, ['--key', otherPub, '--insecure-ignore-tlog', image()])).code).toBe('VERIFY_FAILED');
    expect((await run(verifyCommand, ['--key', pubFile, image()])).code).toBe('VERIFY_FAILED');
    expect((await run(verifyCommand, ['--certificate-identity', 'a@example.com', image()])).code).toBe('USAGE_INVALID');
  });

  it('attests a CycloneDX SBOM and verifies it by type', async () => {
    expect((await run(attestCommand, ['--key', keyFile, '--predicate', sbom, '--type', 'cyclonedx', image()])).code).toBeUndefined();
    const ok = await run(verifyAttestationCommand, ['--key', pubFile, '--insecure-ignore-tlog', '--type', 'cyclonedx', image()]);
    expect(ok.code).toBeUndefined();
    expect(ok.out).toContain('https://cyclonedx.org/bom signer: key');
    expect((await run(verifyAttestationCommand, ['--key', pubFile, '--insecure-ignore-tlog', '--type', 'slsaprovenance', image()])).code).toBe('VERIFY_FAILED');
    expect((await run(verifyAttestationCommand, ['--key', otherPub, '--insecure-ignore-tlog', '--type', 'cyclonedx', image()])).code).toBe('VERIFY_FAILED');
  });
});
