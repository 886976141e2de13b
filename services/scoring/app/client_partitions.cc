#include "services/scoring/app/client_partitions.h"

#include <algorithm>
#include <functional>
#include <stdexcept>

namespace clienttier::scoring {

ClientPartitions::ClientPartitions(int count) : busy_(static_cast<size_t>(std::max(1, count))) {}

int ClientPartitions::PartitionOf(const std::string& client_id) const {
  return static_cast<int>(std::hash<std::string>{}(client_id) % busy_.size());
}

ClientPartitions::Held::Held(Held&& other) noexcept
    : owner_(other.owner_), partition_(other.partition_) {
  other.owner_ = nullptr;
}

ClientPartitions::Held::~Held() {
  if (owner_ != nullptr) {
    owner_->Release(partition_);
  }
}

ClientPartitions::Held ClientPartitions::HoldAnyOf(const std::vector<int>& wanted) {
  if (wanted.empty()) {
    throw std::invalid_argument("ClientPartitions::HoldAnyOf needs a partition");
  }
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    for (const int partition : wanted) {
      if (!busy_.at(static_cast<size_t>(partition))) {
        busy_[static_cast<size_t>(partition)] = true;
        return Held(this, partition);
      }
    }
    released_.wait(lock);
  }
}

ClientPartitions::Held ClientPartitions::HoldEvery() {
  std::unique_lock<std::mutex> lock(mutex_);
  released_.wait(
      lock, [this] { return std::none_of(busy_.begin(), busy_.end(), [](bool b) { return b; }); });
  std::fill(busy_.begin(), busy_.end(), true);
  return Held(this, kEvery);
}

void ClientPartitions::Release(int partition) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (partition == kEvery) {
      std::fill(busy_.begin(), busy_.end(), false);
    } else {
      busy_[static_cast<size_t>(partition)] = false;
    }
  }
  released_.notify_all();
}

}  // namespace clienttier::scoring
