#include "services/campaign/app/outcome_use_cases.h"

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "common/errors/domain_error.h"
#include "common/errors/status_mapping.h"
#include "common/time/utc_time.h"
#include "services/campaign/app/proto_values.h"
#include "services/campaign/domain/campaign_report.h"

namespace clienttier::campaign {

namespace {

// The tenant's currency for an outcome without revenue; a refusal naming `field` for revenue in
// another currency.
void SetCurrency(OutcomeRow& outcome, const std::string& currency, const std::string& field) {
  if (outcome.currency.empty()) {
    outcome.currency = currency;  // no revenue given
  } else if (outcome.currency != currency) {
    throw InvalidArgument(field, "must be the tenant's currency " + currency);
  }
}

// The member's placement when `campaign` (nullopt: not found) can take `outcome`, given the
// campaign's placements of the batch's clients; NotFound or FailedPrecondition when refused.
CampaignRepository::AudienceEntry CheckPlacement(
    const std::optional<v1::Campaign>& campaign,
    const std::map<std::string, CampaignRepository::AudienceEntry>& placements,
    const OutcomeRow& outcome) {
  if (!campaign) {
    throw NotFound("campaign " + outcome.campaign_id + " not found");
  }
  if (campaign->state() == v1::CAMPAIGN_STATE_DRAFT ||
      campaign->state() == v1::CAMPAIGN_STATE_CANCELLED) {
    throw FailedPrecondition("campaign " + outcome.campaign_id + " was never launched");
  }
  const auto entry = placements.find(outcome.client_id);
  if (entry == placements.end()) {
    throw FailedPrecondition("client " + outcome.client_id + " is not in campaign " +
                             outcome.campaign_id + "'s audience");
  }
  // What happened before the client entered the campaign cannot be its effect; counting it
  // would credit the campaign (or the holdout) with conversions it never saw.
  if (outcome.occurred_at < entry->second.placed_at) {
    throw FailedPrecondition(
        "occurred_at " + FormatSqlDatetime(outcome.occurred_at) + " UTC is before client " +
        outcome.client_id + " entered campaign " + outcome.campaign_id + " (" +
        FormatSqlDatetime(entry->second.placed_at) + " UTC): it does not count");
  }
  return entry->second;
}

// Attempts at recording a call's outcomes: a concurrent twin can take a key between the read
// and the insert once; a third attempt sees every key it took.
constexpr int kRecordAttempts = 3;

}  // namespace

std::vector<v1::RecordOutcomeResponse> OutcomeUseCases::RecordIn(
    Transaction& transaction, const std::string& tenant_id, const std::vector<OutcomeRow>& outcomes,
    const std::function<void(size_t, const DomainError&)>& refused) {
  // Each campaign, and its placements of the batch's clients, read once.
  std::map<std::string, std::optional<v1::Campaign>> campaigns;
  std::map<std::string, std::vector<std::string>> clients_of;
  for (const OutcomeRow& outcome : outcomes) {
    if (campaigns.count(outcome.campaign_id) == 0) {
      campaigns.emplace(outcome.campaign_id,
                        campaigns_.Find(transaction, tenant_id, outcome.campaign_id, false));
    }
    clients_of[outcome.campaign_id].push_back(outcome.client_id);
  }
  std::map<std::string, std::map<std::string, CampaignRepository::AudienceEntry>> placements;
  for (const auto& [campaign_id, client_ids] : clients_of) {
    if (campaigns.at(campaign_id)) {
      placements[campaign_id] =
          campaigns_.FindPlacements(transaction, tenant_id, campaign_id, client_ids);
    }
  }
  std::vector<OutcomeKey> keys;
  keys.reserve(outcomes.size());
  for (const OutcomeRow& outcome : outcomes) {
    keys.emplace_back(outcome.campaign_id, outcome.idempotency_key);
  }
  // Keys recorded before, and then each new key's first outcome in the batch: the others are
  // duplicates, as they would be one call after another.
  std::set<OutcomeKey> taken = outcomes_.RecordedKeys(transaction, tenant_id, keys);
  std::vector<v1::RecordOutcomeResponse> responses(outcomes.size());
  std::vector<OutcomeRow> fresh;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    const OutcomeRow& outcome = outcomes[i];
    CampaignRepository::AudienceEntry entry;
    try {
      entry = CheckPlacement(campaigns.at(outcome.campaign_id), placements[outcome.campaign_id],
                             outcome);
    } catch (const DomainError& refusal) {
      refused(i, refusal);
      continue;
    }
    responses[i].set_group(entry.group);
    responses[i].set_duplicate(!taken.insert(keys[i]).second);
    if (!responses[i].duplicate()) {
      fresh.push_back(outcome);
      fresh.back().group = entry.group;
    }
  }
  outcomes_.InsertNew(transaction, tenant_id, fresh);
  return responses;
}

void OutcomeUseCases::InTransactionRecording(const std::function<void(Transaction&)>& record) {
  for (int attempt = 1;; ++attempt) {
    try {
      transactions_.InTransaction(record);
      return;
    } catch (const DomainError& error) {
      // A concurrent request recorded a key this one read as new: again, reading it as recorded.
      if (error.kind() != ErrorKind::kAlreadyExists || attempt >= kRecordAttempts) {
        throw;
      }
    }
  }
}

v1::RecordOutcomeResponse OutcomeUseCases::Record(const std::string& tenant_id,
                                                  OutcomeRow outcome) {
  v1::RecordOutcomeResponse response;
  InTransactionRecording([&](Transaction& transaction) {
    SetCurrency(outcome, runner_.TenantCurrency(transaction, tenant_id), "revenue.currency");
    response = RecordIn(transaction, tenant_id, {outcome}, [](size_t, const DomainError& refusal) {
                 throw refusal;
               }).front();
  });
  return response;
}

v1::RecordOutcomesResponse OutcomeUseCases::RecordMany(const std::string& tenant_id,
                                                       std::vector<OutcomeRow> outcomes) {
  v1::RecordOutcomesResponse response;
  InTransactionRecording([&](Transaction& transaction) {
    response.Clear();  // a retried transaction starts again
    const std::string currency = runner_.TenantCurrency(transaction, tenant_id);
    for (size_t i = 0; i < outcomes.size(); ++i) {
      SetCurrency(outcomes[i], currency, "outcomes[" + std::to_string(i) + "].revenue.currency");
      response.add_results();
    }
    // A refusal of the campaign or the placement is that outcome's result; the others are
    // recorded.
    std::vector<v1::RecordOutcomeResponse> recorded =
        RecordIn(transaction, tenant_id, outcomes, [&](size_t i, const DomainError& refusal) {
          if (refusal.kind() != ErrorKind::kNotFound &&
              refusal.kind() != ErrorKind::kFailedPrecondition) {
            throw refusal;
          }
          v1::OutcomeResult& result = *response.mutable_results(static_cast<int>(i));
          result.set_status_code(static_cast<int32_t>(ToGrpcCode(refusal.kind())));
          result.set_status_message(refusal.what());
        });
    for (size_t i = 0; i < outcomes.size(); ++i) {
      v1::OutcomeResult& result = *response.mutable_results(static_cast<int>(i));
      if (result.status_code() == 0) {
        *result.mutable_recorded() = std::move(recorded[i]);
      }
    }
  });
  return response;
}

v1::CampaignReport OutcomeUseCases::Report(const std::string& tenant_id,
                                           const std::string& campaign_id) {
  std::optional<v1::Campaign> found;
  transactions_.Read([&](Transaction& transaction) {
    found = campaigns_.Find(transaction, tenant_id, campaign_id, false);
  });
  if (!found) {
    throw NotFound("campaign " + campaign_id + " not found");
  }
  const v1::Campaign& campaign = *found;
  std::pair<GroupOutcome, GroupOutcome> groups;
  std::string currency;
  transactions_.Read([&](Transaction& transaction) {
    groups = outcomes_.GroupOutcomes(transaction, tenant_id, campaign_id);
    currency = runner_.TenantCurrency(transaction, tenant_id);
  });
  const UpliftReport uplift = BuildUpliftReport(groups.first, groups.second);

  v1::CampaignReport report;
  report.set_campaign_id(campaign_id);
  report.set_state(campaign.state());
  auto fill = [&](const GroupOutcome& group, const std::optional<double>& rate,
                  v1::GroupReport& out) {
    out.set_members(group.size);
    out.set_conversions(group.conversions);
    *out.mutable_revenue() = Money(group.revenue_minor, currency);
    if (rate) {
      out.set_conversion_rate(*rate);
    }
  };
  fill(groups.first, uplift.treatment_rate, *report.mutable_treatment());
  fill(groups.second, uplift.holdout_rate, *report.mutable_holdout());
  if (uplift.absolute_uplift_pp) {
    report.set_absolute_uplift_pp(*uplift.absolute_uplift_pp);
  }
  if (uplift.relative_uplift) {
    report.set_relative_uplift(*uplift.relative_uplift);
  }
  if (uplift.uplift_interval_pp) {
    report.set_uplift_low_pp(uplift.uplift_interval_pp->low);
    report.set_uplift_high_pp(uplift.uplift_interval_pp->high);
  }
  if (uplift.incremental_conversions) {
    report.set_incremental_conversions(*uplift.incremental_conversions);
  }
  if (uplift.incremental_revenue_minor) {
    *report.mutable_incremental_revenue() = Money(*uplift.incremental_revenue_minor, currency);
  }
  report.set_enough_data(uplift.enough_data());
  report.set_data_note(uplift.data_note);
  *report.mutable_audience() = campaign.audience();
  return report;
}

}  // namespace clienttier::campaign
