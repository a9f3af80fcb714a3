/**
 * Account databases, read only for what hardening checks need: which accounts can log in with
 * a password (shadow(5), gshadow(5)) and which names have uid 0 (passwd(5)). Hashes are never kept.
 */

/** Names kept per list; the counts stay exact. */
export const MAX_NAMES = 32;
const MAX_NAME = 64;

export type PasswordState = 'hashed' | 'empty' | 'locked' | 'other';

/**
 * The second field of a shadow/gshadow entry. `!`/`*` prefixes lock the account (shadow(5)); a
 * crypt(3) string (`$id$…`, 13-character DES, `_` extended DES) is a usable hash; anything else
 * (`x`, `NP`, `*LK*`) cannot be matched by a password.
 */
export function passwordState(field: string): PasswordState {
  if (field === '') return 'empty';
  if (field.startsWith('!') || field.startsWith('*')) return 'locked';
  if (/^\$[0-9A-Za-z]{1,8}\$/.test(field)) return 'hashed';
  if (/^[./0-9A-Za-z]{13}$/.test(field) || /^_[./0-9A-Za-z]{19}$/.test(field)) return 'hashed';
  return 'other';
}

function cleanName(name: string): string {
  return name.replace(/[^A-Za-z0-9._@$-]/g, '?').slice(0, MAX_NAME);
}

/** Every line: the text is already bounded (the analyzer reads at most 1 MiB and says when it cut). */
function lines(text: string): string[] {
  return text.split('\n').map((l) => l.replace(/\r$/, ''));
}

export interface ShadowSummary {
  readonly hashed: string[];
  readonly empty: string[];
  /** Accounts with a hash, all of them (the name lists are capped). */
  readonly hashedCount: number;
  readonly emptyCount: number;
}

/**
 * `kind` decides what an empty password means: in shadow it lets anyone log in without one
 * (CVE-2019-5021 in Alpine's images); in gshadow it only keeps non-members out of `newgrp`.
 */
export function summarizeShadow(text: string, kind: 'shadow' | 'gshadow'): ShadowSummary {
  const hashed: string[] = [];
  const empty: string[] = [];
  let hashedCount = 0;
  let emptyCount = 0;
  for (const line of lines(text)) {
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon);
    const end = line.indexOf(':', colon + 1);
    const state = passwordState(line.slice(colon + 1, end === -1 ? undefined : end));
    if (state === 'hashed') {
      hashedCount += 1;
      if (hashed.length < MAX_NAMES) hashed.push(cleanName(name));
    } else if (state === 'empty' && kind === 'shadow') {
      emptyCount += 1;
      if (empty.length < MAX_NAMES) empty.push(cleanName(name));
    }
  }
  return { hashed, empty, hashedCount, emptyCount };
}

/** Names of passwd entries whose uid is 0. */
export function uidZeroNames(text: string): string[] {
  const out: string[] = [];
  for (const line of lines(text)) {
    if (line.startsWith('#')) continue;
    const fields = line.split(':', 4);
    if (fields.length < 4 || fields[0] === '') continue;
    if (fields[2] === '0' && out.length < MAX_NAMES) out.push(cleanName(fields[0] ?? ''));
  }
  return out;
}
