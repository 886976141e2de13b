-- Logins, event attendance, content use and shares.
CREATE TABLE IF NOT EXISTS interactions (
  seq BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  tenant_id VARCHAR(64) NOT NULL,
  interaction_id CHAR(36) NOT NULL,
  idempotency_key VARCHAR(128) NOT NULL,
  client_id VARCHAR(64) NOT NULL,
  kind TINYINT NOT NULL,
  occurred_at DATETIME(6) NOT NULL,
  detail VARCHAR(1024) NULL,
  recorded_at DATETIME(6) NOT NULL,
  PRIMARY KEY (seq),
  UNIQUE KEY uq_interactions_key (tenant_id, idempotency_key),
  KEY ix_interactions_client (tenant_id, client_id, occurred_at)
) ENGINE=InnoDB;
