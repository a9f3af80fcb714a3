/**
 * Dockerfile parser following the Dockerfile reference (https://docs.docker.com/reference/dockerfile/,
 * BuildKit frontend `dockerfile:1`): parser directives (`# escape=`, `# syntax=`, `# check=`) at the
 * very top; comments; line continuations with the escape character (comment and blank lines inside
 * a continuation are dropped); heredocs on RUN/COPY/ADD (`<<EOF`, `<<-EOF`, quoted delimiters,
 * several per line, optional fd prefix `3<<EOF`); exec (JSON) vs shell form; instruction flags;
 * ARG/ENV expansion with the reference's scoping (ARGs before the first FROM are visible to FROM
 * lines only; a stage sees a global ARG after re-declaring it; ENV wins over ARG; a stage built
 * `FROM` an earlier stage inherits its ENV and USER); multi-stage (`FROM x AS name`, `--from=`).
 *
 * It is forgiving like a linter, not strict like a builder: an unknown instruction or an unterminated
 * heredoc becomes a warning. Only input that is not a Dockerfile at all (binary, too large, no
 * instruction) is rejected, with a SekishoError.
 */
import { SekishoError } from '../../errors.js';
import { expandWord, expandWords, splitRawWords, unquote, type VariableLookup } from './shell-words.js';

export type DockerfileEscape = '\\' | '`';

export interface DockerfileLimits {
  readonly maxBytes: number;
  readonly maxLines: number;
  readonly maxInstructions: number;
  /** Longest logical line (continuations joined, heredoc bodies included). */
  readonly maxLogicalLine: number;
  readonly maxHeredocsPerInstruction: number;
}

export const DEFAULT_DOCKERFILE_LIMITS: DockerfileLimits = {
  maxBytes: 1024 * 1024,
  maxLines: 50_000,
  maxInstructions: 10_000,
  maxLogicalLine: 256 * 1024,
  maxHeredocsPerInstruction: 32,
};

export const DOCKERFILE_INSTRUCTIONS = [
  'ADD',
  'ARG',
  'CMD',
  'COPY',
  'ENTRYPOINT',
  'ENV',
  'EXPOSE',
  'FROM',
  'HEALTHCHECK',
  'LABEL',
  'MAINTAINER',
  'ONBUILD',
  'RUN',
  'SHELL',
  'STOPSIGNAL',
  'USER',
  'VOLUME',
  'WORKDIR',
] as const;
export type DockerfileKeyword = (typeof DOCKERFILE_INSTRUCTIONS)[number];

const HEREDOC_INSTRUCTIONS = new Set(['RUN', 'COPY', 'ADD']);
/** Instructions whose arguments the builder expands (reference: "Environment replacement"). */
const EXPANDING = new Set(['ADD', 'COPY', 'ENV', 'EXPOSE', 'FROM', 'LABEL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR', 'ARG']);
/** Instructions that accept the JSON (exec) form. */
const JSON_FORM = new Set(['RUN', 'CMD', 'ENTRYPOINT', 'SHELL', 'ADD', 'COPY', 'VOLUME', 'HEALTHCHECK']);
/** Platform ARGs the builder predefines in the global scope (values known only at build time). */
const AUTOMATIC_ARGS = new Set(['BUILDPLATFORM', 'BUILDOS', 'BUILDARCH', 'BUILDVARIANT', 'TARGETPLATFORM', 'TARGETOS', 'TARGETARCH', 'TARGETVARIANT', 'TARGETSTAGE', 'BUILDKIT_SYNTAX']);

export interface InstructionFlag {
  readonly name: string;
  /** `null` for a bare flag (`--link`). */
  readonly value: string | null;
}

export interface Heredoc {
  /** Delimiter word with quotes removed. */
  readonly delimiter: string;
  readonly content: string;
  /** `<<-`: leading tabs stripped from the body and the closing line. */
  readonly stripTabs: boolean;
  /** False when the delimiter was quoted: the body is not expanded. */
  readonly expand: boolean;
  /** `3<<EOF` → 3. */
  readonly fileDescriptor: number | null;
  /** Line of the first body line. */
  readonly line: number;
  readonly terminated: boolean;
}

export interface KeyValue {
  readonly key: string;
  /** Raw value as written (quotes kept), `null` for `ARG NAME` without a default. */
  readonly raw: string | null;
  /** Value after expansion and quote removal; `null` when unset. */
  readonly value: string | null;
  /** Variables the value referenced that were unset in scope. */
  readonly unresolved: readonly string[];
}

/** A parsed `--mount=` option of RUN (type=secret, cache, bind, ssh, tmpfs). */
export interface RunMount {
  readonly type: string;
  readonly options: Readonly<Record<string, string>>;
}

export interface DockerfileInstruction {
  /** Upper-case keyword (`RUN`); unknown keywords are kept as written, upper-cased. */
  readonly keyword: string;
  /** 1-based line of the keyword. */
  readonly line: number;
  /** Last line, including continuation lines and heredoc bodies. */
  readonly endLine: number;
  /** Arguments after keyword and flags as written (continuations joined, comments dropped). */
  readonly args: string;
  readonly flags: readonly InstructionFlag[];
  /** Exec form: the JSON array; `null` for the shell/plain form. */
  readonly json: readonly string[] | null;
  readonly heredocs: readonly Heredoc[];
  /** Index of the stage, -1 before the first FROM. */
  readonly stage: number;
  /** Words after expansion, for instructions the builder expands (`null` for others, e.g. RUN). */
  readonly words: readonly string[] | null;
  /** Variables referenced but unset in scope (only for expanding instructions). */
  readonly unresolved: readonly string[];
  /** ENV, ARG and LABEL pairs. */
  readonly pairs: readonly KeyValue[];
  /** RUN `--mount=` options. */
  readonly mounts: readonly RunMount[];
  /** ONBUILD's trigger instruction. */
  readonly trigger: DockerfileInstruction | null;
}

export interface DockerfileStage {
  readonly index: number;
  /** `AS name`, lower-cased as the builder compares it. */
  readonly name: string | null;
  readonly line: number;
  /** Base image after expansion (or the earlier stage's name). */
  readonly image: string;
  /** Base image as written. */
  readonly imageRaw: string;
  readonly imageUnresolved: readonly string[];
  readonly platform: string | null;
  /** Index of the earlier stage this one is built FROM, when it is. */
  readonly parentStage: number | null;
  readonly instructions: readonly DockerfileInstruction[];
  /** Effective USER at the end of the stage (inherited from a parent stage), `null` when never set in this file. */
  readonly user: { readonly value: string; readonly line: number } | null;
  /** ENV at the end of the stage (inherited from a parent stage). */
  readonly env: Readonly<Record<string, string>>;
}

export interface DockerfileWarning {
  readonly line: number;
  readonly message: string;
}

export interface Dockerfile {
  readonly escape: DockerfileEscape;
  /** Parser directives by lower-cased name. */
  readonly directives: Readonly<Record<string, string>>;
  /** Every instruction in order, including those before the first FROM. */
  readonly instructions: readonly DockerfileInstruction[];
  /** ARGs declared before the first FROM, by name. */
  readonly globalArgs: Readonly<Record<string, string | null>>;
  readonly stages: readonly DockerfileStage[];
  readonly warnings: readonly DockerfileWarning[];
}

export interface ParseDockerfileOptions {
  /** `--build-arg` values; they override ARG defaults. */
  readonly buildArgs?: Readonly<Record<string, string>>;
  readonly limits?: Partial<DockerfileLimits>;
}

interface RawInstruction {
  keyword: string;
  rest: string;
  line: number;
  endLine: number;
  heredocs: Heredoc[];
}

const DIRECTIVE = /^#[ \t]*([A-Za-z][A-Za-z0-9]*)[ \t]*=[ \t]*(\S.*?)[ \t]*$/;
const KNOWN_DIRECTIVES = new Set(['escape', 'syntax', 'check']);

function limitError(message: string, code: 'LIMIT_ENTRY_SIZE' | 'LIMIT_ENTRY_COUNT'): SekishoError {
  return new SekishoError(code, message);
}

export function parseDockerfile(content: string, options: ParseDockerfileOptions = {}): Dockerfile {
  const limits = { ...DEFAULT_DOCKERFILE_LIMITS, ...options.limits };
  if (content.length > limits.maxBytes) {
    throw limitError(`Dockerfile is ${content.length} bytes, more than the ${limits.maxBytes} allowed`, 'LIMIT_ENTRY_SIZE');
  }
  if (content.includes('\u0000')) {
    throw new SekishoError('CONFIG_INVALID', 'binary content (NUL bytes) is not a Dockerfile');
  }
  const text = content.startsWith('\uFEFF') ? content.slice(1) : content;
  const lines = text.split(/\r?\n/);
  if (lines.length > limits.maxLines) {
    throw limitError(`Dockerfile has ${lines.length} lines, more than the ${limits.maxLines} allowed`, 'LIMIT_ENTRY_COUNT');
  }

  const warnings: DockerfileWarning[] = [];
  const { directives, next } = readDirectives(lines, warnings);
  const escapeDirective = directives['escape'];
  let escape: DockerfileEscape = '\\';
  if (escapeDirective === '`') escape = '`';
  else if (escapeDirective !== undefined && escapeDirective !== '\\') {
    warnings.push({ line: 1, message: `invalid escape directive ${JSON.stringify(escapeDirective)}; using backslash` });
  }

  const raws = splitInstructions(lines, next, escape, limits, warnings);
  if (raws.length === 0) throw new SekishoError('CONFIG_INVALID', 'no instructions: the file is empty or only comments');
  return interpret(raws, escape, directives, options.buildArgs ?? {}, warnings);
}

function readDirectives(lines: readonly string[], warnings: DockerfileWarning[]): { directives: Record<string, string>; next: number } {
  const directives: Record<string, string> = {};
  let i = 0;
  for (; i < lines.length; i++) {
    const m = DIRECTIVE.exec(lines[i] ?? '');
    if (m === null) break;
    const name = (m[1] ?? '').toLowerCase();
    // An unknown directive is a comment, and ends the directive section.
    if (!KNOWN_DIRECTIVES.has(name)) break;
    if (directives[name] !== undefined) {
      warnings.push({ line: i + 1, message: `parser directive ${name} given twice` });
      break;
    }
    directives[name] = m[2] ?? '';
  }
  return { directives, next: i };
}

function isBlank(line: string): boolean {
  return line.trim() === '';
}
function isComment(line: string): boolean {
  return line.trimStart().startsWith('#');
}

/** Index of the escape character that continues the line (escape then only blanks), or -1. */
function continuationAt(line: string, escape: string): number {
  let end = line.length;
  while (end > 0 && (line.charAt(end - 1) === ' ' || line.charAt(end - 1) === '\t')) end--;
  return end > 0 && line.charAt(end - 1) === escape ? end - 1 : -1;
}

function splitInstructions(lines: readonly string[], start: number, escape: string, limits: DockerfileLimits, warnings: DockerfileWarning[]): RawInstruction[] {
  const out: RawInstruction[] = [];
  let i = start;
  while (i < lines.length) {
    const first = lines[i] ?? '';
    if (isBlank(first) || isComment(first)) {
      i++;
      continue;
    }
    const line = i + 1;
    let logical = first.trimStart();
    let cut = continuationAt(logical, escape);
    i++;
    while (cut !== -1) {
      logical = logical.slice(0, cut);
      // Continuation reaches the end of the file: the instruction ends there.
      if (i >= lines.length) break;
      const cont = lines[i] ?? '';
      i++;
      if (isComment(cont) || isBlank(cont)) continue;
      logical += cont;
      cut = continuationAt(logical, escape);
      if (logical.length > limits.maxLogicalLine) {
        throw limitError(`instruction at line ${line} is longer than ${limits.maxLogicalLine} characters`, 'LIMIT_ENTRY_SIZE');
      }
    }
    if (logical.length > limits.maxLogicalLine) {
      throw limitError(`instruction at line ${line} is longer than ${limits.maxLogicalLine} characters`, 'LIMIT_ENTRY_SIZE');
    }
    const m = /^(\S+)\s*/.exec(logical);
    const keyword = (m?.[1] ?? '').toUpperCase();
    const rest = logical.slice(m?.[0].length ?? 0).trimEnd();
    const raw: RawInstruction = { keyword, rest, line, endLine: i, heredocs: [] };
    if (HEREDOC_INSTRUCTIONS.has(keyword)) {
      const markers = heredocMarkers(rest, escape);
      if (markers.length > limits.maxHeredocsPerInstruction) {
        throw limitError(`instruction at line ${line} opens ${markers.length} heredocs`, 'LIMIT_ENTRY_COUNT');
      }
      let bodyBytes = 0;
      for (const marker of markers) {
        const body: string[] = [];
        const bodyLine = i + 1;
        let terminated = false;
        while (i < lines.length) {
          const l = lines[i] ?? '';
          i++;
          const probe = marker.stripTabs ? l.replace(/^\t+/, '') : l;
          if (probe === marker.delimiter) {
            terminated = true;
            break;
          }
          bodyBytes += l.length + 1;
          if (bodyBytes > limits.maxLogicalLine) {
            throw limitError(`heredoc at line ${bodyLine} is longer than ${limits.maxLogicalLine} characters`, 'LIMIT_ENTRY_SIZE');
          }
          body.push(marker.stripTabs ? l.replace(/^\t+/, '') : l);
        }
        if (!terminated) warnings.push({ line: bodyLine, message: `heredoc ${marker.delimiter} is not terminated` });
        raw.heredocs.push({ ...marker, content: body.length === 0 ? '' : `${body.join('\n')}\n`, line: bodyLine, terminated });
      }
      raw.endLine = i;
    }
    out.push(raw);
    if (out.length > limits.maxInstructions) {
      throw limitError(`more than ${limits.maxInstructions} instructions`, 'LIMIT_ENTRY_COUNT');
    }
  }
  return out;
}

type HeredocMarker = Omit<Heredoc, 'content' | 'line' | 'terminated'>;

/** Heredoc openers among the words of a RUN/COPY/ADD line: `[fd]<<[-]WORD`, WORD possibly quoted. */
function heredocMarkers(rest: string, escape: string): HeredocMarker[] {
  const out: HeredocMarker[] = [];
  if (!rest.includes('<<')) return out;
  for (const word of splitRawWords(rest, escape)) {
    const m = /^(\d*)<<(-?)([^<]+)$/.exec(word);
    if (m === null) continue;
    const rawDelim = m[3] ?? '';
    const quoted = rawDelim.includes('"') || rawDelim.includes("'");
    // An unbalanced quote is not a heredoc delimiter.
    if (quoted && (rawDelim.split('"').length % 2 === 0 || rawDelim.split("'").length % 2 === 0)) continue;
    const delimiter = unquote(rawDelim, escape);
    if (delimiter === '' || /\s/.test(delimiter)) continue;
    const fd = m[1] ?? '';
    out.push({ delimiter, stripTabs: m[2] === '-', expand: !quoted, fileDescriptor: fd === '' ? null : Number(fd) });
  }
  return out;
}

/** Leading `--name[=value]` words; quotes inside values are removed. */
function extractFlags(rest: string, escape: string): { flags: InstructionFlag[]; args: string } {
  const flags: InstructionFlag[] = [];
  let pos = 0;
  for (;;) {
    while (pos < rest.length && /\s/.test(rest.charAt(pos))) pos++;
    if (!rest.startsWith('--', pos)) break;
    let end = pos;
    let quote = '';
    while (end < rest.length) {
      const c = rest.charAt(end);
      if (quote === '' && /\s/.test(c)) break;
      if (quote === '' && (c === '"' || c === "'")) quote = c;
      else if (c === quote) quote = '';
      end++;
    }
    const word = rest.slice(pos, end);
    pos = end;
    if (word === '--') break;
    const eq = word.indexOf('=');
    const name = (eq === -1 ? word.slice(2) : word.slice(2, eq)).toLowerCase();
    flags.push({ name, value: eq === -1 ? null : unquote(word.slice(eq + 1), escape) });
  }
  return { flags, args: rest.slice(pos).trim() };
}

function parseJsonForm(args: string): string[] | null {
  if (!args.startsWith('[')) return null;
  try {
    const v: unknown = JSON.parse(args);
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v;
  } catch {
    // not JSON: the shell form
  }
  return null;
}

/** `key=value …` pairs (ENV, LABEL, ARG), or the legacy `ENV key value with spaces`. */
function rawPairs(keyword: string, args: string, escape: string): Array<{ key: string; raw: string | null }> {
  const words = splitRawWords(args, escape);
  const first = words[0];
  if (first === undefined) return [];
  if (keyword === 'ENV' && !first.includes('=')) {
    const rest = args.slice(args.indexOf(first) + first.length).trim();
    return [{ key: first, raw: rest }];
  }
  return words.map((w) => {
    const eq = w.indexOf('=');
    if (eq === -1) return { key: unquote(w, escape), raw: null };
    return { key: unquote(w.slice(0, eq), escape), raw: w.slice(eq + 1) };
  });
}

function parseMounts(flags: readonly InstructionFlag[]): RunMount[] {
  const out: RunMount[] = [];
  for (const f of flags) {
    if (f.name !== 'mount' || f.value === null) continue;
    const options: Record<string, string> = {};
    for (const part of f.value.split(',')) {
      const eq = part.indexOf('=');
      const k = (eq === -1 ? part : part.slice(0, eq)).trim().toLowerCase();
      if (k !== '') options[k] = eq === -1 ? 'true' : part.slice(eq + 1).trim();
    }
    out.push({ type: (options['type'] ?? 'bind').toLowerCase(), options });
  }
  return out;
}

interface Scope {
  args: Map<string, string | undefined>;
  env: Map<string, string>;
}

function lookupIn(scope: Scope): VariableLookup {
  return (name) => scope.env.get(name) ?? scope.args.get(name);
}

interface MutableStage {
  index: number;
  name: string | null;
  line: number;
  image: string;
  imageRaw: string;
  imageUnresolved: string[];
  platform: string | null;
  parentStage: number | null;
  instructions: DockerfileInstruction[];
  user: { value: string; line: number } | null;
  scope: Scope;
}

function interpret(
  raws: readonly RawInstruction[],
  escape: DockerfileEscape,
  directives: Record<string, string>,
  buildArgs: Readonly<Record<string, string>>,
  warnings: DockerfileWarning[],
): Dockerfile {
  const globalScope: Scope = { args: new Map(), env: new Map() };
  const globalArgs: Record<string, string | null> = {};
  const instructions: DockerfileInstruction[] = [];
  const stages: MutableStage[] = [];
  const known = new Set<string>(DOCKERFILE_INSTRUCTIONS);
  const buildArg = (name: string): string | undefined => (Object.hasOwn(buildArgs, name) ? buildArgs[name] : undefined);

  for (const raw of raws) {
    if (!known.has(raw.keyword)) {
      warnings.push({ line: raw.line, message: `unknown instruction ${raw.keyword}` });
    }
    const stage = stages.at(-1);
    if (raw.keyword === 'FROM') {
      const ins = build(raw, escape, globalScope, stages.length);
      const words = ins.words ?? [];
      const imageRaw = splitRawWords(ins.args, escape)[0] ?? '';
      const image = words[0] ?? '';
      const name = words.length >= 3 && words[1]?.toLowerCase() === 'as' ? (words[2] ?? '').toLowerCase() : null;
      const parent = stages.find((s) => s.name !== null && s.name === image.toLowerCase());
      const platform = ins.flags.find((f) => f.name === 'platform')?.value ?? null;
      const env = new Map(parent?.scope.env ?? []);
      stages.push({
        index: stages.length,
        name,
        line: raw.line,
        image,
        imageRaw,
        imageUnresolved: [...ins.unresolved].filter((v) => !AUTOMATIC_ARGS.has(v)),
        platform: platform === null ? null : expandWord(platform, lookupIn(globalScope), escape).value,
        parentStage: parent?.index ?? null,
        instructions: [ins],
        user: parent?.user ?? null,
        scope: { args: new Map(), env },
      });
      instructions.push(ins);
      continue;
    }
    const scope = stage?.scope ?? globalScope;
    const ins = build(raw, escape, scope, stage?.index ?? -1);
    instructions.push(ins);
    stage?.instructions.push(ins);
    if (raw.keyword === 'ARG') {
      for (const p of ins.pairs) {
        if (stage === undefined) {
          const v = buildArg(p.key) ?? p.value ?? undefined;
          globalScope.args.set(p.key, v);
          globalArgs[p.key] = v ?? null;
        } else {
          const v = buildArg(p.key) ?? p.value ?? (p.raw === null ? globalScope.args.get(p.key) : undefined);
          stage.scope.args.set(p.key, v);
        }
      }
    } else if (raw.keyword === 'ENV' && stage !== undefined) {
      for (const p of ins.pairs) stage.scope.env.set(p.key, p.value ?? '');
    } else if (raw.keyword === 'USER' && stage !== undefined) {
      const value = (ins.words ?? []).join(' ');
      stage.user = { value, line: raw.line };
    } else if (stage === undefined && raw.keyword !== 'ARG') {
      warnings.push({ line: raw.line, message: `${raw.keyword} before the first FROM` });
    }
  }

  return {
    escape,
    directives,
    instructions,
    globalArgs,
    stages: stages.map((s) => ({
      index: s.index,
      name: s.name,
      line: s.line,
      image: s.image,
      imageRaw: s.imageRaw,
      imageUnresolved: s.imageUnresolved,
      platform: s.platform,
      parentStage: s.parentStage,
      instructions: s.instructions,
      user: s.user,
      env: Object.fromEntries(s.scope.env),
    })),
    warnings,
  };
}

/** One instruction with its flags, form, pairs and expansion in `scope` (ENV/ARG pairs see the scope before the instruction). */
function build(raw: RawInstruction, escape: DockerfileEscape, scope: Scope, stage: number): DockerfileInstruction {
  const { flags: rawFlags, args } = extractFlags(raw.rest, escape);
  const lookup = lookupIn(scope);
  const expanding = EXPANDING.has(raw.keyword);
  const flags = expanding ? rawFlags.map((f) => (f.value === null || f.name === 'mount' ? f : { ...f, value: expandWord(f.value, lookup, escape).value })) : rawFlags;
  const json = JSON_FORM.has(raw.keyword) ? parseJsonForm(args) : null;
  let words: string[] | null = null;
  const unresolved = new Set<string>();
  let pairs: KeyValue[] = [];
  if (raw.keyword === 'ENV' || raw.keyword === 'LABEL' || raw.keyword === 'ARG') {
    pairs = rawPairs(raw.keyword, args, escape).map(({ key, raw: rv }) => {
      if (rv === null) return { key, raw: null, value: null, unresolved: [] };
      const r = expandWord(rv, lookup, escape);
      for (const n of r.unresolved) unresolved.add(n);
      return { key, raw: rv, value: r.value, unresolved: r.unresolved };
    });
  } else if (expanding) {
    if (json !== null) {
      words = json.map((w) => {
        const r = expandWord(w, lookup, escape);
        for (const n of r.unresolved) unresolved.add(n);
        return r.value;
      });
    } else {
      const r = expandWords(args, lookup, escape);
      words = r.words;
      for (const n of r.unresolved) unresolved.add(n);
    }
  }
  let trigger: DockerfileInstruction | null = null;
  if (raw.keyword === 'ONBUILD' && args !== '') {
    const m = /^(\S+)\s*/.exec(args);
    trigger = build({ keyword: (m?.[1] ?? '').toUpperCase(), rest: args.slice(m?.[0].length ?? 0), line: raw.line, endLine: raw.endLine, heredocs: [] }, escape, scope, stage);
  }
  return {
    keyword: raw.keyword,
    line: raw.line,
    endLine: raw.endLine,
    args,
    flags,
    json,
    heredocs: raw.heredocs,
    stage,
    words,
    unresolved: [...unresolved].sort(),
    pairs,
    mounts: raw.keyword === 'RUN' ? parseMounts(rawFlags) : [],
    trigger,
  };
}

/** The stage the image is built from: the last one (or the `--target`). */
export function finalStage(df: Dockerfile, target?: string): DockerfileStage | undefined {
  if (target !== undefined) return df.stages.find((s) => s.name === target.toLowerCase());
  return df.stages.at(-1);
}

/** The shell text a RUN executes: the shell form, the exec form joined, and heredoc bodies. */
export function runScript(ins: DockerfileInstruction): string {
  const head = ins.json !== null ? ins.json.join(' ') : ins.args;
  if (ins.heredocs.length === 0) return head;
  return [head, ...ins.heredocs.map((h) => h.content)].join('\n');
}
