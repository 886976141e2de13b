-- A stored shard key (issue 16 part 5), so shard k of n of the rescoring Job lists only its own
-- clients instead of scanning the tenant: bucket = CRC32(client_id) % 1024, and shard k of n
-- owns the buckets b with b % n == k (services/scoring/domain/shard.h). MariaDB computes it (a
-- STORED generated column), so this migration fills the existing rows and no writer has to.
-- Only client_aggregates carries it: a shard lists its clients here, page by page through the
-- index, and then reads those clients' activity days, previous scores and overrides by primary
-- key (tenant_id, client_id IN the page), which reads their rows only. A second index on those
-- tables would be maintained on every event and every snapshot write and save no read.
-- `erased` is in the index so a shard's page and its count skip erased clients in the index.
ALTER TABLE client_aggregates
  ADD COLUMN IF NOT EXISTS shard_bucket SMALLINT UNSIGNED AS (CRC32(client_id) % 1024) STORED,
  ADD INDEX IF NOT EXISTS client_aggregates_by_shard (tenant_id, shard_bucket, erased, client_id);
