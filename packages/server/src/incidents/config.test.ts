import { SekishoError } from '@sekisho/core';
import { describe, expect, it } from 'vitest';
import { loadIncidentResponses, SERVICE_ACCOUNT_DIR } from './config.js';

const files: Record<string, string> = {
  [`${SERVICE_ACCOUNT_DIR}/token`]: 'sa-token-abc\n',
  [`${SERVICE_ACCOUNT_DIR}/ca.crt`]: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
  '/etc/sekisho/kube-token': 'other-token',
  '/etc/sekisho/two-tokens': 'a b',
};
const read = (path: string): Promise<Buffer> => (files[path] === undefined ? Promise.reject(Object.assign(new Error('nope'), { code: 'ENOENT' })) : Promise.resolve(Buffer.from(files[path])));

async function message(value: unknown, env: Record<string, string> = {}): Promise<string> {
  try {
    await loadIncidentResponses(value, { env, read });
    return 'loaded';
  } catch (error) {
    return error instanceof SekishoError ? `${error.code}: ${error.message}` : String(error);
  }
}

describe('loadIncidentResponses', () => {
  it('uses the service account in a pod, and makes policies dry runs unless told otherwise', async () => {
    const loaded = await loadIncidentResponses(
      {
        policies: [
          { name: 'tag', action: 'label' },
          { name: 'stop', action: 'scale-to-zero', dryRun: false, minSeverity: 'critical', kinds: ['runtime'], namespaces: ['prod'] },
        ],
      },
      { env: { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' }, read },
    );
    expect(loaded.kubernetes).toMatchObject({ server: 'https://10.96.0.1/', token: 'sa-token-abc' });
    expect(loaded.kubernetes.ca).toContain('BEGIN CERTIFICATE');
    expect(loaded.policies.map((p) => [p.name, p.dryRun])).toEqual([
      ['tag', true],
      ['stop', false],
    ]);
  });

  it('takes an explicit server and token file', async () => {
    const loaded = await loadIncidentResponses({ kubernetes: { server: 'http://127.0.0.1:8001', tokenFile: '/etc/sekisho/kube-token', timeoutMs: 3000 }, policies: [] }, { env: {}, read });
    expect(loaded.kubernetes).toEqual({ server: 'http://127.0.0.1:8001/', token: 'other-token', timeoutMs: 3000 });
  });

  it('refuses what it cannot use, naming the field', async () => {
    expect(await message({ policies: [{ name: 'x', action: 'delete' }] })).toMatch(/^CONFIG_INVALID: incidents\.responses\.policies\.0\.action/);
    expect(await message({ policies: [{ name: 'x', action: 'label', extra: 1 }] })).toMatch(/policies\.0/);
    expect(
      await message({
        policies: [
          { name: 'x', action: 'label' },
          { name: 'x', action: 'scale-to-zero' },
        ],
      }),
    ).toMatch(/used twice/);
    expect(await message({ policies: [] })).toMatch(/kubernetes\.server: not set/);
    expect(await message({ kubernetes: { server: 'ftp://x' }, policies: [] })).toMatch(/must be https/);
    expect(await message({ kubernetes: { server: 'https://k', tokenFile: '/missing' }, policies: [] })).toMatch(/tokenFile: cannot read \/missing \(ENOENT\)/);
    expect(await message({ kubernetes: { server: 'https://k', tokenFile: '/etc/sekisho/two-tokens' }, policies: [] })).toMatch(/does not hold one token/);
    expect(await message(null)).toMatch(/^CONFIG_INVALID/);
  });
});
