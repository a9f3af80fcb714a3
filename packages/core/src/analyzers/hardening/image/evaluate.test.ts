import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { reportCompleteness } from '@sekisho/model';
import type { HardeningFinding } from '@sekisho/model';
import { writeOciLayout } from '@sekisho/testkit';
import type { ImageSpec, LayoutOptions, TarEntrySpec } from '@sekisho/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sensitiveFilesAnalyzer } from '../index.js';
import { scanImage } from '../../../scan/scan-image.js';
import { setupScanners, withPostScanFindings } from '../../../scan/scanners.js';
import { IMAGE_HARDENING_CHECKS, evaluateImageHardening } from './index.js';
import type { ImageHardeningOptions } from './index.js';

const NOW = new Date('2026-12-01T00:00:00Z');
/** A config that passes the config checks, so each test sees only what it changes. */
const QUIET: NonNullable<ImageSpec['config']> = { User: '10001:10001', Healthcheck: { Test: ['CMD', '/app/health'] } };
const debian = (version: string, codename: string): TarEntrySpec => ({
  name: 'etc/os-release',
  content: `PRETTY_NAME="Debian GNU/Linux ${version} (${codename})"\nID=debian\nVERSION_ID="${version}"\nVERSION_CODENAME=${codename}\n`,
});
const dpkg = (...pkgs: [string, string][]): TarEntrySpec => ({
  name: 'var/lib/dpkg/status',
  content: pkgs.map(([n, v]) => `Package: ${n}\nStatus: install ok installed\nArchitecture: amd64\nVersion: ${v}\n`).join('\n'),
});

let dir: string;
let counter = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sekisho-imgchk-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Build {
  readonly layers?: ImageSpec['layers'];
  readonly entries?: readonly TarEntrySpec[];
  readonly config?: ImageSpec['config'];
  readonly created?: string;
  readonly tag?: string;
  readonly options?: ImageHardeningOptions;
}

async function findings(build: Build): Promise<HardeningFinding[]> {
  const spec: ImageSpec = {
    layers: build.layers ?? [{ entries: build.entries ?? [{ name: 'app/main', content: 'x' }] }],
    config: build.config ?? QUIET,
    created: build.created ?? '2026-11-01T00:00:00Z',
  };
  const ref = join(dir, `img-${counter++}`);
  const layout: LayoutOptions = build.tag === undefined ? {} : { tag: build.tag };
  await writeOciLayout(ref, spec, layout);
  const { report, merged } = await scanImage(ref, { cacheDir: null, analyzers: [sensitiveFilesAnalyzer], now: NOW });
  return evaluateImageHardening({ report, merged, now: NOW, ...(build.options === undefined ? {} : { options: build.options }) });
}

const of = (list: readonly HardeningFinding[], id: string): HardeningFinding[] => list.filter((f) => f.ruleId === id);

describe('SEK-IMG-001 runs as root', () => {
  it.each([[undefined], [''], ['0'], ['root'], ['0:0'], ['root:root'], ['000']])('USER %j is root', async (user) => {
    const hits = of(await findings({ config: { ...QUIET, ...(user === undefined ? { User: undefined } : { User: user }) } }), 'SEK-IMG-001');
    expect(hits).toHaveLength(1);
    expect(hits[0]?.severity).toBe('high');
  });
  it.each([['1000'], ['app'], ['1000:0'], ['nobody:nogroup']])('USER %j is not', async (user) => {
    expect(of(await findings({ config: { ...QUIET, User: user } }), 'SEK-IMG-001')).toEqual([]);
  });
  it('a name that /etc/passwd maps to uid 0 is root; other names are not', async () => {
    const entries = [{ name: 'etc/passwd', content: 'root:x:0:0::/root:/bin/sh\ntoor:x:0:0::/:/bin/sh\napp:x:1000:1000::/app:/bin/sh\n' }];
    const hit = of(await findings({ entries, config: { ...QUIET, User: 'toor' } }), 'SEK-IMG-001');
    expect(hit.map((f) => f.location?.path)).toEqual(['/etc/passwd']);
    expect(hit[0]?.evidence).toContain('uid 0');
    expect(of(await findings({ entries, config: { ...QUIET, User: 'app' } }), 'SEK-IMG-001')).toEqual([]);
  });
});

describe('SEK-IMG-002/003 setuid and setgid', () => {
  const entries: TarEntrySpec[] = [
    { name: 'usr/bin/passwd', content: 'x', mode: 0o4755 },
    { name: 'usr/bin/chage', content: 'x', mode: 0o2755, gid: 42 },
    { name: 'usr/local/bin/helper', content: 'x', mode: 0o4755 },
    { name: 'tmp/passwd', content: 'x', mode: 0o4755 },
    { name: 'usr/bin/su', content: 'x', mode: 0o4755, uid: 1000 },
    { name: 'usr/bin/ls', content: 'x', mode: 0o755 },
  ];
  it('flags unusual files one by one with their layer, lists the known ones together', async () => {
    const all = await findings({ layers: [{ entries: [{ name: 'app/x', content: 'x' }] }, { createdBy: 'RUN make install', entries }] });
    const unusual = of(all, 'SEK-IMG-002');
    expect(unusual.map((f) => f.location?.path)).toEqual(['/tmp/passwd', '/usr/bin/su', '/usr/local/bin/helper']);
    expect(unusual.every((f) => f.location?.layerIndex === 1 && f.createdBy === 'RUN make install' && f.severity === 'medium')).toBe(true);
    expect(unusual.find((f) => f.location?.path === '/usr/bin/su')?.evidence).toContain('setuid (uid 1000)');
    const known = of(all, 'SEK-IMG-003');
    expect(known).toHaveLength(1);
    expect(known[0]?.evidence).toMatch(/^2 setuid\/setgid system binaries: \/usr\/bin\/chage \(setgid 2755, layer 1\), \/usr\/bin\/passwd \(setuid 4755, layer 1\)$/);
  });
  it('a bit removed by a later layer is gone', async () => {
    const all = await findings({
      layers: [{ entries }, { entries: entries.map((e) => ({ ...e, mode: 0o755 })) }],
    });
    expect(of(all, 'SEK-IMG-002')).toEqual([]);
    expect(of(all, 'SEK-IMG-003')).toEqual([]);
  });
});

describe('SEK-IMG-004 world-writable', () => {
  it('flags world-writable files and directories without sticky bit', async () => {
    const all = await findings({
      entries: [
        { name: 'app/data', type: 'dir', mode: 0o777 },
        { name: 'app/config.yml', content: 'a: 1', mode: 0o666 },
        { name: 'tmp', type: 'dir', mode: 0o1777 },
        { name: 'var/tmp', type: 'dir', mode: 0o1777 },
        { name: 'app/shared', type: 'dir', mode: 0o775 },
        { name: 'etc/motd', content: 'hi', mode: 0o644 },
      ],
    });
    const hits = of(all, 'SEK-IMG-004');
    expect(hits.map((f) => f.location?.path)).toEqual(['/app/config.yml', '/app/data']);
    expect(hits.find((f) => f.location?.path === '/app/data')?.evidence).toBe('directory /app/data has mode 0777 (world-writable, no sticky bit), layer 0');
  });
  it('caps the number of findings and lists the rest in one', async () => {
    const entries = Array.from({ length: 60 }, (_, i) => ({ name: `data/f${String(i).padStart(2, '0')}`, content: 'x', mode: 0o666 }));
    const hits = of(await findings({ entries }), 'SEK-IMG-004');
    expect(hits).toHaveLength(51);
    expect(hits.filter((f) => f.location === null).map((f) => f.evidence)).toEqual([expect.stringMatching(/^10 more world-writable paths: \/data\/f50, /)]);
  });
});

describe('SEK-IMG-005 device nodes', () => {
  it('flags devices outside the standard /dev set', async () => {
    const all = await findings({
      entries: [
        { name: 'dev/null', type: 'char-device', mode: 0o666 },
        { name: 'dev/sda', type: 'block-device', mode: 0o660 },
        { name: 'opt/mem', type: 'char-device', mode: 0o600 },
      ],
    });
    expect(of(all, 'SEK-IMG-005').map((f) => [f.location?.path, f.severity])).toEqual([
      ['/dev/sda', 'medium'],
      ['/opt/mem', 'low'],
    ]);
  });
  it('the standard nodes are fine', async () => {
    const entries = ['null', 'zero', 'tty', 'urandom'].map((n) => ({ name: `dev/${n}`, type: 'char-device' as const, mode: 0o666 }));
    expect(of(await findings({ entries }), 'SEK-IMG-005')).toEqual([]);
  });
});

describe('SEK-IMG-006/007 password hashes and empty passwords', () => {
  it('reports accounts with hashes and empty passwords, without the hashes', async () => {
    const all = await findings({ entries: [{ name: 'etc/shadow', content: 'root:$6$salt$SECRETHASH:19000:0:99999:7:::\nguest::19000::::::\nbin:*:1::::::\n', mode: 0o640 }] });
    const hashes = of(all, 'SEK-IMG-006');
    expect(hashes.map((f) => [f.location?.path, f.evidence])).toEqual([['/etc/shadow', '/etc/shadow (layer 0): 1 entry has a password hash: root (hashes not shown)']]);
    expect(of(all, 'SEK-IMG-007').map((f) => [f.severity, f.evidence])).toEqual([['high', '/etc/shadow (layer 0): empty password for guest']]);
    expect(JSON.stringify(all)).not.toContain('SECRETHASH');
  });
  it('locked accounts, and a later layer that locks them, are fine', async () => {
    expect(of(await findings({ entries: [{ name: 'etc/shadow', content: 'root:*:1::::::\nsvc:!!:1::::::\nx:!$6$a$b:1::::::\n' }] }), 'SEK-IMG-006')).toEqual([]);
    const relocked = await findings({
      layers: [{ entries: [{ name: 'etc/shadow', content: 'root:$6$a$b:1::::::\nguest::1::::::\n' }] }, { entries: [{ name: 'etc/shadow', content: 'root:!:1::::::\nguest:!:1::::::\n' }] }],
    });
    expect([...of(relocked, 'SEK-IMG-006'), ...of(relocked, 'SEK-IMG-007')]).toEqual([]);
  });
});

describe('SEK-IMG-008..011 sensitive files', () => {
  const secrets: TarEntrySpec[] = [
    { name: 'etc/ssh/ssh_host_ed25519_key', content: '-----BEGIN OPENSSH PRIVATE KEY-----\n', mode: 0o600 },
    { name: 'etc/ssh/ssh_host_ed25519_key.pub', content: 'ssh-ed25519 AAAA\n' },
    { name: 'root/.ssh/authorized_keys', content: 'ssh-ed25519 AAAA me@laptop\n' },
    { name: 'src/app/.git/HEAD', content: 'ref: refs/heads/main\n' },
    { name: 'src/app/.git/config', content: '[core]\n' },
    { name: 'root/.aws/credentials', content: '[default]\naws_access_key_id=AKIA\n' },
    { name: 'home/dev/.kube/config', content: 'apiVersion: v1\n' },
    { name: 'root/.docker/config.json', content: '{"auths":{"ghcr.io":{"auth":"dXNlcjpwYXNz"}}}' },
  ];
  it('reports each file with its path and layer', async () => {
    const all = await findings({ layers: [{ entries: [{ name: 'app/x', content: 'x' }] }, { createdBy: 'COPY . /', entries: secrets }] });
    expect(of(all, 'SEK-IMG-008').map((f) => [f.location?.path, f.location?.layerIndex, f.severity])).toEqual([['/etc/ssh/ssh_host_ed25519_key', 1, 'high']]);
    expect(of(all, 'SEK-IMG-009').map((f) => f.location?.path)).toEqual(['/root/.ssh/authorized_keys']);
    expect(of(all, 'SEK-IMG-010').map((f) => [f.location?.path, f.evidence])).toEqual([['/src/app/.git', 'repository /src/app/.git (found /src/app/.git/HEAD), layer 1']]);
    const creds = of(all, 'SEK-IMG-011');
    expect(creds.map((f) => f.location?.path)).toEqual(['/home/dev/.kube/config', '/root/.aws/credentials', '/root/.docker/config.json']);
    expect(creds.every((f) => f.createdBy === 'COPY . /' && f.location?.diffId?.startsWith('sha256:'))).toBe(true);
    expect(creds.find((f) => f.location?.path === '/root/.docker/config.json')?.evidence).toContain('container registry auth');
  });
  it('files deleted by a later layer, and look-alikes, are not reported', async () => {
    const all = await findings({
      layers: [
        { entries: secrets },
        {
          createdBy: 'RUN rm -rf …',
          entries: [
            { name: 'etc/ssh/.wh.ssh_host_ed25519_key', content: '' },
            { name: 'root/.wh..ssh', content: '' },
            { name: 'src/.wh.app', content: '' },
            { name: 'root/.wh..aws', content: '' },
            { name: 'home/.wh.dev', content: '' },
            { name: 'root/.docker/config.json', content: '{"credsStore":"desktop"}' },
          ],
        },
        {
          entries: [
            { name: 'etc/ssh/ssh_host_rsa_key.pub', content: 'ssh-rsa AAAA\n' },
            { name: 'app/git/HEAD', content: 'x' },
            { name: 'root/.aws/config', content: '[default]\nregion=eu-west-1\n' },
          ],
        },
      ],
    });
    expect(['SEK-IMG-008', 'SEK-IMG-009', 'SEK-IMG-010', 'SEK-IMG-011'].flatMap((id) => of(all, id))).toEqual([]);
  });
});

describe('SEK-IMG-012 package manager caches', () => {
  it('one finding per cache with count, bytes and layers', async () => {
    const all = await findings({
      layers: [
        {
          entries: [
            { name: 'var/lib/apt/lists/deb_InRelease', content: 'a'.repeat(2048) },
            { name: 'var/lib/apt/lists/lock', content: '' },
          ],
        },
        {
          createdBy: 'RUN apt-get install -y python3-pip && pip install flask',
          entries: [
            { name: 'var/lib/apt/lists/deb_Packages', content: 'b'.repeat(1024) },
            { name: 'var/cache/apt/archives/curl_1_amd64.deb', content: 'c'.repeat(100) },
            { name: 'root/.cache/pip/http-v2/a/b/c', content: 'd'.repeat(10) },
            { name: 'root/.cache/pip/http-v2/a/b/d', content: 'e'.repeat(10) },
          ],
        },
      ],
    });
    expect(of(all, 'SEK-IMG-012').map((f) => [f.location?.path, f.location?.layerIndex, f.evidence])).toEqual([
      ['/root/.cache/pip', 1, 'pip cache /root/.cache/pip: 2 files, 20 B, from layer 1'],
      ['/var/cache/apt/archives', 1, 'apt-archives cache /var/cache/apt/archives: 1 file, 100 B, from layer 1'],
      ['/var/lib/apt/lists', 1, 'apt-lists cache /var/lib/apt/lists: 2 files, 3.0 KiB, from layers 0, 1'],
    ]);
    expect(of(all, 'SEK-IMG-012').find((f) => f.location?.path === '/root/.cache/pip')?.fix).toContain('--no-cache-dir');
  });
  it('caches cleaned in a later layer, and only lock files, are fine', async () => {
    const all = await findings({
      layers: [
        {
          entries: [
            { name: 'var/lib/apt/lists/deb_InRelease', content: 'a' },
            { name: 'var/cache/apk/APKINDEX.x.tar.gz', content: 'b' },
            { name: 'var/lib/apt/lists/lock', content: '' },
          ],
        },
        {
          entries: [
            { name: 'var/lib/apt/lists/.wh.deb_InRelease', content: '' },
            { name: 'var/cache/.wh.apk', content: '' },
            { name: 'var/lib/apt/lists/partial/x', content: 'p' },
          ],
        },
      ],
    });
    expect(of(all, 'SEK-IMG-012')).toEqual([]);
  });
});

describe('SEK-IMG-013/014 build history', () => {
  const steps = (...createdBy: string[]): ImageSpec['layers'] => createdBy.map((c, i) => ({ createdBy: c, entries: [{ name: `l${i}`, content: 'x' }] }));
  it('flags ADD from URLs and downloads piped into shells, in any history form', async () => {
    const all = await findings({
      layers: steps(
        'ADD https://example.com/tool.tar.gz /opt/ # buildkit',
        '/bin/sh -c #(nop) ADD https://example.com/x.sh /x.sh',
        'RUN |1 V=2 /bin/sh -c curl -fsSL https://get.example.sh | sh # buildkit',
        '/bin/sh -c wget -qO- https://x/i.sh | bash -s -- --yes',
        'RUN /bin/bash -o pipefail -c sh -c "$(curl -fsSL https://x/install.sh)" # buildkit',
      ),
    });
    expect(of(all, 'SEK-IMG-013').map((f) => [f.location, f.createdBy])).toEqual([
      [null, 'ADD https://example.com/tool.tar.gz /opt/ # buildkit'],
      [null, '/bin/sh -c #(nop) ADD https://example.com/x.sh /x.sh'],
    ]);
    expect(of(all, 'SEK-IMG-014').map((f) => f.evidence)).toEqual([
      'layer 2: RUN curl … | sh in `curl -fsSL https://get.example.sh | sh`',
      'layer 3: RUN wget … | bash in `wget -qO- https://x/i.sh | bash -s -- --yes`',
      'layer 4: RUN sh with a downloaded script in `sh -c "$(curl -fsSL https://x/install.sh)"`',
    ]);
  });
  it('checksummed ADD, local ADD, and downloads saved to a file are fine', async () => {
    const all = await findings({
      layers: steps(
        'ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/t.tgz /t/ # buildkit',
        '/bin/sh -c #(nop) ADD file:0123abcd in / ',
        'RUN /bin/sh -c curl -fsSLo i.sh https://x/i.sh && sha256sum -c sums && sh i.sh # buildkit',
        '/bin/sh -c curl https://x/a.tgz | tar xz',
        'RUN /bin/sh -c echo "curl x | sh" # buildkit',
      ),
    });
    expect([...of(all, 'SEK-IMG-013'), ...of(all, 'SEK-IMG-014')]).toEqual([]);
  });
  it('a step over the history caps becomes an unknown in the report, which is then incomplete', async () => {
    const padded = `RUN |70 ${Array.from({ length: 70 }, (_, i) => `A${i}=1`).join(' ')} /bin/sh -c echo ok # buildkit`;
    const huge = `/bin/sh -c echo ${'a'.repeat(20_000)} && curl -fsSL https://x/i.sh | sh`;
    const ref = join(dir, `img-${counter++}`);
    await writeOciLayout(ref, { layers: steps('/bin/sh -c apt-get update', padded, huge), config: QUIET, created: '2026-11-01T00:00:00Z' });
    const scan = await scanImage(ref, { cacheDir: null, analyzers: [sensitiveFilesAnalyzer], now: NOW });
    const report = withPostScanFindings(scan, await setupScanners(new Set(['hardening'])), NOW);
    expect(report.unknowns.filter((u) => u.foundBy === 'image-hardening').map((u) => [u.location.path, u.location.layerIndex, u.reason.split(':')[0]])).toEqual([
      ['config:layers[1].created_by', 1, "build step's shell script starts past its first 64 words"],
      ['config:layers[2].created_by', 2, `build step of ${huge.length} characters`],
    ]);
    expect(reportCompleteness(report).status).toBe('incomplete');
  });
});

describe('SEK-IMG-015 HEALTHCHECK', () => {
  it('missing or NONE is reported', async () => {
    expect(of(await findings({ config: { User: '1000' } }), 'SEK-IMG-015').map((f) => f.evidence)).toEqual(['the image config has no Healthcheck']);
    expect(of(await findings({ config: { User: '1000', Healthcheck: { Test: ['NONE'] } } }), 'SEK-IMG-015')).toHaveLength(1);
  });
  it('a health check is fine', async () => {
    expect(of(await findings({ config: { User: '1000', Healthcheck: { Test: ['CMD-SHELL', 'curl -f http://localhost/ || exit 1'] } } }), 'SEK-IMG-015')).toEqual([]);
  });
});

describe('SEK-IMG-016/017 exposed ports', () => {
  const exposing = (...ports: string[]): NonNullable<ImageSpec['config']> => ({ ...QUIET, ExposedPorts: Object.fromEntries(ports.map((p) => [p, {}])) });
  it('privileged and risky ports on an application image', async () => {
    const all = await findings({ config: exposing('80/tcp', '22/tcp', '23/tcp', '2375/tcp', '5432/tcp', '6379/tcp', '8080/tcp', '53/udp') });
    expect(of(all, 'SEK-IMG-016').map((f) => f.evidence)).toEqual(['EXPOSE 53/udp: port 53 is below 1024', 'EXPOSE 80/tcp: port 80 is below 1024']);
    expect(of(all, 'SEK-IMG-017').map((f) => [f.evidence.split(':')[0], f.severity])).toEqual([
      ['EXPOSE 2375/tcp', 'critical'],
      ['EXPOSE 23/tcp', 'high'],
      ['EXPOSE 22/tcp', 'medium'],
      ['EXPOSE 5432/tcp', 'medium'],
      ['EXPOSE 6379/tcp', 'medium'],
    ]);
  });
  it('database ports on database images are fine: by package, command or image name', async () => {
    const byPackage = await findings({ entries: [dpkg(['postgresql-16', '16.4-1'])], config: exposing('5432/tcp') });
    const byCommand = await findings({ config: { ...exposing('6379/tcp'), Cmd: ['redis-server', '--appendonly', 'yes'] } });
    const byName = await findings({ config: exposing('27017/tcp'), tag: 'mongo:7' });
    expect([...byPackage, ...byCommand, ...byName].filter((f) => f.ruleId === 'SEK-IMG-017')).toEqual([]);
  });
  it('a database client package does not make an image a database image; the option overrides the heuristic', async () => {
    expect(of(await findings({ entries: [dpkg(['postgresql-client-16', '16.4-1'])], config: exposing('5432/tcp') }), 'SEK-IMG-017')).toHaveLength(1);
    expect(of(await findings({ config: { ...exposing('6379/tcp'), Cmd: ['redis-server'] }, options: { appImage: true } }), 'SEK-IMG-017')).toHaveLength(1);
    expect(of(await findings({ config: exposing('5432/tcp'), options: { appImage: false } }), 'SEK-IMG-017')).toEqual([]);
  });
  it('high ports are fine', async () => {
    const all = await findings({ config: exposing('8080/tcp', '3000/tcp', '1024/tcp') });
    expect([...of(all, 'SEK-IMG-016'), ...of(all, 'SEK-IMG-017')]).toEqual([]);
  });
});

describe('SEK-IMG-018 sudo', () => {
  it('from the package inventory or the binary', async () => {
    const byPackage = of(await findings({ entries: [dpkg(['sudo', '1.9.13p3-1+deb12u1'])] }), 'SEK-IMG-018');
    expect(byPackage.map((f) => [f.evidence, f.fix])).toEqual([['sudo installed: package sudo 1.9.13p3-1+deb12u1', 'RUN apt-get purge -y sudo']]);
    const byBinary = of(await findings({ entries: [{ name: 'usr/bin/sudo', content: 'ELF', mode: 0o4755 }] }), 'SEK-IMG-018');
    expect(byBinary.map((f) => [f.location?.path, f.evidence])).toEqual([['/usr/bin/sudo', 'sudo installed: /usr/bin/sudo (mode 4755, layer 0)']]);
  });
  it('no sudo, or sudo removed later, is fine', async () => {
    expect(of(await findings({ entries: [dpkg(['bash', '5.2'])] }), 'SEK-IMG-018')).toEqual([]);
    const removed = await findings({ layers: [{ entries: [{ name: 'usr/bin/sudo', content: 'ELF', mode: 0o4755 }] }, { entries: [{ name: 'usr/bin/.wh.sudo', content: '' }] }] });
    expect(of(removed, 'SEK-IMG-018')).toEqual([]);
  });
});

describe('SEK-IMG-019 support phase of the base OS', () => {
  const ubuntu = (version: string): TarEntrySpec => ({ name: 'etc/os-release', content: `PRETTY_NAME="Ubuntu ${version}"\nID=ubuntu\nVERSION_ID="${version}"\n` });
  it('Debian 11 is past regular support and Debian LTS on the test date: high, and the fix names a release in regular support', async () => {
    const hits = of(await findings({ entries: [debian('11', 'bullseye')] }), 'SEK-IMG-019');
    expect(hits.map((f) => [f.severity, f.fix])).toEqual([['high', 'Rebuild on a release in regular support, e.g. debian 13.']]);
    expect(hits[0]?.evidence).toContain('security support ended 2024-08-14 and Debian LTS ended 2026-08-31');
  });
  it('Debian 12 is in Debian LTS (free): low, with the phase and its end date', async () => {
    const hits = of(await findings({ entries: [debian('12', 'bookworm')] }), 'SEK-IMG-019');
    expect(hits.map((f) => f.severity)).toEqual(['low']);
    expect(hits[0]?.evidence).toContain('regular security support ended 2026-06-10; Debian LTS provides security fixes until 2028-06-30');
  });
  it('Ubuntu 20.04 is in ESM, which needs a subscription: medium; Ubuntu 16.04 is past ESM too: high', async () => {
    const esm = of(await findings({ entries: [ubuntu('20.04')] }), 'SEK-IMG-019');
    expect(esm.map((f) => f.severity)).toEqual(['medium']);
    expect(esm[0]?.evidence).toContain('Ubuntu ESM (Ubuntu Pro) provides security fixes until 2030-04-02 (needs a subscription');
    expect(of(await findings({ entries: [ubuntu('16.04')] }), 'SEK-IMG-019').map((f) => f.severity)).toEqual(['high']);
  });
  it('Debian 13 (regular support), and an unknown release, are not reported', async () => {
    expect(of(await findings({ entries: [debian('13', 'trixie')] }), 'SEK-IMG-019')).toEqual([]);
    expect(of(await findings({ entries: [debian('99', 'future')] }), 'SEK-IMG-019')).toEqual([]);
  });
});

describe('SEK-IMG-020 image age', () => {
  it('older than the limit (default 365 days, or the option)', async () => {
    expect(of(await findings({ created: '2025-06-01T00:00:00Z' }), 'SEK-IMG-020').map((f) => f.evidence)).toEqual(['created 2025-06-01T00:00:00Z, 548 days before 2026-12-01 (limit 365 days)']);
    expect(of(await findings({ created: '2026-10-01T00:00:00Z', options: { maxAgeDays: 30 } }), 'SEK-IMG-020')).toHaveLength(1);
  });
  it('recent, reproducible-build epoch and unparsable dates are not reported', async () => {
    expect(of(await findings({ created: '2026-06-01T00:00:00Z' }), 'SEK-IMG-020')).toEqual([]);
    expect(of(await findings({ created: '1970-01-01T00:00:00Z' }), 'SEK-IMG-020')).toEqual([]);
    expect(of(await findings({ created: 'yesterday' }), 'SEK-IMG-020')).toEqual([]);
  });
});

describe('findings', () => {
  it('are complete, sorted, stable, and every id is in the catalog', async () => {
    const build: Build = {
      layers: [
        {
          entries: [
            debian('11', 'bullseye'),
            { name: 'usr/bin/passwd', content: 'x', mode: 0o4755 },
            { name: 'opt/x', content: 'x', mode: 0o4755 },
            { name: 'root/.git-credentials', content: 'https://u:p@github.com\n' },
          ],
        },
      ],
      config: { ExposedPorts: { '22/tcp': {} } },
      created: '2020-01-01T00:00:00Z',
    };
    const a = await findings(build);
    const b = await findings(build);
    expect(a).toEqual(b);
    expect(new Set(a.map((f) => f.id)).size).toBe(a.length);
    const catalog = new Map(IMAGE_HARDENING_CHECKS.map((c) => [c.id, c]));
    for (const f of a) {
      const check = catalog.get(f.ruleId as (typeof IMAGE_HARDENING_CHECKS)[number]['id']);
      expect(check).toBeDefined();
      expect(f).toMatchObject({ kind: 'hardening', title: check?.title, foundBy: 'image-hardening', removedInLayer: null });
      expect(f.evidence.length).toBeGreaterThan(10);
      expect(f.fix?.length ?? 0).toBeGreaterThan(10);
      expect(f.id).toMatch(/^[0-9a-f]{16}$/);
    }
    expect(a.map((f) => f.ruleId)).toEqual(['SEK-IMG-001', 'SEK-IMG-011', 'SEK-IMG-019', 'SEK-IMG-002', 'SEK-IMG-017', 'SEK-IMG-003', 'SEK-IMG-015', 'SEK-IMG-020']);
  });
  it('the catalog has unique ids, a fix and a reason for every check', () => {
    expect(new Set(IMAGE_HARDENING_CHECKS.map((c) => c.id)).size).toBe(IMAGE_HARDENING_CHECKS.length);
    for (const c of IMAGE_HARDENING_CHECKS) expect(c.fix.length > 10 && c.why.length > 10 && c.title.length > 5).toBe(true);
  });
  it('docs/checks/image-hardening.md lists every check with its severity', async () => {
    let root = import.meta.dirname;
    while (!existsSync(join(root, 'tsconfig.base.json')) && dirname(root) !== root) root = dirname(root);
    const doc = await readFile(join(root, 'docs/checks/image-hardening.md'), 'utf8');
    const rows = new Map([...doc.matchAll(/^\| (SEK-IMG-\d{3}) \|[^\n]*?\| (critical|high|medium|low) \|/gm)].map((m) => [m[1], m[2]]));
    expect(rows).toEqual(new Map(IMAGE_HARDENING_CHECKS.map((c) => [c.id, c.severity])));
  });
});
