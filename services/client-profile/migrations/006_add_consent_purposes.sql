-- Sensitive-data consents (issue 18 part 2): a consent is either a channel's marketing consent
-- or consent to use sensitive data (concern tags) for one purpose
-- (clienttier.common.v1.SensitiveDataPurpose); the other column is 0. The history records which.
ALTER TABLE client_consents
  ADD COLUMN IF NOT EXISTS purpose TINYINT NOT NULL DEFAULT 0,
  DROP PRIMARY KEY,
  ADD PRIMARY KEY (tenant_id, client_id, channel, purpose);
ALTER TABLE consent_history
  ADD COLUMN IF NOT EXISTS purpose TINYINT NOT NULL DEFAULT 0;
