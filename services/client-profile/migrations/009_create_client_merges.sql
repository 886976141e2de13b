-- Identity merge (issue 18 part 5): one row per duplicate merged into a survivor. The
-- duplicate's clients row is an erased tombstone; this row is what makes GetClient on it name
-- the survivor (Client.merged_into) and what makes a retried merge a no-op. Ids and times only,
-- nothing personal. Numbered 009: 008 is taken by the record-settings branch.
CREATE TABLE IF NOT EXISTS client_merges (
  tenant_id    VARCHAR(64) NOT NULL,
  duplicate_id VARCHAR(64) NOT NULL,
  survivor_id  VARCHAR(64) NOT NULL,
  merged_at    DATETIME(6) NOT NULL,
  key_id       VARCHAR(64) NOT NULL,
  PRIMARY KEY (tenant_id, duplicate_id),
  KEY ix_client_merges_survivor (tenant_id, survivor_id)
) ENGINE=InnoDB;
