-- When the converting purchase occurred (Referral.first_purchase_at): consumers apply
-- client-profile's events in parallel, so a purchase made before the converting one can arrive
-- after it, and must not count as revenue the referral brought. NULL for referrals converted
-- before this column existed (their later purchases count as before).
ALTER TABLE referrals ADD COLUMN IF NOT EXISTS first_purchase_at DATETIME(6) NULL
  AFTER first_purchase_minor;
