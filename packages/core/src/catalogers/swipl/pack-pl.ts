import { basename, dirname, guarded, languagePackage, MiB, output, purl, unknownOutput } from '../lang-common/output.js';
import { decodeText } from '../lang-common/parse.js';
import type { CatalogFile, CatalogOutput, Cataloger } from '../types.js';
import { parseClause, PrologSyntaxError, splitClauses, termText, tokenize } from './prolog-terms.js';
import type { Term, Token } from './prolog-terms.js';

/** The facts of a pack's metadata (SWI-Prolog's `pack.pl`); other clauses are code, not read. */
const PACK_FACTS = new Set([
  'name',
  'version',
  'title',
  'description',
  'keywords',
  'author',
  'maintainer',
  'packager',
  'home',
  'download',
  'provides',
  'requires',
  'conflicts',
  'replaces',
  'autoload',
]);
const MAX_LIST_FIELD = 2048;

interface PackFacts {
  readonly facts: Map<string, Term[][]>;
  /** Metadata clauses that could not be read. */
  readonly unread: string[];
}

function isFactStart(clause: readonly Token[]): boolean {
  const [head, open] = clause;
  return head?.kind === 'name' && PACK_FACTS.has(head.text) && open?.kind === 'punct' && open.text === '(' && !open.layoutBefore;
}

/** The metadata facts of a pack.pl, by name (each fact's arguments); clauses of code are skipped. */
function readPackFacts(text: string): PackFacts {
  const facts = new Map<string, Term[][]>();
  const unread: string[] = [];
  for (const clause of splitClauses(tokenize(text))) {
    if (!isFactStart(clause)) continue;
    let term: Term;
    try {
      term = parseClause(clause);
    } catch (error) {
      if (!(error instanceof PrologSyntaxError)) throw error;
      unread.push(`${clause[0]?.text ?? ''}: ${error.message}`);
      continue;
    }
    // `name(X) :- …` is a rule, not a fact: only a plain compound term is metadata.
    if (term.kind !== 'compound' || term.operator) continue;
    const list = facts.get(term.name);
    if (list === undefined) facts.set(term.name, [[...term.args]]);
    else list.push([...term.args]);
  }
  return { facts, unread };
}

/** The text of an atom, string or number (a pack's name and version are atoms; some write strings). */
function scalar(term: Term | undefined): string | null {
  if (term === undefined) return null;
  const value = term.kind === 'atom' ? term.name : term.kind === 'string' || term.kind === 'number' ? term.text : null;
  return value === null || value.trim() === '' ? null : value.trim();
}

const first = (facts: Map<string, Term[][]>, name: string): Term | undefined => facts.get(name)?.[0]?.[0];

/** `author(Name, Email)`-style facts: Syft keeps the last one stated. */
function person(facts: Map<string, Term[][]>, name: string): { name: string | null; email: string | null } {
  const args = facts.get(name)?.at(-1);
  return { name: scalar(args?.[0]), email: scalar(args?.[1]) };
}

/** All facts of a kind as one text (`requires(a), requires(b >= 1.0)` → `a, b >= 1.0`). */
function listed(facts: Map<string, Term[][]>, name: string): string | null {
  const texts = (facts.get(name) ?? []).flatMap((args) => args.map((arg) => (arg.kind === 'list' ? arg.items.map(termText).join(', ') : termText(arg))));
  const joined = texts.filter((t) => t !== '').join(', ');
  return joined === '' ? null : joined.slice(0, MAX_LIST_FIELD);
}

/** A pack installed by `pack_install` lives in `…/pack/<name>/pack.pl`; elsewhere it is a pack's source. */
function isInstalled(path: string): boolean {
  return basename(dirname(dirname(path))) === 'pack';
}

/**
 * A SWI-Prolog pack's `pack.pl`: Prolog facts (`name(hdt).`, `version('0.5.2').`, `author(Name,
 * Email).` …) read as data, never consulted. Type `swiplpack`, purl `pkg:swiplpack/name@version`
 * (Syft's form). A file without `name/1` and `version/1` facts is not pack metadata (SWI-Prolog
 * ships `app/pack.pl`, a script): it yields nothing; one with only one of them is an unknown.
 * `requires/1` is kept as metadata: the packs it names are not in the same file, and Syft draws
 * no edges for them.
 */
export function parsePackPl(path: string, content: Buffer): CatalogOutput {
  let read: PackFacts;
  try {
    read = readPackFacts(decodeText(content));
  } catch (error) {
    if (error instanceof PrologSyntaxError) return unknownOutput(path, `pack.pl not read: ${error.message}`);
    throw error;
  }
  const { facts, unread } = read;
  const name = scalar(first(facts, 'name'));
  const version = scalar(first(facts, 'version'));
  const unreadUnknowns = unread.length === 0 ? [] : [{ path, reason: `${unread.length} metadata clauses of pack.pl not read (${unread[0] ?? ''})` }];
  if (name === null && version === null) return output([], [], unreadUnknowns);
  if (name === null || version === null) return output([], [], [{ path, reason: `pack.pl without a pack ${name === null ? 'name' : 'version'}` }, ...unreadUnknowns]);
  const author = person(facts, 'author');
  const packager = person(facts, 'packager');
  const maintainer = person(facts, 'maintainer');
  const pkg = languagePackage({
    ref: `${path}#${name}@${version}`,
    name,
    version,
    type: 'swiplpack',
    purl: purl('swiplpack', null, name, version),
    evidence: isInstalled(path) ? 'installed' : 'declared',
    source: 'pack.pl',
    fields: {
      author: author.name,
      authorEmail: author.email,
      packager: packager.name,
      packagerEmail: packager.email,
      maintainer: maintainer.name,
      maintainerEmail: maintainer.email,
      homepage: scalar(first(facts, 'home')),
      download: scalar(first(facts, 'download')),
      title: scalar(first(facts, 'title')),
      keywords: listed(facts, 'keywords'),
      requires: listed(facts, 'requires'),
      provides: listed(facts, 'provides'),
      conflicts: listed(facts, 'conflicts'),
      replaces: listed(facts, 'replaces'),
    },
    paths: [path],
  });
  return output([pkg], [], unreadUnknowns);
}

export const swiplPackCataloger: Cataloger = {
  id: 'swipl-pack-cataloger',
  version: 1,
  packageTypes: ['swiplpack'],
  selector: { basenames: ['pack.pl'] },
  maxFileSize: 1 * MiB,
  parse: (file: CatalogFile) => guarded(file.path, () => parsePackPl(file.path, file.content)),
};
