import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { PackageURL } from 'packageurl-js';
import { isOsPackageType } from '@sekisho/model';
import type { Distro } from '@sekisho/model';
import { detectDistro } from '../inventory/detect-distro.js';
import { osPackagePurl } from '../inventory/purl.js';
import { describe, expect, it } from 'vitest';
import { catalogDirectory, catalogFile } from '../testing/catalog-tester.js';
import { sharedDir } from '../testing/shared-data.js';
import { compileSelector } from '../util/file-selector.js';
import { writeZip } from '@sekisho/testkit';
import type { ZipSpecEntry } from '@sekisho/testkit';
import { SYFT_CATALOGERS, SYFT_EXPECTED_DISAGREEMENTS, SYFT_FILE_RENAMES, SYFT_PARTIAL_FIXTURES, SYFT_TYPES } from './syft-conformance-table.js';
import type { SyftConformanceEntry } from './syft-conformance-table.js';
import type { CatalogedPackage, CatalogOutput, Cataloger } from './types.js';

/*
 * Runs Sekisho's catalogers on Syft's own cataloger fixtures and compares with the packages Syft's
 * tests expect (../shared/conformance/syft/expected.json; see its README). Compared: name, version,
 * type (mapped through SYFT_TYPES) and purl where Syft's test states it. Skipped when ../shared is absent.
 */

const syftDir = sharedDir('conformance', 'syft');

interface ExpectedPackage {
  readonly name?: string;
  readonly version?: string;
  readonly type?: string;
  readonly purl?: string;
}
interface Expectation {
  readonly test: string;
  readonly mode: string;
  readonly cataloger: string;
  readonly packages: readonly ExpectedPackage[];
  readonly expect_error?: boolean;
  readonly expected_files_read?: readonly string[];
  readonly variants?: Readonly<Record<string, readonly ExpectedPackage[]>>;
  readonly must_not_contain?: readonly string[];
  readonly expected_unique_npm_package_names_count?: number;
  readonly cases?: readonly CoverageCase[];
  readonly image_only_cases?: readonly CoverageCase[];
  /** `[dependency, 'dependency-of', dependent]`; names may carry `@version`. */
  readonly relationships?: readonly (readonly [string, string, string])[];
  /** `name @ version (location) [dependency-of] name @ version (location)`. */
  readonly relationship_strings?: readonly string[];
}
interface CoverageCase {
  readonly case: string;
  readonly type: string;
  readonly duplicates: number;
  readonly packages: readonly ExpectedPackage[];
}

/** Syft's default is IncludeDevDependencies=false, as is Sekisho's: compare with that variant. */
const DEFAULT_VARIANT = 'IncludeDevDependencies=false';

interface Found {
  readonly name: string;
  readonly version: string;
  readonly type: string;
  readonly purl: string | null;
}

interface Tally {
  matched: number;
  expected: number;
  extra: number;
}

function entriesFor(cataloger: string): SyftConformanceEntry[] {
  return cataloger
    .split(' / ')
    .map((name) => SYFT_CATALOGERS[name.trim()])
    .filter((e): e is SyftConformanceEntry => e !== undefined);
}

function uniqueCatalogers(entries: readonly SyftConformanceEntry[]): Cataloger[] {
  return [...new Set(entries.flatMap((e) => e.catalogers))];
}

function ecosystemOf(fixture: string, cataloger: string): string {
  const match = /^syft\/pkg\/cataloger\/([^/]+)\//.exec(fixture);
  return match ? match[1]! : cataloger.split('-')[0]!;
}

/** An OS package's purl as the scan writes it once the OS is known (from the fixture's own os-release, when it has one). */
function toFound(pkg: CatalogedPackage, distro: Distro | null = null): Found {
  const purl = isOsPackageType(pkg.type) && pkg.purl === null ? osPackagePurl(pkg, pkg.type, distro) : pkg.purl;
  return { name: pkg.name, version: pkg.version, type: pkg.type, purl };
}

function fixtureDistro(dir: string): Distro | null {
  const osRelease = join(dir, 'etc', 'os-release');
  if (!existsSync(osRelease) || !statSync(osRelease).isFile()) return null;
  return detectDistro({ files: new Map([['/etc/os-release', readFileSync(osRelease, 'utf8')]]), distroless: false, today: new Date('2026-01-01') });
}

async function runFile(root: string, fixture: string, catalogers: readonly Cataloger[]): Promise<CatalogOutput[]> {
  const name = basename(fixture);
  const rename = SYFT_FILE_RENAMES.find(([pattern]) => pattern.test(name))?.[1] ?? name;
  const virtualPath = `/${dirname(fixture)}/${rename}`;
  const selecting = catalogers.filter((c) => compileSelector(c.selector)(virtualPath));
  const content = readFileSync(join(root, fixture));
  const outputs: CatalogOutput[] = [];
  for (const cataloger of selecting.length > 0 ? selecting : catalogers) outputs.push(await catalogFile(cataloger, virtualPath, content));
  return outputs;
}

/** Syft's jar fixtures are directories its Makefile zips into a jar (`cd DIR && zip -r DIR.jar .`): do the same in memory. */
async function runZipped(root: string, fixture: string, catalogers: readonly Cataloger[]) {
  const dir = join(root, fixture);
  const entries: ZipSpecEntry[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else entries.push({ name: relative(dir, full).split(sep).join('/'), data: readFileSync(full) });
    }
  };
  walk(dir);
  const jarPath = `/${dirname(fixture)}/${basename(fixture)}.jar`;
  const outputs: CatalogOutput[] = [];
  for (const cataloger of catalogers) if (compileSelector(cataloger.selector)(jarPath)) outputs.push(await catalogFile(cataloger, jarPath, writeZip(entries)));
  return { packages: outputs.flatMap((o) => o.packages), unknowns: outputs.flatMap((o) => o.unknowns), relationships: outputs.flatMap((o) => o.relationships) };
}

/** Catalog the fixture folder from its parent, so folder names that carry meaning (`x.dist-info`) stay in the paths. */
async function runDirectory(root: string, fixture: string, catalogers: readonly Cataloger[], imageRoot = false) {
  const prefix = imageRoot ? '/' : `/${basename(fixture)}/`;
  const results = await Promise.all(catalogers.map((c) => catalogDirectory(c, imageRoot ? join(root, fixture) : join(root, dirname(fixture)))));
  return {
    packages: results.flatMap((r) => r.packages.filter((p) => (p.paths[0] ?? '').startsWith(prefix))),
    unknowns: results.flatMap((r) => r.unknowns.filter((u) => u.path.startsWith(prefix))),
    relationships: results.flatMap((r) => r.relationships),
    selected: results.flatMap((r) => r.selectedPaths.filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length))),
  };
}

/** purls are equal when their components are (`+` and `%2B` in a version are the same purl). */
function samePurl(got: string | null, want: string): boolean {
  if (got === null) return false;
  try {
    return PackageURL.fromString(got).toString() === PackageURL.fromString(want).toString();
  } catch {
    return got === want;
  }
}

/** Pair expected with found packages; returns the differences as short strings. */
function compare(expected: readonly ExpectedPackage[], found: readonly Found[], partial: boolean, tally: Tally): string[] {
  const differences: string[] = [];
  const unmatched = [...found];
  for (const want of expected) {
    tally.expected++;
    const label = `${want.name ?? '(empty name)'}@${want.version ?? '(empty version)'}`;
    const index = unmatched.findIndex((f) => f.name === want.name && (want.version === undefined || f.version === want.version));
    if (index === -1) {
      differences.push(`missing ${label}`);
      continue;
    }
    const got = unmatched.splice(index, 1)[0]!;
    const wrong: string[] = [];
    if (want.type !== undefined && (SYFT_TYPES[want.type] ?? want.type) !== got.type) wrong.push(`type ${got.type} (Syft ${want.type})`);
    if (want.purl !== undefined && (want.purl === '' ? got.purl !== null && got.purl !== '' : !samePurl(got.purl, want.purl))) wrong.push(`purl ${got.purl} (Syft ${want.purl})`);
    if (wrong.length > 0) differences.push(`${label}: ${wrong.join(', ')}`);
    else tally.matched++;
  }
  if (!partial) {
    for (const extra of unmatched) {
      tally.extra++;
      differences.push(`extra ${extra.name}@${extra.version}`);
    }
  }
  return differences;
}

describe.skipIf(syftDir === null)('Syft cataloger fixtures (../shared/conformance/syft)', () => {
  const root = syftDir ?? '';
  const expected = syftDir ? (JSON.parse(readFileSync(join(root, 'expected.json'), 'utf8')) as { fixtures: Record<string, Expectation[]> }) : { fixtures: {} };

  it('agrees with Syft on every fixture of the supported ecosystems', async () => {
    const tallies = new Map<string, Tally>();
    // Dependency edges are reported, not asserted: Syft also links packages named only by extras.
    const edgeTallies = new Map<string, { matched: number; expected: number }>();
    const differences: { fixture: string; kind: string; ecosystem: string; items: number }[] = [];
    const tallyOf = (ecosystem: string): Tally => {
      const t = tallies.get(ecosystem) ?? { matched: 0, expected: 0, extra: 0 };
      tallies.set(ecosystem, t);
      return t;
    };
    const report = (fixture: string, ecosystem: string, kinds: readonly string[], items = 1) => {
      for (const kind of kinds) differences.push({ fixture, kind, ecosystem, items });
    };

    for (const [fixture, expectations] of Object.entries(expected.fixtures)) {
      for (const expectation of expectations) {
        if (expectation.cases) {
          await compareCoverage(root, fixture, expectation, tallyOf, report);
          continue;
        }
        const entries = entriesFor(expectation.cataloger);
        if (entries.length === 0) continue;
        // A folder of inputs to a parser's helper (`files`): its cases are the single files listed beside it.
        if (expectation.mode === 'files' || expectation.mode.startsWith('files ')) continue;
        const catalogers = uniqueCatalogers(entries);
        const ecosystem = ecosystemOf(fixture, expectation.cataloger);
        const tally = tallyOf(ecosystem);
        const isFile = expectation.mode.startsWith('file');

        if (expectation.expected_files_read) {
          const run = await runDirectory(root, fixture, catalogers);
          // Some listed files are source code that was not copied (setup.py): only present files count.
          const present = expectation.expected_files_read.filter((f) => existsSync(join(root, fixture, f)));
          const missed = present.filter((f) => !run.selected.includes(f)).sort();
          tally.expected += present.length;
          tally.matched += present.length - missed.length;
          if (missed.length > 0) report(fixture, ecosystem, [`not selected ${missed.join(', ')}`], missed.length);
          continue;
        }
        const zipped = expectation.mode.startsWith('zip of this directory');
        const run = zipped
          ? await runZipped(root, fixture, catalogers)
          : isFile
            ? await runFile(root, fixture, catalogers).then((outs) => ({
                packages: outs.flatMap((o) => o.packages),
                unknowns: outs.flatMap((o) => o.unknowns),
                relationships: outs.flatMap((o) => o.relationships),
              }))
            : await runDirectory(
                root,
                fixture,
                catalogers,
                entries.some((e) => e.imageRoot === true),
              );
        if (expectation.expect_error) {
          tally.expected++;
          if (run.unknowns.length > 0 && run.packages.length === 0) tally.matched++;
          else report(fixture, ecosystem, ['no unknown for a corrupt file']);
          continue;
        }
        if (expectation.expected_unique_npm_package_names_count !== undefined) {
          tally.expected++;
          const reported = run.packages.filter((p) => p.dev !== true);
          const names = new Set(reported.filter((p) => !p.paths[0]!.includes('/node_modules/')).map((p) => p.name));
          if (names.size === expectation.expected_unique_npm_package_names_count && reported.every((p) => !p.paths[0]!.includes('/node_modules/'))) tally.matched++;
          else report(fixture, ecosystem, [`${names.size} distinct npm names (Syft ${expectation.expected_unique_npm_package_names_count})`]);
          continue;
        }
        const stated = statedEdges(expectation);
        if (stated.length > 0) {
          const got = foundEdges(run.packages, run.relationships);
          const edgeTally = edgeTallies.get(ecosystem) ?? { matched: 0, expected: 0 };
          edgeTally.expected += stated.length;
          edgeTally.matched += stated.filter((e) => got.has(e)).length;
          edgeTallies.set(ecosystem, edgeTally);
        }
        const wanted = expectation.variants?.[DEFAULT_VARIANT] ?? expectation.packages;
        if (wanted.length === 0) continue;
        const partial = SYFT_PARTIAL_FIXTURES.has(fixture);
        const distro = isFile ? null : fixtureDistro(join(root, fixture));
        // Catalogers mark dev-only packages; the scan drops them by default (includeDevDeps=false).
        report(
          fixture,
          ecosystem,
          compare(
            wanted,
            run.packages.filter((p) => p.dev !== true).map((p) => toFound(p, distro)),
            partial,
            tally,
          ),
        );
        // The test's own packages are those of IncludeDevDependencies=true: every package, dev ones included.
        if (expectation.variants?.[DEFAULT_VARIANT] !== undefined) {
          report(
            fixture,
            ecosystem,
            compare(
              expectation.packages,
              run.packages.map((p) => toFound(p, distro)),
              partial,
              tally,
            ).map((d) => `with dev dependencies: ${d}`),
          );
        }
        for (const forbidden of expectation.must_not_contain ?? []) {
          if (run.packages.some((p) => p.name === forbidden)) report(fixture, ecosystem, [`contains ${forbidden}`]);
        }
      }
    }

    const listed = (d: { fixture: string; kind: string }) => SYFT_EXPECTED_DISAGREEMENTS.some((e) => e.fixture === d.fixture && e.kind === d.kind);
    const lines = [...tallies.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([eco, t]) => {
        const total = t.expected + t.extra;
        const excused = differences.filter((d) => d.ecosystem === eco && listed(d)).reduce((n, d) => n + d.items, 0);
        const agreement = total === 0 ? 100 : (100 * t.matched) / total;
        const supported = total - excused === 0 ? 100 : (100 * t.matched) / (total - excused);
        return `  ${eco.padEnd(11)} ${String(t.matched).padStart(4)}/${total} agree (${agreement.toFixed(1)}%); ${excused} listed disagreements; ${supported.toFixed(1)}% of the rest`;
      });
    const all = [...tallies.values()].reduce((sum, t) => ({ matched: sum.matched + t.matched, total: sum.total + t.expected + t.extra }), { matched: 0, total: 0 });
    const unmeasurable = differences.filter((d) => SYFT_EXPECTED_DISAGREEMENTS.some((e) => e.fixture === d.fixture && e.kind === d.kind && e.inputMissing === true)).reduce((n, d) => n + d.items, 0);
    const measurable = (100 * all.matched) / (all.total - unmeasurable);
    lines.push(
      `  overall     ${all.matched}/${all.total} agree (${((100 * all.matched) / all.total).toFixed(1)}%); ${unmeasurable} expectation(s) need input not in the copy; ${measurable.toFixed(1)}% of what the copy can show`,
    );
    const edgeLines = [...edgeTallies.entries()].map(([eco, t]) => `  ${eco.padEnd(11)} ${t.matched}/${t.expected} of the dependency edges Syft's tests state`);
    console.log(`Syft conformance (name, version, type, purl):\n${lines.join('\n')}\nDependency edges:\n${edgeLines.join('\n')}`);
    for (const d of differences) console.log(`  difference ${d.fixture}: ${d.kind}`);

    expect(differences.filter((d) => !listed(d))).toEqual([]);
    const stale = SYFT_EXPECTED_DISAGREEMENTS.filter((e) => !differences.some((d) => d.fixture === e.fixture && d.kind === e.kind));
    expect(stale).toEqual([]);
    expect(tallies.size).toBeGreaterThan(0);
    // The goal: at least 99% of the expectations the fixture copy can show.
    expect(measurable).toBeGreaterThanOrEqual(99);
  });
});

/**
 * Syft's whole-folder integration fixture: per package type, the set found must equal the listed
 * name → version map. `cases` come from Syft's directory scan, `image_only_cases` from its image scan.
 */
async function compareCoverage(
  root: string,
  fixture: string,
  expectation: Expectation,
  tallyOf: (ecosystem: string) => Tally,
  report: (fixture: string, ecosystem: string, kinds: readonly string[]) => void,
): Promise<void> {
  for (const [scan, cases] of [
    ['directory', expectation.cases ?? []],
    ['image', expectation.image_only_cases ?? []],
  ] as const) {
    const catalogers = uniqueCatalogers(Object.values(SYFT_CATALOGERS).filter((e) => e.scans.includes(scan)));
    const covered = new Set(catalogers.flatMap((c) => c.packageTypes));
    const run = await runDirectory(root, fixture, catalogers);
    for (const coverage of cases) {
      const type = SYFT_TYPES[coverage.type];
      if (type === undefined || !covered.has(type)) continue;
      const found = run.packages.filter((p) => p.type === type).map((p) => toFound(p));
      const ecosystem = ecosystemName(coverage.type);
      report(fixture, ecosystem, compare(coverage.packages, dedupe(found, coverage.duplicates), false, tallyOf(ecosystem)));
    }
  }
}

/** Stated edges as `dependent -> dependency` names (versions dropped: names are unique in these fixtures' statements). */
function statedEdges(expectation: Expectation): string[] {
  const name = (text: string) => splitNameVersion(text.trim());
  const fromTriples = (expectation.relationships ?? []).map(([dep, , dependent]) => `${name(dependent)} -> ${name(dep)}`);
  const fromStrings = (expectation.relationship_strings ?? []).flatMap((line) => {
    const match = /^(\S+) @ \S+ \([^)]*\) \[dependency-of\] (\S+) @ /.exec(line);
    return match ? [`${match[2]} -> ${match[1]}`] : [];
  });
  return [...new Set([...fromTriples, ...fromStrings])];
}

function splitNameVersion(text: string): string {
  const at = text.indexOf('@', 1);
  return at === -1 ? text : text.slice(0, at);
}

function foundEdges(packages: readonly CatalogedPackage[], relationships: readonly { fromRef: string; toRef: string }[]): Set<string> {
  const byRef = new Map(packages.map((p) => [p.ref, p.name]));
  return new Set(relationships.flatMap((r) => (byRef.has(r.fromRef) && byRef.has(r.toRef) ? [`${byRef.get(r.fromRef)} -> ${byRef.get(r.toRef)}`] : [])));
}

/** Syft counts a name@version once unless the case expects duplicates. */
function dedupe(found: readonly Found[], duplicates: number): Found[] {
  if (duplicates > 0) return [...found];
  const seen = new Set<string>();
  return found.filter((f) => {
    const key = `${f.name}@${f.version}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function ecosystemName(syftType: string): string {
  const names: Record<string, string> = {
    npm: 'javascript',
    gem: 'ruby',
    'php-composer': 'php',
    'java-archive': 'java',
    'go-module': 'golang',
    'rust-crate': 'rust',
  };
  return names[syftType] ?? syftType;
}
