/**
 * End-of-life dates of distribution releases (end of standard/security support as the vendor
 * publishes it; for Debian, the end of regular security support, before LTS). Dated table:
 * review when releases ship. Sources: debian.org/releases, ubuntu.com/about/release-cycle,
 * alpinelinux.org/releases, access.redhat.com/support/policy/updates/errata (end of
 * maintenance support), aws.amazon.com/linux (AL2/AL2023 FAQs), fedoraproject.org/wiki/End_of_life,
 * suse.com/lifecycle.
 */
export const EOL_TABLE_DATE = '2026-11-01';

type EolTable = Readonly<Record<string, Readonly<Record<string, string>>>>;

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

/** Release key used in the table: major for most, major.minor for Alpine, Ubuntu, SUSE. */
export function eolKey(id: string, versionId: string): string {
  if (id === 'alpine' || id === 'opensuse-leap' || id === 'sles') return versionId.split('.').slice(0, 2).join('.');
  if (id === 'ubuntu') return versionId;
  return versionId.split('.')[0] ?? versionId;
}

export function lookupEol(id: string, versionId: string, today: Date): { status: 'supported' | 'eol' | 'unknown'; date: string | null } {
  const date = EOL_DATES[id]?.[eolKey(id, versionId)];
  if (date === undefined) return { status: 'unknown', date: null };
  return { status: Date.parse(date) < today.getTime() ? 'eol' : 'supported', date };
}
