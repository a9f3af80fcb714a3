import { generateKeyPairSync, createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SekishoError, signBlob } from '@sekisho/core';
import { verifyBlobCommand } from './verify-blob.js';

const dir = mkdtempSync(path.join(tmpdir(), 'sekisho-verify-blob-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string | Uint8Array): string => {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
};

const artifactBytes = Buffer.from('artifact contents\n');
const artifact = file('artifact.txt', artifactBytes);
const other = file('other.txt', 'something else\n');
const privateKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const signed = signBlob({ key: privateKey, artifact: artifactBytes });
const bundle = file('artifact.sigstore.json', signed.bundle);
const key = file('cosign.pub', signed.publicKey);
const trustedRoot = file(
  'trusted_root.json',
  JSON.stringify({ mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] }),
);

async function run(args: string[]): Promise<{ output: string; code?: string }> {
  let output = '';
  const command = verifyBlobCommand({ stdout: (text) => (output += text) }).exitOverride();
  try {
    await command.parseAsync(args, { from: 'user' });
    return { output };
  } catch (error) {
    if (error instanceof SekishoError) return { output, code: error.code };
    throw error;
  }
}

describe('sekisho verify-blob', () => {
  it('prints "Verified OK" for a good bundle, given the file or its digest', async () => {
    const digest = `sha256:${createHash('sha256').update(artifactBytes).digest('hex')}`;
    for (const target of [artifact, digest]) {
      expect(await run(['--bundle', bundle, '--key', key, '--trusted-root', trustedRoot, '--insecure-ignore-tlog', target])).toEqual({
        output: 'Verified OK\n',
      });
    }
  });

  it('fails with VERIFY_FAILED for another artifact, and without a tlog entry unless told to ignore it', async () => {
    expect(await run(['--bundle', bundle, '--key', key, '--trusted-root', trustedRoot, '--insecure-ignore-tlog', other])).toEqual({ output: '', code: 'VERIFY_FAILED' });
    expect(await run(['--bundle', bundle, '--key', key, '--trusted-root', trustedRoot, artifact])).toEqual({ output: '', code: 'VERIFY_FAILED' });
  });

  it('fails with VERIFY_FAILED when an identity is required but the bundle is key-signed', async () => {
    const args = ['--bundle', bundle, '--certificate-identity', 'a@example.com', '--certificate-oidc-issuer', 'https://accounts.google.com'];
    expect(await run([...args, '--trusted-root', trustedRoot, artifact])).toEqual({ output: '', code: 'VERIFY_FAILED' });
  });

  it('reports unreadable or malformed inputs as VERIFY_INPUT', async () => {
    const garbage = file('garbage.json', '{"mediaType":');
    const missing = path.join(dir, 'missing.json');
    for (const args of [
      ['--bundle', garbage, '--key', key, '--trusted-root', trustedRoot, artifact],
      ['--bundle', missing, '--key', key, '--trusted-root', trustedRoot, artifact],
      ['--bundle', bundle, '--key', key, '--trusted-root', garbage, artifact],
      ['--bundle', bundle, '--key', key, '--trusted-root', trustedRoot, missing],
      ['--bundle', bundle, '--key', key, '--trusted-root', trustedRoot, '--insecure-ignore-tlog', 'sha256:1234'],
    ]) {
      expect(await run(args)).toEqual({ output: '', code: 'VERIFY_INPUT' });
    }
  });

  it('a missing key is a usage error, not a failed verification', async () => {
    const missing = path.join(dir, 'missing.pub');
    expect(await run(['--bundle', bundle, '--key', missing, '--trusted-root', trustedRoot, artifact])).toEqual({ output: '', code: 'USAGE_INVALID' });
  });

  it('rejects incomplete or contradictory policies as usage errors', async () => {
    for (const args of [
      ['--bundle', bundle, '--trusted-root', trustedRoot, artifact],
      ['--bundle', bundle, '--certificate-identity', 'x', '--trusted-root', trustedRoot, artifact],
      ['--bundle', bundle, '--certificate-oidc-issuer', 'x', '--trusted-root', trustedRoot, artifact],
      ['--bundle', bundle, '--key', key, '--certificate-identity', 'x', '--trusted-root', trustedRoot, artifact],
      ['--bundle', bundle, '--key', key, artifact],
    ]) {
      expect(await run(args)).toEqual({ output: '', code: 'USAGE_INVALID' });
    }
  });
});
