#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "services/scoring/storage/client_range.h"

namespace clienttier::scoring {

// The ranges a BatchRescore reads, one after another, each of about `page` clients: for the
// whole tenant, ranges of the primary key, each ending at the page's last client; for a shard,
// runs of its buckets (in bucket order) whose clients add up to at most `page`, each a whole
// bucket range of every per-client table's shard index, and a bucket of more than `page` clients
// on its own, cut into ranges of client ids like the whole tenant's. Not thread-safe: a batch's
// readers take the next range in turn.
class ReadRanges {
 public:
  // The last client id of the page of `limit` clients after `after_client_id` (of one bucket,
  // or of the tenant with kEveryBucket), or nullopt when fewer remain: AggregateRepository's
  // PageEnd in a read of its own.
  using PageEnd = std::function<std::optional<std::string>(
      int bucket, const std::string& after_client_id, int limit)>;

  // The whole tenant.
  ReadRanges(PageEnd page_end, int page);
  // A shard: its buckets with clients and how many each has (AggregateRepository's
  // ClientsPerBucket), in bucket order. A bucket left out is not read: a client that arrives in
  // it during the run waits for the next, as one past a whole run's read position does.
  ReadRanges(PageEnd page_end, int page, std::vector<std::pair<int, int64_t>> bucket_clients);

  // The next range; nullopt once every client is in one.
  std::optional<ClientRange> Next();

 private:
  PageEnd page_end_;
  int page_;
  bool sharded_;
  std::vector<std::pair<int, int64_t>> bucket_clients_;
  size_t next_bucket_ = 0;  // a shard: the first bucket not yet (wholly) in a range
  std::string after_;       // the last client id in a range (the tenant's, or next_bucket_'s)
  bool ended_ = false;
};

// Calls read(index, range) for every range `ranges` gives, on `readers` threads at once (the
// caller's among them), so one range's rows are parsed while another waits on MariaDB. `index`
// counts the ranges from 0 in the order Next gave them (one thread asks Next at a time). Once a
// read throws, no further range starts; the first failure is rethrown when every thread has
// stopped.
void ReadEachRange(ReadRanges& ranges, int readers,
                   const std::function<void(size_t index, const ClientRange& range)>& read);

}  // namespace clienttier::scoring
