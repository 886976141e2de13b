#include "services/campaign/domain/campaign_state.h"

#include <algorithm>

#include "common/errors/domain_error.h"
#include "common/validation/validation.h"
#include "services/campaign/domain/holdout.h"

namespace clienttier::campaign {
namespace {

// Code points of text already known to be valid UTF-8: every byte but continuation bytes.
size_t CountCharacters(const std::string& text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// validation::CheckText's encoding rules, with the limit in characters rather than bytes: a
// 200-character Chinese campaign name is 600 bytes.
void CheckCharacters(const std::string& field, const std::string& text, size_t max_characters,
                     bool required) {
  validation::CheckText(field, text, std::string::npos, required);
  if (CountCharacters(text) > max_characters) {
    throw InvalidArgument(field,
                          "must be at most " + std::to_string(max_characters) + " characters");
  }
}

bool IsBlank(const std::string& text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\t'; });
}

}  // namespace

const char* Name(Channel channel) {
  switch (channel) {
    case Channel::kUnspecified:
      return "unspecified";
    case Channel::kEmail:
      return "email";
    case Channel::kSms:
      return "sms";
    case Channel::kPhone:
      return "phone";
    case Channel::kPush:
      return "push";
    case Channel::kMessaging:
      return "messaging";
    case Channel::kPost:
      return "post";
  }
  return "unspecified";
}

const char* Name(CampaignState state) {
  switch (state) {
    case CampaignState::kUnspecified:
      return "unspecified";
    case CampaignState::kDraft:
      return "draft";
    case CampaignState::kLaunched:
      return "launched";
    case CampaignState::kPaused:
      return "paused";
    case CampaignState::kCompleted:
      return "completed";
    case CampaignState::kCancelled:
      return "cancelled";
  }
  return "unspecified";
}

bool IsFinal(CampaignState state) {
  return state == CampaignState::kCompleted || state == CampaignState::kCancelled;
}

bool CanTransition(CampaignState from, CampaignState to) {
  switch (from) {
    case CampaignState::kDraft:
      return to == CampaignState::kLaunched || to == CampaignState::kCancelled;
    case CampaignState::kLaunched:
      return to == CampaignState::kPaused || to == CampaignState::kCompleted;
    case CampaignState::kPaused:
      return to == CampaignState::kLaunched || to == CampaignState::kCompleted;
    case CampaignState::kUnspecified:
    case CampaignState::kCompleted:
    case CampaignState::kCancelled:
      return false;
  }
  return false;
}

void CheckTransition(CampaignState from, CampaignState to) {
  if (!CanTransition(from, to)) {
    throw FailedPrecondition(std::string("campaign is ") + Name(from) + "; cannot move it to " +
                             Name(to));
  }
}

void ValidateCampaignDefinition(const CampaignDefinition& definition, const std::string& field) {
  const std::string prefix = field.empty() ? "" : field + ".";
  CheckCharacters(prefix + "name", definition.name, kMaxNameCharacters, true);
  if (IsBlank(definition.name)) {
    throw InvalidArgument(prefix + "name", "must not be blank");
  }
  if (definition.channel == Channel::kUnspecified) {
    throw InvalidArgument(prefix + "channel", "required");
  }
  CheckCharacters(prefix + "offer.text", definition.offer.text, kMaxOfferTextCharacters, false);
  if (definition.offer.value.has_value()) {
    const OfferValue& value = *definition.offer.value;
    if (value.amount_minor < 1 || value.amount_minor > kMaxOfferAmountMinor) {
      throw InvalidArgument(prefix + "offer.value.amount_minor",
                            "must be between 1 and " + std::to_string(kMaxOfferAmountMinor));
    }
    if (value.currency.empty()) {
      throw InvalidArgument(prefix + "offer.value.currency", "required");
    }
    if (!validation::IsKnownCurrency(value.currency)) {
      throw InvalidArgument(prefix + "offer.value.currency",
                            "unknown ISO 4217 code '" + value.currency.substr(0, 8) + "'");
    }
  }
  // An unset google.protobuf.Timestamp arrives as 0; no campaign runs in 1970.
  if (definition.schedule.start_at <= 0) {
    throw InvalidArgument(prefix + "schedule.start_at", "required");
  }
  if (definition.schedule.end_at < definition.schedule.start_at) {
    throw InvalidArgument(prefix + "schedule.end_at", "must not be before schedule.start_at");
  }
  CheckHoldoutBp(prefix + "holdout_bp", definition.holdout_bp);
}

}  // namespace clienttier::campaign
