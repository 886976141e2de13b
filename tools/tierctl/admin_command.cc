#include "tools/tierctl/admin_command.h"

#include <cstdio>
#include <stdexcept>

namespace clienttier::tierctl {

std::optional<int> FinishAdminFlags(ConfigReader& reader, const std::string& command,
                                    const std::function<void(const std::string&)>& print_usage) {
  if (reader.help_requested()) {
    print_usage(reader.Usage());
    return 0;
  }
  try {
    reader.Finish();
  } catch (const std::invalid_argument& error) {
    std::fprintf(stderr, "%s: %s\n", command.c_str(), error.what());
    return kAdminExitUsage;
  }
  return std::nullopt;
}

}  // namespace clienttier::tierctl
