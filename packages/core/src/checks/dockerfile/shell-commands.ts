/**
 * A small POSIX-shell splitter for RUN scripts: simple commands separated by `&&`, `||`, `;`, `|`,
 * `&`, newlines and subshell parentheses. Quotes are removed from words; `$(…)`, `<(…)` and
 * backquotes stay inside their word so `sh -c "$(curl …)"` can be recognised. It is not a shell
 * (no expansion, no redirection semantics) — only what checks need, in one linear pass.
 */

export type ShellSeparator = '&&' | '||' | ';' | '|' | '&' | '\n' | '(' | ')' | '';

export interface ShellCommand {
  readonly words: readonly string[];
  /** The separator after this command ('' at the end). */
  readonly next: ShellSeparator;
}

export function splitShell(script: string): ShellCommand[] {
  const out: ShellCommand[] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  const endWord = (): void => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endCommand = (sep: ShellSeparator): void => {
    endWord();
    // An empty command (`a |\n b`) keeps the previous separator, so a pipe across lines stays a pipe.
    // No count limit: the script is bounded (a Dockerfile logical line, a history step) and a cut
    // list would let padding hide the command a check looks for.
    if (words.length > 0) out.push({ words, next: sep });
    words = [];
  };
  while (i < script.length) {
    const c = script.charAt(i);
    if (c === '\\') {
      const n = script.charAt(i + 1);
      if (n !== '\n') {
        word += n;
        inWord = true;
      }
      i += 2;
      continue;
    }
    if (c === "'") {
      const end = script.indexOf("'", i + 1);
      const stop = end === -1 ? script.length : end;
      word += script.slice(i + 1, stop);
      inWord = true;
      i = stop + 1;
      continue;
    }
    if (c === '"') {
      i++;
      while (i < script.length && script.charAt(i) !== '"') {
        if (script.charAt(i) === '\\' && i + 1 < script.length) i++;
        word += script.charAt(i);
        i++;
      }
      inWord = true;
      i++;
      continue;
    }
    if ((c === '$' || c === '<') && script.charAt(i + 1) === '(') {
      // Keep a command or process substitution in the word, balancing parentheses.
      let depth = 0;
      let j = i + 1;
      for (; j < script.length; j++) {
        const d = script.charAt(j);
        if (d === '(') depth++;
        else if (d === ')' && --depth === 0) break;
      }
      word += script.slice(i, j + 1);
      inWord = true;
      i = j + 1;
      continue;
    }
    if (c === '`') {
      const end = script.indexOf('`', i + 1);
      const stop = end === -1 ? script.length : end;
      word += script.slice(i, stop + 1);
      inWord = true;
      i = stop + 1;
      continue;
    }
    if (c === '#' && !inWord) {
      const end = script.indexOf('\n', i);
      i = end === -1 ? script.length : end;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      endWord();
      i++;
      continue;
    }
    const two = script.slice(i, i + 2);
    if (two === '&&' || two === '||') {
      endCommand(two);
      i += 2;
      continue;
    }
    if (c === ';' || c === '|' || c === '&' || c === '\n' || c === '(' || c === ')') {
      // `2>&1` and `>&2` are redirections, not background jobs.
      if (c === '&' && (script.charAt(i - 1) === '>' || script.charAt(i + 1) === '>')) {
        word += c;
        inWord = true;
        i++;
        continue;
      }
      endCommand(c);
      i++;
      continue;
    }
    word += c;
    inWord = true;
    i++;
  }
  endCommand('');
  return out;
}

const WRAPPERS = new Set(['sudo', 'env', 'nohup', 'time', 'exec', 'command', 'doas', 'su-exec', 'gosu']);

/** Index of the program word: skips `VAR=value` assignments and wrappers like `sudo`/`env` with their options. */
export function programIndex(words: readonly string[], skipWrappers = true): number {
  let i = 0;
  while (i < words.length) {
    const w = words[i] ?? '';
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) {
      i++;
      continue;
    }
    if (skipWrappers && WRAPPERS.has(w)) {
      i++;
      while (i < words.length && (words[i] ?? '').startsWith('-')) {
        const opt = words[i] ?? '';
        i++;
        // sudo -u user / sudo -g group take an argument.
        if (w === 'sudo' && /^-[ugCDhprRtT]$/.test(opt)) i++;
      }
      continue;
    }
    return i;
  }
  return -1;
}

/** The program of a command (basename), after assignments and wrappers. */
export function programOf(cmd: ShellCommand, skipWrappers = true): string {
  const i = programIndex(cmd.words, skipWrappers);
  if (i < 0) return '';
  const w = cmd.words[i] ?? '';
  const slash = w.lastIndexOf('/');
  return slash === -1 ? w : w.slice(slash + 1);
}

/** Arguments after the program. */
export function argsOf(cmd: ShellCommand): readonly string[] {
  const i = programIndex(cmd.words);
  return i < 0 ? [] : cmd.words.slice(i + 1);
}
