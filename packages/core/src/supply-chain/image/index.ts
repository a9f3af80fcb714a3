export {
  BUNDLE_ARTIFACT_TYPE,
  COSIGN_SIGN_PREDICATE_TYPE,
  PREDICATE_TYPES,
  SIMPLE_SIGNING_MEDIA_TYPE,
  imageStatement,
  legacyTag,
  parseSimpleSigningPayload,
  predicateTypeFor,
  preAuthEncoding,
  simpleSigningPayload,
} from './payload.js';
export type { SimpleSigningClaim } from './payload.js';
export { attestImage, signImage } from './sign-image.js';
export type { AttestImageOptions, SignImageOptions, SignImageResult, StorageForm } from './sign-image.js';
export { requireVerified, verifyImage } from './verify-image.js';
export type { SignatureCheck, VerifyImageMode, VerifyImageOptions, VerifyImageResult } from './verify-image.js';
export { EMPTY_TRUSTED_ROOT, compileGlob, loadTrustPolicy, parseTrustPolicy, trustPolicySchema, verifyImageTrust } from './trust-policy.js';
export type { ImageTrustOptions, TrustPolicy, TrustPolicyInput, TrustSigner } from './trust-policy.js';
