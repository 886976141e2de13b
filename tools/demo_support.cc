#include "tools/demo_support.h"

#include <cstdio>

#include "common/errors/status_mapping.h"

namespace clienttier::tools {

bool ParseFlags(int argc, char** argv, const std::vector<std::string>& required,
                const std::vector<std::string>& optional, const std::string& usage,
                std::map<std::string, std::string>* values) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const size_t equals = arg.find('=');
    const std::string name = arg.substr(0, equals);
    bool known = false;
    for (const auto* list : {&required, &optional}) {
      for (const auto& flag : *list) {
        known = known || name == "--" + flag;
      }
    }
    if (!known || equals == std::string::npos) {
      std::fprintf(stderr, "unknown argument '%s'\nusage: %s\n", arg.c_str(), usage.c_str());
      return false;
    }
    (*values)[name.substr(2)] = arg.substr(equals + 1);
  }
  for (const auto& flag : required) {
    if ((*values)[flag].empty()) {
      std::fprintf(stderr, "missing --%s\nusage: %s\n", flag.c_str(), usage.c_str());
      return false;
    }
  }
  return true;
}

std::string Describe(const grpc::Status& status) {
  return std::string(StatusCodeName(status.error_code())) + ": " + status.error_message();
}

std::string FormatMoney(const ::clienttier::common::v1::Money& money) {
  const int64_t units = money.units();
  // Unsigned, so that the most negative int64 still has a magnitude.
  const uint64_t magnitude =
      units < 0 ? 0 - static_cast<uint64_t>(units) : static_cast<uint64_t>(units);
  const uint64_t fraction = magnitude % 100;
  return std::string(units < 0 ? "-" : "") + std::to_string(magnitude / 100) + "." +
         (fraction < 10 ? "0" : "") + std::to_string(fraction) + " " + money.currency();
}

::clienttier::common::v1::Money Cny(int64_t fen) {
  ::clienttier::common::v1::Money money;
  money.set_units(fen);
  money.set_currency("CNY");
  return money;
}

std::unique_ptr<grpc::ClientContext> CallContext(const std::string& api_key,
                                                 std::chrono::seconds timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->AddMetadata("x-api-key", api_key);
  context->set_deadline(std::chrono::system_clock::now() + timeout);
  return context;
}

}  // namespace clienttier::tools
