/** A call in the function's own code where request data would become a command or code. */
export interface CodeSink {
  readonly path: string;
  readonly line: number;
  readonly kind: 'shell' | 'eval';
  readonly call: string;
  /** The line itself names request data (`event.`, `req.`, `request.`, `context.req`): the likeliest path from the trigger. */
  readonly requestData: boolean;
}

interface SinkPattern {
  readonly kind: CodeSink['kind'];
  readonly pattern: RegExp;
  /** Only counts when the line also matches this (a shell option). */
  readonly also?: RegExp;
}

const JS_SINKS: readonly SinkPattern[] = [
  { kind: 'shell', pattern: /\b(?:child_process\.)?(exec|execSync)\s*\(/ },
  { kind: 'shell', pattern: /\b(?:child_process\.)?(spawn|spawnSync|execFile|execFileSync)\s*\(/, also: /shell\s*:\s*true/ },
  { kind: 'eval', pattern: /(?<![.\w])(eval)\s*\(/ },
  { kind: 'eval', pattern: /\bnew\s+(Function)\s*\(/ },
  { kind: 'eval', pattern: /\bvm\.(runInNewContext|runInThisContext|runInContext|compileFunction)\s*\(/ },
];

const PY_SINKS: readonly SinkPattern[] = [
  { kind: 'shell', pattern: /\bos\.(system|popen)\s*\(/ },
  { kind: 'shell', pattern: /\bsubprocess\.(run|call|check_call|check_output|Popen|getoutput|getstatusoutput)\s*\(/, also: /shell\s*=\s*True|getoutput|getstatusoutput/ },
  { kind: 'eval', pattern: /(?<![.\w])(eval|exec)\s*\(/ },
];

const REQUEST_DATA = /\b(event|req|request|context\.req|body|queryStringParameters|pathParameters|params|query)\b/;

/** Application code: the function's own sources, not its dependencies (they are judged by their advisories). */
export function isApplicationCode(path: string): boolean {
  if (/\/(node_modules|site-packages|dist-packages|vendor|\.venv|venv|__pycache__)\//.test(path)) return false;
  // Lambda layers put dependencies under /nodejs, /python, /java/lib.
  if (/^\/(nodejs|python|java\/lib)\//.test(path)) return false;
  return /\.(js|mjs|cjs|ts|py)$/.test(path);
}

/** Calls of shell and eval sinks in one source file, with their line numbers (a line may hold several). */
export function findCodeSinks(path: string, text: string): CodeSink[] {
  const patterns = path.endsWith('.py') ? PY_SINKS : JS_SINKS;
  const sinks: CodeSink[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').slice(0, 2000);
    const code = path.endsWith('.py') ? line.replace(/#.*$/, '') : line.replace(/\/\/.*$/, '');
    for (const sink of patterns) {
      const match = sink.pattern.exec(code);
      if (match === null || (sink.also !== undefined && !sink.also.test(code))) continue;
      sinks.push({ path, line: i + 1, kind: sink.kind, call: match[1] ?? match[0], requestData: REQUEST_DATA.test(code.slice(match.index)) });
    }
  }
  return sinks;
}
