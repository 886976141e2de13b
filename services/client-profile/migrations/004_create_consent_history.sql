-- Every change of a client's consents (issue 18 part 3): channel, old and new state, when, the
-- RPC that made it and the id of the API key. Append-only; `seq` orders a client's entries
-- and keeps inserts at the end of the clustered index. Erasure deletes a client's rows and
-- leaves one row with source 4 (erase) and channel and states 0: the fact, nothing personal.
CREATE TABLE IF NOT EXISTS consent_history (
  seq BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  tenant_id VARCHAR(64) NOT NULL,
  client_id VARCHAR(64) NOT NULL,
  channel TINYINT NOT NULL,     -- clienttier.common.v1.ContactChannel
  old_state TINYINT NOT NULL,   -- clienttier.profile.v1.ConsentState
  new_state TINYINT NOT NULL,
  changed_at DATETIME(6) NOT NULL,
  source TINYINT NOT NULL,      -- clienttier.profile.v1.ConsentChangeSource
  key_id VARCHAR(64) NOT NULL,
  PRIMARY KEY (seq),
  KEY ix_consent_history_client (tenant_id, client_id, seq)
) ENGINE=InnoDB;
