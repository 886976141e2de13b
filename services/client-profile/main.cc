// client-profile: wiring only. See README.md for the RPCs and events.
#include "common/server/service_main.h"
#include "services/client-profile/profile_app.h"

int main(int argc, char** argv) {
  using namespace clienttier;
  return RunServiceMain<profile::ProfileApp>(argc, argv, "client-profile",
                                             "the ClientTier client-profile gRPC service",
                                             profile::ReadProfileConfig);
}
