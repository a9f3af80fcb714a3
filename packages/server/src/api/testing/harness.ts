/**
 * An API server on a throwaway store for tests: SQLite in a temporary file, or PostgreSQL in a
 * schema of a throwaway database (skipped with the reason when PostgreSQL is unreachable, failed
 * under SEKISHO_REQUIRE_FIXTURES=1). One token per role; `call` injects requests as a role.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_ROLES } from '@sekisho/model';
import type { ApiRole, EventSink, SekishoEvent } from '@sekisho/model';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { openPostgresRepository, openSqliteRepository } from '../../repository/open.js';
import type { ThrowawayDatabase } from '../../repository/testing/postgres.js';
import type { Repository } from '../../repository/types.js';
import { buildApiServer } from '../app.js';
import type { ApiServerOptions } from '../app.js';
import { issueToken } from '../auth.js';
import { FakeQueue } from './fake-queue.js';

export const BOOTSTRAP_TOKEN = 'bootstrap-token-for-tests-0123456789abcdef';

export interface ApiHarness {
  readonly app: FastifyInstance;
  readonly repository: Repository;
  readonly queue: FakeQueue;
  readonly events: SekishoEvent[];
  /** A token per role, named after the role (`viewer`, `scanner`…), plus a second approver `approver2`. */
  readonly tokens: Readonly<Record<ApiRole | 'approver2', string>>;
  /** As a role (`viewer`…, `approver2`), `anonymous` (no token), or any other string, sent as the token itself. */
  call(as: string, options: InjectOptions): Promise<LightMyRequestResponse>;
  /** Every byte the store holds, as text. */
  storedText(): Promise<string>;
  close(): Promise<void>;
}

export type StoreKind = { readonly kind: 'sqlite' } | { readonly kind: 'postgres'; readonly database: ThrowawayDatabase };

export async function apiHarness(store: StoreKind, options: Partial<ApiServerOptions> = {}): Promise<ApiHarness> {
  let repository: Repository;
  let storedText: () => Promise<string>;
  let cleanup: () => void = () => {};
  if (store.kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'sekisho-api-'));
    const path = join(dir, 'sekisho.db');
    repository = await openSqliteRepository({ path });
    storedText = () =>
      Promise.resolve(
        [path, `${path}-wal`]
          .filter((f) => existsSync(f))
          .map((f) => readFileSync(f).toString('utf8'))
          .join('\n'),
      );
    cleanup = () => rmSync(dir, { recursive: true, force: true });
  } else {
    const schema = await store.database.createSchema();
    repository = await openPostgresRepository({ connectionString: store.database.url, schema, max: 4 });
    storedText = () => store.database.dumpSchema(schema);
  }
  const queue = new FakeQueue();
  const events: SekishoEvent[] = [];
  const sink: EventSink = {
    emit: (event) => {
      events.push(event);
      return Promise.resolve();
    },
  };
  const app = await buildApiServer({ repository, queue, events: sink, bootstrapToken: BOOTSTRAP_TOKEN, ...options });
  const tokens: Record<string, string> = {};
  for (const role of API_ROLES) tokens[role] = (await issueToken(repository, { name: role, role, createdBy: 'test' })).token;
  tokens['approver2'] = (await issueToken(repository, { name: 'approver2', role: 'approver', createdBy: 'test' })).token;
  return {
    app,
    repository,
    queue,
    events,
    tokens: tokens as ApiHarness['tokens'],
    call(as, inject) {
      const token = as === 'anonymous' ? undefined : (tokens[as] ?? as);
      return app.inject({ ...inject, headers: { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...(inject.headers ?? {}) } });
    },
    storedText,
    async close() {
      await app.close();
      await repository.close();
      cleanup();
    },
  };
}
