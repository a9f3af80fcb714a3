import type { OsvEvent } from '../../../versioning/index.js';
import type { AffectedRange, Advisory } from '../../types.js';
import { errorMessage, type FeedImporter } from '../types.js';
import { jsonMembers } from '../util/json-members.js';
import { lazyModule } from '../../../util/lazy-module.js';

const semver = lazyModule<typeof import('semver')>('semver');

/**
 * The legacy Node Security Project advisories (nodejs/security-wg `vuln/npm/<id>.json`, and its
 * `index.json` that repeats them keyed by id). `vulnerable_versions` is an npm range; each of its
 * comparator sets (node-semver `Range.set`) becomes one OSV range. Ids are the working group's
 * `NSWG-ECO-<id>`.
 */
export const SOURCE_ID = 'npm-nsp';
const MAX_FILE_BYTES = 4 * 1024 * 1024;
const MAX_RANGE_CHARS = 2048;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** An npm range → OSV ranges (one per `||` alternative); throws when it does not parse. */
export function npmRangeToOsv(range: string): AffectedRange[] {
  if (range.length > MAX_RANGE_CHARS) throw new Error('range too long');
  const parsed = new (semver().Range)(range.trim() === '' ? '*' : range, { loose: true });
  const out: AffectedRange[] = [];
  for (const set of parsed.set) {
    let lo: { version: string; inclusive: boolean } | null = null;
    let hi: { version: string; inclusive: boolean } | null = null;
    for (const comparator of set) {
      if (comparator.value === '') continue; // the ANY comparator (`*`)
      const version = comparator.semver.version;
      const op = comparator.operator;
      if (op === '>=' || op === '>' || op === '' || op === '=') {
        const inclusive = op !== '>';
        if (lo === null || semver().gt(version, lo.version) || (semver().eq(version, lo.version) && !inclusive)) lo = { version, inclusive };
      }
      if (op === '<' || op === '<=' || op === '' || op === '=') {
        const inclusive = op !== '<';
        if (hi === null || semver().lt(version, hi.version) || (semver().eq(version, hi.version) && !inclusive)) hi = { version, inclusive };
      }
    }
    const events: OsvEvent[] = [];
    events.push({ introduced: lo === null ? '0' : lo.inclusive ? lo.version : (semver().inc(lo.version, 'patch') ?? lo.version) });
    if (hi !== null) events.push(hi.inclusive ? { last_affected: hi.version } : { fixed: hi.version });
    out.push({ scheme: 'npm', events });
  }
  return out;
}

/** The lowest versions of a `patched_versions` range's alternatives, as fixed versions. */
function patchedVersions(range: string): string[] {
  if (range.length > MAX_RANGE_CHARS) return [];
  try {
    const parsed = new (semver().Range)(range, { loose: true });
    const out: string[] = [];
    for (const set of parsed.set) {
      const min = set.filter((c) => c.operator === '>=' || c.operator === '').map((c) => c.semver.version)[0];
      if (min !== undefined && !out.includes(min)) out.push(min);
    }
    return out;
  } catch {
    return [];
  }
}

export function normalizeNspAdvisory(record: unknown): Advisory {
  if (!isObject(record)) throw new Error('not an object');
  const id = record['id'];
  const module = record['module_name'];
  if ((typeof id !== 'number' && typeof id !== 'string') || typeof module !== 'string' || module === '') throw new Error('lacks id or module_name');
  const vulnerable = typeof record['vulnerable_versions'] === 'string' ? record['vulnerable_versions'] : '*';
  const ranges = npmRangeToOsv(vulnerable);
  const fixedVersions = typeof record['patched_versions'] === 'string' ? patchedVersions(record['patched_versions']) : [];
  const cves = Array.isArray(record['cves']) ? record['cves'].filter((c): c is string => typeof c === 'string') : [];
  const refs = Array.isArray(record['references']) ? record['references'].filter((c): c is string => typeof c === 'string') : [];
  const vector = record['cvss_vector'];
  const str = (key: string): string | null => (typeof record[key] === 'string' ? record[key] : null);
  return {
    id: `NSWG-ECO-${id}`,
    aliases: cves,
    summary: str('title') ?? '',
    details: [str('overview'), str('recommendation')].filter((s) => s !== null && s !== '').join('\n\n'),
    published: str('publish_date'),
    modified: str('updated_at'),
    withdrawn: null,
    severity: typeof vector === 'string' && vector.startsWith('CVSS:') ? [{ source: SOURCE_ID, type: 'CVSS_V3', score: vector }] : [],
    references: refs,
    affected: [
      {
        namespace: 'npm',
        packageName: module.toLowerCase(),
        ranges,
        versions: [],
        fixedVersions,
        status: fixedVersions.length > 0 ? 'fixed' : 'not-fixed',
        vendorSeverity: null,
      },
    ],
    source: SOURCE_ID,
  };
}

export const npmNspImporter: FeedImporter = {
  id: SOURCE_ID,
  version: 1,
  detect(file) {
    if (!/\.json(\.gz)?$/i.test(file.relative)) return false;
    // one advisory, or index.json: { "<id>": { advisory }, … }
    return /"module_name"\s*:/.test(file.head) && (/"vulnerable_versions"\s*:/.test(file.head) || /^\s*\{\s*"\d+"\s*:\s*\{/.test(file.head));
  },
  async *parse(file, context) {
    if (/^\s*\{\s*"\d+"\s*:\s*\{/.test(file.head)) {
      for await (const member of jsonMembers(file.chunks(), [], { maxMemberChars: MAX_FILE_BYTES })) {
        try {
          yield { kind: 'advisory', advisory: normalizeNspAdvisory(JSON.parse(member.text)) };
        } catch (error) {
          context.skip(SOURCE_ID, `${file.relative}: ${member.key ?? '?'}`, errorMessage(error));
        }
      }
      return;
    }
    try {
      yield { kind: 'advisory', advisory: normalizeNspAdvisory(JSON.parse(await file.text(MAX_FILE_BYTES))) };
    } catch (error) {
      context.skip(SOURCE_ID, file.relative, errorMessage(error));
    }
  },
};
