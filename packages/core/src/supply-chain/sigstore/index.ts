export { verifyBlob } from './verify-blob.js';
export type {
  ArtifactInput,
  KeyPolicy,
  VerifiedSigner,
  VerifyBlobOptions,
  VerifyPolicy,
  VerifyResult,
} from './verify-blob.js';
export type { CertificateIdentityPolicy } from './identity.js';
export type { PublicKeyInput } from './public-key.js';
export { loadTrustedRoot, parseTrustedRoot } from './trusted-root.js';
export type { TrustedRootJson } from './trusted-root.js';
export { signBlob } from './sign-blob.js';
export type { SignBlobOptions, SignBlobResult } from './sign-blob.js';
