import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { SekishoError } from '../errors.js';
import { AdvisoryDbWriter } from './db-writer.js';
import { FEED_IMPORTERS } from './feeds/registry.js';
import type { FeedContext, FeedImporter } from './feeds/types.js';
import { errorMessage } from './feeds/types.js';
import { feedFile } from './feeds/util/feed-file.js';
import { compareText } from '@sekisho/model';

export interface BuildAdvisoryDbOptions {
  /** The database file to (re)place. */
  readonly out: string;
  /** Files and folders to read; each importer recognizes its files by layout, name and content. */
  readonly from: readonly string[];
  /** Build time recorded in the database (default: now). */
  readonly now?: Date;
  /** Per-record problems and other warnings, as they happen. */
  readonly onWarning?: (message: string) => void;
  /** When each source was downloaded (db update), by source id. */
  readonly fetched?: Readonly<Record<string, string>>;
  /** Importers to use (default: all, in detection order). */
  readonly importers?: readonly FeedImporter[];
  /** Warnings per source before they are only counted (default 50). */
  readonly maxWarningsPerSource?: number;
}

export interface BuildSourceReport {
  readonly id: string;
  readonly records: number;
  readonly skipped: number;
  /** Records seen twice (same source, id and packages); the newest `modified` was kept. */
  readonly duplicates: number;
}

export interface BuildReport {
  readonly out: string;
  readonly built: string;
  readonly files: number;
  /** Files no importer recognized (READMEs, licences, other data). */
  readonly unrecognizedFiles: number;
  readonly advisories: number;
  readonly cveFacts: number;
  readonly sources: readonly BuildSourceReport[];
  readonly durationMs: number;
  readonly bytes: number;
}

const MAX_DEPTH = 32;
const MAX_FILES = 5_000_000;

async function listInputs(roots: readonly string[]): Promise<{ path: string; relative: string }[]> {
  const out: { path: string; relative: string }[] = [];
  for (const root of roots) {
    const absolute = resolve(root);
    let info;
    try {
      info = await lstat(absolute);
    } catch (error) {
      throw new SekishoError('DB_BUILD', `cannot read feed input ${root}: ${errorMessage(error)}`, { where: { path: root }, cause: error });
    }
    if (info.isFile()) {
      out.push({ path: absolute, relative: basename(absolute) });
      continue;
    }
    if (!info.isDirectory()) throw new SekishoError('DB_BUILD', `feed input ${root} is neither a file nor a folder`, { where: { path: root } });
    const walk = async (dir: string, prefix: string, depth: number): Promise<void> => {
      if (depth > MAX_DEPTH) return;
      const entries = await readdir(dir, { withFileTypes: true });
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        if (entry.name.startsWith('.')) continue;
        const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
        if (entry.isDirectory()) await walk(join(dir, entry.name), relative, depth + 1);
        else if (entry.isFile()) {
          if (out.length >= MAX_FILES) throw new SekishoError('DB_BUILD', `more than ${MAX_FILES} feed files under ${root}`);
          out.push({ path: join(dir, entry.name), relative });
        }
      }
    };
    await walk(absolute, basename(absolute), 0);
  }
  return out;
}

interface Counts {
  records: number;
  skipped: number;
  duplicates: number;
  warnings: number;
}

/**
 * Builds an advisory database from feed files into a temp file beside `out`, then renames it
 * over `out`: a failed or interrupted build never replaces a good database. Malformed records
 * are skipped, counted per source and reported through `onWarning`; the build fails
 * (DB_BUILD) only when nothing could be read at all or the file cannot be written.
 */
export async function buildAdvisoryDb(options: BuildAdvisoryDbOptions): Promise<BuildReport> {
  const started = performance.now();
  const importers = options.importers ?? FEED_IMPORTERS;
  const built = (options.now ?? new Date()).toISOString();
  const maxWarnings = options.maxWarningsPerSource ?? 50;
  const warn = options.onWarning ?? (() => {});
  const out = resolve(options.out);
  const inputs = await listInputs(options.from);
  await mkdir(dirname(out), { recursive: true });
  const temp = join(dirname(out), `.${basename(out)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);

  const counts = new Map<string, Counts>();
  const countsFor = (source: string): Counts => {
    let c = counts.get(source);
    if (c === undefined) counts.set(source, (c = { records: 0, skipped: 0, duplicates: 0, warnings: 0 }));
    return c;
  };
  const context: FeedContext = {
    skip(source, record, reason) {
      const c = countsFor(source);
      c.skipped++;
      if (c.warnings < maxWarnings) warn(`${source}: skipped ${record}: ${reason}`);
      else if (c.warnings === maxWarnings) warn(`${source}: more records skipped; only counted from here`);
      c.warnings++;
    },
    warn,
  };

  let writer: AdvisoryDbWriter | null = null;
  let files = 0;
  let unrecognized = 0;
  let advisories = 0;
  let cveFacts = 0;
  try {
    writer = new AdvisoryDbWriter(temp);
    for (const input of inputs) {
      let file;
      try {
        file = await feedFile(input.path, input.relative);
      } catch (error) {
        warn(`cannot read ${input.relative}: ${errorMessage(error)}`);
        unrecognized++;
        continue;
      }
      const importer = importers.find((candidate) => candidate.detect(file));
      if (importer === undefined) {
        unrecognized++;
        continue;
      }
      files++;
      try {
        for await (const item of importer.parse(file, context)) {
          if (item.kind === 'advisory') {
            const result = writer.addAdvisory(item.advisory);
            const c = countsFor(item.advisory.source);
            if (result === 'duplicate' || result === 'replaced') c.duplicates++;
            else {
              c.records++;
              advisories++;
            }
          } else {
            writer.addCveFacts(item.facts);
            countsFor(item.source).records++;
            cveFacts++;
          }
        }
      } catch (error) {
        // The file as a whole could not be read (broken archive, truncated stream): skip it.
        context.skip(importer.id, input.relative, errorMessage(error));
      }
    }
    if (files === 0) {
      throw new SekishoError('DB_BUILD', `no feed files recognized under ${options.from.join(', ')}`);
    }
    const sources = [...counts].sort(([a], [b]) => compareText(a, b));
    writer.finish({
      built,
      sources: sources.map(([id, c]) => ({ id, records: c.records, skipped: c.skipped, fetched: options.fetched?.[id] ?? null })),
    });
    writer = null;
    const { size } = await lstat(temp);
    await rename(temp, out);
    return {
      out,
      built,
      files,
      unrecognizedFiles: unrecognized,
      advisories,
      cveFacts,
      sources: sources.map(([id, c]) => ({ id, records: c.records, skipped: c.skipped, duplicates: c.duplicates })),
      durationMs: performance.now() - started,
      bytes: size,
    };
  } catch (error) {
    writer?.abort();
    await rm(temp, { force: true });
    if (error instanceof SekishoError) throw error;
    throw new SekishoError('DB_BUILD', `advisory database build failed: ${errorMessage(error)}`, { where: { file: out }, cause: error });
  }
}
