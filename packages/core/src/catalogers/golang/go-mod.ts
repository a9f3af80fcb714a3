/**
 * `go.mod` as declared evidence: the `require` list with `replace` directives applied, plus the
 * `h1:` digests `go.sum` beside it states. Grammar: https://go.dev/ref/mod#go-mod-file-grammar
 * (line and block forms, `//` comments, interpreted and raw quoted strings).
 */

export interface GoModRequire {
  readonly path: string;
  readonly version: string;
  readonly indirect: boolean;
  /** The module that replaces it (a path with a version, or a local directory with none). */
  readonly replace: { readonly path: string; readonly version: string } | null;
}

export interface GoModFile {
  readonly module: string;
  readonly goVersion: string;
  readonly toolchain: string;
  readonly requires: readonly GoModRequire[];
}

const DIRECTIVES = new Set(['module', 'go', 'toolchain', 'godebug', 'require', 'replace', 'exclude', 'retract', 'tool', 'ignore']);
const MAX_LINES = 200_000;

function tokenize(line: string): { tokens: string[]; comment: string } {
  const tokens: string[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (line.startsWith('//', i)) {
      return { tokens, comment: line.slice(i + 2).trim() };
    } else if (c === '"' || c === '`') {
      let j = i + 1;
      while (j < line.length && line[j] !== c) j += line[j] === '\\' && c === '"' ? 2 : 1;
      const raw = line.slice(i, j + 1);
      let value = raw.slice(1, -1);
      if (c === '"') {
        try {
          value = JSON.parse(raw) as string;
        } catch {
          // keep the unquoted text
        }
      }
      tokens.push(value);
      i = j + 1;
    } else {
      let j = i;
      while (j < line.length && !' \t\r"`'.includes(line[j] ?? ' ') && !line.startsWith('//', j)) j++;
      tokens.push(line.slice(i, j));
      i = j;
    }
  }
  return { tokens, comment: '' };
}

/** Parse go.mod text; unknown directives and malformed lines are errors, like `go mod` itself. */
export function parseGoMod(text: string): GoModFile | { error: string } {
  const lines = text.split('\n');
  if (lines.length > MAX_LINES) return { error: `more than ${MAX_LINES} lines` };
  let module = '';
  let goVersion = '';
  let toolchain = '';
  const requires: { path: string; version: string; indirect: boolean }[] = [];
  const replaces: { from: string; fromVersion: string; to: string; toVersion: string }[] = [];
  let block: string | null = null;

  const handle = (verb: string, args: string[], comment: string, lineNo: number): string | null => {
    switch (verb) {
      case 'module':
        module = args[0] ?? '';
        return null;
      case 'go':
        goVersion = args[0] ?? '';
        return null;
      case 'toolchain':
        toolchain = args[0] ?? '';
        return null;
      case 'require':
        if (args.length !== 2 || !args[0] || !args[1]) return `line ${lineNo}: require needs a module path and a version`;
        requires.push({ path: args[0], version: args[1], indirect: /^indirect\b/.test(comment) });
        return null;
      case 'replace': {
        const arrow = args.indexOf('=>');
        if (arrow < 1 || arrow > 2 || args.length - arrow - 1 < 1 || args.length - arrow - 1 > 2) return `line ${lineNo}: malformed replace`;
        replaces.push({ from: args[0] ?? '', fromVersion: arrow === 2 ? (args[1] ?? '') : '', to: args[arrow + 1] ?? '', toVersion: args[arrow + 2] ?? '' });
        return null;
      }
      default:
        return null;
    }
  };

  for (let n = 0; n < lines.length; n++) {
    const { tokens, comment } = tokenize(lines[n] ?? '');
    if (block !== null) {
      if (tokens.length === 1 && tokens[0] === ')') {
        block = null;
        continue;
      }
      if (tokens.length === 0) continue;
      const err = handle(block, tokens, comment, n + 1);
      if (err) return { error: err };
      continue;
    }
    if (tokens.length === 0) continue;
    const [verb, ...args] = tokens as [string, ...string[]];
    if (!DIRECTIVES.has(verb)) return { error: `line ${n + 1}: unknown directive ${JSON.stringify(verb.slice(0, 40))}` };
    if (args.length === 1 && args[0] === '(') {
      block = verb;
      continue;
    }
    const err = handle(verb, args, comment, n + 1);
    if (err) return { error: err };
  }
  if (block !== null) return { error: `unterminated ${block} block` };
  return {
    module,
    goVersion,
    toolchain,
    requires: requires.map((r) => {
      const rep = replaces.find((x) => x.from === r.path && (x.fromVersion === '' || x.fromVersion === r.version));
      return { ...r, replace: rep ? { path: rep.to, version: rep.toVersion } : null };
    }),
  };
}

/** `go.sum` → map of `path@version` → `h1:` digest of the module zip (the `/go.mod` lines are skipped). */
export function parseGoSum(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split('\n');
  for (const line of lines.slice(0, MAX_LINES)) {
    const f = line.trim().split(/\s+/);
    if (f.length !== 3 || !f[0] || !f[1] || f[1].endsWith('/go.mod') || !f[2]?.startsWith('h1:')) continue;
    out.set(`${f[0]}@${f[1]}`, f[2]);
  }
  return out;
}
