#pragma once

#include <string>

namespace clienttier::profile {

// Opaque cursor for ListClients: the last client_id returned, bound to a fingerprint of the
// filters so a token cannot be replayed with other filters.
std::string EncodePageToken(const std::string& last_client_id,
                            const std::string& filter_fingerprint);
// Throws InvalidArgument("page.page_token", ...) on a malformed or mismatched token.
std::string DecodePageToken(const std::string& token, const std::string& filter_fingerprint);

}  // namespace clienttier::profile
