/**
 * Versioned, forward-only migrations: `migrations/<dialect>/NNNN_name.sql`, applied in order,
 * each in its own transaction, and recorded in `schema_migrations`. A database whose schema is
 * newer than this code knows is refused (STORE_SCHEMA) rather than guessed at.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { RepositoryError } from '../errors.js';
import type { Dialect } from '../types.js';
import type { SqlDriver } from './driver.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

const FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** The migrations shipped for a dialect, in version order. */
export function loadMigrations(dialect: Dialect): Migration[] {
  const dir = new URL(`../migrations/${dialect}/`, import.meta.url);
  const migrations = readdirSync(dir)
    .map((file) => ({ file, m: FILE.exec(file) }))
    .filter((e): e is { file: string; m: RegExpExecArray } => e.m !== null)
    .map(({ file, m }) => ({ version: Number(m[1]), name: m[2] ?? file, sql: readFileSync(new URL(file, dir), 'utf8') }))
    .sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new RepositoryError('STORE_SCHEMA', `${dialect} migrations are not numbered 1…n: found ${m.version} at position ${i + 1}`);
  });
  return migrations;
}

const LEDGER = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version    INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  applied_at TEXT NOT NULL
)`;

/** Applies what is missing; returns the versions applied now. */
export async function migrate(driver: SqlDriver, now: () => Date): Promise<number[]> {
  const migrations = loadMigrations(driver.dialect);
  const applied: number[] = [];
  for (;;) {
    // One migration per transaction, under a lock: servers starting together apply each once.
    const version = await driver.transaction(async (tx) => {
      await tx.lock(['schema_migrations']);
      await driver.exec(tx, LEDGER);
      const rows = await tx.all('SELECT MAX(version) AS version FROM schema_migrations');
      const current = Number(rows[0]?.['version'] ?? 0);
      if (current > migrations.length) {
        throw new RepositoryError('STORE_SCHEMA', `the database schema is version ${current}; this server knows up to ${migrations.length}: upgrade the server`);
      }
      const next = migrations[current];
      if (next === undefined) return null;
      await driver.exec(tx, next.sql);
      await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [next.version, next.name, now().toISOString()]);
      return next.version;
    });
    if (version === null) return applied;
    applied.push(version);
  }
}
