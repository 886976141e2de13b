-- Referral codes. A code is unique across tenants (a code typed into the wrong tenant's app
-- is recognised as foreign rather than unknown). `active` is 1 or NULL, so the unique key
-- allows one active code per client and any number of revoked ones.
CREATE TABLE IF NOT EXISTS referral_codes (
  code        CHAR(10)    NOT NULL,
  tenant_id   VARCHAR(64) NOT NULL,
  client_id   VARCHAR(64) NOT NULL,
  active      TINYINT(1)  NULL,
  issued_at   DATETIME(6) NOT NULL,
  revoked_at  DATETIME(6) NULL,
  PRIMARY KEY (code),
  UNIQUE KEY referral_codes_one_active (tenant_id, client_id, active)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One row per referee: a referee is claimed once per tenant (the primary key).
CREATE TABLE IF NOT EXISTS referrals (
  tenant_id                 VARCHAR(64) NOT NULL,
  referee_id                VARCHAR(64) NOT NULL,
  referral_id               CHAR(36)    NOT NULL,
  code                      CHAR(10)    NOT NULL,
  referrer_id               VARCHAR(64) NOT NULL,
  status                    TINYINT     NOT NULL,  -- 1 registered, 2 converted
  registered_at             DATETIME(6) NOT NULL,
  registered_day            INT         NOT NULL,  -- UTC days since 1970-01-01 (velocity rule)
  converted_at              DATETIME(6) NULL,
  conversion_transaction_id VARCHAR(64) NULL,
  first_purchase_minor      BIGINT      NULL,
  currency                  CHAR(3)     NULL,
  referred_revenue_minor    BIGINT      NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, referee_id),
  UNIQUE KEY referrals_by_id (tenant_id, referral_id),
  KEY referrals_by_referrer (tenant_id, referrer_id, registered_day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- What referral knows of every client: invitations sent, whether and when it first paid, and
-- its running referrer counts (kept with each change, so stats and GetPropagation read one row).
CREATE TABLE IF NOT EXISTS referral_clients (
  tenant_id              VARCHAR(64) NOT NULL,
  client_id              VARCHAR(64) NOT NULL,
  invitations_sent       BIGINT      NOT NULL DEFAULT 0,
  registered             BIGINT      NOT NULL DEFAULT 0,
  converted              BIGINT      NOT NULL DEFAULT 0,
  referred_revenue_minor BIGINT      NOT NULL DEFAULT 0,
  first_paid_at          DATETIME(6) NULL,
  PRIMARY KEY (tenant_id, client_id),
  KEY referral_clients_leaderboard (tenant_id, converted, referred_revenue_minor)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
