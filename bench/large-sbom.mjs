// Large SBOM bench: `sekisho sbom-scan` of SYNTHETIC CycloneDX documents with 10,000, 100,000
// and 1,000,000 components, written to a temp dir, through the JSON and table reporters
// (`-o /dev/null`). Prints wall time, peak RSS and the exit code of each run. 1,000,000 is above
// the component cap (500,000): the expected result is a refusal, LIMIT_SBOM_COMPONENTS, exit 6.
//
// The components are a mix shaped like a Debian image with Python and npm applications: deb
// packages (distro and upstream qualifiers, a few real names), PyPI packages owned by a deb
// package, npm packages (a few real vulnerable versions), each with a location property.
// Matching runs against a small database built from ../shared/feeds (npm-nsp, osv-pypi,
// debian-dsa) when present, else without a database (inventory only; said in the output).
//
// Usage: npm run build && node bench/large-sbom.mjs [count…]
//   BENCH_SBOM_TIMEOUT=300   seconds before a run is stopped (reported as "timeout")
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cliArgv, cliEnv } from './peers.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const PINNED = join(ROOT, 'node_modules/.bin/node');
const NODE = existsSync(PINNED) ? PINNED : process.execPath;
const CLI = join(ROOT, 'packages/cli/bin/sekisho.js');
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const TIMEOUT = Number(process.env.BENCH_SBOM_TIMEOUT ?? 300);
const FEEDS = resolve(process.env.SEKISHO_SHARED_DIR ?? join(ROOT, '..', 'shared'), 'feeds');
const COUNTS = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
const counts = COUNTS.length > 0 ? COUNTS : [10_000, 100_000, 1_000_000];

const REAL_NPM = [
  ['lodash', '4.17.15'],
  ['minimist', '1.2.0'],
  ['express', '4.17.1'],
];
const REAL_PYPI = [
  ['urllib3', '1.26.12'],
  ['requests', '2.28.1'],
  ['jinja2', '3.1.2'],
];
const REAL_DEB = [
  ['libssl3', '3.0.11-1~deb12u2', 'openssl'],
  ['curl', '7.88.1-10+deb12u5', 'curl'],
  ['libc6', '2.36-9+deb12u4', 'glibc'],
];

/** Writes a CycloneDX 1.6 document with `count` components (one of them the operating system) without building it in memory. */
async function writeSbom(file, count) {
  const out = createWriteStream(file);
  const write = async (text) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write('{"bomFormat":"CycloneDX","specVersion":"1.6","metadata":{"component":{"type":"container","name":"synthetic"}},"components":[\n');
  await write('{"type":"operating-system","name":"debian","version":"12"}');
  let lastDeb = null;
  for (let i = 1; i < count; i += 1) {
    const kind = i % 10;
    let c;
    if (kind < 4) {
      const real = i % 1000 === 0 ? REAL_DEB[(i / 1000) % REAL_DEB.length] : null;
      const [name, version, src] = real ?? [`libsynth${i}`, `1.${i % 97}-${i % 7}`, `synth-src${Math.floor(i / 5)}`];
      lastDeb = `c${i}`;
      c = {
        type: 'library',
        'bom-ref': lastDeb,
        name,
        version,
        purl: `pkg:deb/debian/${name}@${encodeURIComponent(version)}?arch=amd64&distro=debian-12&upstream=${src}`,
        properties: [{ name: 'sekisho:location:0:path', value: '/var/lib/dpkg/status' }],
      };
    } else if (kind < 6) {
      const real = i % 1000 === 4 ? REAL_PYPI[Math.floor(i / 1000) % REAL_PYPI.length] : null;
      const [name, version] = real ?? [`pysynth${i}`, `0.${i % 50}.${i % 3}`];
      const props = [{ name: 'sekisho:location:0:path', value: `/usr/lib/python3/dist-packages/${name}-${version}.dist-info/METADATA` }];
      if (kind === 4 && lastDeb !== null) props.push({ name: 'sekisho:package:ownedBy', value: lastDeb });
      c = { type: 'library', 'bom-ref': `c${i}`, name, version, purl: `pkg:pypi/${name}@${version}`, properties: props };
    } else {
      const real = i % 1000 === 6 ? REAL_NPM[Math.floor(i / 1000) % REAL_NPM.length] : null;
      const [name, version] = real ?? [`npmsynth${i}`, `${i % 9}.${i % 13}.${i % 5}`];
      c = {
        type: 'library',
        'bom-ref': `c${i}`,
        name,
        version,
        purl: `pkg:npm/${name}@${version}`,
        properties: [{ name: 'sekisho:location:0:path', value: `/app/node_modules/${name}/package.json` }],
      };
    }
    await write(`,\n${JSON.stringify(c)}`);
  }
  await write('\n]}\n');
  out.end();
  await once(out, 'finish');
}

function run(args) {
  const command = TIME ? [TIME, '-f', '%e %M %U %S', NODE, ...args] : [NODE, ...args];
  const started = process.hrtime.bigint();
  const r = spawnSync(command[0], command.slice(1), {
    env: { ...process.env, ...(args.includes(CLI) ? cliEnv(CLI) : {}) },
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    timeout: TIMEOUT * 1000,
    killSignal: 'SIGKILL',
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const lines = (r.stderr ?? '').trim().split('\n');
  const last = (lines.at(-1) ?? '').split(' ').map(Number);
  const rssKb = TIME ? last[1] : NaN;
  const cpu = TIME ? last[2] + last[3] : NaN;
  const timedOut = r.error?.code === 'ETIMEDOUT' || r.signal === 'SIGKILL';
  // /usr/bin/time reports the child's exit status as "Command exited with non-zero status N"
  const exited = /Command exited with non-zero status (\d+)/.exec(r.stderr ?? '');
  const code = timedOut ? 'timeout' : exited ? Number(exited[1]) : r.status;
  const error = lines.find((l) => l.startsWith('sekisho: error')) ?? '';
  return { seconds, cpu, rssMb: rssKb / 1024, code, error };
}

if (!existsSync(CLI)) {
  console.error('build first: npm run build');
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'sekisho-large-sbom-'));
try {
  let dbArgs = ['--no-vulnerabilities'];
  let dbNote = 'no database (../shared/feeds absent): inventory only';
  const feeds = ['npm-nsp', 'osv-pypi', 'debian-dsa'].map((f) => join(FEEDS, f));
  if (feeds.every(existsSync)) {
    const db = join(dir, 'advisories.db');
    const built = spawnSync(NODE, [CLI, '--quiet', 'db', 'build', '--from', ...feeds, '--db', db], { encoding: 'utf8' });
    if (built.status === 0) {
      dbArgs = ['--db', db, '--db-max-age', '100000'];
      dbNote = 'database: npm-nsp + osv-pypi + debian-dsa from ../shared/feeds';
    }
  }
  console.log(`\nLarge SBOM bench: sbom-scan of synthetic CycloneDX (node ${process.version}; ${dbNote}; timeout ${TIMEOUT} s)\n`);
  console.log('components | file MB | format | wall s |  CPU s | peak RSS MB | exit | note');
  console.log('-----------|---------|--------|--------|--------|-------------|------|-----');
  for (const count of counts) {
    const file = join(dir, `sbom-${count}.cdx.json`);
    await writeSbom(file, count);
    const size = statSync(file).size / 1024 / 1024;
    for (const format of ['json', 'table']) {
      const r = run([...cliArgv(CLI), '--quiet', 'sbom-scan', file, ...dbArgs, '--format', format, '-o', '/dev/null']);
      console.log(
        `${String(count).padStart(10)} | ${size.toFixed(0).padStart(7)} | ${format.padEnd(6)} | ${r.seconds.toFixed(1).padStart(6)} | ${(Number.isFinite(r.cpu) ? r.cpu.toFixed(1) : 'n/a').padStart(6)} | ${(Number.isFinite(r.rssMb) ? r.rssMb.toFixed(0) : 'n/a').padStart(11)} | ${String(r.code).padStart(4)} | ${r.error.slice(0, 100)}`,
      );
    }
    rmSync(file, { force: true });
  }
  console.log('\nexpected: up to the cap (500,000 components) exit 0 in linear time; above it exit 6 (LIMIT_SBOM_COMPONENTS), refused before matching');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
