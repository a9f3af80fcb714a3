import type { Severity } from '@sekisho/model';
import type { SecretValidatorName } from './types.js';

export interface ValidatorInput {
  /** The secret the regex captured. */
  readonly secret: string;
  /** Named groups of the match. */
  readonly groups: Readonly<Record<string, string | undefined>>;
  /** The bounded window the regex ran on, and where the match starts in it. */
  readonly window: string;
  readonly index: number;
}

export interface ValidatorResult {
  /** Appended to the finding's description. */
  readonly note?: string;
  readonly severity?: Severity;
  readonly title?: string;
  /** Replaces the secret shown (redacted) in the finding. */
  readonly secret?: string;
}

/** `null` rejects the match. */
export type Validator = (input: ValidatorInput) => ValidatorResult | null;

const MAX_DECODE = 64 * 1024;

function decodeBase64(text: string): Buffer | null {
  const clean = text.replace(/\\n|[\s]/g, '');
  if (clean.length === 0 || clean.length > MAX_DECODE || !/^[A-Za-z0-9+/_-]+=*$/.test(clean)) return null;
  return Buffer.from(clean.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

function parseJsonObject(bytes: Buffer | null): Record<string, unknown> | null {
  if (bytes === null) return null;
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function isPrintable(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && c !== 9 && c !== 10 && c !== 13) return false;
    if (c === 0xfffd) return false;
  }
  return true;
}

function clip(text: string, max = 80): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/** RFC 7519 §7.2: the header decodes to a JSON object; here it must name `alg`, and the payload must be a JSON object too. */
const jwt: Validator = ({ secret }) => {
  const [head, body, signature] = secret.split('.');
  const header = parseJsonObject(decodeBase64(head ?? ''));
  const payload = parseJsonObject(decodeBase64(body ?? ''));
  if (payload === null) return null;
  // No signature: only an unsigned token (`alg: none`) whose header says so.
  if ((signature ?? '') === '' && (header === null || String(header.alg).toLowerCase() !== 'none')) return null;
  // A payload that decodes is enough: hand-edited or truncated headers are still bearer tokens.
  if (header === null || typeof header.alg !== 'string') return { note: 'JWT with an undecodable header' };
  const parts = [`JWT signed with ${clip(header.alg, 20)}`];
  if (typeof payload.iss === 'string') parts.push(`issuer ${clip(payload.iss)}`);
  if (typeof payload.exp === 'number' && Number.isFinite(payload.exp) && Math.abs(payload.exp) < 1e11) {
    parts.push(`expires ${new Date(payload.exp * 1000).toISOString()}`);
  } else parts.push('no expiry');
  if (typeof payload.iss === 'string' && payload.iss.includes('kubernetes/serviceaccount')) {
    return { note: parts.join(', '), title: 'Kubernetes service account token', severity: 'high' };
  }
  if (header.alg.toLowerCase() === 'none') return { note: `${parts.join(', ')} (unsigned)`, severity: 'low' };
  return { note: parts.join(', ') };
};

const ENCRYPTED_NOTE = 'encrypted with a passphrase (still crackable offline: rotate it)';
const PLAIN_NOTE = 'not encrypted';

/**
 * PEM private keys (RFC 7468). Encryption: legacy OpenSSL `Proc-Type: 4,ENCRYPTED` headers,
 * PKCS#8 `ENCRYPTED PRIVATE KEY` (RFC 5958), OpenSSH's `ciphername` field (PROTOCOL.key in
 * openssh-portable), and OpenPGP's S2K usage octet of a secret-key packet (RFC 4880 §5.5.3).
 */
const pemPrivateKey: Validator = ({ groups }) => {
  const label = groups.label ?? '';
  const raw = groups.body ?? '';
  const headerless = raw
    .split(/\\n|\r?\n/)
    .filter((line) => !/^[A-Za-z-]{1,40}:/.test(line.trim()) && !line.trim().startsWith('='))
    .join('');
  const body = headerless.replace(/\\n|\s/g, '');
  if (body.length < 64 || !/^[A-Za-z0-9+/]+=*$/.test(body)) return null;
  if (new Set(body).size < 16) return null;
  let encrypted: boolean | null;
  if (/Proc-Type:\s{0,4}4,ENCRYPTED/.test(raw) || label.startsWith('ENCRYPTED')) encrypted = true;
  else if (label === 'OPENSSH PRIVATE KEY') encrypted = opensshEncrypted(decodeBase64(body));
  else if (label === 'PGP PRIVATE KEY BLOCK') encrypted = pgpEncrypted(decodeBase64(body));
  else encrypted = false;
  const secret = body.slice(0, 64);
  if (encrypted === true) return { note: ENCRYPTED_NOTE, severity: 'medium', secret };
  if (encrypted === null) return { note: 'encryption could not be determined', secret };
  return { note: PLAIN_NOTE, secret };
};

function opensshEncrypted(bytes: Buffer | null): boolean | null {
  const magic = 'openssh-key-v1\0';
  if (bytes === null || bytes.length < magic.length + 4 || bytes.toString('latin1', 0, magic.length) !== magic) return null;
  const len = bytes.readUInt32BE(magic.length);
  if (len > 64 || bytes.length < magic.length + 4 + len) return null;
  return bytes.toString('latin1', magic.length + 4, magic.length + 4 + len) !== 'none';
}

function pgpEncrypted(bytes: Buffer | null): boolean | null {
  if (bytes === null || bytes.length < 8) return null;
  const tag = bytes[0]!;
  if ((tag & 0x80) === 0) return null;
  let packetType: number;
  let offset: number;
  if ((tag & 0x40) !== 0) {
    packetType = tag & 0x3f;
    const first = bytes[1]!;
    offset = first < 192 ? 2 : first < 224 ? 3 : 6;
  } else {
    packetType = (tag >> 2) & 0x0f;
    const lengthType = tag & 0x03;
    offset = 1 + (lengthType === 0 ? 1 : lengthType === 1 ? 2 : lengthType === 2 ? 4 : 0);
  }
  if (packetType !== 5) return null;
  const version = bytes[offset];
  if (version !== 4) return null;
  const algo = bytes[offset + 5]!;
  let p = offset + 6;
  const mpi = (): boolean => {
    if (p + 2 > bytes.length) return false;
    const bits = bytes.readUInt16BE(p);
    p += 2 + Math.ceil(bits / 8);
    return p <= bytes.length;
  };
  const oid = (): boolean => {
    const len = bytes[p];
    if (len === undefined) return false;
    p += 1 + len;
    return p <= bytes.length;
  };
  let ok: boolean;
  if (algo === 1 || algo === 2 || algo === 3) ok = mpi() && mpi();
  else if (algo === 17) ok = mpi() && mpi() && mpi() && mpi();
  else if (algo === 16 || algo === 20) ok = mpi() && mpi() && mpi();
  else if (algo === 19 || algo === 22) ok = oid() && mpi();
  else if (algo === 18) {
    ok = oid() && mpi();
    const kdf = bytes[p];
    if (ok && kdf !== undefined) p += 1 + kdf;
  } else return null;
  if (!ok || p >= bytes.length) return null;
  return bytes[p] !== 0;
}

const puttyPrivateKey: Validator = ({ groups }) => {
  const encryption = groups.encryption ?? '';
  if (encryption === 'none') return { note: PLAIN_NOTE };
  return { note: `${ENCRYPTED_NOTE} (${clip(encryption, 20)})`, severity: 'medium' };
};

/** A Google service-account key file: `private_key` and `client_email` in the same JSON object. */
const gcpServiceAccount: Validator = ({ window, index }) => {
  const from = Math.max(0, index - 4096);
  const near = window.slice(from, index + 8192);
  if (!/"private_key"\s{0,8}:\s{0,8}"-----BEGIN/.test(near)) return null;
  const email = /"client_email"\s{0,8}:\s{0,8}"([^"\s]{1,200})"/.exec(near)?.[1];
  if (email === undefined) return null;
  const keyId = /"private_key_id"\s{0,8}:\s{0,8}"([0-9a-f]{40})"/.exec(near)?.[1];
  return { note: `service account ${clip(email, 120)}`, secret: keyId ?? email };
};

/** Docker `config.json` `auths.*.auth`: base64 of `user:password`. */
const dockerAuth: Validator = ({ secret }) => {
  const decoded = decodeBase64(secret)?.toString('utf8');
  if (decoded === undefined || !isPrintable(decoded)) return null;
  const colon = decoded.indexOf(':');
  if (colon <= 0 || colon === decoded.length - 1) return null;
  return { note: `decodes to user '${clip(decoded.slice(0, colon), 64)}' and a password` };
};

/** kubeconfig `client-key-data`: base64 of a PEM private key. */
const base64PrivateKey: Validator = ({ secret }) => {
  const decoded = decodeBase64(secret)?.toString('latin1');
  if (decoded === undefined || !/-----BEGIN [A-Z ]{0,20}PRIVATE KEY-----/.test(decoded)) return null;
  return { note: /ENCRYPTED/.test(decoded) ? ENCRYPTED_NOTE : PLAIN_NOTE };
};

/** A base64 value that decodes to printable text (Kubernetes Secret `data`). */
const base64Text: Validator = ({ secret }) => {
  const bytes = decodeBase64(secret);
  if (bytes === null) return null;
  const decoded = bytes.toString('utf8');
  if (decoded.length >= 6 && isPrintable(decoded)) return { note: `decodes to ${decoded.length} characters of text` };
  // Keys and keystores are binary: long enough, it is still the secret's value.
  if (bytes.length >= 16 && secret.replace(/\s/g, '').length % 4 === 0) return { note: `decodes to ${bytes.length} bytes of binary data` };
  return null;
};

/** base64 of a JWT (`ZXlK…` is base64 of `eyJ`): the decoded token must pass the JWT check. */
const base64Jwt: Validator = (input) => {
  const decoded = decodeBase64(input.secret)?.toString('latin1').trim();
  if (decoded === undefined) return null;
  const token = /^eyJ[A-Za-z0-9_\-]{4,8000}\.eyJ[A-Za-z0-9_\-]{2,8000}\.[A-Za-z0-9_\-]{0,2000}$/.exec(decoded)?.[0];
  if (token === undefined) return null;
  const result = jwt({ ...input, secret: token });
  return result === null ? null : { ...result, note: `base64 of a ${result.note ?? 'JWT'}` };
};

export const VALIDATORS = {
  jwt,
  'pem-private-key': pemPrivateKey,
  'putty-private-key': puttyPrivateKey,
  'gcp-service-account': gcpServiceAccount,
  'docker-auth': dockerAuth,
  'base64-private-key': base64PrivateKey,
  'base64-text': base64Text,
  'base64-jwt': base64Jwt,
} as const satisfies Record<SecretValidatorName, Validator>;
