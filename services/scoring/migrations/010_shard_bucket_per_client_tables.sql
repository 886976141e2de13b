-- Issue 16 part 5: every per-client table a shard of BatchRescore reads carries the shard key of
-- client_aggregates (migration 005: CRC32(client_id) % 1024, a STORED generated column MariaDB
-- computes, also for the rows this fills and when a merge rewrites a client id), indexed after
-- the tenant. A shard then reads a run of its buckets from each table as one range per bucket,
-- in index order, as a whole-tenant run reads a range of the primary key. Before, it listed its
-- clients through client_aggregates_by_shard and looked the other tables up by client id: one
-- index dive per client and table, 39% of a whole run's Handler_read_* rows per shard of 4.
-- The cost is on writes: a new paid day, first score or override adds an entry to the index
-- (a small one: the tenant, two bytes, the key); rewriting a row in place (an upsert of a day, a
-- score's REPLACE) changes none of its columns and leaves it alone.
-- client_interaction_days is left out: only a score as of a past day reads it, and that is a
-- whole-tenant run.
ALTER TABLE client_activity_days
  ADD COLUMN IF NOT EXISTS shard_bucket SMALLINT UNSIGNED AS (CRC32(client_id) % 1024) STORED,
  ADD INDEX IF NOT EXISTS client_activity_days_by_shard (tenant_id, shard_bucket, client_id);

ALTER TABLE scores
  ADD COLUMN IF NOT EXISTS shard_bucket SMALLINT UNSIGNED AS (CRC32(client_id) % 1024) STORED,
  ADD INDEX IF NOT EXISTS scores_by_shard (tenant_id, shard_bucket, client_id);

ALTER TABLE tier_overrides
  ADD COLUMN IF NOT EXISTS shard_bucket SMALLINT UNSIGNED AS (CRC32(client_id) % 1024) STORED,
  ADD INDEX IF NOT EXISTS tier_overrides_by_shard (tenant_id, shard_bucket, client_id);
