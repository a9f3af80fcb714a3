import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { SEVERITIES } from '@sekisho/model';
import { advisoryStoreFromRecords } from '../advisories/memory-store.js';
import { normalizePackageName, schemeForNamespace } from '../advisories/namespaces.js';
import type { AffectedRange, Advisory, AdvisoryStore, AffectedPackage, CveFacts, SeverityVector } from '../advisories/types.js';
import { VERSION_SCHEME_IDS, type OsvEvent } from '../versioning/index.js';

/**
 * Small, readable advisory fixtures for matcher tests, in the spirit of Trivy's YAML DB fixtures.
 *
 * ```yaml
 * source: test                       # default `source` of every advisory (optional)
 * advisories:
 *   - id: CVE-2023-0001
 *     aliases: [DSA-5500-1]
 *     severity: [{ type: CVSS_V3, score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", source: nvd }]
 *     affected:
 *       - namespace: debian:12
 *         package: openssl            # source package for distros
 *         fixed: 3.0.11-1~deb12u1     # shorthand: range introduced 0 → fixed, fixedVersions [it], status fixed
 *         vendorSeverity: high
 *       - namespace: PyPI
 *         package: Django             # normalized (PEP 503) when loaded
 *         ranges:                     # compact ranges (one object per OSV range) …
 *           - { introduced: "3.0", fixed: "3.0.14" }
 *           - { introduced: "3.1", last_affected: "3.1.7" }
 *         versions: ["3.0.1"]
 *       - namespace: debian:11
 *         package: openssl
 *         status: wont-fix           # no range: the vendor's verdict only
 *   - id: GO-2024-0001
 *     affected:
 *       - namespace: Go
 *         package: golang.org/x/net
 *         scheme: golang              # default from the namespace
 *         events: [{ introduced: "0" }, { fixed: "v0.23.0" }]   # … or raw OSV events
 * cves:
 *   CVE-2023-0001:
 *     epss: { score: 0.97, percentile: 0.99 }
 *     kev: { dateAdded: "2023-05-01", ransomware: true }
 *     nvd: [{ type: CVSS_V3, score: "CVSS:3.1/…" }]
 * ```
 * Status defaults to `fixed` when a fix is stated, else `not-fixed`; the scheme defaults to the
 * namespace's (schemeForNamespace). Invalid fixtures throw with the zod path of the problem.
 */

const eventSchema = z
  .object({
    introduced: z.coerce.string().optional(),
    fixed: z.coerce.string().optional(),
    last_affected: z.coerce.string().optional(),
    limit: z.coerce.string().optional(),
  })
  .strict();

const vectorSchema = z
  .object({
    type: z.enum(['CVSS_V2', 'CVSS_V3', 'CVSS_V4', 'vendor']),
    score: z.string(),
    source: z.string().optional(),
  })
  .strict();

const affectedSchema = z
  .object({
    namespace: z.string().min(1),
    package: z.string().min(1),
    scheme: z.enum(VERSION_SCHEME_IDS).optional(),
    fixed: z.union([z.coerce.string(), z.array(z.coerce.string())]).optional(),
    ranges: z.array(eventSchema).optional(),
    events: z.array(eventSchema).optional(),
    versions: z.array(z.coerce.string()).optional(),
    status: z.enum(['fixed', 'not-fixed', 'wont-fix', 'end-of-life', 'not-affected', 'unknown']).optional(),
    vendorSeverity: z.enum(SEVERITIES).optional(),
  })
  .strict();

const advisorySchema = z
  .object({
    id: z.string().min(1),
    aliases: z.array(z.string()).optional(),
    summary: z.string().optional(),
    details: z.string().optional(),
    published: z.coerce.string().optional(),
    modified: z.coerce.string().optional(),
    withdrawn: z.coerce.string().optional(),
    severity: z.array(vectorSchema).optional(),
    references: z.array(z.string()).optional(),
    source: z.string().optional(),
    affected: z.array(affectedSchema).default([]),
  })
  .strict();

const cveSchema = z
  .object({
    epss: z.object({ score: z.number(), percentile: z.number() }).strict().optional(),
    kev: z.object({ dateAdded: z.coerce.string(), dueDate: z.coerce.string().optional(), ransomware: z.boolean().optional() }).strict().optional(),
    nvd: z.array(vectorSchema).optional(),
  })
  .strict();

const fixtureSchema = z
  .object({
    source: z.string().optional(),
    advisories: z.array(advisorySchema).default([]),
    cves: z.record(z.string(), cveSchema).default({}),
  })
  .strict();

type AffectedInput = z.infer<typeof affectedSchema>;
type EventInput = z.infer<typeof eventSchema>;

/** A compact range object → OSV events in evaluation order. */
function compactToEvents(range: EventInput): OsvEvent[] {
  const events: OsvEvent[] = [];
  if (range.introduced !== undefined) events.push({ introduced: range.introduced });
  if (range.fixed !== undefined) events.push({ fixed: range.fixed });
  if (range.last_affected !== undefined) events.push({ last_affected: range.last_affected });
  if (range.limit !== undefined) events.push({ limit: range.limit });
  return events;
}

function eventOf(event: EventInput): OsvEvent {
  const keys = Object.keys(event);
  if (keys.length !== 1) throw new Error(`an OSV event has exactly one field, got ${JSON.stringify(event)}`);
  return compactToEvents(event)[0] as OsvEvent;
}

function toAffected(input: AffectedInput, where: string): AffectedPackage {
  const scheme = input.scheme ?? schemeForNamespace(input.namespace);
  const fixed = input.fixed === undefined ? [] : Array.isArray(input.fixed) ? input.fixed : [input.fixed];
  const ranges: AffectedRange[] = [];
  const needsScheme = fixed.length > 0 || input.ranges !== undefined || input.events !== undefined;
  if (needsScheme && scheme === null) throw new Error(`${where}: no version scheme for namespace ${input.namespace}; set scheme`);
  if (scheme !== null) {
    for (const version of fixed) ranges.push({ scheme, events: [{ introduced: '0' }, { fixed: version }] });
    for (const range of input.ranges ?? []) ranges.push({ scheme, events: compactToEvents(range) });
    if (input.events !== undefined) ranges.push({ scheme, events: input.events.map(eventOf) });
  }
  const fixedVersions = [...fixed];
  for (const range of ranges) for (const event of range.events) if (event.fixed !== undefined && !fixedVersions.includes(event.fixed)) fixedVersions.push(event.fixed);
  return {
    namespace: input.namespace,
    packageName: normalizePackageName(input.namespace, input.package),
    ranges,
    versions: input.versions ?? [],
    fixedVersions,
    status: input.status ?? (fixedVersions.length > 0 ? 'fixed' : 'not-fixed'),
    vendorSeverity: input.vendorSeverity ?? null,
  };
}

function toVector(input: z.infer<typeof vectorSchema>, source: string): SeverityVector {
  return { source: input.source ?? source, type: input.type, score: input.score };
}

export interface AdvisoryFixture {
  readonly advisories: readonly Advisory[];
  readonly cveFacts: ReadonlyMap<string, CveFacts>;
}

/** Parses fixture YAML text into normalized advisories and CVE facts; throws on an invalid fixture. */
export function parseAdvisoryFixture(text: string, name = 'fixture'): AdvisoryFixture {
  const parsed = fixtureSchema.safeParse(parseYaml(text) ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${name}: invalid advisory fixture at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'invalid'}`);
  }
  const fixture = parsed.data;
  const defaultSource = fixture.source ?? 'test';
  const advisories = fixture.advisories.map((input, i): Advisory => {
    const source = input.source ?? defaultSource;
    return {
      id: input.id,
      aliases: input.aliases ?? [],
      summary: input.summary ?? '',
      details: input.details ?? '',
      published: input.published ?? null,
      modified: input.modified ?? null,
      withdrawn: input.withdrawn ?? null,
      severity: (input.severity ?? []).map((vector) => toVector(vector, source)),
      references: input.references ?? [],
      affected: input.affected.map((affected, j) => toAffected(affected, `${name}: advisories[${i}].affected[${j}]`)),
      source,
    };
  });
  const cveFacts = new Map<string, CveFacts>();
  for (const [id, facts] of Object.entries(fixture.cves)) {
    cveFacts.set(id, {
      epss: facts.epss ?? null,
      kev: facts.kev === undefined ? null : { dateAdded: facts.kev.dateAdded, dueDate: facts.kev.dueDate ?? null, ransomware: facts.kev.ransomware ?? false },
      nvd: (facts.nvd ?? []).map((vector) => toVector(vector, 'nvd')),
    });
  }
  return { advisories, cveFacts };
}

/** An in-memory AdvisoryStore from fixture YAML text. */
export function advisoryStoreFromYaml(text: string, name?: string): AdvisoryStore {
  const fixture = parseAdvisoryFixture(text, name);
  return advisoryStoreFromRecords(fixture.advisories, fixture.cveFacts);
}

/** An in-memory AdvisoryStore from a fixture YAML file (e.g. `__fixtures__/advisories.yaml`). */
export async function loadAdvisoryFixtureStore(file: string): Promise<AdvisoryStore> {
  return advisoryStoreFromYaml(await readFile(file, 'utf8'), file);
}
