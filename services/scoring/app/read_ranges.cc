#include "services/scoring/app/read_ranges.h"

#include "services/scoring/storage/aggregate_repository.h"

namespace clienttier::scoring {

ReadRanges::ReadRanges(PageEnd page_end, int page)
    : page_end_(std::move(page_end)), page_(page), sharded_(false) {}

ReadRanges::ReadRanges(PageEnd page_end, int page,
                       std::vector<std::pair<int, int64_t>> bucket_clients)
    : page_end_(std::move(page_end)),
      page_(page),
      sharded_(true),
      bucket_clients_(std::move(bucket_clients)) {}

std::optional<ClientRange> ReadRanges::Next() {
  if (!sharded_) {
    if (ended_) {
      return std::nullopt;
    }
    ClientRange range;
    range.after_client_id = after_;
    range.last_client_id = page_end_(kEveryBucket, after_, page_);
    ended_ = !range.last_client_id.has_value();
    after_ = range.last_client_id.value_or(std::string());
    return range;
  }
  if (next_bucket_ >= bucket_clients_.size()) {
    return std::nullopt;
  }
  ClientRange range;
  const auto [bucket, clients] = bucket_clients_[next_bucket_];
  if (clients > page_) {
    // A large bucket in pages of its client ids, the last one to the bucket's end.
    range.buckets.push_back(bucket);
    range.after_client_id = after_;
    range.last_client_id = page_end_(bucket, after_, page_);
    if (range.last_client_id) {
      after_ = *range.last_client_id;
    } else {
      after_.clear();
      ++next_bucket_;
    }
    return range;
  }
  // Whole buckets while they fit in a page (at least one), up to ClientRange::kMaxBuckets.
  int64_t taken = 0;
  while (next_bucket_ < bucket_clients_.size() && range.buckets.size() < ClientRange::kMaxBuckets &&
         (range.buckets.empty() || taken + bucket_clients_[next_bucket_].second <= page_)) {
    range.buckets.push_back(bucket_clients_[next_bucket_].first);
    taken += bucket_clients_[next_bucket_].second;
    ++next_bucket_;
  }
  return range;
}

}  // namespace clienttier::scoring
