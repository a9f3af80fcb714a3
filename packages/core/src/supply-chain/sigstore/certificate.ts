/**
 * Certificates from untrusted JSON (bundles, trusted roots), parsed completely up front.
 * @sigstore/core's X509Certificate parses lazily: a malformed field throws a TypeError or
 * RangeError deep inside verification, whose text names nothing. Here the DER is parsed, then
 * read by OpenSSL too (node:crypto X509Certificate), then every field verification reads is
 * touched once, so a bad certificate fails before any crypto, saying which one and why.
 */
import { X509Certificate as NodeX509Certificate } from 'node:crypto';
import type { X509Certificate } from '@sigstore/core';
import { SekishoError } from '../../errors.js';
import { lazyModule } from '../../util/lazy-module.js';

const sigstoreCore = lazyModule<typeof import('@sigstore/core')>('@sigstore/core');

const MAX_CERTIFICATE_BYTES = 64 * 1024;

function reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** Strict base64 (standard or URL-safe alphabet, padding optional): Buffer.from skips invalid characters silently. */
export function decodeBase64(text: string, part: string): Buffer {
  const compact = text.replace(/[\r\n]/g, '');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(compact) || compact.replace(/=+$/, '').length % 4 === 1) {
    throw new SekishoError('VERIFY_INPUT', `${part} is not valid base64`);
  }
  return Buffer.from(compact, 'base64');
}

/**
 * Parse one DER certificate; `part` names it in errors ("certificate chain: certificate 2").
 * Throws VERIFY_INPUT "<part> is not valid DER: <why>" or "<part> is malformed: <why>".
 */
export function parseCertificate(der: Uint8Array, part: string): X509Certificate {
  if (der.length === 0) throw new SekishoError('VERIFY_INPUT', `${part} is empty`);
  if (der.length > MAX_CERTIFICATE_BYTES) throw new SekishoError('VERIFY_INPUT', `${part} is larger than ${MAX_CERTIFICATE_BYTES} bytes`);
  let cert: X509Certificate;
  try {
    cert = sigstoreCore().X509Certificate.parse(Buffer.from(der));
  } catch (error) {
    throw new SekishoError('VERIFY_INPUT', `${part} is not valid DER: ${reason(error)}`, { cause: error });
  }
  try {
    new NodeX509Certificate(der);
  } catch (error) {
    // Given bytes that are not a certificate, OpenSSL reports its failed PEM attempt: say it plainly.
    const why = reason(error);
    throw new SekishoError('VERIFY_INPUT', `${part} is not a valid X.509 certificate${/PEM routines/.test(why) ? '' : `: ${why}`}`, { cause: error });
  }
  try {
    // Every field that chain building, identity checks and signature checks read later.
    void cert.tbsCertificate.toDER();
    cert.version;
    cert.serialNumber;
    cert.issuer;
    cert.subject;
    cert.publicKey;
    cert.signatureValue;
    if (cert.notBefore.getTime() > cert.notAfter.getTime()) throw new RangeError('validity ends before it starts');
    for (const extension of cert.extensions) void extension.subs[0]?.toOID();
    cert.extBasicConstraints?.isCA;
    cert.extKeyUsage?.digitalSignature;
    cert.extSubjectAltName?.uri;
    cert.extAuthorityKeyID?.keyIdentifier;
    cert.extSubjectKeyID?.keyIdentifier;
    return cert;
  } catch (error) {
    throw new SekishoError('VERIFY_INPUT', `${part} is malformed: ${reason(error)}`, { cause: error });
  }
}
