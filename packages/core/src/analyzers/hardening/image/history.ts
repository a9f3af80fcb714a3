/**
 * Build steps as image history records them (`created_by`), turned back into an instruction and
 * its text. Forms seen in the wild:
 *   classic builder  `/bin/sh -c apt-get update`            (RUN, shell form)
 *                    `/bin/sh -c #(nop) ADD file:ab12… in /`  (any other instruction)
 *   BuildKit         `RUN /bin/sh -c apt-get update # buildkit`, `RUN |2 A=1 B=2 /bin/sh -c …`
 *                    `ADD https://example.com/x.tgz /opt/ # buildkit`
 *   buildah/kaniko   `/bin/sh -c #(nop) …`, or the instruction as written.
 */
import { programOf, splitShell } from '../../../checks/dockerfile/shell-commands.js';

/**
 * created_by is attacker-controlled text: only its head is read (the caps bound the regexes run
 * over it). What they leave out is never silent: `historyStepUnjudged` names it, and the image
 * checks turn it into an unknown.
 */
export const MAX_STEP = 16 * 1024;
export const MAX_TOKENS_BEFORE_SCRIPT = 64;

export interface HistoryStep {
  /** Upper-case Dockerfile instruction, `RUN` for classic shell-form steps, '' when unknown. */
  readonly instruction: string;
  /** The instruction's arguments (for RUN: the shell script when one could be found). */
  readonly text: string;
}

const SHELL_PATH = /^(?:\/usr)?\/bin\/(?:ba|da|z|a|k|mk)?sh$/;

export function parseHistoryStep(createdBy: string): HistoryStep {
  const step = parseStep(createdBy);
  return { instruction: step.instruction, text: step.text };
}

function parseStep(createdBy: string): HistoryStep & { readonly cut: boolean } {
  let s = createdBy.slice(0, MAX_STEP).trim();
  s = s.replace(/\s+#\s*buildkit$/, '');
  const nop = /^(?:\/usr)?\/bin\/(?:ba|da|a)?sh\s+-c\s+#\(nop\)\s*/.exec(s);
  if (nop !== null) s = s.slice(nop[0].length);
  const keyword = /^([A-Z]+)(?:\s+|$)/.exec(s);
  if (keyword !== null && keyword[1] !== undefined) {
    const instruction = keyword[1];
    const rest = s.slice(keyword[0].length);
    if (instruction !== 'RUN') return { instruction, text: rest, cut: false };
    const { script, cut } = locateScript(rest);
    return { instruction, text: script, cut };
  }
  if (nop === null && SHELL_PATH.test(s.split(/\s/, 1)[0] ?? '')) {
    const { script, cut } = locateScript(s);
    return { instruction: 'RUN', text: script, cut };
  }
  return { instruction: '', text: s, cut: false };
}

/** The script after `/bin/sh -c` (skipping BuildKit's `|N ARG=value` prefix and shell options). */
export function scriptOf(run: string): string {
  return locateScript(run).script;
}

/**
 * `scriptOf`, and whether its word cap cut the search: no script within the first
 * `MAX_TOKENS_BEFORE_SCRIPT` words, where a search of every word finds one (`run` is at most
 * `MAX_STEP` characters, so that search is bounded too).
 */
function locateScript(run: string): { script: string; cut: boolean } {
  const tokens = [...run.matchAll(/\S+/g)];
  const script = scriptIn(run, tokens.slice(0, MAX_TOKENS_BEFORE_SCRIPT));
  if (script !== null) return { script, cut: false };
  return { script: run.trim(), cut: tokens.length > MAX_TOKENS_BEFORE_SCRIPT && scriptIn(run, tokens) !== null };
}

function scriptIn(run: string, tokens: readonly RegExpExecArray[]): string | null {
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
  return null;
}

/**
 * Why the history checks did not judge all of a build step, or null when they did: a step longer
 * than `MAX_STEP` (only its head is parsed), or a shell (`/bin/sh`) named after the first
 * `MAX_TOKENS_BEFORE_SCRIPT` words of a RUN step (its script was not located; the whole step was
 * judged as one script instead).
 */
export function historyStepUnjudged(createdBy: string): string | null {
  if (createdBy.length > MAX_STEP) {
    return `build step of ${createdBy.length} characters: only the first ${MAX_STEP} were judged by the history checks (SEK-IMG-013, SEK-IMG-014)`;
  }
  const step = parseStep(createdBy);
  if (step.instruction !== 'RUN' || !step.cut) return null;
  return `build step's shell script starts past its first ${MAX_TOKENS_BEFORE_SCRIPT} words: it was not located, and the history checks judged the whole step as one script`;
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
