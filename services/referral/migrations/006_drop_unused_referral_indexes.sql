-- Nothing reads referrals by referral id or by referrer any more (the velocity count moved to
-- referral_clients in 005), and each index cost every registration an insert at a random
-- place. Referral ids stay unique by construction (random UUIDs).
ALTER TABLE referrals
  DROP INDEX IF EXISTS referrals_by_id,
  DROP INDEX IF EXISTS referrals_by_referrer;
