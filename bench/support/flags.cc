#include "bench/support/flags.h"

#include <cstdlib>
#include <sstream>

namespace clienttier::bench {

namespace {

bool ParseInt(const std::string& text, int64_t low, int64_t high, int64_t* out) {
  char* end = nullptr;
  const long long value = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || end == nullptr || *end != '\0' || value < low || value > high) {
    return false;
  }
  *out = value;
  return true;
}

}  // namespace

Flags::Flags(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const size_t equals = arg.find('=');
    if (arg.rfind("--", 0) != 0 || equals == std::string::npos) {
      errors_ += "bad argument '" + arg + "' (expected --name=value); ";
      continue;
    }
    values_[arg.substr(2, equals - 2)] = arg.substr(equals + 1);
  }
}

std::string Flags::String(const std::string& name, const std::string& fallback) {
  used_[name] = true;
  const auto found = values_.find(name);
  return found == values_.end() ? fallback : found->second;
}

int64_t Flags::Int(const std::string& name, int64_t fallback, int64_t low, int64_t high) {
  used_[name] = true;
  const auto found = values_.find(name);
  if (found == values_.end()) {
    return fallback;
  }
  int64_t value = fallback;
  if (!ParseInt(found->second, low, high, &value)) {
    errors_ += "--" + name + " must be an integer in [" + std::to_string(low) + ", " +
               std::to_string(high) + "]; ";
  }
  return value;
}

std::vector<int64_t> Flags::IntList(const std::string& name, const std::vector<int64_t>& fallback,
                                    int64_t low, int64_t high) {
  used_[name] = true;
  const auto found = values_.find(name);
  if (found == values_.end()) {
    return fallback;
  }
  std::vector<int64_t> values;
  std::stringstream items(found->second);
  std::string item;
  while (std::getline(items, item, ',')) {
    int64_t value = 0;
    if (!ParseInt(item, low, high, &value)) {
      errors_ += "--" + name + " must list integers in [" + std::to_string(low) + ", " +
                 std::to_string(high) + "]; ";
      return fallback;
    }
    values.push_back(value);
  }
  if (values.empty()) {
    errors_ += "--" + name + " is empty; ";
    return fallback;
  }
  return values;
}

std::string Flags::Required(const std::string& name) {
  const std::string value = String(name, "");
  if (value.empty()) {
    errors_ += "--" + name + " is required; ";
  }
  return value;
}

bool Flags::ok() {
  for (const auto& [name, value] : values_) {
    if (used_.count(name) == 0) {
      errors_ += "unknown argument --" + name + "; ";
      used_[name] = true;  // reported once
    }
  }
  return errors_.empty();
}

}  // namespace clienttier::bench
