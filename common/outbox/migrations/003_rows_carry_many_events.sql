-- A row now carries every event one transaction wrote to one stream: an OutboxRow
-- (protos/clienttier/outbox/v1/outbox_row.proto) in `payload`, with `event_count` entries.
-- One row per commit instead of one per event: the insert, the relay's read and its
-- "published" update were together close to half of MariaDB's time in the referral
-- benchmark, and all three scaled with the number of events.
--
-- Rows written before this migration keep their single event in event_id, event_type,
-- tenant_id, payload and invalidate_key, and are told apart by event_id IS NOT NULL.
ALTER TABLE outbox
  MODIFY event_id CHAR(36) NULL,
  MODIFY event_type VARCHAR(64) NULL,
  MODIFY tenant_id VARCHAR(64) NULL,
  ADD COLUMN IF NOT EXISTS event_count INT NOT NULL DEFAULT 1;
