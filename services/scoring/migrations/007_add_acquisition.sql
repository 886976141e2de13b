-- Issue 17 parts 1 and 7: what client-profile's client events say about the acquisition (the
-- day the organisation acquired the client, NULL when it did not say; the channel; the cost in
-- its own currency), with the client version that said it: events may arrive in any order, the
-- latest version's word wins. And the first day of any activity (the cohort of a client
-- without an acquisition day), kept as the smallest day seen.
ALTER TABLE client_aggregates
  ADD COLUMN IF NOT EXISTS acquired_day INT NULL,
  ADD COLUMN IF NOT EXISTS acquired_version BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS acquisition_channel VARCHAR(64) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS acquisition_cost_minor BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS acquisition_cost_currency CHAR(3) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS first_activity_day INT NULL;

-- Rows from before this migration: the first paid day is the earliest activity still known.
UPDATE client_aggregates a
  SET a.first_activity_day = (
    SELECT MIN(d.day) FROM client_activity_days d
    WHERE d.tenant_id = a.tenant_id AND d.client_id = a.client_id
      AND d.purchases + d.sessions > 0)
  WHERE a.first_activity_day IS NULL;
