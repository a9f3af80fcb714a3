-- Workloads and events (version 6). `config_audits` keeps each configuration audit sent to the
-- server; `workloads` the latest isolation analysis of each workload (cluster, namespace, kind,
-- name, container). `events` keeps the events the other components report, for the timeline,
-- for a retention period. Everything stored is redacted.
CREATE TABLE config_audits (
  id              TEXT PRIMARY KEY,
  cluster         TEXT NOT NULL,
  environment     TEXT,
  received_at     TEXT NOT NULL,
  principal       TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('complete', 'incomplete')),
  status_reasons  JSONB NOT NULL,
  workload_count  INTEGER NOT NULL,
  finding_count   INTEGER NOT NULL,
  tool_version    TEXT
);
CREATE INDEX config_audits_received ON config_audits (received_at DESC, id DESC);

CREATE TABLE workloads (
  id                 TEXT PRIMARY KEY,
  cluster            TEXT NOT NULL,
  environment        TEXT,
  namespace          TEXT,
  kind               TEXT,
  name               TEXT,
  container          TEXT,
  image              TEXT,
  image_repository   TEXT,             -- registry/path of image, for the fleet's namespace filter
  image_digest       TEXT,
  file               TEXT NOT NULL,
  score              INTEGER NOT NULL,
  layers             JSONB NOT NULL,
  paths              JSONB NOT NULL,
  open_paths         INTEGER NOT NULL,
  conditional_paths  INTEGER NOT NULL,
  misconfigurations  JSONB NOT NULL,   -- severity counts
  missing_layers     TEXT NOT NULL,    -- ',layer,layer,' (for counting)
  audit_id           TEXT NOT NULL REFERENCES config_audits (id),
  audited_at         TEXT NOT NULL,
  audit_complete     INTEGER NOT NULL
);
CREATE INDEX workloads_order ON workloads (score, id);
CREATE INDEX workloads_namespace ON workloads (namespace, score, id);
CREATE INDEX workloads_image ON workloads (namespace, image_repository);

CREATE TABLE events (
  id             TEXT PRIMARY KEY,
  at             TEXT NOT NULL,
  received_at    TEXT NOT NULL,
  kind           TEXT NOT NULL,
  severity       TEXT NOT NULL,
  severity_rank  INTEGER NOT NULL,
  result         TEXT NOT NULL,
  namespace      TEXT,
  event          JSONB NOT NULL        -- redacted
);
CREATE INDEX events_at ON events (at DESC, id DESC);
CREATE INDEX events_kind ON events (kind, at DESC, id DESC);
CREATE INDEX events_received ON events (received_at);

-- The priority level (p1–p4, docs/priority.md) of vulnerability findings, for the overview's counts.
ALTER TABLE findings ADD COLUMN priority TEXT;
