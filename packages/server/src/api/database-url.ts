/** `--database`: `sqlite:PATH` (the default store, one file) or `postgres://…` / `postgresql://…`. */
import { SekishoError } from '@sekisho/core';
import { openPostgresRepository, openSqliteRepository } from '../repository/open.js';
import type { SqlRepositoryOptions } from '../repository/sql/sql-repository.js';
import type { Repository } from '../repository/types.js';

export type DatabaseSpec = { readonly kind: 'sqlite'; readonly path: string } | { readonly kind: 'postgres'; readonly url: string };

export function parseDatabaseSpec(text: string): DatabaseSpec {
  if (text.startsWith('sqlite:')) {
    const path = text.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === '') throw new SekishoError('USAGE_INVALID', '--database sqlite:PATH needs a path');
    return { kind: 'sqlite', path };
  }
  if (/^postgres(ql)?:\/\//.test(text)) {
    try {
      new URL(text);
    } catch {
      throw new SekishoError('USAGE_INVALID', '--database: not a valid postgres:// URL');
    }
    return { kind: 'postgres', url: text };
  }
  throw new SekishoError('USAGE_INVALID', '--database must be sqlite:PATH or postgres://…');
}

export function openDatabase(spec: DatabaseSpec, options: SqlRepositoryOptions = {}): Promise<Repository> {
  return spec.kind === 'sqlite' ? openSqliteRepository({ path: spec.path, ...options }) : openPostgresRepository({ connectionString: spec.url, ...options });
}
