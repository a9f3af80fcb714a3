import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Dispatcher } from 'undici';
import { SekishoError } from '../../errors.js';
import { buildAdvisoryDb, type BuildReport } from '../build.js';
import { FEED_IMPORTERS } from '../feeds/registry.js';
import { errorMessage } from '../feeds/types.js';
import { feedFile } from '../feeds/util/feed-file.js';
import { downloadFeedFile, type DownloadResult } from './download.js';
import { feedSources, type FeedSource } from './sources.js';

export { feedSources, DEFAULT_ALPINE_RELEASES } from './sources.js';
export type { FeedDownload, FeedSource } from './sources.js';
export { googMd5, parseNvdMeta } from './download.js';

export interface UpdateAdvisoryDbOptions {
  /** The database file to replace. */
  readonly db: string;
  /** Where verified feed files are kept between updates (default `<db dir>/feeds`). */
  readonly feedCacheDir?: string;
  /** Fetch `<mirror>/<path>` instead of each source's official URL. */
  readonly mirror?: string;
  /** Source ids to download (default: the sources marked default). Others keep their cached files. */
  readonly sources?: readonly string[];
  /** Overrides per file path (e.g. `debian/tracker.json` → URL). */
  readonly urls?: Readonly<Record<string, string>>;
  readonly alpineReleases?: readonly string[];
  readonly nvdYears?: readonly number[];
  readonly now?: Date;
  readonly onWarning?: (message: string) => void;
  readonly onProgress?: (message: string) => void;
  /** HTTP dispatcher (default: undici EnvHttpProxyAgent, which honours HTTP(S)_PROXY / NO_PROXY). */
  readonly dispatcher?: Dispatcher;
  readonly attempts?: number;
  readonly retryDelayMs?: number;
}

export interface UpdateReport {
  readonly downloaded: readonly { readonly source: string; readonly files: number; readonly bytes: number; readonly verified: DownloadResult['verified'] }[];
  readonly build: BuildReport;
}

const FETCHED_FILE = 'fetched.json';

function mirrorUrl(base: string, path: string): string {
  return new URL(path.split('/').map(encodeURIComponent).join('/'), base.endsWith('/') ? base : `${base}/`).toString();
}

async function readFetched(cacheDir: string): Promise<Record<string, string>> {
  try {
    const parsed = JSON.parse(await readFile(join(cacheDir, FETCHED_FILE), 'utf8')) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return {};
    return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  } catch {
    return {};
  }
}

/**
 * `sekisho db update`: downloads the selected feeds into a staging folder (verified: published
 * checksums, lengths, gzip integrity, content recognized by an importer), builds a new database
 * from them plus the cached files of the other sources, and only then swaps the database and
 * the feed cache. Any failure (DB_DOWNLOAD, DB_BUILD) leaves the old database and cache as they
 * were.
 */
export async function updateAdvisoryDb(options: UpdateAdvisoryDbOptions): Promise<UpdateReport> {
  const now = options.now ?? new Date();
  const all = feedSources({
    ...(options.alpineReleases === undefined ? {} : { alpineReleases: options.alpineReleases }),
    ...(options.nvdYears === undefined ? {} : { nvdYears: options.nvdYears }),
    now,
  });
  const byId = new Map(all.map((source) => [source.id, source]));
  let selected: FeedSource[];
  if (options.sources === undefined || options.sources.length === 0) selected = all.filter((source) => source.default);
  else {
    selected = [];
    for (const id of options.sources) {
      const source = byId.get(id);
      if (source === undefined) throw new SekishoError('USAGE_INVALID', `unknown feed source ${id}; known: ${all.map((s) => s.id).join(', ')}`);
      if (!selected.includes(source)) selected.push(source);
    }
  }
  const cacheDir = options.feedCacheDir ?? join(dirname(options.db), 'feeds');
  const staging = join(cacheDir, `.staging-${process.pid}-${randomBytes(4).toString('hex')}`);
  const progress = options.onProgress ?? (() => {});
  // undici is loaded here, not at start-up: most runs never download anything.
  const ownDispatcher = options.dispatcher === undefined ? new (await import('undici')).EnvHttpProxyAgent({ headersTimeout: 60_000, bodyTimeout: 120_000 }) : null;
  const dispatcher = options.dispatcher ?? (ownDispatcher as Dispatcher);
  const downloaded: { source: string; files: number; bytes: number; verified: DownloadResult['verified'] }[] = [];
  try {
    await mkdir(staging, { recursive: true });
    for (const source of selected) {
      let bytes = 0;
      let verified: DownloadResult['verified'] = 'checksum';
      for (const file of source.files) {
        const url = options.urls?.[file.path] ?? (options.mirror === undefined ? file.url : mirrorUrl(options.mirror, file.path));
        progress(`downloading ${url}`);
        const dest = join(staging, ...file.path.split('/'));
        let result: DownloadResult;
        try {
          result = await downloadFeedFile(file, url, dest, {
            dispatcher,
            ...(options.attempts === undefined ? {} : { attempts: options.attempts }),
            ...(options.retryDelayMs === undefined ? {} : { retryDelayMs: options.retryDelayMs }),
          });
        } catch (error) {
          throw new SekishoError('DB_DOWNLOAD', `cannot download ${source.id}: ${errorMessage(error)}; the current database is unchanged`, { cause: error });
        }
        const probe = await feedFile(dest, file.path);
        if (!FEED_IMPORTERS.some((importer) => importer.detect(probe))) {
          throw new SekishoError('DB_DOWNLOAD', `${url} did not return ${source.description} (unrecognized content); the current database is unchanged`);
        }
        bytes += result.bytes;
        if (result.verified === 'size') verified = 'size';
      }
      downloaded.push({ source: source.id, files: source.files.length, bytes, verified });
    }

    // Inputs: this run's files, and the cached files of every source not downloaded now.
    const inputs: string[] = [];
    for (const source of all) {
      const fresh = selected.includes(source);
      for (const file of source.files) {
        const path = join(fresh ? staging : cacheDir, ...file.path.split('/'));
        if (existsSync(path)) inputs.push(path);
      }
    }
    const fetched = await readFetched(cacheDir);
    for (const source of selected) fetched[source.id] = now.toISOString();
    const fetchedByRecordSource: Record<string, string> = {};
    for (const source of all) {
      const time = fetched[source.id];
      if (time === undefined) continue;
      for (const id of source.produces) if ((fetchedByRecordSource[id] ?? '') < time) fetchedByRecordSource[id] = time;
    }
    progress(`building ${options.db} from ${inputs.length} feed files`);
    const build = await buildAdvisoryDb({
      out: options.db,
      from: inputs,
      now,
      fetched: fetchedByRecordSource,
      ...(options.onWarning === undefined ? {} : { onWarning: options.onWarning }),
    });

    // The new database is in place: keep this run's verified files for the next update.
    for (const source of selected) {
      for (const file of source.files) {
        const target = join(cacheDir, ...file.path.split('/'));
        await mkdir(dirname(target), { recursive: true });
        await rename(join(staging, ...file.path.split('/')), target);
      }
    }
    await writeFile(join(cacheDir, FETCHED_FILE), `${JSON.stringify(fetched, null, 2)}\n`);
    return { downloaded, build };
  } finally {
    await rm(staging, { recursive: true, force: true });
    await ownDispatcher?.close();
  }
}
