#include "common/config/config_reader.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace clienttier {

namespace {

std::map<std::string, std::string> ProcessEnvironment() {
  std::map<std::string, std::string> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string text(*entry);
    const auto equals = text.find('=');
    if (equals != std::string::npos) {
      env.emplace(text.substr(0, equals), text.substr(equals + 1));
    }
  }
  return env;
}

std::vector<std::string> Arguments(int argc, const char* const* argv) {
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    args.emplace_back(argv[i]);
  }
  return args;
}

}  // namespace

ConfigReader::ConfigReader(int argc, const char* const* argv)
    : ConfigReader(Arguments(argc, argv), ProcessEnvironment()) {}

ConfigReader::ConfigReader(std::vector<std::string> args, std::map<std::string, std::string> env)
    : env_(std::move(env)) {
  for (const auto& arg : args) {
    if (arg == "--help" || arg == "-h") {
      help_requested_ = true;
      continue;
    }
    if (arg.rfind("--", 0) != 0) {
      problems_.push_back("unexpected argument '" + arg + "' (flags look like --name=value)");
      continue;
    }
    const auto equals = arg.find('=');
    if (equals == std::string::npos) {
      flags_[arg.substr(2)] = "true";  // a bare --flag is a boolean switch
    } else {
      flags_[arg.substr(2, equals - 2)] = arg.substr(equals + 1);
    }
  }
}

std::string ConfigReader::EnvName(const std::string& name) {
  std::string env = "CT_";
  for (char c : name) {
    env += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return env;
}

bool ConfigReader::Lookup(const std::string& name, std::string* value) {
  used_.push_back(name);
  used_.push_back(name + "-file");
  if (auto flag = flags_.find(name); flag != flags_.end()) {
    *value = flag->second;
    return true;
  }
  if (auto env = env_.find(EnvName(name)); env != env_.end()) {
    *value = env->second;
    return true;
  }
  std::string path;
  if (auto flag = flags_.find(name + "-file"); flag != flags_.end()) {
    path = flag->second;
  } else if (auto env = env_.find(EnvName(name + "-file")); env != env_.end()) {
    path = env->second;
  }
  if (path.empty()) {
    return false;
  }
  std::ifstream file(path);
  if (!file) {
    problems_.push_back(name + ": cannot read file '" + path + "'");
    return false;
  }
  std::stringstream content;
  content << file.rdbuf();
  *value = content.str();
  while (!value->empty() && (value->back() == '\n' || value->back() == '\r')) {
    value->pop_back();
  }
  return true;
}

void ConfigReader::Describe(const std::string& name, const std::string& fallback,
                            const std::string& help) {
  usage_lines_.push_back("  --" + name + " (env " + EnvName(name) + ")" +
                         (fallback.empty() ? "" : " [default " + fallback + "]") + "\n      " +
                         help);
}

std::string ConfigReader::String(const std::string& name, const std::string& fallback,
                                 const std::string& help) {
  Describe(name, fallback, help);
  std::string value;
  return Lookup(name, &value) ? value : fallback;
}

std::string ConfigReader::RequiredString(const std::string& name, const std::string& help) {
  Describe(name, "", help + " (required)");
  std::string value;
  if (!Lookup(name, &value) || value.empty()) {
    problems_.push_back(name + ": required; set --" + name + " or " + EnvName(name));
  }
  return value;
}

std::string ConfigReader::RequiredToServe(const std::string& name, const std::string& help) {
  if (serving_) {
    return RequiredString(name, help);
  }
  return String(name, "", help + " (required to serve)");
}

int64_t ConfigReader::Int(const std::string& name, int64_t fallback, int64_t min, int64_t max,
                          const std::string& help) {
  Describe(name, std::to_string(fallback), help);
  std::string text;
  if (!Lookup(name, &text)) {
    return fallback;
  }
  try {
    size_t consumed = 0;
    const long long value = std::stoll(text, &consumed);
    if (consumed != text.size() || value < min || value > max) {
      throw std::out_of_range(text);
    }
    return value;
  } catch (const std::logic_error&) {
    problems_.push_back(name + ": '" + text + "' is not an integer from " + std::to_string(min) +
                        " to " + std::to_string(max));
    return fallback;
  }
}

bool ConfigReader::Bool(const std::string& name, bool fallback, const std::string& help) {
  Describe(name, fallback ? "true" : "false", help);
  std::string text;
  if (!Lookup(name, &text)) {
    return fallback;
  }
  if (text == "true" || text == "1" || text == "yes") {
    return true;
  }
  if (text == "false" || text == "0" || text == "no") {
    return false;
  }
  problems_.push_back(name + ": '" + text + "' is not true or false");
  return fallback;
}

std::string ConfigReader::Usage() const {
  std::string usage = "Settings (flag, or environment variable; NAME-file reads a file):\n";
  for (const auto& line : usage_lines_) {
    usage += line + "\n";
  }
  return usage;
}

void ConfigReader::Finish() const {
  std::vector<std::string> problems = problems_;
  for (const auto& [flag, value] : flags_) {
    if (std::find(used_.begin(), used_.end(), flag) == used_.end()) {
      problems.push_back("unknown flag --" + flag);
    }
  }
  if (problems.empty()) {
    return;
  }
  std::string message = "invalid configuration:";
  for (const auto& problem : problems) {
    message += "\n  " + problem;
  }
  throw std::invalid_argument(message);
}

}  // namespace clienttier
