-- The velocity rule's count (registrations per referrer per UTC day) kept on the referrer's
-- row, which a registration locks anyway, instead of counted from `referrals` on every
-- registration: the count was a range scan that grew with each referrer's history of the day.
-- registered_that_day counts the registrations made on registered_day.
ALTER TABLE referral_clients
  ADD COLUMN IF NOT EXISTS registered_day INT NULL,
  ADD COLUMN IF NOT EXISTS registered_that_day INT NOT NULL DEFAULT 0;

-- Today's counts so far, so the rule stays exact across the upgrade.
UPDATE referral_clients c
  JOIN (SELECT tenant_id, referrer_id, registered_day, COUNT(*) AS registrations
          FROM referrals
         WHERE registered_day = DATEDIFF(UTC_DATE(), '1970-01-01')
         GROUP BY tenant_id, referrer_id, registered_day) r
    ON r.tenant_id = c.tenant_id AND r.referrer_id = c.client_id
   SET c.registered_day = r.registered_day, c.registered_that_day = r.registrations;
