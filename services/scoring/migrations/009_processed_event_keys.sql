-- Issue 16 part 1: the ids of applied profile events as 16 bytes. client-profile's event ids are
-- version 7 UUIDs (common/outbox NewEventId: 48 bits of Unix milliseconds first), so the key
-- alone is time-ordered: rows are appended at the end of one B-tree of 16-byte keys, and the
-- purge deletes a key range below the retention's cutoff, with no second index on a time
-- column to maintain on every event (processed_events: a CHAR(36) key, ~37 bytes, plus
-- processed_events_by_time). Ids of another form (tests, other producers) stay in
-- processed_events (services/scoring/storage/mysql/mysql_processed_event_keys.h).
-- The tenant is kept beside the key (not indexed: nothing looks keys up by tenant on the hot
-- path) so that every row of the schema is tenant-scoped and a tenant's rows can be counted
-- and removed.
CREATE TABLE IF NOT EXISTS processed_event_keys (
  event_key BINARY(16)  NOT NULL,
  tenant_id VARCHAR(64) NOT NULL,
  PRIMARY KEY (event_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Ids applied before this migration, so a redelivery of one of them is still recognised.
INSERT IGNORE INTO processed_event_keys (event_key, tenant_id)
  SELECT UNHEX(REPLACE(event_id, '-', '')), tenant_id FROM processed_events
  WHERE event_id REGEXP BINARY '^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$';
