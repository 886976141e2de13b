-- Retention purge (issue 18 part 4) deletes a tenant's interactions older than a cutoff.
ALTER TABLE interactions
  ADD INDEX IF NOT EXISTS ix_interactions_time (tenant_id, occurred_at);
