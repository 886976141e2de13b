-- The id of the last stream entry the relay published AND marked, per stream (issue 19).
-- Written in the same transaction as the "published" mark, so after a crash between XADD and
-- the mark, the entries after this id on the stream are exactly the ones the dead relay added:
-- its successor skips them whatever either relay's batch size. It also tells a stream that
-- Redis lost: a recorded id missing from the stream means the stream was reset, and the relay
-- replays the stream's retained outbox rows.
CREATE TABLE IF NOT EXISTS outbox_stream_position (
  stream VARCHAR(128) NOT NULL,
  last_entry_id VARCHAR(48) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (stream)
) ENGINE=InnoDB;
