/**
 * Support phases of distribution releases, as their vendors publish them (the facts endoflife.date
 * collects): the end of regular security support and, where one exists, an extended phase that
 * still ships security fixes.
 * - Debian LTS (free; fixes land in the normal debian-security archive, announced as DLAs, which
 *   the advisory database loads).
 * - Ubuntu ESM (security fixes for main/restricted through an Ubuntu Pro subscription, free for
 *   personal use; images pulled from public registries do not get them without it).
 * Dated table: review when releases ship. Sources: debian.org/releases, wiki.debian.org/LTS,
 * ubuntu.com/about/release-cycle, alpinelinux.org/releases,
 * access.redhat.com/support/policy/updates/errata (end of maintenance support), aws.amazon.com/linux
 * (AL2/AL2023 FAQs), fedoraproject.org/wiki/End_of_life, suse.com/lifecycle.
 */
import type { DistroSupport, SupportPhase } from '@sekisho/model';

export const EOL_TABLE_DATE = '2026-12-01';

type EolTable = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** End of regular security support per release. */
export const EOL_DATES: EolTable = {
  debian: {
    '7': '2016-04-25',
    '8': '2018-06-17',
    '9': '2020-07-06',
    '10': '2022-09-10',
    '11': '2024-08-14',
    '12': '2026-06-10',
    '13': '2028-08-09',
  },
  ubuntu: {
    '14.04': '2019-04-30',
    '16.04': '2021-04-30',
    '18.04': '2023-05-31',
    '20.04': '2025-05-31',
    '22.04': '2027-06-01',
    '24.04': '2029-05-31',
    '24.10': '2025-07-10',
    '25.04': '2026-01-15',
    '25.10': '2026-07-09',
  },
  alpine: {
    '3.12': '2022-05-01',
    '3.13': '2022-11-01',
    '3.14': '2023-05-01',
    '3.15': '2023-11-01',
    '3.16': '2024-05-23',
    '3.17': '2024-11-22',
    '3.18': '2025-05-09',
    '3.19': '2025-11-01',
    '3.20': '2026-04-01',
    '3.21': '2026-11-01',
    '3.22': '2027-05-01',
    '3.23': '2027-11-01',
  },
  rhel: { '6': '2020-11-30', '7': '2024-06-30', '8': '2029-05-31', '9': '2032-05-31', '10': '2035-05-31' },
  centos: { '6': '2020-11-30', '7': '2024-06-30', '8': '2021-12-31' },
  rocky: { '8': '2029-05-31', '9': '2032-05-31' },
  almalinux: { '8': '2029-03-01', '9': '2032-05-31' },
  ol: { '7': '2024-12-31', '8': '2029-07-31', '9': '2032-06-30' },
  amzn: { '1': '2023-12-31', '2': '2026-06-30', '2023': '2029-06-30' },
  fedora: { '38': '2024-05-21', '39': '2024-11-26', '40': '2025-05-13', '41': '2025-12-15', '42': '2026-05-13', '43': '2026-12-09' },
  'opensuse-leap': { '15.4': '2023-12-07', '15.5': '2024-12-31', '15.6': '2025-12-31' },
  sles: { '12.5': '2024-10-31', '15.4': '2023-12-31', '15.5': '2024-12-31', '15.6': '2031-07-31' },
};

export interface ExtendedSupport {
  /** The programme's name, as shown to people. */
  readonly name: string;
  readonly until: string;
  /** True when the fixes need a subscription that public images do not carry. */
  readonly subscription: boolean;
}

/** Extended security support after the regular phase. */
export const EXTENDED_SUPPORT: Readonly<Record<string, Readonly<Record<string, ExtendedSupport>>>> = {
  debian: {
    '7': { name: 'Debian LTS', until: '2018-05-31', subscription: false },
    '8': { name: 'Debian LTS', until: '2020-06-30', subscription: false },
    '9': { name: 'Debian LTS', until: '2022-06-30', subscription: false },
    '10': { name: 'Debian LTS', until: '2024-06-30', subscription: false },
    '11': { name: 'Debian LTS', until: '2026-08-31', subscription: false },
    '12': { name: 'Debian LTS', until: '2028-06-30', subscription: false },
    '13': { name: 'Debian LTS', until: '2030-06-30', subscription: false },
  },
  ubuntu: {
    '14.04': { name: 'Ubuntu ESM (Ubuntu Pro)', until: '2024-04-25', subscription: true },
    '16.04': { name: 'Ubuntu ESM (Ubuntu Pro)', until: '2026-04-30', subscription: true },
    '18.04': { name: 'Ubuntu ESM (Ubuntu Pro)', until: '2028-05-31', subscription: true },
    '20.04': { name: 'Ubuntu ESM (Ubuntu Pro)', until: '2030-04-02', subscription: true },
    '22.04': { name: 'Ubuntu ESM (Ubuntu Pro)', until: '2032-04-09', subscription: true },
    '24.04': { name: 'Ubuntu ESM (Ubuntu Pro)', until: '2034-04-25', subscription: true },
  },
};

/** Release key used in the table: major for most, major.minor for Alpine, Ubuntu, SUSE. */
export function eolKey(id: string, versionId: string): string {
  if (id === 'alpine' || id === 'opensuse-leap' || id === 'sles') return versionId.split('.').slice(0, 2).join('.');
  if (id === 'ubuntu') return versionId;
  return versionId.split('.')[0] ?? versionId;
}

export interface SupportStatus {
  /** `supported` in the regular or an extended phase; `eol` after the last phase. */
  readonly status: 'supported' | 'eol' | 'unknown';
  /** End of regular security support. */
  readonly date: string | null;
  readonly phase: SupportPhase;
  /** When the current phase ends (null when unknown, or for `eol`). */
  readonly phaseEnds: string | null;
  /** The extended programme the release is in or was in, if any. */
  readonly extended: ExtendedSupport | null;
}

/** Where a release stands on `today`: regular support, an extended phase, or past every phase. */
export function lookupEol(id: string, versionId: string, today: Date): SupportStatus {
  const key = eolKey(id, versionId);
  const date = EOL_DATES[id]?.[key];
  if (date === undefined) return { status: 'unknown', date: null, phase: 'unknown', phaseEnds: null, extended: null };
  const extended = EXTENDED_SUPPORT[id]?.[key] ?? null;
  const now = today.getTime();
  if (Date.parse(date) >= now) return { status: 'supported', date, phase: 'regular', phaseEnds: date, extended };
  if (extended !== null && Date.parse(extended.until) >= now) return { status: 'supported', date, phase: 'extended', phaseEnds: extended.until, extended };
  return { status: 'eol', date, phase: 'eol', phaseEnds: null, extended };
}

/** The support facts a report carries for its distribution. */
export function distroSupport(id: string, versionId: string, today: Date): DistroSupport {
  const s = lookupEol(id, versionId, today);
  return { status: s.status, date: s.date, phase: s.phase, phaseEnds: s.phaseEnds, extendedName: s.extended?.name ?? null };
}

/** Support facts when nothing is known (SBOM input without a release table entry, tests). */
export const UNKNOWN_SUPPORT: DistroSupport = { status: 'unknown', date: null, phase: 'unknown', phaseEnds: null, extendedName: null };
