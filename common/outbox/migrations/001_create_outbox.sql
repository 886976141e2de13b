-- Events waiting for (or kept after) publication to a Redis stream. Rows are written in the
-- same transaction as the change they describe; the relay publishes them in id order.
CREATE TABLE IF NOT EXISTS outbox (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  event_id CHAR(36) NOT NULL,
  stream VARCHAR(128) NOT NULL,
  event_type VARCHAR(64) NOT NULL,
  tenant_id VARCHAR(64) NOT NULL,
  payload LONGBLOB NOT NULL,
  -- A cache key to delete when the event is published: a durable second invalidation.
  invalidate_key VARCHAR(255) NULL,
  created_at DATETIME(6) NOT NULL,
  published_at DATETIME(6) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_outbox_event_id (event_id),
  KEY ix_outbox_pending (published_at, id),
  KEY ix_outbox_created (created_at)
) ENGINE=InnoDB;
