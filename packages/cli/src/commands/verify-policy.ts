import { SekishoError } from '@sekisho/core';
import type { VerifyPolicy } from '@sekisho/core';

/** The signer flags `verify-blob`, `verify` and `verify-attestation` share (cosign's names). */
export interface SignerFlags {
  readonly certificateIdentity?: string;
  readonly certificateIdentityRegexp?: string;
  readonly certificateOidcIssuer?: string;
  readonly certificateOidcIssuerRegexp?: string;
  readonly insecureIgnoreTlog?: boolean;
}

function usage(message: string): never {
  throw new SekishoError('USAGE_INVALID', message);
}

/** Either a public key (read by the caller) or a certificate identity with its OIDC issuer, never both. */
export function signerPolicy(flags: SignerFlags, key: Buffer | undefined): VerifyPolicy {
  const identityFlags = [flags.certificateIdentity, flags.certificateIdentityRegexp, flags.certificateOidcIssuer, flags.certificateOidcIssuerRegexp].some((v) => v !== undefined);
  if (key !== undefined) {
    if (identityFlags) usage('give either --key or the --certificate-identity/--certificate-oidc-issuer flags, not both');
    return { key, tlog: flags.insecureIgnoreTlog === true ? 'if-present' : 'required' };
  }
  if (flags.certificateIdentity === undefined && flags.certificateIdentityRegexp === undefined) {
    usage('give --key, or --certificate-identity (or --certificate-identity-regexp) with --certificate-oidc-issuer');
  }
  if (flags.certificateOidcIssuer === undefined && flags.certificateOidcIssuerRegexp === undefined) {
    usage('give --certificate-oidc-issuer (or --certificate-oidc-issuer-regexp) with the certificate identity');
  }
  return {
    ...(flags.certificateIdentity === undefined ? {} : { certificateIdentity: flags.certificateIdentity }),
    ...(flags.certificateIdentityRegexp === undefined ? {} : { certificateIdentityRegexp: flags.certificateIdentityRegexp }),
    ...(flags.certificateOidcIssuer === undefined ? {} : { certificateOidcIssuer: flags.certificateOidcIssuer }),
    ...(flags.certificateOidcIssuerRegexp === undefined ? {} : { certificateOidcIssuerRegexp: flags.certificateOidcIssuerRegexp }),
  };
}
