#pragma once

#include <cstdio>
#include <exception>
#include <string>

#include "common/config/config_reader.h"
#include "common/observability/logger.h"
#include "common/server/server_host.h"

namespace clienttier {

// The whole main() of a service binary: config from flags and environment (fail fast),
// migrations (--migrate-only for the Kubernetes Job, --auto-migrate at start-up), start,
// wait for SIGTERM/SIGINT, drain and stop. `App` is the service's wired app class with
// `static void Migrate(const MySqlConfig&)`, a constructor from its config, Start() and Stop().
template <typename App, typename Config>
int RunServiceMain(int argc, char** argv, const char* name, const char* description,
                   Config (*read_config)(ConfigReader&)) {
  ServerHost::BlockTerminationSignals();
  Logger::Init(name, Severity::kInfo);
  try {
    ConfigReader reader(argc, argv);
    const bool migrate_only =
        reader.Bool("migrate-only", false, "apply migrations and exit (a Job)");
    const bool auto_migrate = reader.Bool("auto-migrate", true, "apply migrations at start-up");
    // A migration Job serves nothing, so it needs no API keys.
    reader.SetServing(!migrate_only);
    Config config = read_config(reader);
    if (reader.help_requested()) {
      std::printf("%s: %s\n%s", name, description, reader.Usage().c_str());
      return 0;
    }
    reader.Finish();
    if (migrate_only || auto_migrate) {
      App::Migrate(config.mysql);
      if (migrate_only) {
        return 0;
      }
    }
    App app(config);
    app.Start();
    const int signal_number = ServerHost::WaitForTerminationSignal();
    LogInfo("signal received", {{"signal", signal_number}});
    app.Stop();
    return 0;
  } catch (const std::exception& error) {
    LogError(std::string(name) + " failed to start", {{"detail", error.what()}});
    return 1;
  }
}

}  // namespace clienttier
