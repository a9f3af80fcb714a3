/**
 * A miniature sigstore for tests: a Fulcio-like CA issuing short-lived leaf certificates with
 * the Fulcio identity extensions, a Rekor-like log that signs entry timestamps (SET) and
 * checkpoints for a one-leaf Merkle tree, a TrustedRoot naming them, and message-signature /
 * DSSE bundles over a blob. Only tests import this module.
 *
 * Formats: X.509 (RFC 5280), Fulcio OIDs (sigstore/fulcio docs/oid-info.md), Rekor SET and
 * hashedrekord 0.0.1 bodies (sigstore/rekor), checkpoints (transparency-dev/formats log/README.md),
 * RFC 6962 leaf hashing, DSSE v1 PAE.
 */
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

// ---- DER (X.690) writer ----
function tlv(tag: number, content: Buffer): Buffer {
  const len = content.length;
  let header: Buffer;
  if (len < 0x80) header = Buffer.from([tag, len]);
  else if (len < 0x100) header = Buffer.from([tag, 0x81, len]);
  else if (len < 0x10000) header = Buffer.from([tag, 0x82, len >> 8, len & 0xff]);
  else header = Buffer.from([tag, 0x83, len >> 16, (len >> 8) & 0xff, len & 0xff]);
  return Buffer.concat([header, content]);
}
const seq = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat(items));
const octets = (b: Buffer): Buffer => tlv(0x04, b);
const utf8 = (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8'));
const bool = (v: boolean): Buffer => tlv(0x01, Buffer.from([v ? 0xff : 0]));
const explicit = (n: number, content: Buffer): Buffer => tlv(0xa0 + n, content);
const bits = (b: Buffer, unused = 0): Buffer => tlv(0x03, Buffer.concat([Buffer.from([unused]), b]));

function integer(v: bigint): Buffer {
  let hex = v.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if ((bytes[0] ?? 0) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(0x02, bytes);
}

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const out = [40 * (parts[0] ?? 0) + (parts[1] ?? 0)];
  for (const part of parts.slice(2)) {
    const stack = [part & 0x7f];
    for (let v = part >>> 7; v > 0; v >>>= 7) stack.unshift((v & 0x7f) | 0x80);
    out.push(...stack);
  }
  return tlv(0x06, Buffer.from(out));
}

function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${iso}Z`));
}

const name = (cn: string): Buffer => seq(set(seq(oid('2.5.4.10'), utf8('sekisho-test'))), set(seq(oid('2.5.4.3'), utf8(cn))));
const extension = (id: string, critical: boolean, value: Buffer): Buffer => (critical ? seq(oid(id), bool(true), octets(value)) : seq(oid(id), octets(value)));

const ECDSA_WITH_SHA256 = seq(oid('1.2.840.10045.4.3.2'));

export interface KeyPair {
  readonly publicKey: KeyObject;
  readonly privateKey: KeyObject;
}

export function ecKeyPair(curve: 'P-256' | 'P-384' = 'P-256'): KeyPair {
  return generateKeyPairSync('ec', { namedCurve: curve });
}

function spki(key: KeyObject): Buffer {
  return key.export({ format: 'der', type: 'spki' });
}

function keyId(key: KeyObject): Buffer {
  // RFC 5280 §4.2.1.2 method 1 would hash the BIT STRING only; any stable identifier works here.
  return createHash('sha1').update(spki(key)).digest();
}

export interface IssuedCertificate {
  readonly der: Buffer;
  readonly keys: KeyPair;
  readonly subject: string;
}

let serial = 1000n;

function issue(options: { subject: string; keys: KeyPair; issuer: IssuedCertificate | undefined; notBefore: Date; notAfter: Date; extensions: Buffer[] }): IssuedCertificate {
  const signer = options.issuer?.keys ?? options.keys;
  const tbs = seq(
    explicit(0, integer(2n)),
    integer(serial++),
    ECDSA_WITH_SHA256,
    name(options.issuer?.subject ?? options.subject),
    seq(time(options.notBefore), time(options.notAfter)),
    name(options.subject),
    spki(options.keys.publicKey),
    explicit(3, seq(extension('2.5.29.35', false, seq(tlv(0x80, keyId(signer.publicKey)))), ...options.extensions)),
  );
  const signature = sign('sha256', tbs, signer.privateKey);
  return { der: seq(tbs, ECDSA_WITH_SHA256, bits(signature)), keys: options.keys, subject: options.subject };
}

export function makeCa(options: { subject: string; notBefore: Date; notAfter: Date; parent?: IssuedCertificate; keys?: KeyPair }): IssuedCertificate {
  const keys = options.keys ?? ecKeyPair();
  return issue({
    subject: options.subject,
    keys,
    issuer: options.parent,
    notBefore: options.notBefore,
    notAfter: options.notAfter,
    extensions: [
      extension('2.5.29.19', true, seq(bool(true))),
      extension('2.5.29.15', true, bits(Buffer.from([0x06]), 1)), // keyCertSign | cRLSign
      extension('2.5.29.14', false, octets(keyId(keys.publicKey))),
    ],
  });
}

export interface LeafOptions {
  readonly issuer: IssuedCertificate;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly san?: { readonly uri: string } | { readonly email: string };
  /** Written to the new issuer extension (1.3.6.1.4.1.57264.1.8) unless `v1Issuer` is set. */
  readonly oidcIssuer?: string;
  readonly v1Issuer?: boolean;
  readonly keys?: KeyPair;
  readonly ca?: boolean;
  readonly codeSigning?: boolean;
}

export function makeLeaf(options: LeafOptions): IssuedCertificate {
  const keys = options.keys ?? ecKeyPair();
  const extensions = [
    extension('2.5.29.15', true, bits(Buffer.from([0x80]), 7)), // digitalSignature
    extension('2.5.29.14', false, octets(keyId(keys.publicKey))),
  ];
  if (options.codeSigning !== false) extensions.push(extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.3'))));
  if (options.ca === true) extensions.push(extension('2.5.29.19', true, seq(bool(true))));
  if (options.san !== undefined) {
    const general = 'uri' in options.san ? tlv(0x86, Buffer.from(options.san.uri)) : tlv(0x81, Buffer.from(options.san.email));
    extensions.push(extension('2.5.29.17', true, seq(general)));
  }
  if (options.oidcIssuer !== undefined) {
    extensions.push(options.v1Issuer === true ? extension('1.3.6.1.4.1.57264.1.1', false, Buffer.from(options.oidcIssuer)) : extension('1.3.6.1.4.1.57264.1.8', false, utf8(options.oidcIssuer)));
  }
  return issue({ subject: '', keys, issuer: options.issuer, notBefore: options.notBefore, notAfter: options.notAfter, extensions });
}

export function pem(der: Buffer, label: string): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

// ---- log ----
export interface TestLog {
  readonly keys: KeyPair;
  readonly logId: Buffer;
  readonly baseUrl: string;
  readonly origin: string;
}

export function makeLog(host = 'rekor.test.example'): TestLog {
  const keys = ecKeyPair();
  return { keys, logId: createHash('sha256').update(spki(keys.publicKey)).digest(), baseUrl: `https://${host}`, origin: `${host} - 1` };
}

/** RFC 8785-style canonical JSON for the flat objects used here (sorted keys, no spaces). */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export interface TlogEntryOptions {
  readonly log: TestLog;
  readonly body: object;
  readonly kind: string;
  readonly version: string;
  readonly integratedTime: Date;
  readonly logIndex?: number;
}

/** A tlog entry for a one-leaf tree: SET plus an inclusion proof with a signed checkpoint. */
export function makeTlogEntry(options: TlogEntryOptions): object {
  const body = Buffer.from(canonical(options.body));
  const logIndex = options.logIndex ?? 0;
  const integratedTime = Math.floor(options.integratedTime.getTime() / 1000);
  const set = sign('sha256', Buffer.from(canonical({ body: body.toString('base64'), integratedTime, logID: options.log.logId.toString('hex'), logIndex })), options.log.keys.privateKey);
  const root = createHash('sha256')
    .update(Buffer.from([0]))
    .update(body)
    .digest();
  const note = `${options.log.origin}\n1\n${root.toString('base64')}\n`;
  const noteSig = sign('sha256', Buffer.from(note), options.log.keys.privateKey);
  const host = new URL(options.log.baseUrl).host;
  const envelope = `${note}\n\u2014 ${host} ${Buffer.concat([options.log.logId.subarray(0, 4), noteSig]).toString('base64')}\n`;
  return {
    logIndex: String(logIndex),
    logId: { keyId: options.log.logId.toString('base64') },
    kindVersion: { kind: options.kind, version: options.version },
    integratedTime: String(integratedTime),
    inclusionPromise: { signedEntryTimestamp: set.toString('base64') },
    inclusionProof: {
      logIndex: '0',
      rootHash: root.toString('base64'),
      treeSize: '1',
      hashes: [],
      checkpoint: { envelope },
    },
    canonicalizedBody: body.toString('base64'),
  };
}

export function hashedRekordBody(signature: Buffer, digestHex: string, verifierPem: string): object {
  return {
    apiVersion: '0.0.1',
    kind: 'hashedrekord',
    spec: {
      data: { hash: { algorithm: 'sha256', value: digestHex } },
      signature: { content: signature.toString('base64'), publicKey: { content: Buffer.from(verifierPem).toString('base64') } },
    },
  };
}

export function dsseRekordBody(payload: Buffer, signature: Buffer, verifierPem: string): object {
  return {
    apiVersion: '0.0.1',
    kind: 'dsse',
    spec: {
      envelopeHash: { algorithm: 'sha256', value: createHash('sha256').update(payload).digest('hex') },
      payloadHash: { algorithm: 'sha256', value: createHash('sha256').update(payload).digest('hex') },
      signatures: [{ signature: signature.toString('base64'), verifier: Buffer.from(verifierPem).toString('base64') }],
    },
  };
}

export function pae(payloadType: string, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(payloadType)} ${payloadType} ${payload.length} `), payload]);
}

// ---- trusted root ----
export function makeTrustedRoot(options: { cas: readonly { chain: readonly IssuedCertificate[]; start: Date; end?: Date }[]; tlogs: readonly TestLog[]; tlogStart?: Date }): object {
  return {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: options.tlogs.map((log) => ({
      baseUrl: log.baseUrl,
      hashAlgorithm: 'SHA2_256',
      publicKey: {
        rawBytes: spki(log.keys.publicKey).toString('base64'),
        keyDetails: 'PKIX_ECDSA_P256_SHA_256',
        validFor: { start: (options.tlogStart ?? new Date('2020-01-01T00:00:00Z')).toISOString() },
      },
      logId: { keyId: log.logId.toString('base64') },
    })),
    certificateAuthorities: options.cas.map((ca) => ({
      subject: { organization: 'sekisho-test', commonName: ca.chain[0]?.subject ?? '' },
      uri: 'https://fulcio.test.example',
      certChain: { certificates: ca.chain.map((c) => ({ rawBytes: c.der.toString('base64') })) },
      validFor: { start: ca.start.toISOString(), ...(ca.end === undefined ? {} : { end: ca.end.toISOString() }) },
    })),
    ctlogs: [],
    timestampAuthorities: [],
  };
}

export const BUNDLE_V03 = 'application/vnd.dev.sigstore.bundle.v0.3+json';
