// scoring: wiring only. See README.md for the RPCs and events.
#include "common/server/service_main.h"
#include "services/scoring/scoring_app.h"

int main(int argc, char** argv) {
  using namespace clienttier;
  return RunServiceMain<scoring::ScoringApp>(
      argc, argv, "scoring", "the ClientTier scoring gRPC service", scoring::ReadScoringConfig);
}
