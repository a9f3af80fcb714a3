import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SekishoError } from '../../errors.js';
import { RegistryClient } from './client.js';
import { fakeServer } from './test-registry.js';
import type { FakeServer } from './test-registry.js';

/* Tag and catalog pagination against registries whose `Link` headers never end. */

describe('pagination', () => {
  let fake: FakeServer;
  let client: RegistryClient;
  beforeEach(async () => {
    fake = await fakeServer();
    client = new RegistryClient({ registry: fake.host, apiHost: fake.host }, { insecureRegistries: [fake.host], dockerConfig: null, env: {}, retries: 1 });
  });
  afterEach(async () => {
    await client.close();
    await fake.close();
  });

  /** `/v2/_catalog` and `/v2/app/tags/list`: page `i` lists `names(i)` and links to page i + 1 up to `pages`. */
  function paged(field: 'repositories' | 'tags', names: (page: number) => string[], pages: number): void {
    fake.handle = (req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/v2/') return void res.writeHead(200).end('{}');
      const page = Number(url.searchParams.get('page') ?? 0);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (page + 1 < pages) headers['link'] = `<${url.pathname}?n=10&page=${page + 1}&nonce=${Math.random()}>; rel="next"`;
      res.writeHead(200, headers).end(JSON.stringify({ [field]: names(page) }));
    };
  }
  const listRequests = (): number => fake.requests.filter((r) => r.url.startsWith('/v2/_catalog') || r.url.startsWith('/v2/app/tags/list')).length;

  it('stops at the first page that adds no new name, whatever its Link says', async () => {
    paged('repositories', (page) => (page === 0 ? ['a', 'b'] : []), 200);
    expect(await client.catalog()).toEqual(['a', 'b']);
    expect(listRequests()).toBe(2);
  });

  it('stops when pages repeat names already listed', async () => {
    paged('tags', () => ['1', '2'], 200);
    expect((await client.listTags('app')).sort()).toEqual(['1', '2']);
    expect(listRequests()).toBe(2);
  });

  it('fails at the page cap instead of returning a truncated list', async () => {
    paged('tags', (page) => [`t${page}`], 100);
    const error = await client.listTags('app', { maxPages: 5 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SekishoError);
    expect((error as SekishoError).code).toBe('REGISTRY_PROTOCOL');
    expect((error as SekishoError).message).toMatch(/past 5 pages/);
    expect(listRequests()).toBe(5);
  });

  it('still follows pages that bring new names, up to the last one', async () => {
    paged('repositories', (page) => [`r${page}`], 12);
    expect(await client.catalog({ maxPages: 12 })).toHaveLength(12);
  });
});
