/**
 * Job payloads cross a trust boundary (the API, webhooks, the job table), so each is checked for
 * shape and size before it is queued and again before a handler runs it.
 */
import { RepositoryError } from '../repository/errors.js';
import type { JobKind, JobPayloads } from './types.js';

export const JOB_KINDS: readonly JobKind[] = ['scan-image', 'scan-repository', 'rematch', 'evaluate-policy'];
const MAX_TEXT = 1024;
const MAX_DIGESTS = 10_000;
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,256}$/;

export function isJobKind(value: unknown): value is JobKind {
  return typeof value === 'string' && (JOB_KINDS as readonly string[]).includes(value);
}

function text(value: unknown, field: string, optional = false): string | undefined {
  if (value === undefined && optional) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_TEXT || hasControlCharacter(value)) {
    throw new RepositoryError('STORE_INVALID', `job payload: ${field} must be a non-empty string of at most ${MAX_TEXT} printable characters`);
  }
  return value;
}

/** True when the text holds an ASCII control character (U+0000-U+001F or U+007F). */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

function digest(value: unknown, field: string, optional = false): string | undefined {
  if (value === undefined && optional) return undefined;
  if (typeof value !== 'string' || !DIGEST.test(value)) throw new RepositoryError('STORE_INVALID', `job payload: ${field} is not a digest (algorithm:hex)`);
  return value;
}

function object(value: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new RepositoryError('STORE_INVALID', 'job payload must be an object');
  const extra = Object.keys(value).filter((k) => !allowed.includes(k));
  if (extra.length > 0) throw new RepositoryError('STORE_INVALID', `job payload: unknown field ${JSON.stringify(extra[0]?.slice(0, 40))}`);
  return value as Record<string, unknown>;
}

/** The payload, checked and copied to exactly its known fields; STORE_INVALID otherwise. */
export function validatePayload<K extends JobKind>(kind: K, payload: unknown): JobPayloads[K] {
  switch (kind) {
    case 'scan-image': {
      const p = object(payload, ['reference', 'digest', 'environment']);
      const d = digest(p['digest'], 'digest', true);
      const e = text(p['environment'], 'environment', true);
      return { reference: text(p['reference'], 'reference') as string, ...(d ? { digest: d } : {}), ...(e ? { environment: e } : {}) } as JobPayloads[K];
    }
    case 'scan-repository': {
      const p = object(payload, ['repository']);
      return { repository: text(p['repository'], 'repository') as string } as JobPayloads[K];
    }
    case 'rematch': {
      const p = object(payload, ['digests', 'dbVersion']);
      let digests: string[] | undefined;
      if (p['digests'] !== undefined) {
        if (!Array.isArray(p['digests']) || p['digests'].length > MAX_DIGESTS) throw new RepositoryError('STORE_INVALID', `job payload: digests must be a list of at most ${MAX_DIGESTS}`);
        digests = p['digests'].map((d, i) => digest(d, `digests[${i}]`) as string);
      }
      return { dbVersion: text(p['dbVersion'], 'dbVersion') as string, ...(digests ? { digests } : {}) } as JobPayloads[K];
    }
    case 'evaluate-policy': {
      const p = object(payload, ['digest', 'environment']);
      const e = text(p['environment'], 'environment', true);
      return { digest: digest(p['digest'], 'digest'), ...(e ? { environment: e } : {}) } as JobPayloads[K];
    }
    default:
      throw new RepositoryError('STORE_INVALID', `unknown job kind ${JSON.stringify(String(kind).slice(0, 40))}`);
  }
}
