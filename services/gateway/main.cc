// gateway: wiring only. HTTP/JSON (Connect) in front of the four services; see README.md.
#include <cstdio>
#include <exception>

#include "common/config/config_reader.h"
#include "common/observability/logger.h"
#include "common/server/server_host.h"
#include "services/gateway/gateway_app.h"

int main(int argc, char** argv) {
  using namespace clienttier;
  ServerHost::BlockTerminationSignals();
  Logger::Init("gateway", Severity::kInfo);
  try {
    ConfigReader reader(argc, argv);
    gateway::GatewayConfig config = gateway::ReadGatewayConfig(reader);
    if (reader.help_requested()) {
      std::printf("gateway: HTTP/JSON (Connect) for the ClientTier services\n%s",
                  reader.Usage().c_str());
      return 0;
    }
    reader.Finish();
    gateway::GatewayApp app(config);
    app.Start();
    const int signal_number = ServerHost::WaitForTerminationSignal();
    LogInfo("signal received", {{"signal", signal_number}});
    app.Stop();
    return 0;
  } catch (const std::exception& error) {
    LogError("gateway failed to start", {{"detail", error.what()}});
    return 1;
  }
}
