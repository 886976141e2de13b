-- Profile events already applied, and invitation reports already counted; each id is inserted
-- in the same transaction as its change, so a redelivery or retry changes nothing.
CREATE TABLE IF NOT EXISTS processed_events (
  event_id     VARCHAR(100) NOT NULL,
  tenant_id    VARCHAR(64)  NOT NULL,
  processed_at DATETIME(6)  NOT NULL,
  PRIMARY KEY (event_id),
  KEY processed_events_by_time (processed_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
