#include "common/observability/request_id.h"

#include <cstdint>
#include <random>

namespace clienttier {

namespace {

thread_local std::string current_request_id;

}  // namespace

std::string NewRequestId() {
  // One generator per thread: no lock on the RPC path, and seeded apart per thread.
  thread_local std::mt19937_64 generator{std::random_device{}()};
  static const char kHex[] = "0123456789abcdef";
  std::string id;
  id.reserve(32);
  for (int half = 0; half < 2; ++half) {
    uint64_t bits = generator();
    for (int digit = 0; digit < 16; ++digit) {
      id.push_back(kHex[bits & 0xf]);
      bits >>= 4;
    }
  }
  return id;
}

bool IsUsableRequestId(const std::string& text) {
  if (text.empty() || text.size() > 64) {
    return false;
  }
  for (const char c : text) {
    const bool usable = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!usable) {
      return false;
    }
  }
  return true;
}

const std::string& CurrentRequestId() { return current_request_id; }

RequestIdScope::RequestIdScope(std::string id) : previous_(std::move(current_request_id)) {
  current_request_id = std::move(id);
}

RequestIdScope::~RequestIdScope() { current_request_id = std::move(previous_); }

}  // namespace clienttier
