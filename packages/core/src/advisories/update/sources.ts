/**
 * The official feeds `sekisho db update` downloads. Every file has a `path` (its place in a
 * mirror and in the local feed cache) and a default `url`; `--mirror BASE` fetches
 * `BASE/<path>` instead, so a mirror is a plain static copy of these paths.
 */
export interface FeedDownload {
  /** Place in the mirror and the feed cache, `/`-separated. */
  readonly path: string;
  readonly url: string;
  /** Smallest plausible size in bytes: a smaller body (an error page, a stub) is refused. */
  readonly minBytes: number;
  /**
   * Where a checksum of the content is published, when one is: `goog-hash` (the md5 in GCS's
   * `x-goog-hash` response header), `nvd-meta` (NVD's `.meta` file beside the feed: sha256 of the
   * uncompressed JSON).
   */
  readonly checksum?: 'goog-hash' | 'nvd-meta';
  readonly gzip?: boolean;
}

export interface FeedSource {
  readonly id: string;
  readonly description: string;
  /** Downloaded by `db update` without `--source`. */
  readonly default: boolean;
  /** Record sources (BuildReport ids) this download yields, for the `fetched` time. */
  readonly produces: readonly string[];
  readonly files: readonly FeedDownload[];
}

const OSV_BUCKET = 'https://osv-vulnerabilities.storage.googleapis.com';

function osv(ecosystem: string, id: string, produces: readonly string[], isDefault = true): FeedSource {
  return {
    id,
    description: `OSV ${ecosystem} (all.zip, incl. GHSA records)`,
    default: isDefault,
    produces: [...produces, 'ghsa', 'osv'],
    files: [{ path: `osv/${ecosystem}/all.zip`, url: `${OSV_BUCKET}/${encodeURIComponent(ecosystem)}/all.zip`, minBytes: 1024, checksum: 'goog-hash' }],
  };
}

/** Alpine releases whose secdb `db update` fetches (configurable with `alpineReleases`). */
export const DEFAULT_ALPINE_RELEASES = ['v3.18', 'v3.19', 'v3.20', 'v3.21', 'v3.22', 'edge'] as const;

export function feedSources(options: { alpineReleases?: readonly string[]; nvdYears?: readonly number[]; now?: Date } = {}): FeedSource[] {
  const alpine = options.alpineReleases ?? DEFAULT_ALPINE_RELEASES;
  const thisYear = (options.now ?? new Date()).getUTCFullYear();
  const nvdYears = options.nvdYears ?? Array.from({ length: thisYear - 2002 + 1 }, (_, i) => 2002 + i);
  return [
    osv('PyPI', 'osv-pypi', ['osv-pypi']),
    osv('npm', 'osv-npm', ['osv-npm']),
    osv('Go', 'osv-go', ['osv-go']),
    osv('crates.io', 'osv-crates.io', ['osv-rustsec', 'osv-crates.io']),
    osv('Maven', 'osv-maven', ['osv-maven']),
    osv('RubyGems', 'osv-rubygems', ['osv-rubygems']),
    osv('Packagist', 'osv-packagist', ['osv-packagist']),
    osv('NuGet', 'osv-nuget', ['osv-nuget']),
    osv('Ubuntu', 'osv-ubuntu', ['osv-ubuntu'], false),
    osv('Debian', 'osv-debian', ['osv-debian'], false),
    {
      id: 'debian-tracker',
      description: 'Debian security tracker JSON',
      default: true,
      produces: ['debian-tracker'],
      files: [{ path: 'debian/tracker.json', url: 'https://security-tracker.debian.org/tracker/data/json', minBytes: 1024 * 1024 }],
    },
    {
      id: 'alpine-secdb',
      description: `Alpine secdb (${alpine.join(', ')})`,
      default: true,
      produces: ['alpine-secdb'],
      files: alpine.flatMap((release) => ['main', 'community'].map((repo) => ({ path: `alpine/${release}/${repo}.json`, url: `https://secdb.alpinelinux.org/${release}/${repo}.json`, minBytes: 64 }))),
    },
    {
      id: 'wolfi-secdb',
      description: 'Wolfi secdb',
      default: true,
      produces: ['wolfi-secdb'],
      files: [{ path: 'wolfi/security.json', url: 'https://packages.wolfi.dev/os/security.json', minBytes: 1024 }],
    },
    {
      id: 'epss',
      description: 'FIRST EPSS scores (CSV, gzip)',
      default: true,
      produces: ['epss'],
      files: [{ path: 'epss/epss_scores-current.csv.gz', url: 'https://epss.empiricalsecurity.com/epss_scores-current.csv.gz', minBytes: 1024, gzip: true }],
    },
    {
      id: 'kev',
      description: 'CISA Known Exploited Vulnerabilities',
      default: true,
      produces: ['kev'],
      files: [{ path: 'kev/known_exploited_vulnerabilities.json', url: 'https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json', minBytes: 1024 }],
    },
    {
      id: 'nvd',
      description: 'NVD CVE JSON 2.0 yearly feeds (CVSS vectors)',
      default: false,
      produces: ['nvd'],
      files: nvdYears.map((year) => ({
        path: `nvd/nvdcve-2.0-${year}.json.gz`,
        url: `https://nvd.nist.gov/feeds/json/cve/2.0/nvdcve-2.0-${year}.json.gz`,
        minBytes: 1024,
        checksum: 'nvd-meta' as const,
        gzip: true,
      })),
    },
  ];
}
