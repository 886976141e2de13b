#include "services/campaign/app/outcome_use_cases.h"

#include <map>
#include <optional>
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

}  // namespace

v1::RecordOutcomeResponse OutcomeUseCases::RecordIn(Transaction& transaction,
                                                    const std::string& tenant_id,
                                                    const std::optional<v1::Campaign>& campaign,
                                                    const OutcomeRow& outcome) {
  if (!campaign) {
    throw NotFound("campaign " + outcome.campaign_id + " not found");
  }
  if (campaign->state() == v1::CAMPAIGN_STATE_DRAFT ||
      campaign->state() == v1::CAMPAIGN_STATE_CANCELLED) {
    throw FailedPrecondition("campaign " + outcome.campaign_id + " was never launched");
  }
  auto entry =
      campaigns_.FindPlacement(transaction, tenant_id, outcome.campaign_id, outcome.client_id);
  if (!entry) {
    throw FailedPrecondition("client " + outcome.client_id + " is not in campaign " +
                             outcome.campaign_id + "'s audience");
  }
  // What happened before the client entered the campaign cannot be its effect; counting it
  // would credit the campaign (or the holdout) with conversions it never saw.
  if (outcome.occurred_at < entry->placed_at) {
    throw FailedPrecondition("occurred_at " + FormatSqlDatetime(outcome.occurred_at) +
                             " UTC is before client " + outcome.client_id + " entered campaign " +
                             outcome.campaign_id + " (" + FormatSqlDatetime(entry->placed_at) +
                             " UTC): it does not count");
  }
  OutcomeRow placed = outcome;
  placed.group = entry->group;
  v1::RecordOutcomeResponse response;
  response.set_group(entry->group);
  response.set_duplicate(!outcomes_.Insert(transaction, tenant_id, placed));
  return response;
}

v1::RecordOutcomeResponse OutcomeUseCases::Record(const std::string& tenant_id,
                                                  OutcomeRow outcome) {
  v1::RecordOutcomeResponse response;
  transactions_.InTransaction([&](Transaction& transaction) {
    const auto campaign = campaigns_.Find(transaction, tenant_id, outcome.campaign_id, false);
    SetCurrency(outcome, runner_.TenantCurrency(transaction, tenant_id), "revenue.currency");
    response = RecordIn(transaction, tenant_id, campaign, outcome);
  });
  return response;
}

v1::RecordOutcomesResponse OutcomeUseCases::RecordMany(const std::string& tenant_id,
                                                       std::vector<OutcomeRow> outcomes) {
  v1::RecordOutcomesResponse response;
  transactions_.InTransaction([&](Transaction& transaction) {
    response.Clear();  // a retried transaction starts again
    const std::string currency = runner_.TenantCurrency(transaction, tenant_id);
    for (size_t i = 0; i < outcomes.size(); ++i) {
      SetCurrency(outcomes[i], currency, "outcomes[" + std::to_string(i) + "].revenue.currency");
    }
    std::map<std::string, std::optional<v1::Campaign>> campaigns;  // each looked up once
    for (const OutcomeRow& outcome : outcomes) {
      auto campaign = campaigns.find(outcome.campaign_id);
      if (campaign == campaigns.end()) {
        campaign = campaigns
                       .emplace(outcome.campaign_id,
                                campaigns_.Find(transaction, tenant_id, outcome.campaign_id, false))
                       .first;
      }
      v1::OutcomeResult& result = *response.add_results();
      try {
        *result.mutable_recorded() = RecordIn(transaction, tenant_id, campaign->second, outcome);
      } catch (const DomainError& refused) {
        // RecordIn refuses before it writes: the transaction goes on with the others.
        if (refused.kind() != ErrorKind::kNotFound &&
            refused.kind() != ErrorKind::kFailedPrecondition) {
          throw;
        }
        result.set_status_code(static_cast<int32_t>(ToGrpcCode(refused.kind())));
        result.set_status_message(refused.what());
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
