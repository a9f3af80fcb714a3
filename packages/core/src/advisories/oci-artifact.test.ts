import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingRegistryTools, startRegistry } from '../source/registry/test-registry.js';
import type { RunningRegistry } from '../source/registry/test-registry.js';
import { buildAdvisoryDb } from './build.js';
import { pullAdvisoryDb, pushAdvisoryDb } from './oci-artifact.js';
import { openAdvisoryStore } from './sqlite-store.js';

const missing = missingRegistryTools();

describe.skipIf(missing !== null)(`advisory database as an OCI artifact (real registry)${missing ? `: skipped, ${missing}` : ''}`, () => {
  let registry: RunningRegistry;
  let dir: string;
  beforeAll(async () => {
    registry = await startRegistry();
    dir = await mkdtemp(join(tmpdir(), 'sekisho-db-oci-'));
    await writeFile(
      join(dir, 'feed.json'),
      JSON.stringify({
        schema_version: '1.6.0',
        id: 'GHSA-test-0001',
        modified: '2024-01-01T00:00:00Z',
        aliases: ['CVE-2024-0001'],
        affected: [{ package: { ecosystem: 'npm', name: 'left-pad' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.3.1' }] }] }],
      }),
    );
    await buildAdvisoryDb({ out: join(dir, 'source.sqlite'), from: [join(dir, 'feed.json')] });
  }, 120_000);
  afterAll(async () => {
    await registry?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const options = () => ({ insecureRegistries: [registry.host] });

  it('pushes and pulls the database byte for byte, and the pulled one answers queries', async () => {
    const pushed = await pushAdvisoryDb(join(dir, 'source.sqlite'), `${registry.host}/sekisho/db:v1`, options());
    const pulled = await pullAdvisoryDb(`${registry.host}/sekisho/db:v1`, join(dir, 'pulled.sqlite'), options());
    expect(pulled.digest).toBe(pushed.digest);
    expect((await readFile(join(dir, 'pulled.sqlite'))).equals(await readFile(join(dir, 'source.sqlite')))).toBe(true);
    const store = openAdvisoryStore(join(dir, 'pulled.sqlite'));
    expect(store.query('npm', 'left-pad').map((h) => h.advisory.id)).toEqual(['GHSA-test-0001']);
    store.close();
  });

  it('refuses an artifact that is not a database and keeps the existing file', async () => {
    await writeFile(join(dir, 'keep.sqlite'), 'old');
    await expect(pullAdvisoryDb(`${registry.host}/sekisho/db:missing`, join(dir, 'keep.sqlite'), options())).rejects.toMatchObject({ name: 'SekishoError' });
    expect(await readFile(join(dir, 'keep.sqlite'), 'utf8')).toBe('old');
  });

  it('refuses to push a file that is not a database', async () => {
    await writeFile(join(dir, 'junk.sqlite'), 'not sqlite');
    await expect(pushAdvisoryDb(join(dir, 'junk.sqlite'), `${registry.host}/sekisho/db:junk`, options())).rejects.toMatchObject({ code: 'DB_CORRUPT' });
  });
});
