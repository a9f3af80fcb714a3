import type { Severity } from '@sekisho/model';
import { withGoPrefix, type OsvEvent, type VersionSchemeId } from '../../../versioning/index.js';
import { namespaceFromOsvEcosystem, normalizePackageName, schemeForNamespace } from '../../namespaces.js';
import type { AffectedPackage, AffectedRange, Advisory, SeverityVector } from '../../types.js';
import { errorMessage, type FeedFile, type FeedImporter, type FeedItem } from '../types.js';
import { severityFromWord } from '../util/severity-words.js';
import { zipEntries } from '../util/zip-entries.js';
import { lazyModule } from '../../../util/lazy-module.js';

const yamlLibrary = lazyModule<typeof import('yaml')>('yaml');

/**
 * OSV records (https://ossf.github.io/osv-schema/, schema 1.x) in JSON or YAML, one per file or
 * as entries of an OSV `all.zip` export. See readme.md for the mapping.
 */
export const MAX_OSV_RECORD_BYTES = 16 * 1024 * 1024;
const MAX_AFFECTED = 10_000;
const MAX_EVENTS = 10_000;
const MAX_VERSIONS = 100_000;
const MAX_STRINGS = 10_000;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

function strings(value: unknown, what: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new Error(`${what} is not a list`);
  if (value.length > MAX_STRINGS) throw new Error(`${what} has more than ${MAX_STRINGS} entries`);
  return value.filter((item): item is string => typeof item === 'string');
}

/** The source id for an OSV record: by id prefix, else by its first ecosystem. */
export function osvSourceId(id: string, ecosystem: string | null): string {
  const prefix = id.split('-')[0]?.toUpperCase() ?? '';
  switch (prefix) {
    case 'GHSA':
      return 'ghsa';
    case 'PYSEC':
      return 'osv-pypi';
    case 'GO':
      return 'osv-go';
    case 'RUSTSEC':
      return 'osv-rustsec';
    case 'USN':
    case 'UBUNTU':
    case 'LSN':
      return 'osv-ubuntu';
    case 'DSA':
    case 'DLA':
    case 'DTSA':
    case 'DEBIAN':
      return 'osv-debian';
    case 'ALPINE':
      return 'osv-alpine';
    default: {
      const base =
        (ecosystem ?? '')
          .split(':')[0]
          ?.toLowerCase()
          .replace(/[^a-z0-9.]+/g, '-') ?? '';
      return base === '' ? 'osv' : `osv-${base}`;
    }
  }
}

function vectorType(type: string): SeverityVector['type'] {
  switch (type) {
    case 'CVSS_V2':
    case 'CVSS_V3':
    case 'CVSS_V4':
      return type;
    default:
      return 'vendor';
  }
}

function parseEvents(raw: unknown, go: boolean, what: string): OsvEvent[] {
  if (!Array.isArray(raw)) throw new Error(`${what}.events is not a list`);
  if (raw.length > MAX_EVENTS) throw new Error(`${what}.events has more than ${MAX_EVENTS} events`);
  const fix = (version: string): string => (go && version !== '0' ? withGoPrefix(version) : version);
  const events: OsvEvent[] = [];
  for (const event of raw) {
    if (!isObject(event)) throw new Error(`${what}: an event is not an object`);
    const introduced = str(event['introduced']);
    const fixed = str(event['fixed']);
    const lastAffected = str(event['last_affected']);
    const limit = str(event['limit']);
    if (introduced !== null) events.push({ introduced: fix(introduced) });
    else if (fixed !== null) events.push({ fixed: fix(fixed) });
    else if (lastAffected !== null) events.push({ last_affected: fix(lastAffected) });
    else if (limit !== null) events.push({ limit: limit === '*' ? limit : fix(limit) });
    else throw new Error(`${what}: an event has no introduced/fixed/last_affected/limit`);
  }
  return events;
}

function schemeFor(namespace: string, rangeType: string): VersionSchemeId | null {
  const scheme = schemeForNamespace(namespace);
  if (rangeType === 'SEMVER') return scheme === 'golang' || scheme === 'npm' || scheme === 'cargo' ? scheme : 'semver';
  return scheme;
}

function vendorSeverityOf(affected: Json, record: Json): Severity | null {
  for (const holder of [affected['ecosystem_specific'], affected['database_specific'], record['database_specific']]) {
    if (isObject(holder)) {
      const found = severityFromWord(holder['severity']) ?? severityFromWord(holder['priority']) ?? severityFromWord(holder['urgency']);
      if (found !== null) return found;
    }
  }
  return null;
}

function parseAffected(raw: Json, record: Json, index: number): AffectedPackage | null {
  const what = `affected[${index}]`;
  const pkg = raw['package'];
  if (!isObject(pkg)) return null; // OSV allows affected entries without a package (GIT-only)
  const ecosystem = str(pkg['ecosystem']);
  const name = str(pkg['name']);
  if (ecosystem === null || name === null || name === '') throw new Error(`${what}.package lacks ecosystem or name`);
  const namespace = namespaceFromOsvEcosystem(ecosystem);
  if (namespace === null) return null;
  const go = namespace === 'Go';
  const ranges: AffectedRange[] = [];
  const fixedVersions: string[] = [];
  const rawRanges = raw['ranges'] ?? [];
  if (!Array.isArray(rawRanges)) throw new Error(`${what}.ranges is not a list`);
  rawRanges.forEach((range: unknown, r) => {
    if (!isObject(range)) throw new Error(`${what}.ranges[${r}] is not an object`);
    const type = str(range['type']);
    if (type !== 'ECOSYSTEM' && type !== 'SEMVER') return; // GIT ranges name commits, not versions
    const scheme = schemeFor(namespace, type);
    if (scheme === null) return;
    const events = parseEvents(range['events'], go, `${what}.ranges[${r}]`);
    for (const event of events) if (event.fixed !== undefined && !fixedVersions.includes(event.fixed)) fixedVersions.push(event.fixed);
    ranges.push({ scheme, events });
  });
  const versions = strings(raw['versions'], `${what}.versions`);
  if (versions.length > MAX_VERSIONS) throw new Error(`${what}.versions too long`);
  return {
    namespace,
    packageName: normalizePackageName(namespace, name),
    ranges,
    versions: go ? versions.map(withGoPrefix) : versions,
    fixedVersions,
    status: fixedVersions.length > 0 ? 'fixed' : 'not-fixed',
    vendorSeverity: vendorSeverityOf(raw, record),
  };
}

/** Normalizes one parsed OSV record; throws (with a reason) when it is not a usable record. */
export function normalizeOsvRecord(record: unknown, source?: string): Advisory {
  if (!isObject(record)) throw new Error('not an object');
  const id = str(record['id']);
  if (id === null || id === '' || id.length > 200) throw new Error('missing or invalid id');
  const rawAffected = record['affected'] ?? [];
  if (!Array.isArray(rawAffected)) throw new Error('affected is not a list');
  if (rawAffected.length > MAX_AFFECTED) throw new Error(`more than ${MAX_AFFECTED} affected entries`);
  const firstEcosystem = rawAffected.map((a: unknown) => (isObject(a) && isObject(a['package']) ? str(a['package']['ecosystem']) : null)).find((e) => e !== null) ?? null;
  const sourceId = source ?? osvSourceId(id, firstEcosystem);
  const affected: AffectedPackage[] = [];
  rawAffected.forEach((entry: unknown, i) => {
    if (!isObject(entry)) throw new Error(`affected[${i}] is not an object`);
    const parsed = parseAffected(entry, record, i);
    if (parsed !== null) affected.push(parsed);
  });
  const aliases = strings(record['aliases'], 'aliases');
  // Ubuntu's `upstream` lists UBUNTU-CVE-… ids; the CVE they stand for is an alias.
  for (const upstream of strings(record['upstream'], 'upstream')) {
    const cve = upstream.startsWith('UBUNTU-CVE-') ? upstream.slice('UBUNTU-'.length) : upstream.startsWith('CVE-') ? upstream : null;
    if (cve !== null && cve !== id && !aliases.includes(cve)) aliases.push(cve);
  }
  const severity: SeverityVector[] = [];
  const rawSeverity = record['severity'] ?? [];
  if (Array.isArray(rawSeverity)) {
    for (const entry of rawSeverity) {
      if (isObject(entry) && typeof entry['type'] === 'string' && typeof entry['score'] === 'string') {
        severity.push({ source: sourceId, type: vectorType(entry['type']), score: entry['score'] });
      }
    }
  }
  const specific = record['database_specific'];
  if (isObject(specific) && typeof specific['severity'] === 'string' && severityFromWord(specific['severity']) !== null) {
    severity.push({ source: sourceId, type: 'vendor', score: specific['severity'] });
  }
  const references: string[] = [];
  const rawRefs = record['references'];
  if (Array.isArray(rawRefs)) {
    for (const ref of rawRefs.slice(0, MAX_STRINGS)) if (isObject(ref) && typeof ref['url'] === 'string') references.push(ref['url']);
  }
  const date = (value: unknown): string | null => {
    if (value instanceof Date) return value.toISOString();
    return str(value);
  };
  return {
    id,
    aliases: aliases.filter((alias) => alias !== id),
    summary: str(record['summary']) ?? '',
    details: str(record['details']) ?? '',
    published: date(record['published']),
    modified: date(record['modified']),
    withdrawn: date(record['withdrawn']),
    severity,
    references,
    affected,
    source: sourceId,
  };
}

// failsafe: every scalar stays a string, so a version such as 1.10 is not read as the number 1.1.
const YAML_OPTIONS = { maxAliasCount: 100, uniqueKeys: false, prettyErrors: false, schema: 'failsafe' } as const;

/** Parses the text of one OSV record file (JSON or YAML). */
export function parseOsvText(text: string, yaml: boolean): unknown {
  return yaml ? yamlLibrary().parse(text, YAML_OPTIONS) : JSON.parse(text);
}

const isYamlName = (name: string): boolean => /\.ya?ml$/i.test(name);

async function* parseZip(file: FeedFile, context: Parameters<FeedImporter['parse']>[1]): AsyncGenerator<FeedItem> {
  for await (const entry of zipEntries(
    file.path,
    (name) => /\.(json|ya?ml)$/i.test(name),
    (name, reason) => context.skip('osv', `${file.relative}!${name}`, reason),
  )) {
    try {
      const advisory = normalizeOsvRecord(parseOsvText(entry.data.toString('utf8'), isYamlName(entry.name)));
      yield { kind: 'advisory', advisory };
    } catch (error) {
      context.skip('osv', `${file.relative}!${entry.name}`, errorMessage(error));
    }
  }
}

export const osvImporter: FeedImporter = {
  id: 'osv',
  version: 1,
  detect(file) {
    const name = file.relative.toLowerCase();
    if (name.endsWith('.zip')) return file.head.startsWith('PK');
    if (/\.ya?ml$/.test(name)) return /^id:\s/m.test(file.head) && /^(affected|modified|aliases):/m.test(file.head);
    if (/\.json(\.gz)?$/.test(name)) {
      return /^\s*\{/.test(file.head) && /"id"\s*:\s*"/.test(file.head) && /"(affected|modified|schema_version)"\s*:/.test(file.head) && !/"module_name"\s*:/.test(file.head);
    }
    return false;
  },
  async *parse(file, context) {
    if (file.relative.toLowerCase().endsWith('.zip')) {
      yield* parseZip(file, context);
      return;
    }
    try {
      const text = await file.text(MAX_OSV_RECORD_BYTES);
      yield { kind: 'advisory', advisory: normalizeOsvRecord(parseOsvText(text, isYamlName(file.relative))) };
    } catch (error) {
      context.skip('osv', file.relative, errorMessage(error));
    }
  },
};
