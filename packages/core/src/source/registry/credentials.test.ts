import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCredentials, normalizeAuthKey } from './credentials.js';

describe('findCredentials', () => {
  let dir: string;
  let bin: string;
  const b64 = (s: string) => Buffer.from(s).toString('base64');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sekisho-creds-'));
    bin = join(dir, 'bin');
    await mkdir(bin);
    // A helper that knows one host, answers identity tokens for another, and "not found" otherwise.
    const helper = join(bin, 'docker-credential-fake');
    await writeFile(
      helper,
      `#!/bin/sh
read host
case "$host" in
  reg.example.com) echo '{"ServerURL":"reg.example.com","Username":"helper-user","Secret":"helper-pass"}' ;;
  tok.example.com) echo '{"ServerURL":"tok.example.com","Username":"<token>","Secret":"refresh-1"}' ;;
  https://index.docker.io/v1/) echo '{"Username":"hub","Secret":"hubpass"}' ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
`,
    );
    await chmod(helper, 0o755);
    await writeFile(join(dir, 'broken.json'), '{not json');
    await writeFile(
      join(dir, 'config.json'),
      JSON.stringify({
        auths: {
          'https://index.docker.io/v1/': { auth: b64('hubuser:hubpw') },
          'plain.example.com:5000': { auth: b64('u:p:with:colons') },
          'id.example.com': { auth: b64('ignored:x'), identitytoken: 'refresh-token' },
        },
        credHelpers: { 'reg.example.com': 'fake' },
      }),
    );
    await writeFile(join(dir, 'store.json'), JSON.stringify({ credsStore: 'fake' }));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const env = () => ({ PATH: `${bin}:/usr/bin:/bin` });

  it('reads auths entries, Docker Hub under its legacy key', async () => {
    const options = { dockerConfig: join(dir, 'config.json'), env: env() };
    expect(await findCredentials('docker.io', options)).toMatchObject({ kind: 'basic', username: 'hubuser', password: 'hubpw' });
    expect(await findCredentials('plain.example.com:5000', options)).toMatchObject({ kind: 'basic', username: 'u', password: 'p:with:colons' });
    expect(await findCredentials('id.example.com', options)).toMatchObject({ kind: 'identity-token', token: 'refresh-token' });
    expect(await findCredentials('unknown.example.com', options)).toBeNull();
  });

  it('asks credHelpers and credsStore helpers', async () => {
    expect(await findCredentials('reg.example.com', { dockerConfig: join(dir, 'config.json'), env: env() })).toMatchObject({ kind: 'basic', username: 'helper-user', password: 'helper-pass' });
    const store = { dockerConfig: join(dir, 'store.json'), env: env() };
    expect(await findCredentials('tok.example.com', store)).toMatchObject({ kind: 'identity-token', token: 'refresh-1' });
    expect(await findCredentials('docker.io', store)).toMatchObject({ kind: 'basic', username: 'hub' });
    expect(await findCredentials('other.example.com', store)).toBeNull();
  });

  it('puts explicit options, then environment variables, before the config', async () => {
    const options = { dockerConfig: join(dir, 'config.json'), env: { ...env(), SEKISHO_REGISTRY_USERNAME: 'envuser', SEKISHO_REGISTRY_PASSWORD: 'envpw' } };
    expect(await findCredentials('docker.io', options)).toMatchObject({ username: 'envuser', password: 'envpw' });
    expect(await findCredentials('docker.io', { ...options, username: 'me', password: 'pw' })).toMatchObject({ username: 'me', password: 'pw', from: 'options' });
    await expect(findCredentials('docker.io', { ...options, username: 'me' })).rejects.toMatchObject({ code: 'USAGE_INVALID' });
  });

  it('reports a broken config, a missing helper and a bad helper name as REGISTRY_AUTH', async () => {
    await expect(findCredentials('x.io', { dockerConfig: join(dir, 'broken.json'), env: env() })).rejects.toMatchObject({ code: 'REGISTRY_AUTH' });
    await writeFile(join(dir, 'missing-helper.json'), JSON.stringify({ credsStore: 'nope' }));
    await expect(findCredentials('x.io', { dockerConfig: join(dir, 'missing-helper.json'), env: env() })).rejects.toMatchObject({ code: 'REGISTRY_AUTH' });
    await writeFile(join(dir, 'evil-helper.json'), JSON.stringify({ credsStore: '../../bin/sh' }));
    await expect(findCredentials('x.io', { dockerConfig: join(dir, 'evil-helper.json'), env: env() })).rejects.toMatchObject({ code: 'REGISTRY_AUTH' });
  });

  it('ignores an absent config and honours dockerConfig: null', async () => {
    expect(await findCredentials('docker.io', { dockerConfig: join(dir, 'absent.json'), env: {} })).toBeNull();
    expect(await findCredentials('docker.io', { dockerConfig: null, env: {} })).toBeNull();
    expect(await findCredentials('docker.io', { env: { DOCKER_CONFIG: dir, ...env() } })).toMatchObject({ username: 'hubuser' });
  });

  it('normalizes config keys', () => {
    expect(normalizeAuthKey('https://index.docker.io/v1/')).toBe('docker.io');
    expect(normalizeAuthKey('registry-1.docker.io')).toBe('docker.io');
    expect(normalizeAuthKey('http://Reg.Example.com:5000/v2/')).toBe('reg.example.com:5000');
  });
});
