import type { AnalyzerContext, AnalyzerOutput, LayerAnalyzer, PathFact } from '../../layers/layer-analyzer.js';
import type { EntryHeader } from '../../layers/entry.js';
import { storedBytes } from '../../layers/entry.js';
import { prepareContent, SNIFF_BYTES } from './content.js';
import { buildFindings, compileRules, MAX_CANDIDATES_PER_RULE, newStats, resolveCandidates, scanBytes, SECRETS_ANALYZER_ID, type CompiledRules } from './engine.js';
import type { SecretsOptions } from './types.js';

/** Bytes of a file that are scanned; the rest is skipped and noted in a fact. */
export const MAX_SCAN_BYTES = 2 * 1024 * 1024;
/** Files larger than this are not read at all (databases, archives without a known extension). */
export const MAX_SELECT_SIZE = 16 * 1024 * 1024;

/** Bump when findings for the same input change. */
export const SECRETS_ANALYZER_VERSION = 3;

/** Pseudo file systems and trees that hold no image content worth a read. */
const SKIP_PREFIXES = [
  '/proc/',
  '/sys/',
  '/dev/',
  '/usr/share/doc/',
  '/usr/share/man/',
  '/usr/share/info/',
  '/usr/share/locale/',
  '/usr/lib/locale/',
  '/usr/share/zoneinfo/',
  '/usr/share/i18n/',
  '/usr/share/mime/',
  '/usr/share/icons/',
  '/usr/share/fonts/',
  '/var/lib/dpkg/info/',
  '/var/cache/apt/archives/',
];

/** Extensions of binary, media and archive formats: no text rule can match inside them. */
const SKIP_EXTENSION =
  /\.(?:so(?:\.[0-9]{1,8}){0,4}|a|o|ko|lo|pyc|pyo|class|jar|war|ear|zip|gz|tgz|bz2|xz|zst|lz4|lzma|7z|rar|png|jpe?g|gif|ico|webp|bmp|tiff?|psd|woff2?|ttf|otf|eot|mp[34]|wav|ogg|flac|avi|mov|mkv|webm|pdf|db|sqlite3?|mo|gmo|deb|rpm|whl|egg|gem|dll|exe|node|wasm|pak|pack|idx|parquet|npy|npz|pt|pth|onnx|h5|pkl|bin|dat|img|iso|qcow2|cache)$/;

/** Files that often carry credentials; always read when they are small enough. */
const HIGH_VALUE_BASENAMES = new Set([
  '.env',
  '.npmrc',
  '.pypirc',
  '.git-credentials',
  '.netrc',
  '_netrc',
  '.bash_history',
  '.zsh_history',
  '.ash_history',
  '.sh_history',
  '.python_history',
  '.mysql_history',
  '.psql_history',
  '.dockercfg',
  'credentials',
  'config.json',
  'auth.json',
  'id_rsa',
  'id_dsa',
  'id_ecdsa',
  'id_ed25519',
  'master.key',
  'wp-config.php',
]);

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Cheap, pure selection: regular, non-empty, not huge, not in a pseudo file system, not a known binary format. */
/**
 * Trees the distribution's packages own: system executables and distro-packaged language
 * libraries. Reading them is most of a scan's cost (on a Debian image with python3, nodejs and
 * npm: 30,000 files) and they hold the vendor's files, not the image author's; a secret an author
 * writes lands in /app, /etc, /root, /home, /opt, /srv, /usr/local, /var… which are all read.
 * `distroTrees: true` reads them too.
 */
const DISTRO_TREE_PREFIXES = [
  '/bin/',
  '/sbin/',
  '/usr/bin/',
  '/usr/sbin/',
  '/usr/libexec/',
  '/usr/include/',
  '/usr/lib/python3/dist-packages/',
  '/usr/share/nodejs/',
  '/usr/share/javascript/',
  '/usr/share/perl/',
  '/usr/share/perl5/',
  '/usr/share/common-licenses/',
  '/usr/share/terminfo/',
  '/usr/share/X11/',
  '/usr/lib/x86_64-linux-gnu/',
  '/usr/lib/aarch64-linux-gnu/',
  '/usr/lib/gcc/',
  '/usr/lib/jvm/',
];

/** Python's standard library (`/usr/lib/python3.N/`), but not `site-packages`, where pip installs. */
function isPythonStdlib(path: string): boolean {
  return /^\/usr\/lib\/python3\.\d+\//.test(path) && !path.includes('/site-packages/');
}

export function selectsForSecrets(entry: EntryHeader, distroTrees = false): boolean {
  if (entry.kind !== 'file' || entry.size <= 0 || entry.size > MAX_SELECT_SIZE) return false;
  const path = entry.path;
  for (const prefix of SKIP_PREFIXES) if (path.startsWith(prefix)) return false;
  if (!distroTrees) {
    for (const prefix of DISTRO_TREE_PREFIXES) if (path.startsWith(prefix)) return false;
    if (isPythonStdlib(path)) return false;
  }
  const base = basename(path);
  if (HIGH_VALUE_BASENAMES.has(base) || base.startsWith('.env.')) return true;
  return !SKIP_EXTENSION.test(base.toLowerCase());
}

/** Scan one file's content; `truncated` when only the first `body.length` bytes were read. */
export function analyzeFile(rules: CompiledRules, path: string, size: number, body: Buffer, truncated: boolean, header?: EntryHeader): AnalyzerOutput {
  const facts: PathFact[] = [];
  const scanned = body.length > MAX_SCAN_BYTES ? body.subarray(0, MAX_SCAN_BYTES) : body;
  if (truncated || scanned.length < body.length) {
    facts.push({
      analyzer: SECRETS_ANALYZER_ID,
      path,
      value: `secrets: scanned the first ${scanned.length} of ${Math.max(size, body.length)} bytes; the rest was skipped`,
    });
  }
  // Sparse files: decide text or binary from the stored data, not from the holes' zeros.
  const content = prepareContent(scanned, header === undefined ? undefined : storedBytes(header, scanned, SNIFF_BYTES));
  const stats = newStats();
  const candidates = resolveCandidates(scanBytes(rules, { bytes: content.bytes, path, binary: content.binary, lines: !content.binary }, stats));
  if (stats.candidatesCapped > 0) {
    facts.push({
      analyzer: SECRETS_ANALYZER_ID,
      path,
      value: `secrets: ${stats.candidatesCapped} rule(s) reached ${MAX_CANDIDATES_PER_RULE} candidates in this file; later matches of those rules were not checked`,
    });
  }
  const { findings, omitted } = buildFindings(
    rules,
    candidates.map((candidate) => ({ candidate, path })),
  );
  if (omitted > 0) {
    facts.push({ analyzer: SECRETS_ANALYZER_ID, path, value: `secrets: ${omitted} more findings in this file were not reported` });
  }
  return { findings, facts };
}

/**
 * The secrets layer analyzer: every text file of every layer (binary files only for rules that
 * opt in), first 2 MiB of each. Throws CONFIG_INVALID for an invalid extra rule or an unknown
 * disabled rule id.
 */
export function createSecretsAnalyzer(options: SecretsOptions = {}): LayerAnalyzer {
  const rules = compileRules(options);
  return {
    id: SECRETS_ANALYZER_ID,
    version: SECRETS_ANALYZER_VERSION,
    maxBodySize: MAX_SCAN_BYTES,
    selects: (entry) => selectsForSecrets(entry, options.distroTrees === true),
    wantsBody: (entry) => selectsForSecrets(entry, options.distroTrees === true),
    analyze(entry: EntryHeader, body: Buffer | null, truncated: boolean, _ctx: AnalyzerContext): AnalyzerOutput {
      if (body === null || body.length === 0) return { findings: [], facts: [] };
      return analyzeFile(rules, entry.path, entry.size, body, truncated, entry);
    },
  };
}

/** SHA-256 of the effective rules and options: include it in layer cache keys next to the version. */
export function secretRulesFingerprint(options: SecretsOptions = {}): string {
  return compileRules(options).fingerprint;
}
