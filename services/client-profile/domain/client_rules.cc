#include "services/client-profile/domain/client_rules.h"

#include <algorithm>
#include <set>

#include "common/errors/domain_error.h"
#include "common/validation/validation.h"
#include "services/client-profile/domain/consent_history.h"
#include "services/client-profile/domain/record_rules.h"

namespace clienttier::profile {

namespace {

using validation::CheckEnum;
using validation::CheckId;
using validation::CheckLabel;
using validation::CheckText;

constexpr size_t kMaxClientIdLength = 64;
constexpr size_t kMaxTags = 64;
constexpr int64_t kMaxAcquisitionCostUnits = 1'000'000'000'000;
const std::set<std::string> kUpdatablePaths = {
    "display_name", "email", "phone", "demographics", "consents", "tags", "acquisition"};

void ValidateEmail(const std::string& field, const std::string& email) {
  CheckText(field, email, 254, false);
  if (!email.empty() && (std::count(email.begin(), email.end(), '@') != 1 || email.front() == '@' ||
                         email.back() == '@')) {
    throw InvalidArgument(field, "must look like name@domain");
  }
}

void ValidatePhone(const std::string& field, const std::string& phone) {
  if (phone.size() > 32) {
    throw InvalidArgument(field, "must be at most 32 characters");
  }
  if (!std::all_of(phone.begin(), phone.end(), [](char c) {
        return (c >= '0' && c <= '9') || c == ' ' || c == '+' || c == '-' || c == '(' || c == ')';
      })) {
    throw InvalidArgument(field, "may contain only digits, spaces and + - ( )");
  }
}

void ValidateDemographics(const v1::Demographics& demographics, const std::string& field) {
  CheckText(field + ".region", demographics.region(), 64, false);
  CheckEnum(field + ".city_tier", demographics.city_tier(), v1::CityTier_IsValid, false);
  CheckEnum(field + ".age_band", demographics.age_band(), v1::AgeBand_IsValid, false);
  CheckEnum(field + ".gender", demographics.gender(), v1::Gender_IsValid, false);
  CheckText(field + ".occupation", demographics.occupation(), 64, false);
  CheckEnum(field + ".income_band", demographics.income_band(), v1::IncomeBand_IsValid, false);
}

void ValidateConsents(const google::protobuf::RepeatedPtrField<v1::Consent>& consents,
                      const std::string& field) {
  std::set<std::pair<int, int>> seen;
  for (int i = 0; i < consents.size(); ++i) {
    const std::string item = field + "[" + std::to_string(i) + "]";
    const bool is_purpose = consents[i].purpose() != common::v1::SENSITIVE_DATA_PURPOSE_UNSPECIFIED;
    if (is_purpose && consents[i].channel() != common::v1::CONTACT_CHANNEL_UNSPECIFIED) {
      throw InvalidArgument(item, "set channel or purpose, not both");
    }
    if (is_purpose) {
      CheckEnum(item + ".purpose", consents[i].purpose(), common::v1::SensitiveDataPurpose_IsValid,
                true);
    } else {
      CheckEnum(item + ".channel", consents[i].channel(), common::v1::ContactChannel_IsValid, true);
    }
    if (!seen.insert(ConsentKey(consents[i])).second) {
      throw InvalidArgument(item + (is_purpose ? ".purpose" : ".channel"), "listed twice");
    }
  }
}

void ValidateTags(const google::protobuf::RepeatedPtrField<v1::Tag>& tags,
                  const std::string& field) {
  if (static_cast<size_t>(tags.size()) > kMaxTags) {
    throw InvalidArgument(field, "at most " + std::to_string(kMaxTags) + " tags");
  }
  for (int i = 0; i < tags.size(); ++i) {
    const std::string item = field + "[" + std::to_string(i) + "]";
    CheckEnum(item + ".kind", tags[i].kind(), v1::TagKind_IsValid, true);
    CheckLabel(item + ".value", tags[i].value(), 64, true);
  }
}

void ValidateAcquisition(const v1::Acquisition& acquisition, const std::string& field,
                         UnixMicros now) {
  CheckLabel(field + ".channel", acquisition.channel(), 64, false);
  if (acquisition.has_cost()) {
    validation::CheckMoney(field + ".cost", acquisition.cost(), 0, kMaxAcquisitionCostUnits);
  }
  if (acquisition.has_acquired_at()) {
    // Not bound by the tenant's record floor: a client may be older than the records kept.
    validation::CheckTimestamp(field + ".acquired_at", acquisition.acquired_at(),
                               kOldestEarliestRecord, now + kFutureSlack);
  }
}

void NormalizeTags(v1::Client* client) {
  auto* tags = client->mutable_tags();
  std::sort(tags->begin(), tags->end(), [](const v1::Tag& a, const v1::Tag& b) {
    return a.kind() != b.kind() ? a.kind() < b.kind() : a.value() < b.value();
  });
  tags->erase(std::unique(tags->begin(), tags->end(),
                          [](const v1::Tag& a, const v1::Tag& b) {
                            return a.kind() == b.kind() && a.value() == b.value();
                          }),
              tags->end());
}

void SortConsents(v1::Client* client) {
  auto* consents = client->mutable_consents();
  std::sort(consents->begin(), consents->end(), [](const v1::Consent& a, const v1::Consent& b) {
    return ConsentKey(a) < ConsentKey(b);
  });
}

}  // namespace

void ValidateClient(const v1::Client& client, const std::string& field, UnixMicros now) {
  CheckId(field + ".client_id", client.client_id(), kMaxClientIdLength);
  CheckText(field + ".display_name", client.display_name(), 128, false);
  ValidateEmail(field + ".email", client.email());
  ValidatePhone(field + ".phone", client.phone());
  ValidateDemographics(client.demographics(), field + ".demographics");
  ValidateConsents(client.consents(), field + ".consents");
  ValidateTags(client.tags(), field + ".tags");
  ValidateAcquisition(client.acquisition(), field + ".acquisition", now);
}

v1::Client NewClient(const v1::Client& input, UnixMicros now) {
  v1::Client client = input;
  client.set_version(1);
  client.set_erased(false);
  *client.mutable_created_at() = ToProtoTimestamp(now);
  *client.mutable_updated_at() = ToProtoTimestamp(now);
  client.clear_erased_at();
  for (auto& consent : *client.mutable_consents()) {
    *consent.mutable_updated_at() = ToProtoTimestamp(now);
  }
  NormalizeTags(&client);
  SortConsents(&client);
  return client;
}

void ValidateUpdate(const v1::UpdateClientRequest& request, UnixMicros now) {
  CheckId("client.client_id", request.client().client_id(), kMaxClientIdLength);
  if (request.expected_version() < 1) {
    throw InvalidArgument("expected_version", "required: the version you read (>= 1)");
  }
  if (request.update_mask().paths().empty()) {
    throw InvalidArgument("update_mask", "must name at least one field");
  }
  const v1::Client& client = request.client();
  for (const auto& path : request.update_mask().paths()) {
    if (kUpdatablePaths.count(path) == 0) {
      throw InvalidArgument("update_mask",
                            "unknown or read-only path '" + path.substr(0, 64) + "'");
    }
  }
  // Validate the whole patch: fields outside the mask are ignored but must not be garbage.
  CheckText("client.display_name", client.display_name(), 128, false);
  ValidateEmail("client.email", client.email());
  ValidatePhone("client.phone", client.phone());
  ValidateDemographics(client.demographics(), "client.demographics");
  ValidateConsents(client.consents(), "client.consents");
  ValidateTags(client.tags(), "client.tags");
  ValidateAcquisition(client.acquisition(), "client.acquisition", now);
}

v1::Client ApplyUpdate(const v1::Client& current, const v1::Client& patch,
                       const google::protobuf::FieldMask& mask, UnixMicros now) {
  v1::Client next = current;
  for (const auto& path : mask.paths()) {
    if (path == "display_name") {
      next.set_display_name(patch.display_name());
    } else if (path == "email") {
      next.set_email(patch.email());
    } else if (path == "phone") {
      next.set_phone(patch.phone());
    } else if (path == "demographics") {
      *next.mutable_demographics() = patch.demographics();
    } else if (path == "tags") {
      *next.mutable_tags() = patch.tags();
    } else if (path == "acquisition") {
      *next.mutable_acquisition() = patch.acquisition();
    } else if (path == "consents") {
      for (const auto& change : patch.consents()) {
        auto existing = std::find_if(
            next.mutable_consents()->begin(), next.mutable_consents()->end(),
            [&](const v1::Consent& consent) { return ConsentKey(consent) == ConsentKey(change); });
        if (existing == next.mutable_consents()->end()) {
          v1::Consent* added = next.add_consents();
          added->set_channel(change.channel());
          added->set_purpose(change.purpose());
          added->set_granted(change.granted());
          *added->mutable_updated_at() = ToProtoTimestamp(now);
        } else if (existing->granted() != change.granted()) {
          existing->set_granted(change.granted());
          *existing->mutable_updated_at() = ToProtoTimestamp(now);
        }
      }
    }
  }
  next.set_version(current.version() + 1);
  *next.mutable_updated_at() = ToProtoTimestamp(now);
  NormalizeTags(&next);
  SortConsents(&next);
  return next;
}

v1::Client ErasedClient(const v1::Client& current, UnixMicros now) {
  v1::Client tombstone;
  tombstone.set_client_id(current.client_id());
  tombstone.set_version(current.version() + 1);
  *tombstone.mutable_acquisition() = current.acquisition();
  tombstone.set_erased(true);
  *tombstone.mutable_created_at() = current.created_at();
  *tombstone.mutable_updated_at() = ToProtoTimestamp(now);
  *tombstone.mutable_erased_at() = ToProtoTimestamp(now);
  return tombstone;
}

}  // namespace clienttier::profile
