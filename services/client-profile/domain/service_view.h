#pragma once

#include "clienttier/profile/v1/profile_service.pb.h"

namespace clienttier::profile {

// Least privilege for service keys (issue 18 part 6). A service key (tenant `*`) belongs to
// another ClientTier service; none of them needs a person's name, contacts or free text
// (campaign reads consents per channel and purpose, tags, demographic bands, region and
// acquisition; the contact list of a campaign is exported through the gateway with the tenant's
// own key). So what client-profile answers a service key leaves them out, whatever it asked.
void StripForService(::clienttier::profile::v1::Client& client);
// The client as above, and every interaction's free-text `detail`.
void StripForService(::clienttier::profile::v1::ExportClientsResponse& item);

}  // namespace clienttier::profile
