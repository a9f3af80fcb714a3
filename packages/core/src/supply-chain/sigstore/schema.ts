/**
 * Schemas at the parsing edges of sigstore verification.
 * TrustedRoot: sigstore/protobuf-specs protos/sigstore_trustroot.proto (protobuf JSON mapping:
 * camelCase names, bytes as base64, Timestamp as RFC 3339).
 * In-toto Statement: https://github.com/in-toto/attestation/blob/main/spec/v1/statement.md
 */
import { z } from 'zod';

const MAX_ENTRIES = 64;
const MAX_BYTES_B64 = 64 * 1024;

// Standard or URL-safe alphabet, optional padding; linear-time.
const base64 = z
  .string()
  .max(MAX_BYTES_B64)
  .regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'not base64');

const timestamp = z
  .string()
  .max(64)
  .refine((s) => !Number.isNaN(Date.parse(s)), 'not an RFC 3339 timestamp');

// TimeRange: `start` is required by the spec; a missing start must not be read as "always".
const timeRange = z.object({ start: timestamp, end: timestamp.nullish() });

const transparencyLogInstance = z.object({
  baseUrl: z.string().max(2048),
  hashAlgorithm: z.string().max(64).nullish(),
  publicKey: z.object({
    rawBytes: base64,
    keyDetails: z.string().max(64),
    validFor: timeRange,
  }),
  logId: z.object({ keyId: base64 }),
  checkpointKeyId: z.object({ keyId: base64 }).nullish(),
});

const certificateAuthority = z.object({
  subject: z.object({ organization: z.string().max(1024).optional(), commonName: z.string().max(1024).optional() }).nullish(),
  uri: z.string().max(2048).nullish(),
  certChain: z.object({
    certificates: z
      .array(z.object({ rawBytes: base64 }))
      .min(1)
      .max(16),
  }),
  validFor: timeRange,
});

export const trustedRootSchema = z.object({
  mediaType: z
    .string()
    .max(256)
    .regex(/^application\/vnd\.dev\.sigstore\.trustedroot(\.v0\.[12]\+json|\+json;version=0\.1)$/, 'unknown trusted root media type'),
  tlogs: z.array(transparencyLogInstance).max(MAX_ENTRIES).default([]),
  certificateAuthorities: z.array(certificateAuthority).max(MAX_ENTRIES).default([]),
  ctlogs: z.array(transparencyLogInstance).max(MAX_ENTRIES).default([]),
  timestampAuthorities: z.array(certificateAuthority).max(MAX_ENTRIES).default([]),
});

export type TrustedRootJson = z.input<typeof trustedRootSchema>;
export type ParsedTrustedRootJson = z.output<typeof trustedRootSchema>;
export type TransparencyLogInstanceJson = z.output<typeof transparencyLogInstance>;
export type CertificateAuthorityJson = z.output<typeof certificateAuthority>;

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

export const inTotoStatementSchema = z.object({
  _type: z.enum(['https://in-toto.io/Statement/v0.1', 'https://in-toto.io/Statement/v1']),
  subject: z
    .array(
      z.object({
        name: z.string().max(4096).optional(),
        digest: z.record(z.string().max(64), z.string().max(1024)),
      }),
    )
    .min(1)
    .max(10_000),
  predicateType: z.string().max(2048),
});

export type InTotoStatement = z.output<typeof inTotoStatementSchema>;
