-- The rewards ledger: append-only, one row per referral and side, so a conversion writes its
-- rewards once however often it is retried (the unique key is the last guard behind the
-- referral row's lock).
CREATE TABLE IF NOT EXISTS rewards (
  tenant_id    VARCHAR(64) NOT NULL,
  reward_id    CHAR(36)    NOT NULL,
  referral_id  CHAR(36)    NOT NULL,
  client_id    VARCHAR(64) NOT NULL,
  side         TINYINT     NOT NULL,  -- 1 referrer, 2 referee
  kind         TINYINT     NOT NULL,  -- 1 credit, 2 discount
  amount_minor BIGINT      NOT NULL,
  currency     CHAR(3)     NOT NULL,
  issued_at    DATETIME(6) NOT NULL,
  PRIMARY KEY (tenant_id, reward_id),
  UNIQUE KEY rewards_once (tenant_id, referral_id, side),
  KEY rewards_by_client (tenant_id, client_id, side, issued_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Reward rules per tenant, versioned for optimistic concurrency.
CREATE TABLE IF NOT EXISTS reward_rules (
  tenant_id                 VARCHAR(64) NOT NULL,
  version                   BIGINT      NOT NULL,
  currency                  CHAR(3)     NOT NULL,
  referrer_reward_minor     BIGINT      NOT NULL,
  referee_reward_minor      BIGINT      NOT NULL,
  kind                      TINYINT     NOT NULL,
  qualifying_minimum_minor  BIGINT      NOT NULL,
  max_rewarded_per_referrer INT         NOT NULL,
  cap_window_days           INT         NOT NULL,
  max_referrals_per_day     INT         NOT NULL,
  updated_at                DATETIME(6) NOT NULL,
  PRIMARY KEY (tenant_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
