#include "services/gateway/domain/member_csv.h"

#include <cctype>
#include <cstdio>

namespace clienttier::gateway {

std::optional<common::v1::ContactChannel> ParseContactChannel(const std::string& text) {
  const google::protobuf::EnumDescriptor& channels = *common::v1::ContactChannel_descriptor();
  std::string upper;
  for (char c : text) {
    upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  const google::protobuf::EnumValueDescriptor* value = channels.FindValueByName(upper);
  if (value == nullptr) {
    value = channels.FindValueByName("CONTACT_CHANNEL_" + upper);
  }
  if (value == nullptr || value->number() == common::v1::CONTACT_CHANNEL_UNSPECIFIED) {
    return std::nullopt;
  }
  return static_cast<common::v1::ContactChannel>(value->number());
}

bool HasMarketingConsent(const profile::v1::Client& client, common::v1::ContactChannel channel) {
  if (client.erased()) {
    return false;
  }
  for (const profile::v1::Consent& consent : client.consents()) {
    if (consent.channel() == channel) {
      return consent.granted();
    }
  }
  return false;
}

std::string CsvField(const std::string& text) {
  std::string field = text;
  if (!field.empty() && (field[0] == '=' || field[0] == '+' || field[0] == '@')) {
    field.insert(field.begin(), '\'');
  }
  if (field.find_first_of(",\"\r\n") == std::string::npos) {
    return field;
  }
  std::string quoted = "\"";
  for (char c : field) {
    if (c == '"') {
      quoted += '"';
    }
    quoted += c;
  }
  return quoted + "\"";
}

std::string MemberCsvHeader() {
  return "client_id,tier,score,clv_12m_minor_units,clv_12m_currency,lifecycle\r\n";
}

std::string MemberCsvRow(const campaign::v1::MemberSummary& member) {
  char score[32];
  std::snprintf(score, sizeof(score), "%.2f", member.score());
  return CsvField(member.client_id()) + "," + CsvField(member.tier()) + "," + score + "," +
         std::to_string(member.clv_12m().units()) + "," + CsvField(member.clv_12m().currency()) +
         "," + CsvField(member.lifecycle()) + "\r\n";
}

}  // namespace clienttier::gateway
