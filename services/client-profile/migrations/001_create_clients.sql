-- Clients of every tenant. Personal columns are nulled by erasure; the row stays as a
-- tombstone so transactions and scores keep a consistent key.
CREATE TABLE IF NOT EXISTS clients (
  tenant_id VARCHAR(64) NOT NULL,
  client_id VARCHAR(64) NOT NULL,
  version BIGINT NOT NULL,
  display_name VARCHAR(512) NULL,
  email VARCHAR(254) NULL,
  phone VARCHAR(32) NULL,
  region VARCHAR(64) NULL,
  city_tier TINYINT NOT NULL DEFAULT 0,
  age_band TINYINT NOT NULL DEFAULT 0,
  gender TINYINT NOT NULL DEFAULT 0,
  occupation VARCHAR(256) NULL,
  income_band TINYINT NOT NULL DEFAULT 0,
  acquisition_channel VARCHAR(64) NOT NULL DEFAULT '',
  acquisition_cost_units BIGINT NOT NULL DEFAULT 0,
  acquisition_cost_currency CHAR(3) NOT NULL DEFAULT '',
  erased TINYINT(1) NOT NULL DEFAULT 0,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  erased_at DATETIME(6) NULL,
  PRIMARY KEY (tenant_id, client_id),
  KEY ix_clients_channel (tenant_id, acquisition_channel, client_id),
  KEY ix_clients_region (tenant_id, region, client_id)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS client_consents (
  tenant_id VARCHAR(64) NOT NULL,
  client_id VARCHAR(64) NOT NULL,
  channel TINYINT NOT NULL,
  granted TINYINT(1) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (tenant_id, client_id, channel)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS client_tags (
  tenant_id VARCHAR(64) NOT NULL,
  client_id VARCHAR(64) NOT NULL,
  kind TINYINT NOT NULL,
  tag VARCHAR(64) NOT NULL,
  PRIMARY KEY (tenant_id, client_id, kind, tag),
  KEY ix_client_tags_tag (tenant_id, tag, client_id)
) ENGINE=InnoDB;
