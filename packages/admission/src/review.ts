/**
 * The `admission.k8s.io/v1` AdmissionReview as the API server sends it, and the response it
 * expects (https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/).
 * Only the fields the webhook reads are typed; unknown fields are ignored, as the API server
 * ignores unknown response fields.
 */
import { z } from 'zod';

export const ADMISSION_API_VERSION = 'admission.k8s.io/v1' as const;

const groupVersionKind = z.object({ group: z.string().max(253), version: z.string().max(64), kind: z.string().max(253) });
const groupVersionResource = z.object({ group: z.string().max(253), version: z.string().max(64), resource: z.string().max(253) });
const objectValue = z.record(z.string(), z.unknown());

export const admissionRequestSchema = z.object({
  uid: z.string().min(1).max(128),
  kind: groupVersionKind,
  resource: groupVersionResource,
  subResource: z.string().max(253).optional(),
  requestKind: groupVersionKind.optional(),
  name: z.string().max(253).optional(),
  namespace: z.string().max(63).optional(),
  operation: z.enum(['CREATE', 'UPDATE', 'DELETE', 'CONNECT']),
  userInfo: z.object({ username: z.string().max(1024).optional(), uid: z.string().max(256).optional(), groups: z.array(z.string().max(1024)).max(1000).optional() }).optional(),
  object: objectValue.nullable().optional(),
  oldObject: objectValue.nullable().optional(),
  dryRun: z.boolean().optional(),
});

export const admissionReviewSchema = z.object({
  apiVersion: z.literal(ADMISSION_API_VERSION),
  kind: z.literal('AdmissionReview'),
  request: admissionRequestSchema,
});

export type AdmissionRequest = z.infer<typeof admissionRequestSchema>;

export interface AdmissionResponse {
  readonly uid: string;
  readonly allowed: boolean;
  readonly status?: { readonly code: number; readonly reason?: string; readonly message: string };
  readonly warnings?: readonly string[];
  /** Keys are prefixed with the webhook's name by the API server, so they carry no prefix here. */
  readonly auditAnnotations?: Readonly<Record<string, string>>;
  readonly patchType?: 'JSONPatch';
  /** Base64 of the JSON Patch (RFC 6902). */
  readonly patch?: string;
}

export interface AdmissionReviewResponse {
  readonly apiVersion: typeof ADMISSION_API_VERSION;
  readonly kind: 'AdmissionReview';
  readonly response: AdmissionResponse;
}

export function reviewResponse(response: AdmissionResponse): AdmissionReviewResponse {
  return { apiVersion: ADMISSION_API_VERSION, kind: 'AdmissionReview', response };
}

export type ParsedReview = { readonly ok: true; readonly request: AdmissionRequest } | { readonly ok: false; readonly message: string };

/** Validates a parsed JSON value as an AdmissionReview request; the message names the first bad field. */
export function parseAdmissionReview(value: unknown): ParsedReview {
  const parsed = admissionReviewSchema.safeParse(value);
  if (parsed.success) return { ok: true, request: parsed.data.request };
  const issue = parsed.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? '' : `${issue.path.join('.')}: `;
  return { ok: false, message: `not an admission.k8s.io/v1 AdmissionReview request: ${where}${issue?.message ?? 'invalid'}` };
}
