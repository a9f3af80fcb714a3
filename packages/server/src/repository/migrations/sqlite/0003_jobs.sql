-- Jobs of the in-process queue (the SQLite default): persisted so a restart loses nothing. With
-- PostgreSQL the queue is pg-boss, which owns its own schema; the table exists there too so both
-- dialects keep one numbering and the in-process pool passes the same contract on both.

CREATE TABLE jobs (
  id            TEXT PRIMARY KEY,
  kind          TEXT NOT NULL,
  payload       TEXT NOT NULL,     -- JSON
  state         TEXT NOT NULL CHECK (state IN ('queued', 'active', 'retry', 'completed', 'failed', 'dead', 'cancelled')),
  singleton_key TEXT,
  group_key     TEXT,              -- the registry host: per-registry concurrency
  priority      INTEGER NOT NULL DEFAULT 0,
  attempts      INTEGER NOT NULL DEFAULT 0,
  max_attempts  INTEGER NOT NULL,
  run_after     TEXT NOT NULL,
  lease_owner   TEXT,
  lease_until   TEXT,
  created_at    TEXT NOT NULL,
  started_at    TEXT,
  finished_at   TEXT,
  error         TEXT,
  result        TEXT               -- JSON
);

-- One queued, retrying or running job per (kind, singleton key): a digest is scanned once.
CREATE UNIQUE INDEX jobs_singleton ON jobs (kind, singleton_key) WHERE singleton_key IS NOT NULL AND state IN ('queued', 'active', 'retry');
CREATE INDEX jobs_ready ON jobs (kind, state, run_after);
CREATE INDEX jobs_created ON jobs (created_at, id);
