-- API tokens (version 2, PostgreSQL). Only the SHA-256 of a token is kept: a token is 256 random bits, so the
-- hash cannot be reversed by guessing, and a fast hash keeps every request cheap.
CREATE TABLE api_tokens (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  role        TEXT NOT NULL CHECK (role IN ('viewer', 'scanner', 'approver', 'admin')),
  hash        TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  created_by  TEXT NOT NULL,
  expires_at  TEXT,
  revoked_at  TEXT,
  revoked_by  TEXT
);
CREATE UNIQUE INDEX api_tokens_name ON api_tokens (name);
