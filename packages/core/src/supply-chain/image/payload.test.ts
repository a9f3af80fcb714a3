import { generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { imageStatement, legacyTag, parseSimpleSigningPayload, preAuthEncoding, predicateTypeFor, simpleSigningPayload } from './payload.js';
import { dsseBundle } from './sign-image.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('simple signing payload', () => {
  it('is the cosign layout, and parses back', () => {
    const payload = simpleSigningPayload('registry.test/team/app', DIGEST);
    expect(payload.toString()).toBe(
      `{"critical":{"identity":{"docker-reference":"registry.test/team/app"},"image":{"docker-manifest-digest":"${DIGEST}"},"type":"cosign container image signature"},"optional":null}`,
    );
    expect(parseSimpleSigningPayload(payload)).toEqual({ dockerReference: 'registry.test/team/app', digest: DIGEST, optional: null });
  });

  it('refuses payloads that are not simple signing claims', () => {
    for (const text of ['not json', '{}', '{"critical":{"type":"other","image":{"docker-manifest-digest":"x"}}}', '{"critical":{"type":"cosign container image signature","image":{}}}']) {
      expect(() => parseSimpleSigningPayload(Buffer.from(text))).toThrow(expect.objectContaining({ code: 'VERIFY_FAILED' }));
    }
    expect(() => simpleSigningPayload('x', 'sha256:short')).toThrow(expect.objectContaining({ code: 'VERIFY_INPUT' }));
  });

  it('names the legacy tags after the digest', () => {
    expect(legacyTag(DIGEST, 'sig')).toBe(`sha256-${'ab'.repeat(32)}.sig`);
    expect(legacyTag(DIGEST, 'att')).toBe(`sha256-${'ab'.repeat(32)}.att`);
  });
});

describe('attestation envelope', () => {
  it('maps cosign type shorthands and accepts URIs', () => {
    expect(predicateTypeFor('cyclonedx')).toBe('https://cyclonedx.org/bom');
    expect(predicateTypeFor('slsaprovenance')).toBe('https://slsa.dev/provenance/v0.2');
    expect(predicateTypeFor('https://example.com/p/v1')).toBe('https://example.com/p/v1');
    expect(() => predicateTypeFor('bogus')).toThrow(expect.objectContaining({ code: 'USAGE_INVALID' }));
  });

  it('computes the DSSE v1 pre-authentication encoding', () => {
    // Example from the DSSE protocol spec: PAE("http://example.com/HelloWorld", "hello world").
    expect(preAuthEncoding('http://example.com/HelloWorld', Buffer.from('hello world')).toString()).toBe('DSSEv1 29 http://example.com/HelloWorld 11 hello world');
  });

  it('signs an in-toto statement about the image inside a v0.3 bundle', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const statement = imageStatement({ name: 'registry.test/team/app', digest: DIGEST, predicateType: 'https://cyclonedx.org/bom', predicate: { bomFormat: 'CycloneDX' } });
    expect(JSON.parse(statement.toString())).toEqual({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name: 'registry.test/team/app', digest: { sha256: 'ab'.repeat(32) } }],
      predicateType: 'https://cyclonedx.org/bom',
      predicate: { bomFormat: 'CycloneDX' },
    });
    const { bundle, envelope } = dsseBundle(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), statement);
    const parsed = JSON.parse(bundle.toString()) as { mediaType: string; dsseEnvelope: { payload: string; payloadType: string; signatures: { sig: string }[] } };
    expect(parsed.mediaType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json');
    expect(JSON.parse(envelope.toString())).toEqual(parsed.dsseEnvelope);
    expect(Buffer.from(parsed.dsseEnvelope.payload, 'base64').equals(statement)).toBe(true);
    const sig = Buffer.from(parsed.dsseEnvelope.signatures[0]?.sig ?? '', 'base64');
    expect(verify('sha256', preAuthEncoding('application/vnd.in-toto+json', statement), publicKey, sig)).toBe(true);
    expect(verify('sha256', statement, publicKey, sig)).toBe(false);
  });
});
