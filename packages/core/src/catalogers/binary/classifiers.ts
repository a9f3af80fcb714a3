/**
 * Binary classifiers as data: which files (base-name globs), which byte patterns carry the
 * version, and the package identity to report. The patterns follow Syft's binary classifiers
 * (anchore/syft syft/pkg/cataloger/binary/classifiers.go, Apache-2.0) where Syft has one, and
 * were written from real binaries' bytes (Syft's snippet fixtures) otherwise.
 *
 * Pattern rules (see classifier-cataloger.ts): a regex with a named group `version`, run over
 * latin1 text. With an `anchor` literal, the regex only runs on a window around each occurrence
 * of the anchor (found by a native byte search); without one, over at most the first
 * MAX_UNANCHORED_SCAN bytes in overlapping chunks. `{fileVersion}` in a pattern is replaced by the
 * escaped `version` group of `fileName` (python3.11 → 3\.11).
 */

export interface VersionMatcher {
  readonly pattern: string;
  readonly anchor?: string;
  /** Regex on the base name; its `version` group fills `{fileVersion}` in `pattern`. */
  readonly fileName?: string;
  /** `first` occurrence (default) or the `highest` version among all matches. */
  readonly pick?: 'first' | 'highest';
}

export interface ClassifierSpec {
  readonly id: string;
  /** Base-name globs (picomatch), e.g. `redis-server`, `python[0-9]*`. */
  readonly files: readonly string[];
  readonly matchers: readonly VersionMatcher[];
  /** Literal whose presence means the file is something else (AWS-LC's `openssl`). */
  readonly exclude?: readonly string[];
  /** Package name as reported. */
  readonly name: string;
  /** Package type; `binary` unless the product is itself a module of an ecosystem (vault is a Go module). */
  readonly packageType?: 'binary' | 'golang';
  /** purl pieces; the version is the matched one. */
  readonly purl: { readonly type: 'generic' | 'golang' | 'github'; readonly namespace?: string; readonly name: string };
  /** CPE 2.3 templates with `{version}`; only products with a known NVD vendor:product. */
  readonly cpes?: readonly string[];
}

/** A version at a byte boundary, terminated by NUL: `\0v1.2.3\0`, `\x1c3.0.4\0`. */
const BOUNDED = (version: string) => `(?:^|[^0-9A-Za-z.\\-])v?(?<version>${version})\\x00`;
const SEMVER = String.raw`\d+\.\d+\.\d+`;
const PRE = String.raw`(?:-(?:alpha|beta|rc)\.?\d+(?:\.\d+)?)?`;

const generic = (name: string, namespace?: string) => ({ type: 'generic' as const, name, ...(namespace ? { namespace } : {}) });
const cpe = (vendor: string, product: string) => `cpe:2.3:a:${vendor}:${product}:{version}:*:*:*:*:*:*:*`;

const beat = (name: string): ClassifierSpec => ({
  id: `${name}-binary`,
  files: [name],
  matchers: [
    { anchor: 'setupTest ', pattern: String.raw`setupTest (?<version>${SEMVER})` },
    { anchor: '-9765625', pattern: String.raw`rate(?<version>${SEMVER})-9765625` },
  ],
  name,
  purl: generic(name),
  cpes: [cpe('elastic', name)],
});

export const CLASSIFIERS: readonly ClassifierSpec[] = [
  {
    id: 'python-binary',
    files: ['python[0-9]*'],
    matchers: [{ fileName: String.raw`^python(?<version>\d+(?:\.\d+)+)$`, pattern: String.raw`\x00(?<version>{fileVersion}[-._a-zA-Z0-9]*)\x00` }],
    name: 'python',
    purl: generic('python'),
    cpes: [cpe('python_software_foundation', 'python'), cpe('python', 'python')],
  },
  {
    id: 'python-binary-lib',
    files: ['libpython*.so*'],
    matchers: [{ fileName: String.raw`^libpython(?<version>\d+(?:\.\d+)+)[a-z]?\.so`, pattern: String.raw`\x00(?<version>{fileVersion}[-._a-zA-Z0-9]*)\x00` }],
    name: 'python',
    purl: generic('python'),
    cpes: [cpe('python_software_foundation', 'python'), cpe('python', 'python')],
  },
  { id: 'pypy-binary-lib', files: ['libpypy*.so*'], matchers: [{ anchor: '[PyPy ', pattern: String.raw`\[PyPy (?<version>${SEMVER})` }], name: 'pypy', purl: generic('pypy') },
  {
    id: 'go-binary',
    files: ['go', 'go.exe'],
    matchers: [{ anchor: 'go1.', pattern: String.raw`go(?<version>\d+\.\d+(?:\.\d+|beta\d+|alpha\d+|rc\d+)?)\x00` }],
    name: 'go',
    purl: generic('go'),
    cpes: [cpe('golang', 'go')],
  },
  {
    id: 'go-binary-hint',
    files: ['VERSION'],
    matchers: [{ pattern: String.raw`^go(?<version>\d+\.\d+(?:\.\d+|beta\d+|alpha\d+|rc\d+)?)` }],
    name: 'go',
    purl: generic('go'),
    cpes: [cpe('golang', 'go')],
  },
  {
    id: 'julia-binary',
    files: ['libjulia-internal.so*'],
    matchers: [{ pattern: BOUNDED(String.raw`\d+\.\d+\.\d+(?:-(?:alpha|beta|rc|DEV)\d*)?`) }],
    name: 'julia',
    purl: generic('julia'),
    cpes: [cpe('julialang', 'julia')],
  },
  {
    id: 'helm',
    files: ['helm'],
    matchers: [{ pattern: String.raw`(?:^|[^0-9A-Za-z.\-])v(?<version>${SEMVER}${PRE})\x00` }],
    name: 'helm',
    purl: { type: 'golang', namespace: 'helm.sh', name: 'helm' },
    cpes: [cpe('helm', 'helm')],
  },
  {
    id: 'redis-binary',
    files: ['redis-server'],
    matchers: [
      { anchor: 'buildkitsandbox-', pattern: String.raw`[^\d](?<version>\d+\.\d+\.\d+)buildkitsandbox-\d+` },
      { pattern: String.raw`[^\d](?<version>\d+\.\d+\.\d+)[0-9a-f]{12}-\d{10,}` },
      { anchor: 'Redis version ', pattern: String.raw`Redis version (?<version>\d+\.\d+\.\d+)` },
    ],
    name: 'redis',
    purl: generic('redis'),
    cpes: [cpe('redislabs', 'redis'), cpe('redis', 'redis')],
  },
  {
    id: 'valkey-binary',
    files: ['valkey-server'],
    matchers: [{ anchor: 'buildkitsandbox-', pattern: String.raw`valkey(?<version>\d+\.\d+\.\d+)buildkitsandbox-\d+` }],
    name: 'valkey',
    purl: generic('valkey'),
  },
  {
    id: 'java-binary-openjdk',
    files: ['java'],
    exclude: ['-jvmci-'],
    matchers: [
      { anchor: '\x00openjdk\x00java\x00', pattern: String.raw`\x00openjdk\x00java\x00[0-9]+[.0-9]*\x00(?<version>[0-9]+[^\x00]+)\x00` },
      { anchor: '\x00openjdk\x00java', pattern: String.raw`\x00[0-9]+[.0-9]*\x00+(?<version>[0-9]+[^\x00]+)\x00+openjdk\x00java` },
    ],
    name: 'openjdk',
    purl: generic('openjdk', 'oracle'),
    cpes: [cpe('oracle', 'openjdk')],
  },
  {
    id: 'java-binary-oracle',
    files: ['java'],
    exclude: ['\x00openjdk\x00', '-jvmci-'],
    matchers: [{ anchor: '+', pattern: String.raw`\x00(?<version>[0-9]+[.0-9]+\+[-0-9]+)\x00` }],
    name: 'jre',
    purl: generic('jre', 'oracle'),
    cpes: [cpe('oracle', 'jre')],
  },
  {
    id: 'java-binary-ibm',
    files: ['java'],
    matchers: [{ anchor: '\x00java\x00', pattern: String.raw`\x00java\x00[0-9]+[.0-9]+\x00{4}(?<version>[0-9]+[-._a-zA-Z0-9]+)\x00` }],
    name: 'java',
    purl: generic('java', 'ibm'),
    cpes: [cpe('ibm', 'java')],
  },
  {
    id: 'java-binary-graalvm',
    files: ['java'],
    matchers: [{ anchor: '-jvmci-', pattern: String.raw`\x00(?<version>[0-9]+[.0-9]+[.0-9]+\+[0-9]+-jvmci-[0-9]+[.0-9]+-b[0-9]+)\x00` }],
    name: 'graalvm',
    purl: generic('graalvm', 'oracle'),
    cpes: [cpe('oracle', 'graalvm')],
  },
  {
    id: 'java-binary-jdk',
    files: ['jdb'],
    matchers: [{ anchor: '\x00openjdk\x00jdb\x00', pattern: String.raw`\x00openjdk\x00jdb\x00[0-9]+[.0-9]*\x00(?<version>[0-9]+[^\x00]+)\x00` }],
    name: 'openjdk',
    purl: generic('openjdk', 'oracle'),
    cpes: [cpe('oracle', 'openjdk')],
  },
  {
    id: 'nodejs-binary',
    files: ['node', 'nodejs'],
    matchers: [{ anchor: 'node.js/v', pattern: String.raw`node\.js\/v(?<version>${SEMVER})` }, { pattern: String.raw`\x00(?:node )?v(?<version>(?:0|4|5|6)\.\d+\.\d+)\x00` }],
    name: 'node',
    purl: generic('node'),
    cpes: [cpe('nodejs', 'node.js')],
  },
  {
    id: 'busybox-binary',
    files: ['busybox'],
    matchers: [{ anchor: 'BusyBox', pattern: String.raw`BusyBox\s+v(?<version>${SEMVER})` }],
    name: 'busybox',
    purl: generic('busybox'),
    cpes: [cpe('busybox', 'busybox')],
  },
  {
    id: 'util-linux-binary',
    files: ['getopt'],
    matchers: [{ anchor: 'util-linux', pattern: String.raw`\x00util-linux\s(?<version>${SEMVER})\x00` }],
    name: 'util-linux',
    purl: generic('util-linux'),
    cpes: [cpe('kernel', 'util-linux')],
  },
  {
    id: 'haproxy-binary',
    files: ['haproxy'],
    matchers: [
      { anchor: ', released 20', pattern: String.raw`version (?<version>\d+\.\d+(?:\.|-dev|-rc)\d+)(?:-[a-z0-9]{7})?, released 20` },
      { anchor: 'HA-Proxy version ', pattern: String.raw`HA-Proxy version (?<version>\d+\.\d+(?:\.|-dev)\d+)` },
      { anchor: 'HAProxy version', pattern: String.raw`(?<version>\d+\.\d+(?:\.|-dev)\d+)-[0-9a-zA-Z]{7}[\s\S]{1,64}?HAProxy version` },
    ],
    name: 'haproxy',
    purl: generic('haproxy'),
    cpes: [cpe('haproxy', 'haproxy')],
  },
  {
    id: 'perl-binary',
    files: ['perl', 'perl5*'],
    matchers: [{ anchor: '/lib/perl', pattern: String.raw`\/usr\/local\/lib\/perl\d\/(?<version>${SEMVER})` }],
    name: 'perl',
    purl: generic('perl'),
    cpes: [cpe('perl', 'perl')],
  },
  {
    id: 'php-cli-binary',
    files: ['php', 'php[0-9]*'],
    matchers: [{ fileName: String.raw`^php(?<version>[0-9.]*)$`, anchor: 'X-Powered-By: PHP/', pattern: String.raw`X-Powered-By: PHP\/(?<version>${SEMVER}(?:beta\d+|alpha\d+|RC\d+)?)` }],
    name: 'php-cli',
    purl: generic('php-cli'),
    cpes: [cpe('php', 'php')],
  },
  {
    id: 'php-fpm-binary',
    files: ['php-fpm*'],
    matchers: [{ anchor: 'X-Powered-By: PHP/', pattern: String.raw`X-Powered-By: PHP\/(?<version>${SEMVER}(?:beta\d+|alpha\d+|RC\d+)?)` }],
    name: 'php-fpm',
    purl: generic('php-fpm'),
    cpes: [cpe('php', 'php')],
  },
  {
    id: 'php-apache-binary',
    files: ['libphp*.so'],
    matchers: [{ anchor: 'X-Powered-By: PHP/', pattern: String.raw`X-Powered-By: PHP\/(?<version>${SEMVER}(?:beta\d+|alpha\d+|RC\d+)?)` }],
    name: 'libphp',
    purl: generic('php'),
    cpes: [cpe('php', 'php')],
  },
  {
    id: 'php-composer-binary',
    files: ['composer', 'composer.phar'],
    matchers: [{ anchor: 'pretty_version', pattern: String.raw`'pretty_version'\s*=>\s*'(?<version>${SEMVER}(?:beta\d+|alpha\d+|RC\d+)?)'` }],
    name: 'composer',
    purl: generic('composer'),
    cpes: [cpe('getcomposer', 'composer')],
  },
  {
    id: 'httpd-binary',
    files: ['httpd', 'apache2'],
    matchers: [{ anchor: 'Apache/', pattern: String.raw`Apache\/(?<version>${SEMVER})` }],
    name: 'httpd',
    purl: generic('httpd'),
    cpes: [cpe('apache', 'http_server')],
  },
  {
    id: 'memcached-binary',
    files: ['memcached'],
    matchers: [{ anchor: 'memcached', pattern: String.raw`memcached\s(?<version>${SEMVER})` }],
    name: 'memcached',
    purl: generic('memcached'),
    cpes: [cpe('memcached', 'memcached')],
  },
  {
    id: 'traefik-binary',
    files: ['traefik'],
    matchers: [{ pattern: BOUNDED(String.raw`\d+\.\d+\.\d+(?:-alpha\d|-beta\d|-rc\d)?`) }],
    name: 'traefik',
    purl: generic('traefik'),
    cpes: [cpe('traefik', 'traefik')],
  },
  {
    id: 'arangodb-binary',
    files: ['arangosh', 'arangod'],
    matchers: [{ anchor: ' [linux]', pattern: String.raw`(?<version>\d+\.\d+\.\d+(?:-\d+)?)\s\[linux\]` }],
    name: 'arangodb',
    purl: generic('arangodb'),
    cpes: [cpe('arangodb', 'arangodb')],
  },
  {
    id: 'postgresql-binary',
    files: ['postgres'],
    matchers: [{ anchor: 'PostgreSQL ', pattern: String.raw`(?:\x00|\?)PostgreSQL (?<version>\d+(?:\.\d+)?(?:\.\d+)?(?:alpha\d|beta\d|rc\d)?)` }],
    name: 'postgresql',
    purl: generic('postgresql'),
    cpes: [cpe('postgresql', 'postgresql')],
  },
  {
    id: 'mysql-binary',
    files: ['mysql'],
    exclude: ['-MariaDB'],
    matchers: [
      { anchor: 'mysql', pattern: String.raw`\x00(?<version>\d+(?:\.\d+)?(?:\.\d+)?(?:alpha\d|beta\d|rc\d)?)\x00+mysql` },
      { anchor: '/mysql-', pattern: String.raw`\/mysql-(?<version>\d+(?:\.\d+)?(?:\.\d+)?(?:alpha\d|beta\d|rc\d)?)` },
    ],
    name: 'mysql',
    purl: generic('mysql'),
    cpes: [cpe('oracle', 'mysql')],
  },
  {
    id: 'percona-server-binary',
    files: ['mysql'],
    matchers: [{ anchor: '/percona-server-', pattern: String.raw`\/percona-server-(?<version>\d+(?:\.\d+)?(?:\.\d+)?)` }],
    name: 'percona-server',
    purl: generic('percona-server'),
    cpes: [cpe('oracle', 'mysql'), cpe('percona', 'percona_server')],
  },
  {
    id: 'mysql-server-ndb-binary',
    files: ['mysqld'],
    matchers: [{ anchor: '-ndb-', pattern: String.raw`\x00(?<version>${SEMVER})-ndb-\d+\.\d+\.\d+` }],
    name: 'mysql-server',
    purl: generic('mysql-server'),
    cpes: [cpe('oracle', 'mysql')],
  },
  {
    id: 'mysql-cluster-binary',
    files: ['mysqld', 'ndb_mgmd', 'ndbd', 'ndbmtd'],
    matchers: [
      { anchor: '-ndb-', pattern: String.raw`\x00\d+\.\d+\.\d+-ndb-(?<version>${SEMVER})` },
      { anchor: 'mysql-cluster-', pattern: String.raw`mysql-cluster-(?:gpl|com|advanced)-(?<version>${SEMVER})` },
    ],
    name: 'mysql-cluster',
    purl: generic('mysql-cluster'),
    cpes: [cpe('oracle', 'mysql_cluster')],
  },
  {
    id: 'mariadb-binary',
    files: ['mariadb', 'mariadbd', 'mysql', 'mysqld'],
    matchers: [
      { anchor: '-MariaDB', pattern: String.raw`(?<version>\d+(?:\.\d+)?(?:\.\d+)?(?:alpha\d|beta\d|rc\d)?)-MariaDB` },
      { anchor: '/mariadb-', pattern: String.raw`\/mariadb-(?<version>${SEMVER})` },
    ],
    name: 'mariadb',
    purl: generic('mariadb'),
    cpes: [cpe('mariadb', 'mariadb')],
  },
  {
    id: 'mongodb-binary',
    files: ['mongod', 'mongos'],
    matchers: [{ pattern: String.raw`\x00(?<version>${SEMVER}(?:-rc\d+)?)\x00(?:tcmalloc|cppdefines)` }],
    name: 'mongodb',
    purl: generic('mongodb'),
    cpes: [cpe('mongodb', 'mongodb')],
  },
  {
    id: 'rust-standard-library-linux',
    files: ['libstd-????????????????.so'],
    matchers: [{ anchor: 'rustc version ', pattern: String.raw`\x00clang LLVM \(rustc version (?<version>\d+(?:\.\d+)?(?:\.\d+)) \(\w+ \d{4}-\d{2}-\d{2}\)` }],
    name: 'rust',
    purl: generic('rust'),
    cpes: [cpe('rust-lang', 'rust')],
  },
  {
    id: 'rust-standard-library-macos',
    files: ['libstd-????????????????.dylib'],
    matchers: [{ pattern: String.raw`c (?<version>\d+(?:\.\d+)?(?:\.\d+)) \(\w+ \d{4}-\d{2}-\d{2}\)` }],
    name: 'rust',
    purl: generic('rust'),
    cpes: [cpe('rust-lang', 'rust')],
  },
  {
    id: 'ruby-binary',
    files: ['ruby', 'libruby.so*'],
    matchers: [{ anchor: 'ruby ', pattern: String.raw`ruby (?<version>\d+\.\d+\.\d+(?:(?:p|preview|rc|dev)\d*)?) ` }],
    name: 'ruby',
    purl: generic('ruby'),
    cpes: [cpe('ruby-lang', 'ruby')],
  },
  {
    id: 'erlang-binary',
    files: ['erlexec', 'beam.smp', 'liberts_internal.a'],
    matchers: [
      { anchor: '/erts/', pattern: String.raw`\/(?:src\/otp_src_|usr\/local\/src\/otp-)(?<version>\d+\.\d+(?:\.\d+){0,2}(?:-rc\d)?)\/erts\/` },
      { anchor: 'Erlang/OTP', pattern: String.raw`Erlang\/OTP \d+%s \[erts-[\d.]+\][^\x00]*\x00+(?<version>\d+\.\d+(?:\.\d+){0,2})\x00` },
      { anchor: 'Erlang/OTP', pattern: String.raw`\x00(?<version>\d+\.\d+(?:\.\d+){0,2})\x00+Erlang\/OTP` },
    ],
    name: 'erlang',
    purl: generic('erlang'),
    cpes: ['cpe:2.3:a:erlang:erlang\\/otp:{version}:*:*:*:*:*:*:*'],
  },
  { id: 'swipl-binary', files: ['swipl'], matchers: [{ anchor: 'swipl-', pattern: String.raw`swipl-(?<version>${SEMVER})\/` }], name: 'swipl', purl: generic('swipl') },
  {
    id: 'dart-binary',
    files: ['dart'],
    matchers: [{ pattern: String.raw`\x00(?<version>${SEMVER}(?:-\d+(?:\.\d+)?\.beta)?) \((?:stable|beta|dev)\)` }],
    name: 'dart',
    purl: generic('dart'),
    cpes: [cpe('dart', 'dart_software_development_kit')],
  },
  {
    id: 'deno-binary',
    files: ['deno'],
    matchers: [
      { anchor: 'Deno/', pattern: String.raw`Deno\/(?<version>${SEMVER})` },
      { anchor: 'release/v', pattern: String.raw`release\/v(?<version>${SEMVER})` },
      { anchor: 'deno-canary/', pattern: String.raw`deno-canary\/[0-9a-f]{40}(?<version>${SEMVER})` },
    ],
    name: 'deno',
    purl: generic('deno'),
    cpes: [cpe('deno', 'deno')],
  },
  { id: 'bun-binary', files: ['bun'], matchers: [{ anchor: 'Bun v', pattern: String.raw`Bun v(?<version>${SEMVER})` }], name: 'bun', purl: generic('bun'), cpes: [cpe('oven', 'bun')] },
  {
    id: 'haskell-ghc-binary',
    files: ['ghc', 'ghc-[0-9]*'],
    matchers: [
      { anchor: 'GHC ', pattern: String.raw`\x00GHC (?<version>${SEMVER})\x00` },
      { anchor: 'libHSghc-', pattern: String.raw`libHSghc-(?<version>${SEMVER})-` },
    ],
    name: 'haskell/ghc',
    purl: generic('ghc', 'haskell'),
    cpes: [cpe('haskell', 'ghc')],
  },
  {
    id: 'haskell-cabal-binary',
    files: ['cabal'],
    matchers: [{ anchor: 'Cabal-', pattern: String.raw`\x00Cabal-(?<version>\d+\.\d+\.\d+(?:\.\d+)?)-` }],
    name: 'haskell/cabal',
    purl: generic('cabal', 'haskell'),
    cpes: [cpe('haskell', 'cabal')],
  },
  {
    id: 'consul-binary',
    files: ['consul'],
    matchers: [
      { anchor: 'CONSUL_VERSION: ', pattern: String.raw`CONSUL_VERSION: (?<version>${SEMVER})` },
      { anchor: 'version.GitDescribe=', pattern: String.raw`consul\/version\.GitDescribe=v?(?<version>${SEMVER}${PRE})` },
      { pattern: String.raw`\x00v(?<version>${SEMVER})\x00` },
    ],
    name: 'consul',
    purl: { type: 'golang', namespace: 'github.com/hashicorp', name: 'consul' },
    cpes: [cpe('hashicorp', 'consul')],
  },
  {
    id: 'vault-binary',
    files: ['vault'],
    matchers: [
      { anchor: 'version.Version=', pattern: String.raw`vault\/version\.Version=v?(?<version>${SEMVER}(?:-rc\d+)?)` },
      { anchor: 'index_state', pattern: String.raw`index_state(?<version>${SEMVER}(?:-rc\d+)?)\n` },
      // Go packs short strings together; these neighbours are stable across the 1.13–1.14 builds.
      { anchor: '0x%016x', pattern: String.raw`0x%016x(?<version>\d+\.\d+\.\d+?)(?:\n|123-abc|[1-9]\d*\.\d+\.\d+123-abc)` },
      { pattern: BOUNDED(`${SEMVER}(?:-rc\\d+)?`) },
    ],
    name: 'github.com/hashicorp/vault',
    packageType: 'golang',
    purl: { type: 'golang', namespace: 'github.com/hashicorp', name: 'vault' },
    cpes: [cpe('hashicorp', 'vault')],
  },
  {
    id: 'nginx-binary',
    files: ['nginx', 'openresty'],
    matchers: [{ anchor: 'nginx version: ', pattern: String.raw`(?:\x00|\?)nginx version: [^\/\x00]+\/(?<version>${SEMVER}(?:\+\d+)?(?:-\d+)?)` }],
    name: 'nginx',
    purl: generic('nginx'),
    cpes: [cpe('f5', 'nginx'), cpe('nginx', 'nginx')],
  },
  {
    id: 'bash-binary',
    files: ['bash'],
    matchers: [{ anchor: '@(#)Bash version ', pattern: String.raw`@\(#\)Bash version (?<version>${SEMVER})\(\d\) [a-z0-9]+ GNU` }],
    name: 'bash',
    purl: generic('bash'),
    cpes: [cpe('gnu', 'bash')],
  },
  {
    id: 'openssl-binary',
    files: ['openssl', 'libcrypto.so*', 'libssl.so*'],
    exclude: ['AWS-LC', 'BoringSSL', 'LibreSSL'],
    matchers: [{ anchor: 'OpenSSL ', pattern: String.raw`\x00OpenSSL (?<version>${SEMVER}(?:[a-z]|-alpha\d|-beta\d|-rc\d)?)` }],
    name: 'openssl',
    purl: generic('openssl'),
    cpes: [cpe('openssl', 'openssl')],
  },
  {
    id: 'aws-lc-binary',
    files: ['openssl', 'libcrypto.so*'],
    matchers: [{ anchor: 'AWS-LC ', pattern: String.raw`AWS-LC (?<version>${SEMVER})` }],
    name: 'aws-lc',
    purl: generic('aws-lc'),
    cpes: [cpe('amazon', 'aws-lc')],
  },
  { id: 'gcc-binary', files: ['gcc'], matchers: [{ anchor: 'GCC: (GNU) ', pattern: String.raw`GCC: \(GNU\) (?<version>${SEMVER})` }], name: 'gcc', purl: generic('gcc'), cpes: [cpe('gnu', 'gcc')] },
  {
    id: 'fluent-bit-binary',
    files: ['fluent-bit'],
    matchers: [{ anchor: 'Fluent', pattern: String.raw`\x00(?<version>${SEMVER})\x00[^\d]{0,32}Fluent` }],
    name: 'fluent-bit',
    purl: { type: 'github', namespace: 'fluent', name: 'fluent-bit' },
    cpes: [cpe('treasuredata', 'fluent_bit')],
  },
  {
    id: 'wordpress-cli-binary',
    files: ['wp', 'wp-cli.phar'],
    matchers: [{ anchor: 'wp-cli/wp-cli ', pattern: String.raw`wp-cli\/wp-cli (?<version>${SEMVER})` }],
    name: 'wp-cli',
    purl: generic('wp-cli'),
    cpes: [cpe('wp-cli', 'wp-cli')],
  },
  {
    id: 'curl-binary',
    files: ['curl', 'libcurl.so*'],
    matchers: [{ anchor: 'curl/', pattern: String.raw`curl\/(?<version>${SEMVER})` }],
    name: 'curl',
    purl: generic('curl'),
    cpes: [cpe('haxx', 'curl')],
  },
  {
    id: 'lighttpd-binary',
    files: ['lighttpd'],
    matchers: [{ anchor: 'lighttpd/', pattern: String.raw`\x00lighttpd\/(?<version>${SEMVER})\x00` }],
    name: 'lighttpd',
    purl: generic('lighttpd'),
    cpes: [cpe('lighttpd', 'lighttpd')],
  },
  {
    id: 'proftpd-binary',
    files: ['proftpd'],
    matchers: [{ anchor: 'ProFTPD Version ', pattern: String.raw`\x00ProFTPD Version (?<version>${SEMVER}[a-z]?)\x00` }],
    name: 'proftpd',
    purl: generic('proftpd'),
    cpes: [cpe('proftpd', 'proftpd')],
  },
  { id: 'zstd-binary', files: ['zstd'], matchers: [{ pattern: String.raw`\x00v(?<version>${SEMVER})\x00` }], name: 'zstd', purl: generic('zstd'), cpes: [cpe('facebook', 'zstandard')] },
  {
    id: 'xz-binary',
    files: ['xz'],
    matchers: [{ anchor: 'xz (XZ Utils) ', pattern: String.raw`\x00xz \(XZ Utils\) (?<version>${SEMVER})\x00` }],
    name: 'xz',
    purl: generic('xz'),
    cpes: [cpe('tukaani', 'xz')],
  },
  { id: 'gzip-binary', files: ['gzip'], exclude: ['BusyBox'], matchers: [{ pattern: String.raw`\x00(?<version>\d+\.\d+)\x00` }], name: 'gzip', purl: generic('gzip'), cpes: [cpe('gnu', 'gzip')] },
  {
    id: 'sqlcipher-binary',
    files: ['sqlcipher'],
    matchers: [{ pattern: String.raw`[^0-9]\x00(?<version>${SEMVER})\x00` }],
    name: 'sqlcipher',
    purl: generic('sqlcipher'),
    cpes: [cpe('zetetic', 'sqlcipher')],
  },
  { id: 'jq-binary', files: ['jq'], matchers: [{ pattern: String.raw`\x00(?<version>[0-9]{1,3}\.[0-9]{1,3}(?:\.[0-9]+)?)\x00` }], name: 'jq', purl: generic('jq'), cpes: [cpe('jqlang', 'jq')] },
  {
    id: 'chrome-binary',
    files: ['chrome', 'chromium'],
    matchers: [{ pattern: String.raw`\x00(?<version>\d+\.\d+\.\d{4}\.\d+)\x00` }],
    name: 'chrome',
    purl: generic('chrome'),
    cpes: [cpe('google', 'chrome')],
  },
  {
    id: 'ffmpeg-binary',
    files: ['ffmpeg'],
    matchers: [{ anchor: '%s version ', pattern: String.raw`%s version (?<version>\d+\.\d+(?:\.\d+)?)` }],
    name: 'ffmpeg',
    purl: generic('ffmpeg'),
    cpes: [cpe('ffmpeg', 'ffmpeg')],
  },
  {
    id: 'ffmpeg-library',
    files: ['libav*.so*', 'libsw*.so*'],
    matchers: [{ anchor: 'FFmpeg version ', pattern: String.raw`FFmpeg version (?<version>\d+\.\d+(?:\.\d+)?)` }],
    name: 'ffmpeg',
    purl: generic('ffmpeg'),
    cpes: [cpe('ffmpeg', 'ffmpeg')],
  },
  {
    id: 'krb5-library',
    files: ['libkrb5.so*'],
    matchers: [{ anchor: 'KRB5_BRAND: ', pattern: String.raw`KRB5_BRAND: krb5-(?<version>\d+\.\d+(?:\.\d+)?)` }],
    name: 'krb5',
    purl: generic('krb5'),
    cpes: [cpe('mit', 'kerberos_5')],
  },
  {
    id: 'heimdal-library',
    files: ['libkrb5.so*'],
    matchers: [{ anchor: 'Heimdal ', pattern: String.raw`Heimdal (?<version>${SEMVER})` }],
    name: 'heimdal-krb5',
    purl: generic('heimdal-krb5'),
    cpes: [cpe('heimdal_project', 'heimdal')],
  },
  {
    id: 'istio-pilot-discovery-binary',
    files: ['pilot-discovery'],
    matchers: [{ pick: 'highest', pattern: BOUNDED(String.raw`\d+\.\d+(?:\.\d+${PRE}|-dev)`) }],
    name: 'pilot-discovery',
    purl: generic('istio'),
    cpes: [cpe('istio', 'istio')],
  },
  {
    id: 'istio-pilot-agent-binary',
    files: ['pilot-agent'],
    matchers: [{ pick: 'highest', pattern: BOUNDED(String.raw`\d+\.\d+(?:\.\d+${PRE}|-dev)`) }],
    name: 'pilot-agent',
    purl: generic('istio'),
    cpes: [cpe('istio', 'istio')],
  },
  {
    id: 'grafana-binary',
    files: ['grafana', 'grafana-server'],
    matchers: [{ pick: 'highest', pattern: String.raw`(?:^|[^0-9A-Za-z.\-])(?:release-)?(?<version>${SEMVER}(?:-preview|-beta\d+)?)(?:\+security-\d+)?\x00` }],
    name: 'grafana',
    purl: generic('grafana'),
    cpes: [cpe('grafana', 'grafana')],
  },
  { id: 'envoy-binary', files: ['envoy'], matchers: [{ pattern: String.raw`\x00(?<version>${SEMVER})\x00` }], name: 'envoy', purl: generic('envoy'), cpes: [cpe('envoyproxy', 'envoy')] },
  {
    id: 'nginx-ingress-controller-binary',
    files: ['nginx-ingress-controller'],
    matchers: [{ pick: 'highest', pattern: BOUNDED(SEMVER) }],
    name: 'nginx-ingress-controller',
    purl: generic('nginx-ingress-controller'),
    cpes: [cpe('kubernetes', 'ingress-nginx')],
  },
  ...['filebeat', 'metricbeat', 'heartbeat', 'auditbeat', 'packetbeat'].map(beat),
  {
    id: 'elastic-agent-binary',
    files: ['elastic-agent'],
    matchers: [
      { anchor: ':https', pattern: String.raw`PM(?<version>${SEMVER}):https` },
      { anchor: '-header', pattern: String.raw`enroll(?<version>${SEMVER})-header` },
    ],
    name: 'elastic-agent',
    purl: generic('elastic-agent'),
    cpes: [cpe('elastic', 'elastic_agent')],
  },
];
