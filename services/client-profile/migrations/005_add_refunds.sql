-- Refunds (issue 17 part 4): a transaction of kind REFUND (3) names the idempotency key of the
-- purchase or session it refunds. The index finds the refunds of an original (the sum already
-- refunded, checked under a lock on the original when a refund is recorded). Numbered 005:
-- 004 is taken by the consent-history branch.
ALTER TABLE transactions
  ADD COLUMN IF NOT EXISTS refunded_idempotency_key VARCHAR(128) NULL,
  ADD INDEX IF NOT EXISTS ix_transactions_refunded (tenant_id, refunded_idempotency_key);
