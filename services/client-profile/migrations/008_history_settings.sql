-- History (issue 17 part 1). A tenant's record settings: how far back transactions and
-- interactions are accepted (no row: the default, 1990-01-01). And when each client was
-- acquired, given by the organisation (NULL: unknown, scoring then counts from the first
-- activity).
CREATE TABLE IF NOT EXISTS record_settings (
  tenant_id VARCHAR(64) NOT NULL,
  earliest_record DATETIME(6) NOT NULL,
  version BIGINT NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (tenant_id)
) ENGINE=InnoDB;

ALTER TABLE clients ADD COLUMN IF NOT EXISTS acquired_at DATETIME(6) NULL;
