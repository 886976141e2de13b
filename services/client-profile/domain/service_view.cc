#include "services/client-profile/domain/service_view.h"

namespace clienttier::profile {

void StripForService(::clienttier::profile::v1::Client& client) {
  client.clear_display_name();
  client.clear_email();
  client.clear_phone();
}

void StripForService(::clienttier::profile::v1::ExportClientsResponse& item) {
  StripForService(*item.mutable_client());
  for (auto& interaction : *item.mutable_interactions()) {
    interaction.clear_detail();
  }
}

}  // namespace clienttier::profile
