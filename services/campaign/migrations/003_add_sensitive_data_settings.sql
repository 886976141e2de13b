-- Sensitive data (issue 18 part 2): the tags a tenant marks sensitive besides concern tags
-- (comma-separated labels) and the client consent (clienttier.common.v1.SensitiveDataPurpose,
-- 0: none) that lets segments and next best action use them.
ALTER TABLE campaign_settings
  ADD COLUMN IF NOT EXISTS sensitive_tags TEXT NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS segment_sensitive_consent TINYINT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS advice_sensitive_consent TINYINT NOT NULL DEFAULT 0;
