/**
 * Build steps as image history records them (`created_by`), turned back into an instruction and
 * its text. Forms seen in the wild:
 *   classic builder  `/bin/sh -c apt-get update`            (RUN, shell form)
 *                    `/bin/sh -c #(nop) ADD file:ab12… in /`  (any other instruction)
 *   BuildKit         `RUN /bin/sh -c apt-get update # buildkit`, `RUN |2 A=1 B=2 /bin/sh -c …`
 *                    `ADD https://example.com/x.tgz /opt/ # buildkit`
 *   buildah/kaniko   `/bin/sh -c #(nop) …`, or the instruction as written.
 */
import { programOf, splitShell } from '../dockerfile/shell-commands.js';

/** created_by is attacker-controlled text: only its head is read. */
const MAX_STEP = 16 * 1024;
const MAX_TOKENS_BEFORE_SCRIPT = 64;

export interface HistoryStep {
  /** Upper-case Dockerfile instruction, `RUN` for classic shell-form steps, '' when unknown. */
  readonly instruction: string;
  /** The instruction's arguments (for RUN: the shell script when one could be found). */
  readonly text: string;
}

const SHELL_PATH = /^(?:\/usr)?\/bin\/(?:ba|da|z|a|k|mk)?sh$/;

export function parseHistoryStep(createdBy: string): HistoryStep {
  let s = createdBy.slice(0, MAX_STEP).trim();
  s = s.replace(/\s+#\s*buildkit$/, '');
  const nop = /^(?:\/usr)?\/bin\/(?:ba|da|a)?sh\s+-c\s+#\(nop\)\s*/.exec(s);
  if (nop !== null) s = s.slice(nop[0].length);
  const keyword = /^([A-Z]+)(?:\s+|$)/.exec(s);
  if (keyword !== null && keyword[1] !== undefined) {
    const instruction = keyword[1];
    const rest = s.slice(keyword[0].length);
    return { instruction, text: instruction === 'RUN' ? scriptOf(rest) : rest };
  }
  if (nop === null && SHELL_PATH.test(s.split(/\s/, 1)[0] ?? '')) return { instruction: 'RUN', text: scriptOf(s) };
  return { instruction: '', text: s };
}

/** The script after `/bin/sh -c` (skipping BuildKit's `|N ARG=value` prefix and shell options). */
export function scriptOf(run: string): string {
  const tokens = [...run.matchAll(/\S+/g)].slice(0, MAX_TOKENS_BEFORE_SCRIPT);
  for (let i = 0; i < tokens.length; i += 1) {
    if (!SHELL_PATH.test(tokens[i]?.[0] ?? '')) continue;
    for (let j = i + 1; j < tokens.length; j += 1) {
      const t = tokens[j];
      if (t === undefined || !t[0].startsWith('-')) break;
      if (t[0] === '-o' || t[0] === '-O') {
        j += 1;
        continue;
      }
      if (/^-[A-Za-z]*c[A-Za-z]*$/.test(t[0])) return run.slice(t.index + t[0].length).trim();
    }
  }
  return run.trim();
}

const DOWNLOADERS = new Set(['curl', 'wget', 'fetch']);
const INTERPRETERS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'ash', 'busybox', 'python', 'python3', 'perl', 'ruby', 'node', 'php']);

/** `curl … | sh`, `wget -O- … | bash`, `sh -c "$(curl …)"`, `bash <(curl …)`: each hit described. */
export function downloadPipedToShell(script: string): string[] {
  const cmds = splitShell(script);
  const hits: string[] = [];
  cmds.forEach((cmd, i) => {
    const program = programOf(cmd);
    const next = cmds[i + 1];
    if (DOWNLOADERS.has(program) && cmd.next === '|' && next !== undefined && INTERPRETERS.has(programOf(next))) {
      hits.push(`${program} … | ${programOf(next)}`);
    } else if (INTERPRETERS.has(program) && cmd.words.some((w) => /^(?:[$<]\(|`)\s*(?:curl|wget)\b/.test(w))) {
      hits.push(`${program} with a downloaded script`);
    }
  });
  return hits;
}

/** Remote sources of an ADD step (http(s)/ftp URLs, git remotes) unless a `--checksum` pins them. */
export function remoteAddSources(text: string): string[] {
  const words = text.split(/\s+/).filter((w) => w !== '');
  if (words.some((w) => w.startsWith('--checksum='))) return [];
  return words.filter((w) => /^(?:https?|ftp):\/\//i.test(w) || /^git@[^:\s]+:/.test(w));
}
