-- The last referral counts the referral service reported per client (GetPropagation). They
-- are the fallback when referral is down, and what event-driven rescoring uses, so a client's
-- rescore never waits on another service inside a transaction.
ALTER TABLE client_aggregates
  ADD COLUMN IF NOT EXISTS referrals_sent      BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS referrals_converted BIGINT NOT NULL DEFAULT 0;
