-- Issue 17 part 2: dated interaction counters and referrals, so a score as of a past day counts
-- only the interactions and referrals up to that day (client_aggregates keeps the running totals
-- today's scores read). Days are whole UTC days since 1970-01-01 (model time).

-- Interactions per client and day: what a read of ct:events:profile adds to each (one
-- multi-row upsert per read); summed up to the as-of day.
CREATE TABLE IF NOT EXISTS client_interaction_days (
  tenant_id       VARCHAR(64) NOT NULL,
  client_id       VARCHAR(64) NOT NULL,
  day             INT         NOT NULL,
  logins          BIGINT      NOT NULL DEFAULT 0,
  events_attended BIGINT      NOT NULL DEFAULT 0,
  content_uses    BIGINT      NOT NULL DEFAULT 0,
  shares          BIGINT      NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, client_id, day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One row per referral, from referral's events (ct:events:referral): who referred, the day the
-- referee registered and the day it converted (NULL until then). Keyed by the referral, not
-- summed per day: referral's events carry no dedupe row in scoring, and a redelivered or
-- replayed event writes the same row again instead of counting twice. A client's referrals
-- sent / converted as of a day are its rows registered / converted on or before it.
CREATE TABLE IF NOT EXISTS client_referral_dates (
  tenant_id          VARCHAR(64) NOT NULL,
  referral_id        VARCHAR(64) NOT NULL,
  referrer_client_id VARCHAR(64) NOT NULL,
  registered_day     INT         NOT NULL,
  converted_day      INT         NULL,
  PRIMARY KEY (tenant_id, referral_id),
  KEY client_referral_dates_by_referrer (tenant_id, referrer_client_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Counters from before this migration have no dates: they are dated on the client's last
-- activity day, on or after every interaction they count, so an as-of day before it leaves
-- them out and one on or after it counts them all (never an interaction after the day).
INSERT IGNORE INTO client_interaction_days
  (tenant_id, client_id, day, logins, events_attended, content_uses, shares)
  SELECT tenant_id, client_id, last_activity_day, logins, events_attended, content_uses, shares
  FROM client_aggregates
  WHERE erased = 0 AND last_activity_day IS NOT NULL
    AND logins + events_attended + content_uses + shares > 0;
