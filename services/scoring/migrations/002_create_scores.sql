-- The latest score per client. `payload` is the serialized clienttier.scoring.v1.Score; the
-- other columns are what lists, filters and distributions read without parsing it.
CREATE TABLE IF NOT EXISTS scores (
  tenant_id          VARCHAR(64)  NOT NULL,
  client_id          VARCHAR(64)  NOT NULL,
  as_of              DATETIME(6)  NOT NULL,
  score              DOUBLE       NOT NULL,
  tier               TINYINT      NOT NULL,
  lifecycle          TINYINT      NOT NULL,
  quadrant           TINYINT      NOT NULL,
  rfm_segment        VARCHAR(32)  NOT NULL,
  churn_warning      TINYINT(1)   NOT NULL,
  value_12m_minor    BIGINT       NOT NULL,
  -- Hysteresis state: the day the score first fell below the current tier's threshold.
  below_since_day    INT          NULL,
  config_version     BIGINT       NOT NULL,
  model_version      BIGINT       NOT NULL,
  population_version BIGINT       NOT NULL,
  payload            MEDIUMBLOB   NOT NULL,
  PRIMARY KEY (tenant_id, client_id),
  KEY scores_by_tier (tenant_id, tier),
  KEY scores_by_churn (tenant_id, churn_warning, client_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS tier_history (
  change_id      BIGINT       NOT NULL AUTO_INCREMENT,
  tenant_id      VARCHAR(64)  NOT NULL,
  client_id      VARCHAR(64)  NOT NULL,
  from_tier      TINYINT      NOT NULL,
  to_tier        TINYINT      NOT NULL,
  reason         VARCHAR(512) NOT NULL,
  score          DOUBLE       NOT NULL,
  changed_at     DATETIME(6)  NOT NULL,
  config_version BIGINT       NOT NULL,
  model_version  BIGINT       NOT NULL,
  PRIMARY KEY (change_id),
  KEY tier_history_by_time (tenant_id, changed_at, change_id),
  KEY tier_history_by_client (tenant_id, client_id, change_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS tier_overrides (
  tenant_id  VARCHAR(64)  NOT NULL,
  client_id  VARCHAR(64)  NOT NULL,
  mode       TINYINT      NOT NULL,
  tier       TINYINT      NOT NULL,
  reason     VARCHAR(256) NOT NULL,
  author     VARCHAR(128) NOT NULL,
  expires_at DATETIME(6)  NOT NULL,
  created_at DATETIME(6)  NOT NULL,
  PRIMARY KEY (tenant_id, client_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
