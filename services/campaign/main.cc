// campaign: wiring only. See README.md for the RPCs and events.
#include "common/server/service_main.h"
#include "services/campaign/campaign_app.h"

int main(int argc, char** argv) {
  using namespace clienttier;
  return RunServiceMain<campaign::CampaignApp>(
      argc, argv, "campaign", "the ClientTier campaign gRPC service", campaign::ReadCampaignConfig);
}
