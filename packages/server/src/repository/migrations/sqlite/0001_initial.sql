-- Sekisho server schema, version 1 (SQLite). Times are ISO 8601 UTC text with milliseconds
-- (`2026-12-06T12:00:00.000Z`): they sort as they compare, in both dialects.

CREATE TABLE images (
  digest          TEXT PRIMARY KEY,
  config_digest   TEXT,
  platform        TEXT,            -- JSON
  size            INTEGER,
  first_seen_at   TEXT NOT NULL,
  last_scanned_at TEXT NOT NULL
);

-- A repository's head is its newest digest: findings that leave the head are fixed.
CREATE TABLE repositories (
  name        TEXT PRIMARY KEY,
  head_digest TEXT NOT NULL REFERENCES images (digest),
  head_since  TEXT NOT NULL
);

CREATE TABLE repository_images (
  repository    TEXT NOT NULL REFERENCES repositories (name),
  digest        TEXT NOT NULL REFERENCES images (digest),
  first_seen_at TEXT NOT NULL,
  PRIMARY KEY (repository, digest)
);
CREATE INDEX repository_images_digest ON repository_images (digest);

CREATE TABLE tags (
  repository TEXT NOT NULL,
  tag        TEXT NOT NULL,
  digest     TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (repository, tag)
);
CREATE INDEX tags_digest ON tags (digest);

CREATE TABLE scans (
  id             TEXT PRIMARY KEY,
  digest         TEXT NOT NULL REFERENCES images (digest),
  reference      TEXT NOT NULL,
  db_version     TEXT NOT NULL,
  scanned_at     TEXT NOT NULL,
  tool_version   TEXT NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('complete', 'incomplete')),
  summary        TEXT NOT NULL    -- JSON: statusReasons, scanners, counts, target, image facts
);
CREATE INDEX scans_digest_time ON scans (digest, scanned_at DESC, id DESC);

CREATE TABLE inventories (
  digest        TEXT PRIMARY KEY REFERENCES images (digest),
  scan_id       TEXT NOT NULL REFERENCES scans (id),
  distro        TEXT,            -- JSON
  packages      TEXT NOT NULL,   -- JSON array of Package
  relationships TEXT NOT NULL,   -- JSON array of Relationship
  package_count INTEGER NOT NULL,
  updated_at    TEXT NOT NULL
);

-- One row per package of an inventory: a database update finds the digests to re-match by purl.
CREATE TABLE inventory_packages (
  digest     TEXT NOT NULL REFERENCES images (digest),
  package_id TEXT NOT NULL,
  type       TEXT NOT NULL,
  name       TEXT NOT NULL,
  version    TEXT NOT NULL,
  purl       TEXT NOT NULL,
  PRIMARY KEY (digest, package_id)
);
CREATE INDEX inventory_packages_name ON inventory_packages (type, name);

CREATE TABLE findings (
  digest           TEXT NOT NULL REFERENCES images (digest),
  db_version       TEXT NOT NULL,
  finding_id       TEXT NOT NULL,
  scan_id          TEXT NOT NULL REFERENCES scans (id),
  identity         TEXT NOT NULL,
  kind             TEXT NOT NULL,
  severity         TEXT NOT NULL,
  severity_rank    INTEGER NOT NULL,
  kev              INTEGER NOT NULL CHECK (kev IN (0, 1)),
  fixable          INTEGER NOT NULL CHECK (fixable IN (0, 1)),
  vulnerability_id TEXT,
  package_name     TEXT,
  first_seen_at    TEXT NOT NULL,
  document         TEXT NOT NULL,  -- JSON Finding (redacted)
  PRIMARY KEY (digest, db_version, finding_id)
);
CREATE INDEX findings_page ON findings (digest, db_version, severity_rank DESC, finding_id);
CREATE INDEX findings_vulnerability ON findings (vulnerability_id);

CREATE TABLE finding_intervals (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  scope            TEXT NOT NULL,   -- repo:<repository> | image:<digest>
  identity         TEXT NOT NULL,
  kind             TEXT NOT NULL,
  first_seen_at    TEXT NOT NULL,
  first_seen_digest TEXT NOT NULL,
  fixed_at         TEXT,
  fixed_digest     TEXT
);
CREATE UNIQUE INDEX finding_intervals_open ON finding_intervals (scope, identity) WHERE fixed_at IS NULL;
CREATE INDEX finding_intervals_scope ON finding_intervals (scope, first_seen_at, id);

CREATE TABLE policy_decisions (
  id          TEXT PRIMARY KEY,
  digest      TEXT NOT NULL REFERENCES images (digest),
  scan_id     TEXT REFERENCES scans (id),
  environment TEXT NOT NULL,
  policy      TEXT NOT NULL,
  result      TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  document    TEXT NOT NULL        -- JSON PolicyDecision
);
CREATE INDEX policy_decisions_digest ON policy_decisions (digest, recorded_at DESC, id DESC);

CREATE TABLE exceptions (
  id          TEXT PRIMARY KEY,
  match       TEXT NOT NULL,       -- JSON ExceptionMatch
  owner       TEXT NOT NULL,
  reason      TEXT NOT NULL,
  expires     TEXT NOT NULL,       -- YYYY-MM-DD, last day it applies
  state       TEXT NOT NULL CHECK (state IN ('proposed', 'approved', 'expired')),
  proposed_by TEXT NOT NULL,
  proposed_at TEXT NOT NULL,
  approved_by TEXT,
  approved_at TEXT,
  expired_by  TEXT,
  expired_at  TEXT
);
CREATE INDEX exceptions_state ON exceptions (state, proposed_at, id);

CREATE TABLE audit_events (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  at         TEXT NOT NULL,
  source_ip  TEXT,
  method     TEXT NOT NULL,
  action     TEXT NOT NULL,
  principal  TEXT NOT NULL,
  result     TEXT NOT NULL CHECK (result IN ('success', 'denied', 'failure')),
  target     TEXT,
  details    TEXT NOT NULL         -- JSON (redacted)
);
CREATE INDEX audit_events_time ON audit_events (at DESC, id DESC);
CREATE INDEX audit_events_principal ON audit_events (principal, at DESC, id DESC);
