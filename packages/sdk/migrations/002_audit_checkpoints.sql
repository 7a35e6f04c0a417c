-- dpa-guard stores on PostgreSQL, version 2: signed checkpoints of each tenant's audit chain.
-- A checkpoint is written in the same transaction as the records it covers, under the
-- chain's advisory lock; `id` keeps the order they were written in.

CREATE TABLE IF NOT EXISTS ${schema}.audit_checkpoint (
  id         bigserial PRIMARY KEY,
  tenant     text   NOT NULL,
  seq        bigint NOT NULL,
  checkpoint jsonb  NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_checkpoint_chain ON ${schema}.audit_checkpoint (tenant, id);
