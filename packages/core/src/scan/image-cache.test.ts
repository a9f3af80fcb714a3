import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ImageCache } from './image-cache.js';

const SECRET = 'GITHUB_TOKEN=ghp_R8kT2vN5qW7zX1cY4bH6jM9pL3sD0fG2aE5u';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sekisho-image-cache-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function open(file: string): DatabaseSync {
  const db = new DatabaseSync(file);
  db.exec('PRAGMA journal_mode = WAL');
  return db;
}

describe('ImageCache', () => {
  it('drops entries of the schema that held image configurations in full, leaving none of their bytes in the file', async () => {
    const file = join(dir, 'layers.sqlite');
    const old = open(file);
    old.exec('CREATE TABLE verified_images (key TEXT PRIMARY KEY, head BLOB NOT NULL, merged BLOB NOT NULL, owners BLOB NOT NULL, checksum TEXT NOT NULL, created INTEGER NOT NULL)');
    const insert = old.prepare('INSERT INTO verified_images VALUES (?, ?, ?, ?, ?, ?)');
    // Enough rows for the table to span pages of its own, as real entries (hundreds of KB each) do.
    for (let i = 0; i < 50; i += 1) insert.run(`key-${i}`, Buffer.from(`{"env":["${SECRET}"]}`.padEnd(4000, ' ')), Buffer.alloc(10), Buffer.alloc(10), 'x', i);
    old.close();
    expect((await readFile(file)).includes(SECRET)).toBe(true);

    const db = open(file);
    new ImageCache(db);
    expect(
      db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .all()
        .map((r) => (r as { name: string }).name),
    ).toEqual(['image_inventories']);
    db.close();
    expect((await readFile(file)).includes(SECRET)).toBe(false);
    // A second open finds nothing to drop.
    const again = open(file);
    new ImageCache(again);
    again.close();
  });
});
