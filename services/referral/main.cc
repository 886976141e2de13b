// referral: wiring only. See README.md for the RPCs and events.
#include "common/server/service_main.h"
#include "services/referral/referral_app.h"

int main(int argc, char** argv) {
  using namespace clienttier;
  return RunServiceMain<referral::ReferralApp>(
      argc, argv, "referral", "the ClientTier referral gRPC service", referral::ReadReferralConfig);
}
