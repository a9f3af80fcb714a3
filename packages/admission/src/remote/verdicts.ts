import type { PolicyDecision } from '@sekisho/model';
import { DECISION_SCHEMA } from '@sekisho/model';
import { request as undiciRequest } from 'undici';

/**
 * What the server knows of an image digest in an environment: its stored policy decision (made by
 * `evaluatePolicy`, the same call as the CLI gate), or nothing yet.
 */
export type ImageVerdict = { readonly kind: 'found'; readonly decision: PolicyDecision; readonly scannedAt: string | null } | { readonly kind: 'missing'; readonly why: string };

/** Where image verdicts come from. Implementations throw on failure; the caller applies `onError`. */
export interface VerdictSource {
  readonly name: string;
  lookup(digest: string, environment: string, signal: AbortSignal): Promise<ImageVerdict>;
  /** Asks for a scan of an image the source has no verdict for, judged for `environment` (best effort). */
  requestScan?(reference: string, digest: string, environment: string, signal: AbortSignal): Promise<void>;
}

export interface HttpVerdictSourceOptions {
  /** Server base URL, e.g. `https://sekisho.sekisho-system.svc:8080`. */
  readonly server: string;
  readonly token?: string;
  /** Largest response read (default 4 MiB). */
  readonly maxBytes?: number;
}

const DIGEST = /^sha(256:[0-9a-f]{64}|512:[0-9a-f]{128})$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isDecision(value: unknown): value is PolicyDecision {
  return (
    isRecord(value) &&
    value['schema'] === DECISION_SCHEMA &&
    typeof value['environment'] === 'string' &&
    (value['result'] === 'pass' || value['result'] === 'warn' || value['result'] === 'fail') &&
    Array.isArray(value['rules'])
  );
}

/** Decisions read per look-up: the newest for the environment is among them unless it is very old. */
const DECISIONS_PAGE = 100;

/**
 * The server's API (`/api/v1`): `GET /images/{digest}` (404: never scanned), then
 * `GET /images/{digest}/decisions?limit=100` (StoredDecision items `{ decision }`, newest first):
 * the newest decision for the environment is the verdict. A miss is
 * `POST /jobs {kind: scan-image, reference, digest, environment}`. A reply of any other shape is an
 * error, so a broken server is never read as a clean verdict.
 */
export class HttpVerdictSource implements VerdictSource {
  readonly name: string;
  readonly #base: URL;
  readonly #headers: Record<string, string>;
  readonly #maxBytes: number;

  constructor(options: HttpVerdictSourceOptions) {
    this.#base = new URL(options.server.endsWith('/') ? options.server : `${options.server}/`);
    if (this.#base.protocol !== 'https:' && this.#base.protocol !== 'http:') throw new Error(`--server must be an http(s) URL (got ${this.#base.protocol})`);
    this.name = this.#base.origin;
    this.#headers = { accept: 'application/json', ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }) };
    this.#maxBytes = options.maxBytes ?? 4 * 1024 * 1024;
  }

  async #get(path: string, signal: AbortSignal): Promise<{ status: number; body: unknown }> {
    // undici's request follows no redirect: a 3xx is an answer of the wrong kind
    const res = await undiciRequest(new URL(path, this.#base), { method: 'GET', headers: this.#headers, signal });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > this.#maxBytes) {
        res.body.destroy();
        throw new Error(`${this.name}: reply larger than ${this.#maxBytes} bytes`);
      }
      chunks.push(chunk as Buffer);
    }
    if (res.statusCode === 404) return { status: 404, body: null };
    if (res.statusCode !== 200) throw new Error(`${this.name} answered ${res.statusCode}${path.includes('/decisions') ? ' (decisions)' : ''}`);
    try {
      return { status: 200, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown };
    } catch {
      throw new Error(`${this.name} answered with something that is not JSON`);
    }
  }

  async lookup(digest: string, environment: string, signal: AbortSignal): Promise<ImageVerdict> {
    if (!DIGEST.test(digest)) throw new Error(`not a digest: ${digest.slice(0, 80)}`);
    const image = await this.#get(`api/v1/images/${digest}`, signal);
    if (image.status === 404) return { kind: 'missing', why: 'the server has no scan of this digest' };
    const decisions = await this.#get(`api/v1/images/${digest}/decisions?limit=${DECISIONS_PAGE}`, signal);
    if (decisions.status === 404) return { kind: 'missing', why: `the server has no decision for environment ${environment}` };
    const items = isRecord(decisions.body) && Array.isArray(decisions.body['items']) ? decisions.body['items'] : null;
    if (items === null) throw new Error(`${this.name}: decisions of ${digest} are not a page of items`);
    let decision: PolicyDecision | undefined;
    for (const item of items) {
      const candidate = isRecord(item) ? item['decision'] : undefined;
      if (!isDecision(candidate)) throw new Error(`${this.name}: a decision for ${digest} is not a sekisho.decision/v1`);
      if (candidate.environment === environment) {
        decision = candidate;
        break;
      }
    }
    if (decision === undefined) return { kind: 'missing', why: `the server has no decision for environment ${environment}` };
    const scannedAt = isRecord(image.body) && typeof image.body['lastScannedAt'] === 'string' ? image.body['lastScannedAt'] : null;
    return { kind: 'found', decision, scannedAt };
  }

  async requestScan(reference: string, digest: string, environment: string, signal: AbortSignal): Promise<void> {
    const res = await undiciRequest(new URL('api/v1/jobs', this.#base), {
      method: 'POST',
      headers: { ...this.#headers, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'scan-image', reference, digest, environment }),
      signal,
    });
    await res.body.dump({ limit: 64 * 1024 });
    if (res.statusCode >= 300) throw new Error(`${this.name}: scan request answered ${res.statusCode}`);
  }
}
