#include "services/scoring/app/read_ranges.h"

#include <atomic>
#include <exception>
#include <future>
#include <mutex>

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

void ReadEachRange(ReadRanges& ranges, int readers,
                   const std::function<void(size_t index, const ClientRange& range)>& read) {
  std::mutex mutex;
  size_t next_index = 0;  // guarded by mutex, as `ranges`
  std::atomic<bool> failed{false};
  const auto read_ranges = [&] {
    try {
      while (!failed) {
        size_t index = 0;
        std::optional<ClientRange> range;
        {
          std::lock_guard<std::mutex> lock(mutex);
          range = ranges.Next();
          if (!range) {
            return;
          }
          index = next_index++;
        }
        read(index, *range);
      }
    } catch (...) {
      failed = true;
      throw;
    }
  };
  std::vector<std::future<void>> others;
  for (int reader = 1; reader < readers; ++reader) {
    others.push_back(std::async(std::launch::async, read_ranges));
  }
  std::exception_ptr failure;
  try {
    read_ranges();
  } catch (...) {
    failure = std::current_exception();
  }
  for (auto& other : others) {
    try {
      other.get();
    } catch (...) {
      failure = failure ? failure : std::current_exception();
    }
  }
  if (failure) {
    std::rethrow_exception(failure);
  }
}

}  // namespace clienttier::scoring
