#pragma once

#include <functional>
#include <optional>
#include <string>

#include "common/config/config_reader.h"

namespace clienttier::tierctl {

// The exit codes of tierctl's admin commands (outbox, deadletters).
constexpr int kAdminExitFailed = 1;
constexpr int kAdminExitUsage = 2;

// The end of an admin command's flag reading, the same for each: --help prints the usage with
// the settings read so far, and an unknown or malformed flag is a usage error named after the
// command ("tierctl outbox replay: ..."). Returns the exit code when the command must stop
// there, nothing when it goes on.
std::optional<int> FinishAdminFlags(ConfigReader& reader, const std::string& command,
                                    const std::function<void(const std::string&)>& print_usage);

}  // namespace clienttier::tierctl
