import type * as Yaml from 'yaml';
import type { Document, Node as YamlNode, ParsedNode } from 'yaml';
import { lazyModule } from '../../util/lazy-module.js';
import { EntryBudget, output, unknownOutput } from '../lang-common/output.js';
import { decodeText } from '../lang-common/parse.js';
import type { CatalogedPackage, CatalogOutput, CatalogUnknown } from '../types.js';
import { MAX_USE_LENGTH, parseUse, usePackage, type UseStatement } from './uses.js';

/*
 * Workflows and composite actions are read with the `yaml` package's document API rather than
 * `parseYaml`: the version of a SHA-pinned action is in a comment (`@<sha> # v4.2.2`), which a
 * plain parse drops. The same failsafe schema is used (every scalar a string). Aliases are not
 * expanded: an alias is resolved to its anchored node one level at a time, and every step visited
 * counts against MAX_VISITS, so an alias bomb costs no more than a long file.
 */

const yaml = lazyModule<typeof Yaml>('yaml');

/** Use statements kept per file; more are counted in an unknown. */
const MAX_USES = 10_000;
/** Jobs and steps visited per file, aliases included. */
const MAX_VISITS = 200_000;
const PLAIN_NULLS = new Set(['~', 'null', 'Null', 'NULL']);

class Reader {
  readonly uses: UseStatement[] = [];
  readonly malformed: string[] = [];
  visits = 0;
  /** Steps, step lists and jobs already read: one reached again through an alias adds nothing new. */
  readonly #read = new WeakSet<YamlNode>();
  #aliasTargets: Map<YamlNode, YamlNode> | null = null;

  constructor(
    readonly text: string,
    readonly doc: Document.Parsed,
  ) {}

  /** The node itself, or the node an alias names. */
  resolve(node: unknown): YamlNode | null {
    const y = yaml();
    if (y.isAlias(node)) return this.aliasTargets().get(node) ?? null;
    return y.isNode(node) ? node : null;
  }

  /**
   * What each alias names: the latest node anchored with its name before it, found in one walk of
   * the document (the library's own `resolve` walks the document again for every alias).
   */
  aliasTargets(): Map<YamlNode, YamlNode> {
    if (this.#aliasTargets !== null) return this.#aliasTargets;
    const y = yaml();
    const anchors = new Map<string, YamlNode>();
    const targets = new Map<YamlNode, YamlNode>();
    y.visit(this.doc, {
      Node: (_key, node) => {
        if (y.isAlias(node)) {
          const target = anchors.get(node.source);
          if (target !== undefined) targets.set(node, target);
        } else if (node.anchor !== undefined) anchors.set(node.anchor, node);
      },
    });
    this.#aliasTargets = targets;
    return targets;
  }

  /** The value of `key` in a map node (first of duplicate keys), resolved; undefined when absent. */
  get(map: YamlNode, key: string): { node: YamlNode | null; raw: unknown } | undefined {
    const y = yaml();
    if (!y.isMap(map)) return undefined;
    const pair = map.items.find((p) => y.isScalar(p.key) && p.key.value === key);
    if (pair === undefined) return undefined;
    return { node: this.resolve(pair.value), raw: pair.value };
  }

  /** The node, or null when it is absent, empty or a plain YAML null (`~`, `null`): what yaml.v3 decodes as a zero value. */
  present(node: YamlNode | null): YamlNode | null {
    const y = yaml();
    if (node === null || !y.isScalar(node)) return node;
    if (node.value === null || node.value === '') return null;
    return node.type === 'PLAIN' && typeof node.value === 'string' && PLAIN_NULLS.has(node.value) ? null : node;
  }

  visit(): boolean {
    this.visits += 1;
    return this.visits <= MAX_VISITS;
  }

  /** True the first time a node is read; false when an alias leads to it again. */
  firstRead(node: YamlNode): boolean {
    if (this.#read.has(node)) return false;
    this.#read.add(node);
    return true;
  }

  /** The `uses` of a map (step or job): its value and comment, or a note that it is not a string. */
  collectUses(owner: YamlNode, where: string): void {
    const entry = this.get(owner, 'uses');
    const node = entry === undefined ? null : this.present(entry.node);
    if (entry === undefined || node === null) return;
    const y = yaml();
    if (!y.isScalar(node) || typeof node.value !== 'string') {
      this.malformed.push(`${where}: uses is not a string`);
      return;
    }
    const value = node.value.trim();
    if (value === '') return;
    if (value.length > MAX_USE_LENGTH) {
      this.malformed.push(`${where}: uses longer than ${MAX_USE_LENGTH} characters`);
      return;
    }
    this.uses.push({ value, rawComment: this.comment(entry.raw, node) });
  }

  /**
   * The comment on the value's line after it (a YAML line comment), else a comment on the lines
   * just before the value when it stands on a line of its own — the two places yaml.v3 (Syft)
   * attaches a comment to a scalar value.
   */
  comment(raw: unknown, resolved: YamlNode): string | null {
    const y = yaml();
    const placed = y.isNode(raw) ? raw : resolved;
    const end = (placed as ParsedNode).range[1];
    const window = this.text.slice(end, end + MAX_USE_LENGTH);
    const lineEnd = window.indexOf('\n');
    const rest = lineEnd < 0 ? window : window.slice(0, lineEnd);
    const match = /^[ \t]+#(.*)/.exec(rest.replace(/\r$/, ''));
    if (match) return `#${match[1] ?? ''}`;
    const before = placed.commentBefore;
    return typeof before === 'string' && before.trim() !== '' ? before : null;
  }

  /** `steps:` of a job or composite action: each step's `uses`. */
  collectSteps(owner: YamlNode, where: string): void {
    const steps = this.present(this.get(owner, 'steps')?.node ?? null);
    if (steps === null) return;
    const y = yaml();
    if (!y.isSeq(steps)) {
      this.malformed.push(`${where}: steps is not a list`);
      return;
    }
    if (!this.firstRead(steps)) return;
    for (const [index, item] of steps.items.entries()) {
      if (!this.visit()) return;
      const step = this.present(this.resolve(item));
      if (step === null || !this.firstRead(step)) continue;
      if (y.isMap(step)) this.collectUses(step, `${where}.steps[${index}]`);
      else this.malformed.push(`${where}.steps[${index}] is not a map`);
    }
  }
}

type Walk = (reader: Reader, root: YamlNode) => void;

/** A workflow's step-level uses (`jobs.<id>.steps[].uses`): the actions it runs. */
export const workflowStepUses: Walk = (reader, root) => {
  forEachJob(reader, root, (job, where) => reader.collectSteps(job, where));
};

/** A workflow's job-level uses (`jobs.<id>.uses`): the reusable workflows it calls. */
export const workflowJobUses: Walk = (reader, root) => {
  forEachJob(reader, root, (job, where) => reader.collectUses(job, where));
};

/** A composite action's `runs.steps[].uses`. */
export const compositeStepUses: Walk = (reader, root) => {
  const runs = reader.present(reader.get(root, 'runs')?.node ?? null);
  if (runs === null) return;
  if (yaml().isMap(runs)) reader.collectSteps(runs, 'runs');
  else reader.malformed.push('runs is not a map');
};

function forEachJob(reader: Reader, root: YamlNode, each: (job: YamlNode, where: string) => void): void {
  const y = yaml();
  const jobs = reader.present(reader.get(root, 'jobs')?.node ?? null);
  if (jobs === null) return;
  if (!y.isMap(jobs)) {
    reader.malformed.push('jobs is not a map');
    return;
  }
  for (const pair of jobs.items) {
    if (!reader.visit()) return;
    const id = y.isScalar(pair.key) ? String(pair.key.value) : '?';
    const job = reader.present(reader.resolve(pair.value));
    if (job === null || !reader.firstRead(job)) continue;
    if (y.isMap(job)) each(job, `jobs.${id}`);
    else reader.malformed.push(`jobs.${id} is not a map`);
  }
}

type FirstDocument = { doc: Document.Parsed | null } | { error: string };

/**
 * The last workflow parsed, by the buffer it came from and its text: a workflow is selected by two
 * catalogers (Syft's two ids: step uses, job-level workflow calls), which the walk hands the same
 * buffer one after the other, and the YAML parse was most of what each did. The text is compared
 * too, so a buffer whose bytes changed is parsed again; the document is only read, never changed.
 */
let lastParsed: { readonly content: Buffer; readonly text: string; readonly first: FirstDocument } | null = null;

/** The text of a workflow or composite action, and its first YAML document. */
export function parsedWorkflow(content: Buffer): { readonly text: string; readonly first: FirstDocument } {
  const text = decodeText(content);
  if (lastParsed?.content === content && lastParsed.text === text) return lastParsed;
  lastParsed = { content, text, first: firstDocument(text) };
  return lastParsed;
}

/** The first YAML document of the file (as yaml.v3 reads it), or why it could not be read. */
function firstDocument(text: string): FirstDocument {
  const docs = yaml().parseAllDocuments(text, { schema: 'failsafe', uniqueKeys: false, strict: false, prettyErrors: false });
  if (!Array.isArray(docs)) return { doc: null };
  const doc = docs[0];
  if (doc === undefined) return { doc: null };
  const error = doc.errors[0];
  if (error !== undefined) return { error: `invalid YAML: ${(error.message.split('\n', 1)[0] ?? '').slice(0, 200)}` };
  return { doc };
}

/**
 * The packages the use statements of one file name, de-duplicated as Syft does (the same
 * statement with the same comment is one package), with unknowns for what was not read.
 */
export function readUses(path: string, content: Buffer, walk: Walk, what: string, source: string): CatalogOutput {
  const { text, first } = parsedWorkflow(content);
  if ('error' in first) return unknownOutput(path, first.error);
  const root = first.doc?.contents ?? null;
  if (first.doc === null || root === null) return output([]);
  const y = yaml();
  if (!y.isMap(root)) {
    if (y.isScalar(root) && (root.value === null || root.value === '')) return output([]);
    return unknownOutput(path, `${what} is not a YAML map`);
  }
  const reader = new Reader(text, first.doc);
  walk(reader, root);

  const budget = new EntryBudget(MAX_USES, 'use statement(s)');
  const seen = new Set<string>();
  const packages: CatalogedPackage[] = [];
  let unparsable = 0;
  for (const use of reader.uses) {
    const parsed = parseUse(use);
    if (parsed === null) {
      unparsable += 1;
      continue;
    }
    const key = `${parsed.type}\u0000${use.value}\u0000${parsed.comment}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (budget.take()) packages.push(usePackage(path, use, parsed, source));
  }
  const unknowns: CatalogUnknown[] = [...budget.unknowns(path)];
  if (unparsable > 0) unknowns.push({ path, reason: `${unparsable} use statement(s) with more than one '@' name no action and were not read` });
  if (reader.malformed.length > 0) unknowns.push({ path, reason: `${reader.malformed.length} entr(ies) not of the ${what} form were not read (${reader.malformed.slice(0, 3).join('; ')})` });
  if (reader.visits > MAX_VISITS) unknowns.push({ path, reason: `more than ${MAX_VISITS} jobs and steps (aliases included): the rest were not read` });
  return output(packages, [], unknowns);
}
