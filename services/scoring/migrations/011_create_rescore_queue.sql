-- Clients whose aggregates changed while their rescore was put off: a read of a consumer that
-- is a whole read behind applies its events and queues the clients it touched, in the same
-- transaction, and the queue is rescored once the consumer has caught up (issue 16; see
-- services/scoring/README.md "Rescoring under a backlog"). A client queued twice is one row.
CREATE TABLE IF NOT EXISTS rescore_queue (
  tenant_id VARCHAR(64) NOT NULL,
  client_id VARCHAR(64) NOT NULL,
  queued_at DATETIME(6) NOT NULL,
  PRIMARY KEY (tenant_id, client_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
