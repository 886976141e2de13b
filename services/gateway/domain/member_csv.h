#pragma once

#include <optional>
#include <string>

#include "clienttier/campaign/v1/campaign_service.pb.h"
#include "clienttier/common/v1/contact.pb.h"
#include "clienttier/profile/v1/profile_service.pb.h"

namespace clienttier::gateway {

// "email", "sms", "phone", "push", "messaging", "post" (or the enum name) -> the channel.
std::optional<common::v1::ContactChannel> ParseContactChannel(const std::string& text);

// Whether a campaign may contact this client on `channel`: the same rule campaign's audiences
// apply (domain/audience_rules): consent must have been given on that channel and not
// withdrawn; never asked is no; an erased client has no consents.
bool HasMarketingConsent(const profile::v1::Client& client, common::v1::ContactChannel channel);

// The CSV header line and one member's line (RFC 4180: CRLF, fields quoted when they hold a
// comma, quote or line break). Money as integer minor units with its currency in its own
// column, so a spreadsheet never rounds it.
std::string MemberCsvHeader();
std::string MemberCsvRow(const campaign::v1::MemberSummary& member);

// One CSV field, quoted when needed; a text field a spreadsheet would run as a formula
// (leading = + @) is prefixed with an apostrophe.
std::string CsvField(const std::string& text);

}  // namespace clienttier::gateway
