#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace clienttier::bench {

// The benchmarks' "--name=value" arguments. Every getter marks its name as known; a value that
// does not parse, or an argument no getter asked for, makes ok() false and is named in errors().
class Flags {
 public:
  Flags(int argc, char** argv);

  std::string String(const std::string& name, const std::string& fallback);
  int64_t Int(const std::string& name, int64_t fallback, int64_t low, int64_t high);
  // A comma-separated list of integers, each within [low, high].
  std::vector<int64_t> IntList(const std::string& name, const std::vector<int64_t>& fallback,
                               int64_t low, int64_t high);
  // A name that is required: empty when missing (and then ok() is false).
  std::string Required(const std::string& name);

  // Call after every getter: also reports arguments nobody asked for.
  bool ok();
  const std::string& errors() const { return errors_; }

 private:
  std::map<std::string, std::string> values_;
  std::map<std::string, bool> used_;
  std::string errors_;
};

}  // namespace clienttier::bench
