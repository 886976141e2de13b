-- Purchases and sessions. Append-only; `seq` keeps inserts at the end of the clustered index.
CREATE TABLE IF NOT EXISTS transactions (
  seq BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  tenant_id VARCHAR(64) NOT NULL,
  transaction_id CHAR(36) NOT NULL,
  idempotency_key VARCHAR(128) NOT NULL,
  client_id VARCHAR(64) NOT NULL,
  kind TINYINT NOT NULL,
  amount_units BIGINT NOT NULL,
  currency CHAR(3) NOT NULL,
  category VARCHAR(64) NOT NULL,
  occurred_at DATETIME(6) NOT NULL,
  recorded_at DATETIME(6) NOT NULL,
  PRIMARY KEY (seq),
  UNIQUE KEY uq_transactions_key (tenant_id, idempotency_key),
  KEY ix_transactions_client (tenant_id, client_id, occurred_at)
) ENGINE=InnoDB;
