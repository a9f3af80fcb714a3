-- Incidents (version 5): events that call for a response, grouped by kind and subject within a
-- time window, with a state, an owner, their events and a timeline. Everything stored is redacted.
CREATE TABLE incidents (
  id             TEXT PRIMARY KEY,
  key            TEXT NOT NULL,
  kind           TEXT NOT NULL,
  title          TEXT NOT NULL,
  severity       TEXT NOT NULL,
  severity_rank  INTEGER NOT NULL,
  state          TEXT NOT NULL CHECK (state IN ('open', 'acknowledged', 'resolved')),
  owner          TEXT,
  opened_at      TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  last_event_at  TEXT NOT NULL,
  resolved_at    TEXT,
  subject        JSONB NOT NULL,
  event_count    INTEGER NOT NULL
);
CREATE INDEX incidents_key ON incidents (key, state, last_event_at);
CREATE INDEX incidents_opened ON incidents (opened_at DESC, id DESC);

CREATE TABLE incident_events (
  incident_id  TEXT NOT NULL REFERENCES incidents (id),
  event_id     TEXT NOT NULL,
  at           TEXT NOT NULL,
  kind         TEXT NOT NULL,
  severity     TEXT NOT NULL,
  summary      JSONB NOT NULL,         -- JSON (redacted)
  redacted     INTEGER NOT NULL,
  PRIMARY KEY (event_id)
);
CREATE INDEX incident_events_incident ON incident_events (incident_id, at, event_id);

CREATE TABLE incident_timeline (
  id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  incident_id  TEXT NOT NULL REFERENCES incidents (id),
  at           TEXT NOT NULL,
  principal    TEXT NOT NULL,
  type         TEXT NOT NULL CHECK (type IN ('opened', 'state', 'owner', 'note', 'action')),
  from_value   TEXT,
  to_value     TEXT,
  text         TEXT,
  details      JSONB NOT NULL          -- JSON (redacted)
);
CREATE INDEX incident_timeline_incident ON incident_timeline (incident_id, id);
