CREATE TABLE IF NOT EXISTS segments (
  tenant_id   VARCHAR(64)   NOT NULL,
  segment_id  VARCHAR(64)   NOT NULL,
  name        VARCHAR(800)  NOT NULL,
  description VARCHAR(4000) NOT NULL,
  rule        TEXT          NOT NULL,  -- canonical form
  version     BIGINT        NOT NULL,
  created_at  DATETIME(6)   NOT NULL,
  updated_at  DATETIME(6)   NOT NULL,
  PRIMARY KEY (tenant_id, segment_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A campaign and its running audience totals (over every launch and trigger entry).
CREATE TABLE IF NOT EXISTS campaigns (
  tenant_id              VARCHAR(64)   NOT NULL,
  campaign_id            VARCHAR(64)   NOT NULL,
  name                   VARCHAR(800)  NOT NULL,
  segment_id             VARCHAR(64)   NOT NULL,
  channel                TINYINT       NOT NULL,  -- common.v1.ContactChannel
  offer_text             VARCHAR(2000) NOT NULL,
  offer_minor            BIGINT        NULL,
  offer_currency         CHAR(3)       NULL,
  start_at               DATETIME(6)   NOT NULL,
  end_at                 DATETIME(6)   NOT NULL,
  holdout_bp             INT           NOT NULL,
  trigger_kind           TINYINT       NOT NULL,  -- campaign.v1.CampaignTrigger
  state                  TINYINT       NOT NULL,  -- campaign.v1.CampaignState
  launched_rule          TEXT          NULL,
  candidates             BIGINT        NOT NULL DEFAULT 0,
  treatment              BIGINT        NOT NULL DEFAULT 0,
  holdout                BIGINT        NOT NULL DEFAULT 0,
  excluded_no_consent    BIGINT        NOT NULL DEFAULT 0,
  excluded_frequency_cap BIGINT        NOT NULL DEFAULT 0,
  excluded_erased        BIGINT        NOT NULL DEFAULT 0,
  version                BIGINT        NOT NULL,
  created_at             DATETIME(6)   NOT NULL,
  launched_at            DATETIME(6)   NULL,
  updated_at             DATETIME(6)   NOT NULL,
  PRIMARY KEY (tenant_id, campaign_id),
  KEY campaigns_by_segment (tenant_id, segment_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Who a campaign placed, and in which group (1 treatment, 2 holdout). A client is placed once
-- per campaign: a relaunch adds new members and never moves a placed one.
CREATE TABLE IF NOT EXISTS audience (
  tenant_id   VARCHAR(64) NOT NULL,
  campaign_id VARCHAR(64) NOT NULL,
  client_id   VARCHAR(64) NOT NULL,
  audience_group TINYINT  NOT NULL,
  placed_at   DATETIME(6) NOT NULL,
  PRIMARY KEY (tenant_id, campaign_id, client_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Every marketing contact, across campaigns and channels: what frequency caps count.
CREATE TABLE IF NOT EXISTS contacts (
  tenant_id    VARCHAR(64) NOT NULL,
  client_id    VARCHAR(64) NOT NULL,
  campaign_id  VARCHAR(64) NOT NULL,
  channel      TINYINT     NOT NULL,
  contacted_at DATETIME(6) NOT NULL,
  PRIMARY KEY (tenant_id, client_id, campaign_id),
  KEY contacts_by_time (tenant_id, contacted_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Outcomes, once per idempotency key within a campaign.
CREATE TABLE IF NOT EXISTS outcomes (
  tenant_id       VARCHAR(64)  NOT NULL,
  campaign_id     VARCHAR(64)  NOT NULL,
  idempotency_key VARCHAR(128) NOT NULL,
  client_id       VARCHAR(64)  NOT NULL,
  audience_group  TINYINT      NOT NULL,
  converted       TINYINT(1)   NOT NULL,
  revenue_minor   BIGINT       NOT NULL,
  currency        CHAR(3)      NOT NULL,
  occurred_at     DATETIME(6)  NOT NULL,
  PRIMARY KEY (tenant_id, campaign_id, idempotency_key),
  KEY outcomes_by_client (tenant_id, campaign_id, client_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Per-tenant settings. Launches and trigger entries lock this row, so two of them never both
-- spend a client's last contact under the caps.
CREATE TABLE IF NOT EXISTS campaign_settings (
  tenant_id             VARCHAR(64) NOT NULL,
  caps                  VARCHAR(400) NOT NULL,  -- "2/7,4/30": max_contacts/window_days
  welcome_campaign_id   VARCHAR(64) NOT NULL,
  retention_campaign_id VARCHAR(64) NOT NULL,
  currency              CHAR(3)     NOT NULL,
  version               BIGINT      NOT NULL,
  updated_at            DATETIME(6) NOT NULL,
  PRIMARY KEY (tenant_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Events (ct:events:profile, ct:events:scoring) already applied.
CREATE TABLE IF NOT EXISTS processed_events (
  event_id     VARCHAR(100) NOT NULL,
  tenant_id    VARCHAR(64)  NOT NULL,
  processed_at DATETIME(6)  NOT NULL,
  PRIMARY KEY (event_id),
  KEY processed_events_by_time (processed_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
