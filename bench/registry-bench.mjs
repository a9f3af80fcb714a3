// Pull-and-scan from a local registry vs reading the same OCI layout from disk, in the same run.
// Target: registry/disk ≤ 1.15× (layers stream from the socket straight into the layer walker).
// Measured twice: scans in this process after a warm-up (the transfer and the walk alone), and
// fresh CLI processes as a user runs them (with what the first request costs: loading the HTTP
// client, connecting). Also checks that a second scan with a warm layer cache requests no layer blob.
//
// Needs: `npx tsc -b` (imports packages/core/dist), docker-registry and skopeo (Debian packages).
// Image: .fixtures/images/debian-app/oci (scripts/build-fixture-images.sh) or a synthetic one.
// Usage: node bench/registry-bench.mjs   (BENCH_ROUNDS=5 for more rounds)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { scanImage } from '../packages/core/dist/index.js';
import { cliArgv, cliEnv, timed as timedCommand } from './peers.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = process.env.SEKISHO_BENCH_CLI ?? join(ROOT, 'packages/cli/bin/sekisho.js');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const FIXTURE = join(process.env.SEKISHO_FIXTURES_DIR ?? join(ROOT, '.fixtures/images'), 'debian-app/oci');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function syntheticLayout(dir) {
  const { writeOciLayout } = await import('../packages/testkit/dist/index.js');
  const noise = (n, seed) => {
    const out = Buffer.alloc(n);
    let x = seed;
    for (let i = 0; i < n; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      out[i] = x & 0x3f; // compressible about 4:3, like binaries
    }
    return out;
  };
  const layer = (k) => ({
    entries: Array.from({ length: 400 }, (_, i) => ({ name: `usr/lib/l${k}/f${i}.so`, content: noise(100_000, k * 1000 + i + 1) })),
  });
  await writeOciLayout(dir, { layers: [layer(1), layer(2), layer(3)] }, { tag: 'latest' });
}

function layoutSize(layout) {
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8'));
  const top = index.manifests[0];
  const manifest = JSON.parse(readFileSync(join(layout, 'blobs', top.digest.replace(':', '/')), 'utf8'));
  return (manifest.layers ?? []).reduce((sum, l) => sum + l.size, 0);
}

async function timed(fn) {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  const result = await fn();
  const used = process.cpuUsage(cpu);
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, cpu: (used.user + used.system) / 1e6, result };
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'sekisho-registry-bench-'));
  let pid = null;
  try {
    let layout = FIXTURE;
    let label = 'debian-app fixture';
    if (!existsSync(join(layout, 'index.json'))) {
      layout = join(work, 'synthetic');
      label = 'synthetic image (no .fixtures/images/debian-app/oci)';
      await syntheticLayout(layout);
    }
    const info = JSON.parse(
      execFileSync(join(ROOT, 'scripts/start-registry.sh'), [join(work, 'registry')], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .at(-1),
    );
    pid = info.pid;
    execFileSync('skopeo', ['--insecure-policy', 'copy', '--preserve-digests', '--quiet', '--dest-tls-verify=false', `oci:${layout}:latest`, `docker://${info.host}/bench/app:latest`]);
    const remote = `${info.host}/bench/app:latest`;
    const registry = { insecureRegistries: [info.host], dockerConfig: null };
    const local = `oci:${layout}:latest`;

    // warm-up (JIT, page cache, connection pool)
    await scanImage(local, { cacheDir: null });
    await scanImage(remote, { cacheDir: null, registry });

    // Interleaved rounds; this machine is shared, so the fastest round (least disturbed) is the
    // figure compared, with medians and this process's CPU time alongside.
    const disk = [];
    const pulled = [];
    let packages = null;
    for (let i = 0; i < ROUNDS; i++) {
      disk.push(await timed(() => scanImage(local, { cacheDir: null })));
      const r = await timed(() => scanImage(remote, { cacheDir: null, registry }));
      pulled.push(r);
      packages = r.result.report.packages.length;
    }

    // layer cache: the second scan must not request any layer blob
    const cacheDir = join(work, 'cache');
    const events = [];
    const counting = { ...registry, onRequest: (e) => events.push(e) };
    const first = await scanImage(remote, { cacheDir, registry: counting });
    const layerDigests = new Set(first.report.image.layers.map((l) => l.digest));
    const isLayer = (e) => e.kind === 'blob' && layerDigests.has(e.url.slice(e.url.lastIndexOf('/') + 1));
    const firstLayerRequests = events.filter(isLayer).length;
    events.length = 0;
    const warm = await timed(() => scanImage(remote, { cacheDir, registry: counting }));
    const warmLayerRequests = events.filter(isLayer).length;

    // Fresh CLI processes, interleaved; the registry's own CPU (on the same cores) is not counted.
    const cli = (target, extra = []) =>
      timedCommand(process.execPath, [...cliArgv(CLI), '--no-cache', '--quiet', 'sbom', ...extra, target, '--format', 'json', '-o', '/dev/null'], { env: cliEnv(CLI) });
    const cliDisk = [];
    const cliPulled = [];
    cli(local);
    cli(remote, ['--insecure-registry', info.host]);
    for (let i = 0; i < ROUNDS; i++) {
      cliDisk.push(cli(local));
      cliPulled.push(cli(remote, ['--insecure-registry', info.host]));
    }

    const min = (xs) => Math.min(...xs);
    const d = min(disk.map((x) => x.seconds));
    const p = min(pulled.map((x) => x.seconds));
    const dc = median(disk.map((x) => x.cpu));
    const pc = median(pulled.map((x) => x.cpu));
    const mb = layoutSize(layout) / 1e6;
    console.log(`registry bench — ${label}: ${mb.toFixed(1)} MB of layers, ${packages} packages, ${ROUNDS} interleaved rounds`);
    console.log(`  scan from OCI layout on disk   best ${d.toFixed(2)} s, median ${median(disk.map((x) => x.seconds)).toFixed(2)} s, CPU ${dc.toFixed(2)} s`);
    console.log(
      `  pull + scan from registry      best ${p.toFixed(2)} s, median ${median(pulled.map((x) => x.seconds)).toFixed(2)} s, CPU ${pc.toFixed(2)} s (${(mb / p).toFixed(0)} MB/s compressed)`,
    );
    console.log(`  ratio registry/disk            ${(p / d).toFixed(3)}× wall (best rounds), ${(pc / dc).toFixed(3)}× CPU (target ≤ 1.15×) ${p / d <= 1.15 ? 'OK' : 'OVER'}`);
    const cd = median(cliDisk.map((x) => x.seconds));
    const cp = median(cliPulled.map((x) => x.seconds));
    const ccd = median(cliDisk.map((x) => x.cpu));
    const ccp = median(cliPulled.map((x) => x.cpu));
    console.log(`  fresh CLI processes (medians)  disk ${cd.toFixed(2)} s, CPU ${ccd.toFixed(2)} s; registry ${cp.toFixed(2)} s, CPU ${ccp.toFixed(2)} s`);
    console.log(`  ratio registry/disk, CLI       ${(cp / cd).toFixed(3)}× wall, ${(ccp / ccd).toFixed(3)}× CPU (target ≤ 1.15×) ${cp / cd <= 1.15 ? 'OK' : 'OVER'}`);
    console.log(
      `  warm-cache rescan              ${warm.seconds.toFixed(2)} s, layer blob requests: first ${firstLayerRequests}, second ${warmLayerRequests} ${warmLayerRequests === 0 ? 'OK' : 'FAIL'}`,
    );
    if (warmLayerRequests !== 0) process.exitCode = 1;
  } finally {
    if (pid !== null) {
      try {
        process.kill(pid);
      } catch {
        // gone
      }
    }
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
