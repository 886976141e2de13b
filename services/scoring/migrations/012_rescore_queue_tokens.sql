-- A BatchRescore takes over the queued clients it scores (issue 16; services/scoring/README.md
-- "Rescoring under a backlog"). It reads a range's queued clients before the range's facts and,
-- in the transaction that writes their scores, removes the rows that still hold the token it
-- read. Every queueing draws a new token (a random 64-bit number), so a client queued again
-- after that read, with changes the read may have missed, keeps its row for the queue's own
-- rescore. The shard key and index are those of the other per-client tables (migration 010): a
-- shard of BatchRescore reads its own queued clients as ranges of its buckets.
ALTER TABLE rescore_queue
  ADD COLUMN IF NOT EXISTS token BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS shard_bucket SMALLINT UNSIGNED AS (CRC32(client_id) % 1024) STORED,
  ADD INDEX IF NOT EXISTS rescore_queue_by_shard (tenant_id, shard_bucket, client_id);
