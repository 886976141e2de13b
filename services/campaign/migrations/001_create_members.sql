-- Campaign's own copy of each client, the population segment rules are evaluated over.
-- `score` is scoring.v1.Score and `profile` a profile.v1.Client stripped of name, email and
-- phone (campaign never needs them), both serialized; either may be missing until the client
-- is scored or synced. score_as_of (micros) and profile_version order the writes: events and a
-- sync can arrive in either order, and an older copy never replaces a newer one. `revision` is the tenant's member_revisions.revision of the write that
-- last changed the row, so the in-process member cache reloads only rows newer than its own.
CREATE TABLE IF NOT EXISTS members (
  tenant_id  VARCHAR(64) NOT NULL,
  client_id  VARCHAR(64) NOT NULL,
  score      MEDIUMBLOB  NULL,
  profile    MEDIUMBLOB  NULL,
  score_as_of     BIGINT NOT NULL DEFAULT 0,
  profile_version BIGINT NOT NULL DEFAULT 0,
  erased     TINYINT(1)  NOT NULL DEFAULT 0,
  revision   BIGINT      NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (tenant_id, client_id),
  KEY members_by_revision (tenant_id, revision)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One counter per tenant, bumped by every write to its members (the row lock also orders those
-- writes, so revisions commit in increasing order per tenant).
CREATE TABLE IF NOT EXISTS member_revisions (
  tenant_id VARCHAR(64) NOT NULL,
  revision  BIGINT      NOT NULL,
  PRIMARY KEY (tenant_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
