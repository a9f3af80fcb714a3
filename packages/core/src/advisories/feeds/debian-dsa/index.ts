import { DEBIAN_CODENAMES } from '../../namespaces.js';
import type { AffectedPackage, Advisory } from '../../types.js';
import type { FeedImporter } from '../types.js';
import { lines } from '../util/lines.js';

/**
 * The Debian security tracker's advisory lists (`data/DSA/list`, `data/DLA/list`): a header
 * `[DD Mon YYYY] DSA-NNNN-N <source package> - <title>`, then tab-indented `{CVE-… …}` (the CVEs
 * fixed) and `[<suite>] - <source package> <fixed version>` lines (or `<not-affected>` …). One
 * advisory per DSA/DLA: its CVEs become aliases, each suite line an affected package.
 */
const HEADER = /^\[(\d{1,2}) ([A-Z][a-z]{2}) (\d{4})\] ((?:DSA|DLA|DTSA)-\d+(?:-\d+)?)\s+(.*)$/;
const CVES = /^\s+\{([^}]*)\}/;
const SUITE = /^\s+\[([a-z][a-z0-9-]{0,40})\] - (\S+)\s+(\S+)/;
const MONTHS: Readonly<Record<string, string>> = {
  Jan: '01',
  Feb: '02',
  Mar: '03',
  Apr: '04',
  May: '05',
  Jun: '06',
  Jul: '07',
  Aug: '08',
  Sep: '09',
  Oct: '10',
  Nov: '11',
  Dec: '12',
};
const MAX_LINE = 64 * 1024;

interface Pending {
  id: string;
  published: string | null;
  title: string;
  aliases: string[];
  affected: AffectedPackage[];
  line: number;
}

function suiteNamespace(suite: string): string {
  const codename = suite.replace(/-(lts|security|updates)$/, '');
  return `debian:${DEBIAN_CODENAMES[codename] ?? codename}`;
}

export function dsaAffected(suite: string, pkg: string, version: string): AffectedPackage {
  const base = { namespace: suiteNamespace(suite), packageName: pkg, versions: [], vendorSeverity: null };
  switch (version) {
    case '<not-affected>':
      return { ...base, ranges: [], fixedVersions: [], status: 'not-affected' };
    case '<end-of-life>':
      return { ...base, ranges: [{ scheme: 'deb', events: [{ introduced: '0' }] }], fixedVersions: [], status: 'end-of-life' };
    case '<unfixed>':
    case '<postponed>':
      return { ...base, ranges: [{ scheme: 'deb', events: [{ introduced: '0' }] }], fixedVersions: [], status: 'not-fixed' };
    case '<ignored>':
      return { ...base, ranges: [{ scheme: 'deb', events: [{ introduced: '0' }] }], fixedVersions: [], status: 'wont-fix' };
    default:
      if (version.startsWith('<')) return { ...base, ranges: [], fixedVersions: [], status: 'unknown' };
      return { ...base, ranges: [{ scheme: 'deb', events: [{ introduced: '0' }, { fixed: version }] }], fixedVersions: [version], status: 'fixed' };
  }
}

export const debianDsaImporter: FeedImporter = {
  id: 'debian-dsa',
  version: 1,
  detect(file) {
    const name = file.relative.split('/').pop() ?? '';
    return (name === 'list' || name.endsWith('.list')) && /^\[\d{1,2} [A-Z][a-z]{2} \d{4}\] (DSA|DLA|DTSA)-/.test(file.head);
  },
  async *parse(file, context) {
    let pending: Pending | null = null;
    let lineNo = 0;
    const flush = (): Advisory | null => {
      const p = pending;
      pending = null;
      if (p === null || p.affected.length === 0) return null; // announcements (end-of-life notices, key changes)
      const source = p.id.startsWith('DLA-') ? 'debian-dla' : 'debian-dsa';
      return {
        id: p.id,
        aliases: p.aliases,
        summary: p.title,
        details: '',
        published: p.published,
        modified: null,
        withdrawn: null,
        severity: [],
        references: [`https://security-tracker.debian.org/tracker/${p.id}`],
        affected: p.affected,
        source,
      };
    };
    for await (const line of lines(file.chunks(), MAX_LINE)) {
      lineNo++;
      const header = HEADER.exec(line);
      if (header !== null) {
        const done = flush();
        if (done !== null) yield { kind: 'advisory', advisory: done };
        const [, day, month, year, id, rest] = header as unknown as [string, string, string, string, string, string];
        const dash = rest.indexOf(' - ');
        const m = MONTHS[month];
        pending = {
          id,
          published: m === undefined ? null : `${year}-${m}-${day.padStart(2, '0')}`,
          title: dash === -1 ? rest.trim() : `${rest.slice(0, dash).trim()}: ${rest.slice(dash + 3).trim()}`,
          aliases: [],
          affected: [],
          line: lineNo,
        };
        continue;
      }
      if (line.trim() === '' || /^\s+NOTE:/.test(line)) continue;
      const current: Pending | null = pending;
      if (current === null) {
        context.skip('debian-dsa', `${file.relative}:${lineNo}`, 'line outside an advisory');
        continue;
      }
      const cves = CVES.exec(line);
      if (cves !== null) {
        for (const id of (cves[1] ?? '').split(/\s+/)) if (id !== '' && !current.aliases.includes(id)) current.aliases.push(id);
        continue;
      }
      const suite = SUITE.exec(line);
      if (suite !== null) {
        current.affected.push(dsaAffected(suite[1] as string, suite[2] as string, suite[3] as string));
        continue;
      }
      context.skip(current.id.startsWith('DLA-') ? 'debian-dla' : 'debian-dsa', `${file.relative}:${lineNo} (${current.id})`, 'unrecognized line');
    }
    const last = flush();
    if (last !== null) yield { kind: 'advisory', advisory: last };
  },
};
