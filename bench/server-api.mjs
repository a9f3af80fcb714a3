// npm run bench:server-api — p99 latency of the findings query (GET /api/v1/findings of a random
// digest, critical and high only) at 50 concurrent clients on loopback, with BENCH_IMAGES (10,000)
// images stored. The store is seeded through Repository.recordScan with synthetic but realistic
// reports: Debian-like inventories (BENCH_PACKAGES packages, most shared across images) and
// vulnerabilities of every severity, some KEV, some fixable. Floor measured in the same run, same
// server and clients: GET /healthz (no store, no token, no audit). Bounded: BENCH_SECONDS per
// measurement (10), and the seeding stops with an error after BENCH_SEED_LIMIT_S (900).
// BENCH_DATABASE=postgres://… measures PostgreSQL instead of a temporary SQLite file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { buildApiServer, issueToken, NoJobQueue, openPostgresRepository, openSqliteRepository } from '../packages/server/dist/index.js';

const IMAGES = Number(process.env.BENCH_IMAGES ?? 10_000);
const PACKAGES = Number(process.env.BENCH_PACKAGES ?? 60);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const SEED_LIMIT_S = Number(process.env.BENCH_SEED_LIMIT_S ?? 900);
const CONNECTIONS = 50;
const SEVERITIES = ['critical', 'high', 'medium', 'low', 'negligible', 'unknown'];

let seed = 0x9e3779b9;
const random = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 0x100000000;
};
const digestOf = (n) => `sha256:${n.toString(16).padStart(64, '0')}`;
const location = (layer) => ({ path: '/var/lib/dpkg/status', layerDigest: digestOf(0xa000 + layer), diffId: digestOf(0xb000 + layer), layerIndex: layer });

/** A pool of 600 package names: each image takes PACKAGES of them, so inventories overlap as base images do. */
const NAMES = Array.from({ length: 600 }, (_, i) => `lib${i.toString(36)}`);

function image(n) {
  const names = new Set();
  while (names.size < PACKAGES) names.add(NAMES[Math.floor(random() * random() * NAMES.length)]);
  const packages = [...names].sort().map((name, i) => {
    const version = `1.${Math.floor(random() * 5)}.${Math.floor(random() * 20)}-1`;
    return {
      id: `p-${name}-${version}`,
      name,
      version,
      type: 'deb',
      purl: `pkg:deb/debian/${name}@${version}?distro=debian-12`,
      cpes: [],
      licenses: ['MIT'],
      locations: [location(i % 4)],
      foundBy: 'dpkg-db-cataloger',
      evidence: 'installed',
      source: null,
      metadata: null,
    };
  });
  const findings = [];
  for (const p of packages) {
    if (random() > 0.35) continue;
    const cve = `CVE-20${20 + Math.floor(random() * 6)}-${1000 + Math.floor(random() * 40000)}`;
    const severity = SEVERITIES[Math.min(5, Math.floor(random() * random() * 6))];
    const fixed = random() < 0.6;
    findings.push({
      kind: 'vulnerability',
      id: `v-${cve}-${p.id}`,
      ruleId: cve,
      title: `${cve} in ${p.name}`,
      severity,
      description: `A flaw in ${p.name} before ${p.version} allows remote attackers to cause a denial of service via crafted input.`,
      location: p.locations[0],
      createdBy: 'RUN apt-get install -y …',
      removedInLayer: null,
      foundBy: 'distro-matcher',
      fix: fixed ? `upgrade ${p.name} to 9.9` : null,
      references: [`https://security-tracker.debian.org/tracker/${cve}`, `https://nvd.nist.gov/vuln/detail/${cve}`],
      vulnerabilityId: cve,
      aliases: [],
      packageId: p.id,
      packageName: p.name,
      installedVersion: p.version,
      fixedVersions: fixed ? ['9.9'] : [],
      status: fixed ? 'fixed' : 'not-fixed',
      packageType: 'deb',
      purl: p.purl,
      cvss: [{ source: 'nvd', version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H', baseScore: 7.5 }],
      epss: { score: random() * 0.5, percentile: random() },
      kev: random() < 0.02 ? { dateAdded: '2024-01-01', dueDate: null, ransomware: false } : null,
    });
  }
  return {
    schema: 'sekisho.report/v1',
    tool: { name: 'sekisho', version: 'bench' },
    target: {
      reference: `registry.example/team${n % 50}/app${n % 700}:${n}`,
      sourceType: 'registry',
      manifestDigest: digestOf(n + 1),
      configDigest: digestOf(0x1000000 + n),
      platform: { os: 'linux', architecture: 'amd64', variant: null },
      repoTags: [],
    },
    image: {
      layers: [0, 1, 2, 3].map((i) => ({
        index: i,
        digest: digestOf(0xa000 + i),
        diffId: digestOf(0xb000 + i),
        mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
        size: 1_000_000,
        createdBy: 'RUN …',
      })),
      config: { user: null, env: ['PATH=/usr/bin'], entrypoint: [], cmd: ['app'], workingDir: null, exposedPorts: [], labels: {}, healthcheck: null, created: null },
      size: 4_000_000,
    },
    distro: { id: 'debian', versionId: '12', name: 'Debian GNU/Linux', prettyName: 'Debian GNU/Linux 12 (bookworm)', idLike: [], versionCodename: 'bookworm' },
    packages,
    relationships: [],
    findings,
    unknowns: [],
    notChecked: [],
    scanners: ['vuln', 'secret', 'hardening'],
  };
}

const dir = mkdtempSync(join(tmpdir(), 'sekisho-bench-api-'));
const url = process.env.BENCH_DATABASE;
const repository = url === undefined ? await openSqliteRepository({ path: join(dir, 'bench.db') }) : await openPostgresRepository({ connectionString: url });
let app;
try {
  const started = performance.now();
  let findings = 0;
  for (let n = 0; n < IMAGES; n++) {
    const report = image(n);
    findings += report.findings.length;
    await repository.recordScan(report, 'bench-db');
    if ((performance.now() - started) / 1000 > SEED_LIMIT_S) throw new Error(`seeding took longer than ${SEED_LIMIT_S}s after ${n + 1} images`);
  }
  const seedS = (performance.now() - started) / 1000;
  console.log(`store: ${repository.dialect}; seeded ${IMAGES} images, ${findings} findings, ${PACKAGES} packages each, in ${seedS.toFixed(1)} s (${(IMAGES / seedS).toFixed(0)} recordScan/s)`);

  app = await buildApiServer({ repository, queue: new NoJobQueue() });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const { token } = await issueToken(repository, { name: 'bench', role: 'viewer', createdBy: 'bench' });
  const headers = { authorization: `Bearer ${token}` };

  const run = (title, path, setupRequest) =>
    new Promise((resolve, reject) => {
      autocannon({ url: base, connections: CONNECTIONS, duration: SECONDS, requests: [{ method: 'GET', path, headers, ...(setupRequest ? { setupRequest } : {}) }] }, (error, result) =>
        error ? reject(error) : resolve({ title, result }),
      );
    });
  const findingsPath = () => `/api/v1/findings?digest=${digestOf(1 + Math.floor(Math.random() * IMAGES))}&severity=critical&severity=high`;
  // warm-up, not reported
  await new Promise((resolve, reject) =>
    autocannon({ url: base, connections: 10, amount: 500, requests: [{ method: 'GET', path: findingsPath(), headers, setupRequest: (r) => ({ ...r, path: findingsPath() }) }] }, (e, r) =>
      e ? reject(e) : resolve(r),
    ),
  );
  const floor = await run('floor: GET /healthz', '/healthz');
  const query = await run('GET /api/v1/findings (random digest, critical+high)', findingsPath(), (r) => ({ ...r, path: findingsPath() }));

  const line = ({ title, result }) =>
    `${title}: ${result.requests.average.toFixed(0)} req/s, latency p50 ${result.latency.p50} ms, p90 ${result.latency.p90} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms; non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}`;
  console.log(`${CONNECTIONS} concurrent clients, ${SECONDS} s each, loopback`);
  console.log(line(floor));
  console.log(line(query));
  console.log(
    `findings query p99 / floor p99: ${(query.result.latency.p99 / Math.max(1, floor.result.latency.p99)).toFixed(1)}×; throughput ${(query.result.requests.average / floor.result.requests.average).toFixed(3)} of the floor`,
  );
  if (query.result.non2xx > 0 || query.result.errors > 0) {
    console.error('the findings query had failures: the numbers above are not valid');
    process.exitCode = 1;
  }
} finally {
  await app?.close();
  await repository.close();
  rmSync(dir, { recursive: true, force: true });
}
