// scoring: wiring only. See README.md for the RPCs and events.
#include <cstdio>
#include <exception>

#include "common/config/config_reader.h"
#include "common/observability/logger.h"
#include "services/scoring/scoring_app.h"

int main(int argc, char** argv) {
  using namespace clienttier;
  ServerHost::BlockTerminationSignals();
  Logger::Init("scoring", Severity::kInfo);
  try {
    ConfigReader reader(argc, argv);
    const bool migrate_only = reader.Bool("migrate-only", false, "apply migrations and exit (a Job)");
    const bool auto_migrate = reader.Bool("auto-migrate", true, "apply migrations at start-up");
    scoring::ScoringAppConfig config = scoring::ReadScoringConfig(reader);
    if (reader.help_requested()) {
      std::printf("scoring: the ClientTier scoring gRPC service\n%s", reader.Usage().c_str());
      return 0;
    }
    reader.Finish();
    if (migrate_only || auto_migrate) {
      scoring::ScoringApp::Migrate(config.mysql);
      if (migrate_only) {
        return 0;
      }
    }
    scoring::ScoringApp app(config);
    app.Start();
    const int signal_number = ServerHost::WaitForTerminationSignal();
    LogInfo("signal received", {{"signal", signal_number}});
    app.Stop();
    return 0;
  } catch (const std::exception& error) {
    LogError("scoring failed to start", {{"detail", error.what()}});
    return 1;
  }
}
