import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeOciLayout } from '@sekisho/testkit';
import type { ImageSpec } from '@sekisho/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntryHeader } from '../../layers/entry.js';
import { scanImage } from '../../scan/scan-image.js';
import { MAX_NAMES, passwordState, summarizeShadow, uidZeroNames } from './accounts.js';
import { decodeFact, encodeFact, SENSITIVE_FILES_ANALYZER_ID } from './facts.js';
import type { SensitiveFact } from './facts.js';
import { classifyPath, registryAuthHasCredentials, sensitiveFilesAnalyzer } from './sensitive-files.js';

const header = (path: string, extra: Partial<EntryHeader> = {}): EntryHeader => ({
  path,
  kind: 'file',
  mode: 0o644,
  uid: 0,
  gid: 0,
  size: 10,
  linkTarget: null,
  mtime: 0,
  ...extra,
});

async function analyze(path: string, body: string | null, extra: Partial<EntryHeader> = {}): Promise<SensitiveFact[]> {
  const entry = header(path, { size: body === null ? 10 : Buffer.byteLength(body), ...extra });
  if (!sensitiveFilesAnalyzer.selects(entry)) return [];
  const content = body !== null && sensitiveFilesAnalyzer.wantsBody(entry) ? Buffer.from(body) : null;
  const out = await sensitiveFilesAnalyzer.analyze(entry, content, false, { layerIndex: 0 });
  expect(out.findings).toEqual([]);
  return out.facts.map((f) => {
    expect(f.analyzer).toBe(SENSITIVE_FILES_ANALYZER_ID);
    expect(f.path).toBe(path);
    const fact = decodeFact(f.value);
    expect(fact).not.toBeNull();
    return fact as SensitiveFact;
  });
}

describe('passwordState (shadow(5) password field)', () => {
  it.each([
    ['', 'empty'],
    ['*', 'locked'],
    ['!', 'locked'],
    ['!!', 'locked'],
    ['!$6$salt$hash', 'locked'],
    ['*LK*', 'locked'],
    ['$6$rounds=5000$abc$def', 'hashed'],
    ['$y$j9T$abc$def', 'hashed'],
    ['$2b$12$abcdefghijklmnopqrstuv', 'hashed'],
    ['abcdefghijk./', 'hashed'],
    ['_J9..abcdefghijklmno', 'hashed'],
    ['x', 'other'],
    ['NP', 'other'],
  ] as const)('%j is %s', (field, state) => {
    expect(passwordState(field)).toBe(state);
  });
});

describe('summarizeShadow', () => {
  const shadow = ['root:$6$s$h:19000:0:99999:7:::', 'daemon:*:19000:0:99999:7:::', 'nobody:!:19000::::::', 'guest::19000::::::', 'admin:$y$j9T$a$b:1::::::', '# comment', 'broken'].join('\n');
  it('names accounts with hashes and empty passwords, never the hashes', () => {
    const s = summarizeShadow(shadow, 'shadow');
    expect(s).toEqual({ hashed: ['root', 'admin'], empty: ['guest'], hashedCount: 2, emptyCount: 1 });
    expect(JSON.stringify(s)).not.toContain('$6$');
  });
  it('an empty gshadow password is not a login risk', () => {
    expect(summarizeShadow('staff::root:\nwheel:$6$a$b::\n', 'gshadow')).toEqual({ hashed: ['wheel'], empty: [], hashedCount: 1, emptyCount: 0 });
  });
  it('caps the names it keeps but counts them all; strange names are neutralised', () => {
    const many = Array.from({ length: 100 }, (_, i) => `u${i}:$6$a$b:1::::::`).join('\n');
    const s = summarizeShadow(many, 'shadow');
    expect(s.hashed).toHaveLength(MAX_NAMES);
    expect(s.hashedCount).toBe(100);
    expect(summarizeShadow('ev\u001b[31mil:$6$a$b:1::::::', 'shadow').hashed).toEqual(['ev??31mil']);
  });
  it('reads every line of the (size-bounded) body: padding cannot push an empty password out', () => {
    const padding = Array.from({ length: 20_000 }, (_, i) => `u${i}:*:1::::::`).join('\n');
    expect(summarizeShadow(`${padding}\nroot::19000::::::\n`, 'shadow').emptyCount).toBe(1);
    expect(uidZeroNames(`${Array.from({ length: 20_000 }, (_, i) => `u${i}:x:${i + 1}:1::/:/bin/sh`).join('\n')}\ntoor:x:0:0::/:/bin/sh\n`)).toEqual(['toor']);
  });
  it('a truncated account database becomes an unknown', async () => {
    const entry = header('/etc/shadow', { size: 2 * 1024 * 1024 });
    const out = await sensitiveFilesAnalyzer.analyze(entry, Buffer.from('root:*:1::::::\n'), true, { layerIndex: 0 });
    expect(out.unknowns).toEqual([{ path: '/etc/shadow', reason: expect.stringMatching(/only the first 1048576 bytes were read/) }]);
  });
  it('uid 0 names from passwd', () => {
    expect(uidZeroNames('root:x:0:0:root:/root:/bin/bash\ntoor:x:0:0::/:/bin/sh\napp:x:1000:1000::/app:/bin/sh\n#x:x:0:0\n')).toEqual(['root', 'toor']);
  });
});

describe('registryAuthHasCredentials', () => {
  it.each([
    ['{"auths":{"ghcr.io":{"auth":"dXNlcjpwYXNz"}}}', true],
    ['{"auths":{"x.azurecr.io":{"identitytoken":"eyJ"}}}', true],
    ['{"auths":{"ghcr.io":{}},"credsStore":"desktop"}', false],
    ['{"credHelpers":{"gcr.io":"gcloud"}}', false],
    ['{"auths":{"ghcr.io":{"auth":""}}}', false],
    ['{"auths":{"ghcr.io":{"auth":"dXNlcjpw', true],
    ['not json', false],
  ] as const)('%s → %s', (text, expected) => {
    expect(registryAuthHasCredentials(text)).toBe(expected);
  });
});

describe('classifyPath', () => {
  it.each([
    ['/etc/ssh/ssh_host_ed25519_key', 'ssh-host-key'],
    ['/etc/ssh/ssh_host_rsa_key.pub', null],
    ['/etc/ssh/keys/ssh_host_rsa_key', null],
    ['/home/u/.ssh/authorized_keys', 'authorized-keys'],
    ['/root/.ssh/authorized_keys2', 'authorized-keys'],
    ['/app/.git/HEAD', 'git-repo'],
    ['/app/.git/refs/heads/main', null],
    ['/app/git/HEAD', null],
    ['/root/.aws/credentials', 'cloud-credentials'],
    ['/root/.aws/config', null],
    ['/home/u/.config/gcloud/application_default_credentials.json', 'cloud-credentials'],
    ['/home/u/.config/gcloud/legacy_credentials/me@x/adc.json', 'cloud-credentials'],
    ['/home/u/.config/gcloud/configurations/config_default', null],
    ['/root/.azure/msal_token_cache.json', 'cloud-credentials'],
    ['/root/.azure/azureProfile.json', null],
    ['/root/.kube/config', 'cloud-credentials'],
    ['/root/.git-credentials', 'cloud-credentials'],
    ['/root/.docker/config.json', 'registry-auth'],
    ['/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease', 'cache'],
    ['/var/lib/apt/lists/lock', null],
    ['/var/lib/apt/lists/partial/x', null],
    ['/var/cache/apt/archives/curl_7.88_amd64.deb', 'cache'],
    ['/var/cache/apt/archives/lock', null],
    ['/var/cache/apt/pkgcache.bin', 'cache'],
    ['/var/cache/apk/APKINDEX.abc.tar.gz', 'cache'],
    ['/root/.cache/pip/http-v2/a/b', 'cache'],
    ['/home/node/.npm/_cacache/index-v5/ab/cd', 'cache'],
    ['/usr/bin/sudo', 'sudo'],
    ['/usr/bin/sudoedit', null],
    ['/etc/shadow', 'shadow'],
    ['/etc/shadow-', null],
    ['/usr/share/doc/shadow', null],
  ] as const)('%s → %s', (path, kind) => {
    expect(classifyPath(path)?.kind ?? null).toBe(kind);
  });
});

describe('sensitiveFilesAnalyzer.analyze', () => {
  it('records shadow accounts, not hashes; nothing when all are locked', async () => {
    expect(await analyze('/etc/shadow', 'root:$6$abc$def:1::::::\nbin:*:1::::::\n')).toEqual([{ kind: 'shadow', hashed: ['root'], empty: [], hashedCount: 1, emptyCount: 0 }]);
    expect(await analyze('/etc/shadow', 'root:*:1::::::\nbin:!:1::::::\n')).toEqual([]);
  });
  it('skips empty key files, keeps the size of others', async () => {
    expect(await analyze('/etc/ssh/ssh_host_rsa_key', '')).toEqual([]);
    expect(await analyze('/etc/ssh/ssh_host_rsa_key', '-----BEGIN OPENSSH PRIVATE KEY-----')).toEqual([{ kind: 'ssh-host-key', bytes: 35 }]);
  });
  it('records a git work tree root, the root directory included', async () => {
    expect(await analyze('/srv/app/.git/HEAD', 'ref: refs/heads/main\n')).toEqual([{ kind: 'git-repo', root: '/srv/app' }]);
    expect(await analyze('/.git/HEAD', 'ref: refs/heads/main\n')).toEqual([{ kind: 'git-repo', root: '/' }]);
  });
  it('docker config only with a credential in it', async () => {
    expect(await analyze('/root/.docker/config.json', '{"credsStore":"pass"}')).toEqual([]);
    expect(await analyze('/root/.docker/config.json', '{"auths":{"r":{"auth":"eA=="}}}')).toEqual([{ kind: 'cloud-credentials', provider: 'docker', bytes: 31 }]);
  });
  it('ignores directories and links with sensitive names', () => {
    expect(sensitiveFilesAnalyzer.selects(header('/root/.aws/credentials', { kind: 'dir' }))).toBe(false);
    expect(sensitiveFilesAnalyzer.selects(header('/usr/bin/sudo', { kind: 'symlink', linkTarget: 'doas' }))).toBe(false);
  });
  it('decodeFact rejects values that are not its facts', () => {
    expect(decodeFact('{"kind":"cache","manager":"brew","bytes":1}')).toBeNull();
    expect(decodeFact('{"kind":"shadow","hashed":[1],"empty":[],"hashedCount":1,"emptyCount":0}')).toBeNull();
    expect(decodeFact('nope')).toBeNull();
    const fact: SensitiveFact = { kind: 'cache', manager: 'npm', bytes: 12 };
    expect(decodeFact(encodeFact(fact))).toEqual(fact);
  });
});

describe('bad input', () => {
  it('a shadow file longer than the body limit is read up to the limit', async () => {
    const line = 'u:$6$a$b:1::::::\n';
    const body = Buffer.from(line.repeat(Math.ceil((sensitiveFilesAnalyzer.maxBodySize * 2) / line.length)));
    const entry = header('/etc/shadow', { size: body.length });
    const out = await sensitiveFilesAnalyzer.analyze(entry, body.subarray(0, sensitiveFilesAnalyzer.maxBodySize), true, { layerIndex: 0 });
    const fact = decodeFact(out.facts[0]?.value ?? '');
    expect(fact?.kind === 'shadow' && fact.hashed.length === MAX_NAMES && fact.hashedCount > 1000).toBe(true);
  });
  it('binary bodies and single huge lines give no facts or bounded ones, never a throw', async () => {
    const binary = Buffer.from(Array.from({ length: 65_536 }, (_, i) => (i * 7919) % 256));
    for (const path of ['/etc/shadow', '/etc/gshadow', '/etc/passwd', '/root/.docker/config.json']) {
      const out = await sensitiveFilesAnalyzer.analyze(header(path, { size: binary.length }), binary, false, { layerIndex: 0 });
      expect(out.findings).toEqual([]);
      for (const f of out.facts) expect(f.value.length).toBeLessThan(4096);
    }
    const huge = `root:${'$6$'.padEnd(900_000, 'a')}:1::::::`;
    expect(await analyze('/etc/shadow', huge)).toEqual([{ kind: 'shadow', hashed: ['root'], empty: [], hashedCount: 1, emptyCount: 0 }]);
    expect(registryAuthHasCredentials(`{"auths":{"r":{"auth":"${'"'.repeat(500_000)}`)).toBe(false);
  });
});

describe('facts follow the final image state', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sekisho-sensitive-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('drops facts of whited-out files and directories, keeps the rest with their layer', async () => {
    const spec: ImageSpec = {
      layers: [
        {
          entries: [
            { name: 'root/.aws/credentials', content: '[default]\naws_access_key_id=AKIA\n' },
            { name: 'app/.git/HEAD', content: 'ref: refs/heads/main\n' },
            { name: 'var/lib/apt/lists/a_InRelease', content: 'x'.repeat(100) },
            { name: 'var/lib/apt/lists/b_Packages', content: 'y'.repeat(50) },
            { name: 'etc/shadow', content: 'root:$6$a$b:1::::::\n' },
          ],
        },
        {
          createdBy: 'RUN rm -rf /root/.aws /var/lib/apt/lists/* && passwd -l root',
          entries: [
            { name: 'root/.wh..aws', content: '' },
            { name: 'var/lib/apt/lists/.wh.a_InRelease', content: '' },
            { name: 'etc/shadow', content: 'root:!$6$a$b:1::::::\n' },
          ],
        },
        { entries: [{ name: 'home/u/.ssh/authorized_keys', content: 'ssh-ed25519 AAAA u@h\n' }] },
      ],
    };
    const ref = join(dir, 'img');
    await writeOciLayout(ref, spec);
    const { merged } = await scanImage(ref, { cacheDir: null, analyzers: [sensitiveFilesAnalyzer] });
    const facts = merged.facts
      .filter((f) => f.analyzer === SENSITIVE_FILES_ANALYZER_ID)
      .map((f) => [f.path, f.layer, decodeFact(f.value)?.kind])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(facts).toEqual([
      ['/app/.git/HEAD', 0, 'git-repo'],
      ['/home/u/.ssh/authorized_keys', 2, 'authorized-keys'],
      ['/var/lib/apt/lists/b_Packages', 0, 'cache'],
    ]);
  });
});
