import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildImage, writeOciLayout } from '@sekisho/testkit';
import type { ImageSpec } from '@sekisho/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from '../../source/registry/client.js';
import type { RegistryOptions } from '../../source/registry/options.js';
import { missingRegistryTools, pushLayout, startRegistry } from '../../source/registry/test-registry.js';
import type { RunningRegistry } from '../../source/registry/test-registry.js';
import { legacyTag, parseArtifactManifest, simpleSigningPayload, SIGNATURE_ANNOTATION, SIMPLE_SIGNING_MEDIA_TYPE, descriptorOf, ociManifest, legacyConfig } from './payload.js';
import { attestImage, signImage } from './sign-image.js';
import { parseTrustPolicy, verifyImageTrust } from './trust-policy.js';
import { verifyImage } from './verify-image.js';
import { writeFile } from 'node:fs/promises';

/* Signing and verification against Debian's docker-registry (distribution 2.8, no referrers API:
   the bundle form goes through the referrers tag schema), images pushed with skopeo. */

const spec = (name: string): ImageSpec => ({ layers: [{ createdBy: 'ADD rootfs', entries: [{ name: 'etc/hostname', content: `${name}\n` }] }] });
const EMPTY_ROOT = { mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] };

function keyPair(type: 'ec' | 'ed25519' = 'ec') {
  const { privateKey, publicKey } = type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
  return { key: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), pub: publicKey.export({ format: 'pem', type: 'spki' }).toString() };
}

const missing = missingRegistryTools();
if (missing !== null) console.warn(`image signature tests skipped: ${missing}`);

describe.skipIf(missing !== null)('image signatures in a real registry', () => {
  let registry: RunningRegistry;
  let work: string;
  let options: RegistryOptions;
  const signer = keyPair();
  const other = keyPair();
  const keyPolicy = (pub: string) => ({ key: pub, tlog: 'if-present' as const });

  beforeAll(async () => {
    registry = await startRegistry();
    work = await mkdtemp(join(tmpdir(), 'sekisho-sign-'));
    options = { insecureRegistries: [registry.host], dockerConfig: null, env: {} };
    for (const name of ['app', 'other', 'tamper', 'att', 'ed']) {
      await writeOciLayout(join(work, name), spec(name), { tag: 'v1' });
      await pushLayout(registry, join(work, name), 'v1', `team/${name}:1`);
    }
  });
  afterAll(async () => {
    await registry?.stop();
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  const ref = (name: string) => `${registry.host}/team/${name}:1`;
  const digestOf = (name: string) => buildImage(spec(name)).manifest.digest;

  it('signs in both forms and verifies each with the right key only', async () => {
    const signed = await signImage(ref('app'), { key: signer.key, registry: options });
    expect(signed.digest).toBe(digestOf('app'));
    expect(signed.stored.map((s) => s.form)).toEqual(['legacy-tag', 'bundle-referrer']);
    expect(signed.stored[0]?.location).toBe(legacyTag(signed.digest, 'sig'));

    const result = await verifyImage(ref('app'), { policy: keyPolicy(signer.pub), trustedRoot: EMPTY_ROOT, registry: options });
    expect(result.checks.map((c) => [c.form, c.ok])).toEqual([
      ['legacy-tag', true],
      ['bundle-referrer', true],
    ]);
    expect(result.verified.every((c) => c.signer?.kind === 'key')).toBe(true);

    const wrong = await verifyImage(ref('app'), { policy: keyPolicy(other.pub), trustedRoot: EMPTY_ROOT, registry: options });
    expect(wrong.verified).toEqual([]);
    expect(wrong.checks.map((c) => c.error?.code)).toEqual(['VERIFY_FAILED', 'VERIFY_FAILED']);

    // cosign's default: a key-signed entry without a transparency-log entry is not enough.
    const strict = await verifyImage(ref('app'), { policy: { key: signer.pub }, trustedRoot: EMPTY_ROOT, registry: options });
    expect(strict.verified).toEqual([]);

    // A second signature by another key is kept beside the first.
    await signImage(ref('app'), { key: other.key, registry: options });
    const both = await verifyImage(ref('app'), { policy: keyPolicy(other.pub), trustedRoot: EMPTY_ROOT, registry: options });
    expect(both.checks.filter((c) => c.ok).map((c) => c.form)).toEqual(['legacy-tag', 'bundle-referrer']);
    expect(both.checks).toHaveLength(4);
  });

  it('finds nothing for an unsigned image', async () => {
    const result = await verifyImage(ref('other'), { policy: keyPolicy(signer.pub), trustedRoot: EMPTY_ROOT, registry: options });
    expect(result.checks).toEqual([]);
  });

  it('refuses a signature copied from another image and a tampered payload', async () => {
    const client = new RegistryClient({ registry: registry.host, apiHost: registry.host }, options);
    try {
      await signImage(ref('tamper'), { key: signer.key, registry: options, forms: ['legacy-tag'] });
      const source = await client.getManifest('team/tamper', legacyTag(digestOf('tamper'), 'sig'));
      // Copy: the signed `.sig` manifest of image "tamper" stored under image "other"'s tag.
      const parts = parseArtifactManifest(source.bytes);
      for (const blob of [...parts.layers, ...(parts.config === undefined ? [] : [parts.config])]) {
        await client.pushBlob('team/other', await client.readBlob('team/tamper', blob.digest, 1 << 20));
      }
      await client.pushManifest('team/other', legacyTag(digestOf('other'), 'sig'), source.bytes, 'application/vnd.oci.image.manifest.v1+json');
      const copied = await verifyImage(ref('other'), { policy: keyPolicy(signer.pub), trustedRoot: EMPTY_ROOT, registry: options });
      expect(copied.verified).toEqual([]);
      expect(copied.checks[0]?.error).toMatchObject({ code: 'VERIFY_FAILED', message: expect.stringContaining(`the signature is for ${digestOf('tamper')}`) });

      // Tamper: the payload rewritten to name the image, the old signature kept.
      const original = parseArtifactManifest(source.bytes).layers[0];
      const payload = Buffer.concat([simpleSigningPayload(`${registry.host}/team/tamper`, digestOf('tamper')), Buffer.from(' ')]);
      await client.pushBlob('team/tamper', payload);
      const layer = descriptorOf(SIMPLE_SIGNING_MEDIA_TYPE, payload, { annotations: { [SIGNATURE_ANNOTATION]: original?.annotations?.[SIGNATURE_ANNOTATION] ?? '' } });
      const config = legacyConfig([layer]);
      await client.pushBlob('team/tamper', config);
      await client.pushManifest(
        'team/tamper',
        legacyTag(digestOf('tamper'), 'sig'),
        ociManifest({ config: descriptorOf('application/vnd.oci.image.config.v1+json', config), layers: [layer] }),
        'application/vnd.oci.image.manifest.v1+json',
      );
      const tampered = await verifyImage(ref('tamper'), { policy: keyPolicy(signer.pub), trustedRoot: EMPTY_ROOT, registry: options });
      expect(tampered.checks.map((c) => c.error?.code)).toEqual(['VERIFY_FAILED']);
    } finally {
      await client.close();
    }
  });

  it('attests with a CycloneDX predicate and verifies the attestation by type', async () => {
    const predicate = { bomFormat: 'CycloneDX', specVersion: '1.6', components: [{ type: 'library', name: 'libc6', version: '2.36-9' }] };
    const attested = await attestImage(ref('att'), { key: signer.key, registry: options, predicateType: 'https://cyclonedx.org/bom', predicate, forms: ['bundle-referrer', 'legacy-tag'] });
    expect(attested.stored.map((s) => s.form).sort()).toEqual(['bundle-referrer', 'legacy-tag']);
    const ok = await verifyImage(ref('att'), { policy: keyPolicy(signer.pub), trustedRoot: EMPTY_ROOT, registry: options, mode: { kind: 'attestation', predicateType: 'https://cyclonedx.org/bom' } });
    expect(ok.checks.map((c) => [c.form, c.ok, c.predicateType])).toEqual([
      ['legacy-tag', true, 'https://cyclonedx.org/bom'],
      ['bundle-referrer', true, 'https://cyclonedx.org/bom'],
    ]);
    const otherType = await verifyImage(ref('att'), {
      policy: keyPolicy(signer.pub),
      trustedRoot: EMPTY_ROOT,
      registry: options,
      mode: { kind: 'attestation', predicateType: 'https://slsa.dev/provenance/v1' },
    });
    expect(otherType.verified).toEqual([]);
    // An attestation is not a signature, and a signature check does not accept it.
    const asSignature = await verifyImage(ref('att'), { policy: keyPolicy(signer.pub), trustedRoot: EMPTY_ROOT, registry: options });
    expect(asSignature.verified).toEqual([]);
    const wrongKey = await verifyImage(ref('att'), { policy: keyPolicy(other.pub), trustedRoot: EMPTY_ROOT, registry: options, mode: { kind: 'attestation' } });
    expect(wrongKey.verified).toEqual([]);
  });

  it('signs and verifies with an Ed25519 key', async () => {
    const ed = keyPair('ed25519');
    await signImage(ref('ed'), { key: ed.key, registry: options });
    const result = await verifyImage(ref('ed'), { policy: keyPolicy(ed.pub), trustedRoot: EMPTY_ROOT, registry: options });
    expect(result.checks.map((c) => c.ok)).toEqual([true, true]);
  });

  it('applies a trust policy: required signer and attestation, allowed repositories', async () => {
    await writeFile(join(work, 'signer.pub'), signer.pub);
    const text = (attestations: string) =>
      `allowedRepositories: ["${registry.host}/team/*"]\nrules:\n  - repositories: ["${registry.host}/team/**"]\n    signers: [{ key: signer.pub, tlog: if-present }]\n    attestations: [${attestations}]\n`;
    const policy = await parseTrustPolicy(text(''), work);
    // signed in the first test ("app"), never signed ("ed" is signed by another key)
    expect(await verifyImageTrust(ref('app'), policy, { registry: options })).toEqual([]);
    const unsigned = await verifyImageTrust(ref('ed'), policy, { registry: options });
    expect(unsigned.map((f) => f.ruleId)).toEqual(['SC-TRUST-002']);
    expect(unsigned[0]?.evidence).toContain('signer.pub');
    const withSbom = await parseTrustPolicy(text('cyclonedx'), work);
    expect((await verifyImageTrust(ref('app'), withSbom, { registry: options })).map((f) => [f.ruleId, f.evidence])).toEqual([['SC-TRUST-003', 'https://cyclonedx.org/bom']]);
    const notAllowed = await parseTrustPolicy(`allowedRepositories: ["${registry.host}/official/*"]`, work);
    expect((await verifyImageTrust(ref('app'), notAllowed, { registry: options })).map((f) => f.ruleId)).toEqual(['SC-TRUST-001']);
  });

  it('reports a malformed bundle referrer as a failed check, never as verified', async () => {
    const client = new RegistryClient({ registry: registry.host, apiHost: registry.host }, options);
    try {
      const subject = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: digestOf('other'), size: buildImage(spec('other')).manifest.bytes.length };
      const garbage = Buffer.from('{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":7}');
      await client.pushBlob('team/other', garbage);
      await client.pushBlob('team/other', Buffer.from('{}'));
      const manifest = ociManifest({
        artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
        config: descriptorOf('application/vnd.oci.empty.v1+json', Buffer.from('{}')),
        layers: [descriptorOf('application/vnd.dev.sigstore.bundle.v0.3+json', garbage)],
        subject,
      });
      const digest = await client.pushManifest('team/other', descriptorOf('x', manifest).digest, manifest, 'application/vnd.oci.image.manifest.v1+json');
      const index = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.index.v1+json',
          manifests: [{ ...descriptorOf('application/vnd.oci.image.manifest.v1+json', manifest), artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json' }],
        }),
      );
      await client.pushManifest('team/other', digestOf('other').replace(':', '-'), index, 'application/vnd.oci.image.index.v1+json');
      const result = await verifyImage(ref('other'), { policy: keyPolicy(signer.pub), trustedRoot: EMPTY_ROOT, registry: options });
      expect(result.verified).toEqual([]);
      expect(result.checks.find((c) => c.source === digest)?.error?.code).toBe('VERIFY_INPUT');
    } finally {
      await client.close();
    }
  });
});
