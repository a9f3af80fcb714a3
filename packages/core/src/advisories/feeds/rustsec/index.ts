import { parse as parseToml } from 'smol-toml';
import { getVersionScheme } from '../../../versioning/index.js';
import type { Advisory, SeverityVector } from '../../types.js';
import { errorMessage, type FeedImporter } from '../types.js';
import { affectedEvents } from './cargo-req.js';

/**
 * RustSec advisories (https://github.com/rustsec/advisory-db, format:
 * https://github.com/rustsec/rustsec/tree/main/rustsec#advisory-format): Markdown that starts
 * with a ```` ```toml ```` block (`[advisory]`, `[versions]`, optional `[affected]`), then
 * `# Title` and the description. `informational` advisories (unmaintained, unsound, notice) are
 * not vulnerabilities and are not imported. Version requirements: see cargo-req.ts.
 */
export const SOURCE_ID = 'rustsec';
const MAX_FILE_BYTES = 1024 * 1024;
const cargo = getVersionScheme('cargo');

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

const stringList = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/** Parses one advisory file; null for informational advisories. */
export function parseRustsecAdvisory(text: string): Advisory | null {
  const match = /^\s*```toml\r?\n([\s\S]*?)\r?\n```[ \t]*(?:\r?\n|$)/.exec(text);
  if (match === null) throw new Error('no ```toml front matter');
  const doc = parseToml(match[1] ?? '') as Json;
  const advisory = doc['advisory'];
  if (!isObject(advisory)) throw new Error('no [advisory] table');
  const id = advisory['id'];
  const pkg = advisory['package'];
  if (typeof id !== 'string' || typeof pkg !== 'string' || pkg === '') throw new Error('[advisory] lacks id or package');
  if (typeof advisory['informational'] === 'string') return null;
  const versions = isObject(doc['versions']) ? doc['versions'] : {};
  const patched = stringList(versions['patched']);
  const unaffected = stringList(versions['unaffected']);
  const events = affectedEvents([...patched, ...unaffected], cargo.compare);
  const fixedVersions = events.flatMap((event) => (event.fixed === undefined ? [] : [event.fixed]));
  const body = text.slice(match[0].length);
  const title = /^\s*#\s+(.+)$/m.exec(body);
  const details = title === null ? body.trim() : body.slice((title.index ?? 0) + title[0].length).trim();
  const severity: SeverityVector[] = [];
  const cvss = advisory['cvss'];
  if (typeof cvss === 'string') severity.push({ source: SOURCE_ID, type: cvss.startsWith('CVSS:4') ? 'CVSS_V4' : 'CVSS_V3', score: cvss });
  const date = advisory['date'];
  const withdrawn = advisory['withdrawn'];
  const asDate = (value: unknown): string | null => (typeof value === 'string' ? value : value instanceof Date ? value.toISOString().slice(0, 10) : isObject(value) ? String(value) : null);
  return {
    id,
    aliases: stringList(advisory['aliases']),
    summary: title?.[1]?.trim() ?? '',
    details,
    published: asDate(date),
    modified: null,
    withdrawn: asDate(withdrawn),
    severity,
    references: [...(typeof advisory['url'] === 'string' ? [advisory['url']] : []), `https://rustsec.org/advisories/${id}.html`],
    affected: [
      {
        namespace: 'crates.io',
        packageName: pkg,
        ranges: [{ scheme: 'cargo', events }],
        versions: [],
        fixedVersions,
        status: fixedVersions.length > 0 ? 'fixed' : 'not-fixed',
        vendorSeverity: null,
      },
    ],
    source: SOURCE_ID,
  };
}

export const rustsecImporter: FeedImporter = {
  id: SOURCE_ID,
  version: 1,
  detect(file) {
    return /\.md$/i.test(file.relative) && /^\s*```toml\r?\n/.test(file.head) && /^\[advisory\]/m.test(file.head);
  },
  async *parse(file, context) {
    try {
      const advisory = parseRustsecAdvisory(await file.text(MAX_FILE_BYTES));
      if (advisory !== null) yield { kind: 'advisory', advisory };
    } catch (error) {
      context.skip(SOURCE_ID, file.relative, errorMessage(error));
    }
  },
};
