// client-profile: wiring only. See README.md for the RPCs and events.
#include <cstdio>
#include <exception>

#include "common/config/config_reader.h"
#include "common/observability/logger.h"
#include "services/client-profile/profile_app.h"

int main(int argc, char** argv) {
  using namespace clienttier;
  ServerHost::BlockTerminationSignals();
  Logger::Init("client-profile", Severity::kInfo);
  try {
    ConfigReader reader(argc, argv);
    const bool migrate_only = reader.Bool("migrate-only", false, "apply migrations and exit (a Job)");
    const bool auto_migrate = reader.Bool("auto-migrate", true, "apply migrations at start-up");
    profile::ProfileConfig config = profile::ReadProfileConfig(reader);
    if (reader.help_requested()) {
      std::printf("client-profile: the ClientTier client-profile gRPC service\n%s", reader.Usage().c_str());
      return 0;
    }
    reader.Finish();
    if (migrate_only || auto_migrate) {
      profile::ProfileApp::Migrate(config.mysql);
      if (migrate_only) {
        return 0;
      }
    }
    profile::ProfileApp app(config);
    app.Start();
    const int signal_number = ServerHost::WaitForTerminationSignal();
    LogInfo("signal received", {{"signal", signal_number}});
    app.Stop();
    return 0;
  } catch (const std::exception& error) {
    LogError("client-profile failed to start", {{"detail", error.what()}});
    return 1;
  }
}
