-- The ledger's key is what makes a reward unique, the referral and its side, instead of a
-- random reward id plus a unique key on (referral, side): one index fewer on every reward
-- written, and the rows go in referral-id order (time-ordered ids). Nothing reads a reward by
-- its id; reward_id stays as the reward's public name.
ALTER TABLE rewards
  DROP PRIMARY KEY,
  DROP INDEX rewards_once,
  ADD PRIMARY KEY (tenant_id, referral_id, side);
