/**
 * Certificate identity policy, as cosign's `--certificate-identity[-regexp]` and
 * `--certificate-oidc-issuer[-regexp]` (sigstore/cosign pkg/cosign/verify.go CheckCertificatePolicy):
 * exact values compare for equality; regular expressions match anywhere in the value, as Go's
 * regexp.MatchString does — anchor them (`^…$`) to pin a whole value.
 */
import type { X509Certificate } from '@sigstore/core';
import { SekishoError } from '../../errors.js';

export interface CertificateIdentityPolicy {
  /** Exact Subject Alternative Name (URI, email, or Fulcio username). */
  readonly certificateIdentity?: string;
  readonly certificateIdentityRegexp?: string;
  /** Exact OIDC issuer from the Fulcio extension 1.3.6.1.4.1.57264.1.8 (or the older 1.1). */
  readonly certificateOidcIssuer?: string;
  readonly certificateOidcIssuerRegexp?: string;
}

export interface CertificateIdentity {
  readonly subjectAlternativeNames: readonly string[];
  readonly oidcIssuer: string | undefined;
}

// Fulcio certificate extensions: https://github.com/sigstore/fulcio/blob/main/docs/oid-info.md
const OID_ISSUER_V1 = '1.3.6.1.4.1.57264.1.1'; // raw bytes (deprecated)
const OID_ISSUER_V2 = '1.3.6.1.4.1.57264.1.8'; // DER UTF8String
const OID_OTHERNAME_USERNAME = '1.3.6.1.4.1.57264.1.7';
const MAX_VALUE_LENGTH = 4096;

interface Matcher {
  readonly describe: string;
  test(value: string): boolean;
}

function compile(exact: string | undefined, pattern: string | undefined, what: string): Matcher {
  if ((exact === undefined) === (pattern === undefined)) {
    throw new SekishoError('VERIFY_INPUT', `give exactly one of the ${what} and the ${what} regexp`);
  }
  if (exact !== undefined) {
    if (exact === '') throw new SekishoError('VERIFY_INPUT', `the ${what} is empty`);
    return { describe: JSON.stringify(exact), test: (value) => value === exact };
  }
  let regexp: RegExp;
  try {
    regexp = new RegExp(pattern ?? '', 'u');
  } catch (error) {
    throw new SekishoError('VERIFY_INPUT', `the ${what} regexp does not compile`, { cause: error });
  }
  return { describe: `/${pattern ?? ''}/`, test: (value) => regexp.test(value) };
}

/** Validates the policy before any verification work; throws VERIFY_INPUT. */
export function compileIdentityPolicy(policy: CertificateIdentityPolicy): (identity: CertificateIdentity) => void {
  const san = compile(policy.certificateIdentity, policy.certificateIdentityRegexp, 'certificate identity');
  const issuer = compile(policy.certificateOidcIssuer, policy.certificateOidcIssuerRegexp, 'certificate OIDC issuer');
  return (identity) => {
    // Values come from the (untrusted) certificate: bound them before any regexp runs.
    const names = identity.subjectAlternativeNames.filter((name) => name.length <= MAX_VALUE_LENGTH);
    if (!names.some((name) => san.test(name))) {
      throw new SekishoError('VERIFY_FAILED', `certificate identity ${JSON.stringify(names.join(', '))} does not match the expected ${san.describe}`);
    }
    const actual = identity.oidcIssuer;
    if (actual === undefined || actual.length > MAX_VALUE_LENGTH || !issuer.test(actual)) {
      throw new SekishoError('VERIFY_FAILED', `certificate OIDC issuer ${JSON.stringify(actual ?? '(none)')} does not match the expected ${issuer.describe}`);
    }
  };
}

/** The identity a Fulcio certificate vouches for. */
export function certificateIdentity(cert: X509Certificate): CertificateIdentity {
  const names: string[] = [];
  const sanExt = cert.extSubjectAltName;
  for (const name of [sanExt?.uri, sanExt?.rfc822Name, sanExt?.otherName(OID_OTHERNAME_USERNAME)]) {
    if (name !== undefined && name !== '') names.push(name);
  }
  let oidcIssuer: string | undefined;
  const v2 = cert.extension(OID_ISSUER_V2);
  if (v2 !== undefined) {
    // UTF8String (tag 12) inside the extnValue OCTET STRING.
    const inner = v2.valueObj.subs[0];
    if (inner?.tag.number === 12) oidcIssuer = inner.value.toString('utf8');
  } else {
    oidcIssuer = cert.extension(OID_ISSUER_V1)?.value.toString('utf8');
  }
  return { subjectAlternativeNames: names, oidcIssuer };
}
