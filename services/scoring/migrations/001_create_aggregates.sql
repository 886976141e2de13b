-- Per-client aggregates, kept up to date from ct:events:profile so that rescoring never
-- rescans raw transactions. Days are whole UTC days since 1970-01-01 (model time).

-- Non-paid activity and identity of a client as scoring knows it.
CREATE TABLE IF NOT EXISTS client_aggregates (
  tenant_id         VARCHAR(64)  NOT NULL,
  client_id         VARCHAR(64)  NOT NULL,
  last_activity_day INT          NULL,
  last_login_day    INT          NULL,
  logins            BIGINT       NOT NULL DEFAULT 0,
  events_attended   BIGINT       NOT NULL DEFAULT 0,
  content_uses      BIGINT       NOT NULL DEFAULT 0,
  shares            BIGINT       NOT NULL DEFAULT 0,
  erased            TINYINT(1)   NOT NULL DEFAULT 0,
  updated_at        DATETIME(6)  NOT NULL,
  PRIMARY KEY (tenant_id, client_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Paid activity per client, day and currency: enough for first/last purchase, distinct
-- purchase days (BG/NBD's x), first-day spend (left out of Gamma-Gamma), active months and
-- every trailing window, without the raw transactions.
CREATE TABLE IF NOT EXISTS client_activity_days (
  tenant_id   VARCHAR(64) NOT NULL,
  client_id   VARCHAR(64) NOT NULL,
  day         INT         NOT NULL,
  currency    CHAR(3)     NOT NULL,
  purchases   INT         NOT NULL DEFAULT 0,
  sessions    INT         NOT NULL DEFAULT 0,
  spend_minor BIGINT      NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, client_id, day, currency)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Events already applied; the consumer inserts the id in the same transaction as the change,
-- so a redelivered event changes nothing.
CREATE TABLE IF NOT EXISTS processed_events (
  event_id     CHAR(36)    NOT NULL,
  tenant_id    VARCHAR(64) NOT NULL,
  processed_at DATETIME(6) NOT NULL,
  PRIMARY KEY (event_id),
  KEY processed_events_by_time (processed_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
