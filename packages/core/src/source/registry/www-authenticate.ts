/** One authentication challenge from a `WWW-Authenticate` header (RFC 9110 §11.6.1). */
export interface Challenge {
  /** Lower-cased scheme: `bearer`, `basic`. */
  readonly scheme: string;
  /** Lower-cased parameter names. */
  readonly params: Readonly<Record<string, string>>;
}

const MAX_HEADER = 8192;
const MAX_CHALLENGES = 16;
const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

/**
 * Parse challenges with a hand-written scanner (no regex over the untrusted header): `scheme`
 * followed by `name=value` or `name="quoted"` pairs, challenges separated by commas. A token68
 * value (`Basic abc==`) is ignored. Bounded: 8 KiB, 16 challenges.
 */
export function parseChallenges(header: string): Challenge[] {
  const text = header.slice(0, MAX_HEADER);
  const challenges: { scheme: string; params: Record<string, string> }[] = [];
  let i = 0;
  const skipSpace = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  };
  const token = (): string => {
    const start = i;
    while (i < text.length && TOKEN_CHAR.test(text[i] ?? '')) i++;
    return text.slice(start, i);
  };
  let current: { scheme: string; params: Record<string, string> } | null = null;
  while (i < text.length && challenges.length <= MAX_CHALLENGES) {
    skipSpace();
    if (text[i] === ',') {
      i++;
      continue;
    }
    const word = token();
    if (word === '') {
      i++; // stray character: skip it
      continue;
    }
    skipSpace();
    if (text[i] === '=' && current !== null && text[i + 1] !== '=') {
      i++;
      skipSpace();
      let value = '';
      if (text[i] === '"') {
        i++;
        while (i < text.length && text[i] !== '"') {
          if (text[i] === '\\' && i + 1 < text.length) i++;
          value += text[i];
          i++;
        }
        i++;
      } else {
        // Lenient: registries send unquoted URLs, which are not RFC tokens.
        const start = i;
        while (i < text.length && text[i] !== ',' && text[i] !== ' ' && text[i] !== '\t') i++;
        value = text.slice(start, i);
      }
      current.params[word.toLowerCase()] = value;
      continue;
    }
    // A new challenge starts with its scheme; skip a token68 that may follow it.
    current = { scheme: word.toLowerCase(), params: {} };
    challenges.push(current);
    if (text[i] !== ',' && i < text.length) {
      const save = i;
      const next = token();
      skipSpace();
      if (text[i] === '=' && text[i + 1] !== '=' && next !== '') i = save;
      else while (i < text.length && text[i] !== ',') i++;
    }
  }
  return challenges.slice(0, MAX_CHALLENGES);
}
