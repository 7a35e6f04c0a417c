-- dpa-guard stores on PostgreSQL, version 1: the breach outbox and the audit trail.
-- ${schema} is replaced by the configured schema name (quoted).

CREATE TABLE IF NOT EXISTS ${schema}.breach_outbox (
  id            text PRIMARY KEY,
  signal        jsonb NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  escalated_at  text,
  done          boolean NOT NULL DEFAULT false,
  claimed_by    text,
  claimed_until timestamptz
);
CREATE INDEX IF NOT EXISTS breach_outbox_open ON ${schema}.breach_outbox (created_at) WHERE NOT done;

CREATE TABLE IF NOT EXISTS ${schema}.breach_delivery (
  signal_id text NOT NULL REFERENCES ${schema}.breach_outbox (id) ON DELETE CASCADE,
  hook      text NOT NULL,
  state     jsonb NOT NULL,
  PRIMARY KEY (signal_id, hook)
);

CREATE TABLE IF NOT EXISTS ${schema}.audit_log (
  tenant text   NOT NULL,
  seq    bigint NOT NULL,
  record jsonb  NOT NULL,
  PRIMARY KEY (tenant, seq)
);

CREATE TABLE IF NOT EXISTS ${schema}.audit_head (
  tenant text PRIMARY KEY,
  seq    bigint NOT NULL,
  hash   text NOT NULL
);
