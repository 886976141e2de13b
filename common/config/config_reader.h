#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace clienttier {

// Reads typed settings from command-line flags and the environment, flags first.
// A setting named "mysql-host" is the flag --mysql-host=VALUE and the variable CT_MYSQL_HOST.
// A setting "X" can also be read from a file named by X-file / CT_X_FILE (how Kubernetes
// mounts secrets). Problems are collected and reported together by Finish(), so a bad start
// names every missing or malformed value at once.
class ConfigReader {
 public:
  ConfigReader(int argc, const char* const* argv);
  // For tests: explicit flags and environment.
  ConfigReader(std::vector<std::string> args, std::map<std::string, std::string> env);

  std::string String(const std::string& name, const std::string& fallback, const std::string& help);
  std::string RequiredString(const std::string& name, const std::string& help);
  // Required only of a process that will serve: after SetServing(false) (a migration run), a
  // missing value is not a problem.
  std::string RequiredToServe(const std::string& name, const std::string& help);
  void SetServing(bool serving) { serving_ = serving; }
  int64_t Int(const std::string& name, int64_t fallback, int64_t min, int64_t max,
              const std::string& help);
  bool Bool(const std::string& name, bool fallback, const std::string& help);

  bool help_requested() const { return help_requested_; }
  std::string Usage() const;
  // Throws std::invalid_argument listing every problem (unknown flags included).
  void Finish() const;

  static std::string EnvName(const std::string& name);

 private:
  bool Lookup(const std::string& name, std::string* value);
  void Describe(const std::string& name, const std::string& fallback, const std::string& help);

  bool serving_ = true;
  std::map<std::string, std::string> flags_;
  std::map<std::string, std::string> env_;
  std::vector<std::string> used_;
  std::vector<std::string> problems_;
  std::vector<std::string> usage_lines_;
  bool help_requested_ = false;
};

}  // namespace clienttier
