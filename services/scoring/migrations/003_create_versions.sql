-- Versioned per-tenant artefacts, each stored as its serialized proto (the proto is the
-- schema; its field numbers are never reused, so old versions stay readable).
CREATE TABLE IF NOT EXISTS scoring_configs (
  tenant_id  VARCHAR(64)  NOT NULL,
  version    BIGINT       NOT NULL,
  payload    BLOB         NOT NULL,  -- clienttier.scoring.v1.ScoringConfig
  author     VARCHAR(128) NOT NULL,
  created_at DATETIME(6)  NOT NULL,
  PRIMARY KEY (tenant_id, version)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS clv_models (
  tenant_id  VARCHAR(64)  NOT NULL,
  version    BIGINT       NOT NULL,
  payload    BLOB         NOT NULL,  -- clienttier.scoring.v1.ClvModel
  created_at DATETIME(6)  NOT NULL,
  PRIMARY KEY (tenant_id, version)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS population_stats (
  tenant_id  VARCHAR(64)  NOT NULL,
  version    BIGINT       NOT NULL,
  payload    BLOB         NOT NULL,  -- clienttier.scoring.v1.PopulationStats
  created_at DATETIME(6)  NOT NULL,
  PRIMARY KEY (tenant_id, version)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
