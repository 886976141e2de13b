#include "services/campaign/campaign_engine.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>

#include "common/db/processed_events.h"
#include "common/errors/domain_error.h"
#include "common/validation/validation.h"
#include "services/campaign/audience_planner.h"
#include "services/campaign/domain/campaign_report.h"
#include "services/campaign/domain/next_best_action.h"
#include "services/campaign/member_mapping.h"
#include "services/campaign/storage/member_store.h"
#include "services/campaign/storage/segment_store.h"

namespace clienttier::campaign {

namespace {

namespace pv1 = ::clienttier::profile::v1;
namespace sv1 = ::clienttier::scoring::v1;

common::v1::Money Money(int64_t units, const std::string& currency) {
  common::v1::Money money;
  money.set_units(units);
  money.set_currency(currency);
  return money;
}

v1::MemberSummary Summarise(const SegmentMember& member, const std::string& currency) {
  v1::MemberSummary summary;
  summary.set_client_id(member.client_id);
  summary.set_tier(TierName(member.tier));
  summary.set_score(member.score);
  *summary.mutable_clv_12m() = Money(member.clv_12m_minor, currency);
  summary.set_lifecycle(LifecycleName(member.lifecycle));
  return summary;
}

Channel ToChannel(common::v1::ContactChannel channel) {
  return static_cast<Channel>(static_cast<int>(channel));
}

UnixMicros Micros(const google::protobuf::Timestamp& timestamp) {
  return FromProtoTimestamp(timestamp);
}

v1::Segment WithFieldsUsed(v1::Segment segment, const SegmentRule& rule) {
  segment.clear_fields_used();
  for (const std::string& field : FieldsUsed(rule)) {
    segment.add_fields_used(field);
  }
  return segment;
}

// The counts a launch or trigger entry adds to the campaign's totals: members it placed before
// are not candidates again.
v1::AudienceSummary NewlyConsidered(v1::AudienceSummary summary) {
  summary.set_candidates(summary.candidates() - summary.already_placed());
  summary.set_already_placed(0);
  return summary;
}

}  // namespace

CampaignEngine::CampaignEngine(MySqlPool& pool, MemberCache& members, UpstreamServices* upstream,
                               const Clock& clock, CampaignEngineOptions options)
    : pool_(pool),
      members_(members),
      upstream_(upstream),
      clock_(clock),
      options_(std::move(options)) {}

TenantSettings CampaignEngine::DefaultSettings() const {
  TenantSettings settings;
  settings.caps = options_.default_caps;
  settings.currency = options_.default_currency;
  return settings;
}

SegmentContext CampaignEngine::Context(const std::string& currency) const {
  SegmentContext context;
  context.currency = currency;
  context.currency_exponent = validation::CurrencyExponent(currency);
  context.today = clock_.Now() / kMicrosPerDay;
  return context;
}

std::string CampaignEngine::TenantCurrency(sql::Connection& connection,
                                           const std::string& tenant_id) const {
  auto settings = SettingsStore::Find(connection, tenant_id, false);
  return settings ? settings->currency : options_.default_currency;
}

SegmentRule CampaignEngine::ParseRule(const std::string& rule, const std::string& currency,
                                      const std::string& field) const {
  SegmentResult<SegmentRule> parsed = ParseSegmentRule(rule, Context(currency));
  if (!parsed.ok()) {
    throw InvalidArgument(field, parsed.error().ToString());
  }
  return std::move(parsed.value());
}

SegmentRun CampaignEngine::Run(const std::string& tenant_id, const std::string& rule) {
  std::string currency;
  pool_.WithConnection(
      [&](sql::Connection& connection) { currency = TenantCurrency(connection, tenant_id); });
  const SegmentRule parsed = ParseRule(rule, currency, "rule");
  SegmentRun run;
  run.rule = ToString(parsed);
  run.currency = currency;
  run.program = SegmentProgram::Compile(parsed);
  run.snapshot = members_.Get(tenant_id);
  return run;
}

std::vector<size_t> CampaignEngine::Matching(const SegmentRun& run, size_t begin,
                                             size_t limit) const {
  std::vector<size_t> matches;
  const MemberSnapshot& snapshot = *run.snapshot;
  for (size_t i = begin; i < snapshot.members.size() && matches.size() < limit; ++i) {
    // Erased clients are never in a segment: nothing about them may be processed.
    if (snapshot.erased[i] == 0 && run.program.Matches(snapshot.members[i])) {
      matches.push_back(i);
    }
  }
  return matches;
}

// --- Segments -----------------------------------------------------------------------------

v1::Segment CampaignEngine::CreateSegment(const std::string& tenant_id, v1::Segment segment) {
  const UnixMicros now = clock_.Now();
  pool_.InTransaction([&](sql::Connection& connection) {
    const SegmentRule rule =
        ParseRule(segment.rule(), TenantCurrency(connection, tenant_id), "segment.rule");
    segment.set_rule(ToString(rule));
    if (SegmentStore::Find(connection, tenant_id, segment.segment_id(), false)) {
      throw AlreadyExists("segment " + segment.segment_id() + " already exists");
    }
    SegmentStore::Insert(connection, tenant_id, segment, now);
  });
  return GetSegment(tenant_id, segment.segment_id());
}

v1::Segment CampaignEngine::GetSegment(const std::string& tenant_id,
                                       const std::string& segment_id) {
  std::optional<v1::Segment> segment;
  std::string currency;
  pool_.WithConnection([&](sql::Connection& connection) {
    segment = SegmentStore::Find(connection, tenant_id, segment_id, false);
    currency = TenantCurrency(connection, tenant_id);
  });
  if (!segment) {
    throw NotFound("segment " + segment_id + " not found");
  }
  return WithFieldsUsed(*segment, ParseRule(segment->rule(), currency, "segment.rule"));
}

v1::Segment CampaignEngine::UpdateSegment(const std::string& tenant_id, v1::Segment segment,
                                          int64_t expected_version) {
  const UnixMicros now = clock_.Now();
  pool_.InTransaction([&](sql::Connection& connection) {
    const SegmentRule rule =
        ParseRule(segment.rule(), TenantCurrency(connection, tenant_id), "segment.rule");
    segment.set_rule(ToString(rule));
    auto stored = SegmentStore::Find(connection, tenant_id, segment.segment_id(), true);
    if (!stored) {
      throw NotFound("segment " + segment.segment_id() + " not found");
    }
    if (stored->version() != expected_version) {
      throw Conflict("segment " + segment.segment_id() + " is at version " +
                     std::to_string(stored->version()) + ", not " +
                     std::to_string(expected_version));
    }
    SegmentStore::Update(connection, tenant_id, segment, now);
  });
  return GetSegment(tenant_id, segment.segment_id());
}

std::vector<v1::Segment> CampaignEngine::ListSegments(const std::string& tenant_id,
                                                      const std::string& after_id, int limit) {
  std::vector<v1::Segment> segments;
  std::string currency;
  pool_.WithConnection([&](sql::Connection& connection) {
    segments = SegmentStore::List(connection, tenant_id, after_id, limit);
    currency = TenantCurrency(connection, tenant_id);
  });
  for (v1::Segment& segment : segments) {
    segment = WithFieldsUsed(segment, ParseRule(segment.rule(), currency, "segment.rule"));
  }
  return segments;
}

void CampaignEngine::DeleteSegment(const std::string& tenant_id, const std::string& segment_id) {
  pool_.InTransaction([&](sql::Connection& connection) {
    if (!SegmentStore::Find(connection, tenant_id, segment_id, true)) {
      throw NotFound("segment " + segment_id + " not found");
    }
    const int64_t open = CampaignStore::CountOpenForSegment(connection, tenant_id, segment_id);
    if (open > 0) {
      throw FailedPrecondition("segment " + segment_id + " is targeted by " + std::to_string(open) +
                               " draft, launched or paused campaign(s); complete them first");
    }
    SegmentStore::Delete(connection, tenant_id, segment_id);
  });
}

v1::SegmentPreview CampaignEngine::PreviewSegment(const std::string& tenant_id,
                                                  const std::string& segment_id,
                                                  const std::string& rule, int sample_size) {
  const std::string text = rule.empty() ? GetSegment(tenant_id, segment_id).rule() : rule;
  const SegmentRun run = Run(tenant_id, text);
  const MemberSnapshot& snapshot = *run.snapshot;
  const std::string& currency = run.currency;

  v1::SegmentPreview preview;
  preview.set_rule(run.rule);
  // Index 0 is "unspecified", listed last.
  std::array<int64_t, 4> members_by_tier{};
  std::array<int64_t, 4> revenue_by_tier{};
  int64_t revenue = 0;
  int64_t population = 0;
  for (size_t i = 0; i < snapshot.members.size(); ++i) {
    if (snapshot.erased[i] != 0) {
      continue;
    }
    ++population;
    const SegmentMember& member = snapshot.members[i];
    if (!run.program.Matches(member)) {
      continue;
    }
    const size_t tier = static_cast<size_t>(member.tier);
    ++members_by_tier[tier];
    revenue_by_tier[tier] += member.value_12m_minor;
    revenue += member.value_12m_minor;
    if (preview.sample_size() < sample_size) {
      *preview.add_sample() = Summarise(member, currency);
    }
  }
  preview.set_population(population);
  for (size_t tier : {1, 2, 3, 0}) {
    if (members_by_tier[tier] == 0) {
      continue;
    }
    v1::TierBreakdown& breakdown = *preview.add_tiers();
    breakdown.set_tier(TierName(static_cast<MemberTier>(tier)));
    breakdown.set_members(members_by_tier[tier]);
    *breakdown.mutable_revenue_12m() = Money(revenue_by_tier[tier], currency);
    preview.set_members(preview.members() + members_by_tier[tier]);
  }
  *preview.mutable_revenue_12m() = Money(revenue, currency);
  return preview;
}

void CampaignEngine::StreamSegmentMembers(
    const std::string& tenant_id, const std::string& segment_id, const std::string& after_client_id,
    int chunk_size, const std::function<bool(const v1::SegmentMembersChunk&)>& write) {
  const SegmentRun run = Run(tenant_id, GetSegment(tenant_id, segment_id).rule());
  const MemberSnapshot& snapshot = *run.snapshot;
  v1::SegmentMembersChunk chunk;
  for (size_t i = snapshot.UpperBound(after_client_id); i < snapshot.members.size(); ++i) {
    const SegmentMember& member = snapshot.members[i];
    if (snapshot.erased[i] != 0 || !run.program.Matches(member)) {
      continue;
    }
    *chunk.add_members() = Summarise(member, run.currency);
    if (chunk.members_size() == chunk_size) {
      chunk.set_resume_after(member.client_id);
      if (!write(chunk)) {
        return;
      }
      chunk.Clear();
    }
  }
  if (chunk.members_size() > 0) {
    chunk.set_resume_after(chunk.members(chunk.members_size() - 1).client_id());
    write(chunk);
  }
}

// --- Campaigns ----------------------------------------------------------------------------

v1::Campaign CampaignEngine::CreateCampaign(const std::string& tenant_id, v1::Campaign campaign) {
  const UnixMicros now = clock_.Now();
  pool_.InTransaction([&](sql::Connection& connection) {
    if (!SegmentStore::Find(connection, tenant_id, campaign.segment_id(), true)) {
      throw FailedPrecondition("campaign.segment_id: segment " + campaign.segment_id() +
                               " not found");
    }
    if (CampaignStore::Find(connection, tenant_id, campaign.campaign_id(), false)) {
      throw AlreadyExists("campaign " + campaign.campaign_id() + " already exists");
    }
    CampaignStore::Insert(connection, tenant_id, campaign, now);
  });
  return GetCampaign(tenant_id, campaign.campaign_id());
}

v1::Campaign CampaignEngine::GetCampaign(const std::string& tenant_id,
                                         const std::string& campaign_id) {
  std::optional<v1::Campaign> campaign;
  pool_.WithConnection([&](sql::Connection& connection) {
    campaign = CampaignStore::Find(connection, tenant_id, campaign_id, false);
  });
  if (!campaign) {
    throw NotFound("campaign " + campaign_id + " not found");
  }
  return *campaign;
}

std::vector<v1::Campaign> CampaignEngine::ListCampaigns(const std::string& tenant_id,
                                                        const std::string& after_id,
                                                        v1::CampaignState state, int limit) {
  std::vector<v1::Campaign> campaigns;
  pool_.WithConnection([&](sql::Connection& connection) {
    campaigns = CampaignStore::List(connection, tenant_id, after_id, state, limit);
  });
  return campaigns;
}

v1::AudienceSummary CampaignEngine::SimulateCampaign(const std::string& tenant_id,
                                                     const std::string& campaign_id) {
  const v1::Campaign campaign = GetCampaign(tenant_id, campaign_id);
  const SegmentRun run = Run(tenant_id, GetSegment(tenant_id, campaign.segment_id()).rule());
  const UnixMicros now = clock_.Now();
  AudienceInput input;
  input.campaign_id = campaign_id;
  input.channel = ToChannel(campaign.channel());
  input.holdout_bp = campaign.holdout_bp();
  input.contact_at = std::max(now, Micros(campaign.schedule().start_at()));
  std::unordered_map<std::string, std::vector<UnixMicros>> contacts;
  std::unordered_set<std::string> placed;
  pool_.WithConnection([&](sql::Connection& connection) {
    auto settings = SettingsStore::Find(connection, tenant_id, false);
    input.caps = settings ? settings->caps : options_.default_caps;
    contacts = CampaignStore::ContactsSince(connection, tenant_id,
                                            input.contact_at - LongestCapWindow(input.caps));
    placed = CampaignStore::PlacedClients(connection, tenant_id, campaign_id);
  });
  return PlanAudience(*run.snapshot, Matching(run, 0, SIZE_MAX), input, contacts, placed).summary;
}

v1::Campaign CampaignEngine::LaunchCampaign(const std::string& tenant_id,
                                            const std::string& campaign_id) {
  const UnixMicros now = clock_.Now();
  pool_.InTransaction([&](sql::Connection& connection) {
    // The settings row lock orders launches and trigger entries, so the caps see every
    // contact committed before this one.
    const TenantSettings settings =
        SettingsStore::LockOrCreate(connection, tenant_id, DefaultSettings(), now);
    auto campaign = CampaignStore::Find(connection, tenant_id, campaign_id, true);
    if (!campaign) {
      throw NotFound("campaign " + campaign_id + " not found");
    }
    if (campaign->state() == v1::CAMPAIGN_STATE_LAUNCHED) {
      return;  // a retry
    }
    CheckTransition(static_cast<CampaignState>(campaign->state()), CampaignState::kLaunched);
    if (now > Micros(campaign->schedule().end_at())) {
      throw FailedPrecondition("campaign " + campaign_id + ": its schedule ended at " +
                               FormatSqlDatetime(Micros(campaign->schedule().end_at())) + " UTC");
    }
    auto segment = SegmentStore::Find(connection, tenant_id, campaign->segment_id(), true);
    if (!segment) {
      throw FailedPrecondition("campaign " + campaign_id + ": segment " + campaign->segment_id() +
                               " no longer exists");
    }
    const SegmentRun run = Run(tenant_id, segment->rule());
    AudienceInput input;
    input.campaign_id = campaign_id;
    input.channel = ToChannel(campaign->channel());
    input.holdout_bp = campaign->holdout_bp();
    input.caps = settings.caps;
    input.contact_at = std::max(now, Micros(campaign->schedule().start_at()));
    const auto contacts = CampaignStore::ContactsSince(
        connection, tenant_id, input.contact_at - LongestCapWindow(input.caps));
    const auto placed = CampaignStore::PlacedClients(connection, tenant_id, campaign_id);
    const AudiencePlan plan =
        PlanAudience(*run.snapshot, Matching(run, 0, SIZE_MAX), input, contacts, placed);
    CampaignStore::Place(connection, tenant_id, campaign_id, campaign->channel(), plan.placements,
                         input.contact_at);
    CampaignStore::AddAudienceTotals(connection, tenant_id, campaign_id,
                                     NewlyConsidered(plan.summary));
    campaign->set_state(v1::CAMPAIGN_STATE_LAUNCHED);
    campaign->set_launched_rule(run.rule);
    *campaign->mutable_launched_at() = ToProtoTimestamp(now);
    CampaignStore::SaveState(connection, tenant_id, *campaign, now);
  });
  return GetCampaign(tenant_id, campaign_id);
}

v1::Campaign CampaignEngine::TransitionTo(const std::string& tenant_id,
                                          const std::string& campaign_id,
                                          v1::CampaignState target) {
  const UnixMicros now = clock_.Now();
  pool_.InTransaction([&](sql::Connection& connection) {
    auto campaign = CampaignStore::Find(connection, tenant_id, campaign_id, true);
    if (!campaign) {
      throw NotFound("campaign " + campaign_id + " not found");
    }
    if (campaign->state() == target) {
      return;  // a retry
    }
    CheckTransition(static_cast<CampaignState>(campaign->state()),
                    static_cast<CampaignState>(target));
    campaign->set_state(target);
    CampaignStore::SaveState(connection, tenant_id, *campaign, now);
  });
  return GetCampaign(tenant_id, campaign_id);
}

v1::Campaign CampaignEngine::PauseCampaign(const std::string& tenant_id,
                                           const std::string& campaign_id) {
  return TransitionTo(tenant_id, campaign_id, v1::CAMPAIGN_STATE_PAUSED);
}

v1::Campaign CampaignEngine::CompleteCampaign(const std::string& tenant_id,
                                              const std::string& campaign_id) {
  return TransitionTo(tenant_id, campaign_id, v1::CAMPAIGN_STATE_COMPLETED);
}

// --- Outcomes and reports -------------------------------------------------------------------

v1::RecordOutcomeResponse CampaignEngine::RecordOutcome(const std::string& tenant_id,
                                                        OutcomeRow outcome) {
  v1::RecordOutcomeResponse response;
  pool_.InTransaction([&](sql::Connection& connection) {
    auto campaign = CampaignStore::Find(connection, tenant_id, outcome.campaign_id, false);
    if (!campaign) {
      throw NotFound("campaign " + outcome.campaign_id + " not found");
    }
    if (campaign->state() == v1::CAMPAIGN_STATE_DRAFT ||
        campaign->state() == v1::CAMPAIGN_STATE_CANCELLED) {
      throw FailedPrecondition("campaign " + outcome.campaign_id + " was never launched");
    }
    const std::string currency = TenantCurrency(connection, tenant_id);
    if (outcome.currency.empty()) {
      outcome.currency = currency;  // no revenue given
    } else if (outcome.currency != currency) {
      throw InvalidArgument("revenue.currency", "must be the tenant's currency " + currency);
    }
    auto group =
        CampaignStore::FindPlacement(connection, tenant_id, outcome.campaign_id, outcome.client_id);
    if (!group) {
      throw FailedPrecondition("client " + outcome.client_id + " is not in campaign " +
                               outcome.campaign_id + "'s audience");
    }
    outcome.group = *group;
    response.set_group(*group);
    response.set_duplicate(!CampaignStore::InsertOutcome(connection, tenant_id, outcome));
  });
  return response;
}

v1::CampaignReport CampaignEngine::GetCampaignReport(const std::string& tenant_id,
                                                     const std::string& campaign_id) {
  const v1::Campaign campaign = GetCampaign(tenant_id, campaign_id);
  std::pair<GroupOutcome, GroupOutcome> groups;
  std::string currency;
  pool_.WithConnection([&](sql::Connection& connection) {
    groups = CampaignStore::GroupOutcomes(connection, tenant_id, campaign_id);
    currency = TenantCurrency(connection, tenant_id);
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

// --- Next best action -----------------------------------------------------------------------

v1::NextBestAction CampaignEngine::GetNextBestAction(const std::string& tenant_id,
                                                     const std::string& client_id) {
  std::optional<StoredMember> member;
  std::optional<UnixMicros> last_contact;
  pool_.WithConnection([&](sql::Connection& connection) {
    member = MemberStore::Find(connection, tenant_id, client_id);
    last_contact = CampaignStore::LastContact(connection, tenant_id, client_id);
  });
  if (!member || member->erased) {
    throw NotFound("client " + client_id + " is not known to campaign" +
                   (member ? " (erased)" : " (not synced or scored yet)"));
  }
  ClientSignals signals;
  if (member->score) {
    const sv1::Score& score = *member->score;
    signals.tier = ToPlaybookTier(score.tier());
    signals.lifecycle = ToPlaybookLifecycle(score.lifecycle());
    signals.churn_warning = score.churn_warning();
    signals.churn_reason = score.churn_reason();
    signals.propagation = ToPlaybookPropagation(score.propagation_tier());
    signals.p_alive = score.clv().p_alive();
  }
  if (member->profile) {
    for (const pv1::Tag& tag : member->profile->tags()) {
      if (tag.kind() == pv1::TAG_KIND_INTEREST) {
        signals.interest_tags.push_back(tag.value());
      }
    }
    signals.has_marketing_consent = ToConsentBits(*member->profile).AnyGranted();
  }
  if (last_contact) {
    signals.days_since_last_contact = (clock_.Now() - *last_contact) / kMicrosPerDay;
  }
  // Only the growth play reads purchases, so only it pays for the call.
  bool purchases_unknown = false;
  if (signals.lifecycle == Lifecycle::kGrowth && !signals.interest_tags.empty()) {
    auto bought =
        upstream_ != nullptr ? upstream_->BoughtCategories(tenant_id, client_id) : std::nullopt;
    purchases_unknown = !bought;
    signals.bought_categories = bought.value_or(std::vector<std::string>{});
  }
  const NextBestAction decided = DecideNextBestAction(signals);
  v1::NextBestAction action;
  action.set_client_id(client_id);
  action.set_action(Name(decided.action));
  action.set_reason(decided.reason);
  for (const Evidence& evidence : decided.evidence) {
    v1::Evidence& out = *action.add_evidence();
    out.set_key(evidence.key);
    out.set_value(evidence.value);
  }
  if (purchases_unknown) {
    v1::Evidence& out = *action.add_evidence();
    out.set_key("bought_categories");
    out.set_value("unknown: client-profile did not answer in time");
  }
  return action;
}

// --- Settings -------------------------------------------------------------------------------

TenantSettings CampaignEngine::GetSettings(const std::string& tenant_id) {
  std::optional<TenantSettings> settings;
  pool_.WithConnection([&](sql::Connection& connection) {
    settings = SettingsStore::Find(connection, tenant_id, false);
  });
  return settings ? *settings : DefaultSettings();
}

TenantSettings CampaignEngine::PutSettings(const std::string& tenant_id, TenantSettings settings,
                                           int64_t expected_version) {
  const UnixMicros now = clock_.Now();
  pool_.InTransaction([&](sql::Connection& connection) {
    const TenantSettings current =
        SettingsStore::LockOrCreate(connection, tenant_id, DefaultSettings(), now);
    if (current.version != expected_version) {
      throw Conflict("campaign settings are at version " + std::to_string(current.version) +
                     ", not " + std::to_string(expected_version));
    }
    if (current.version > 0 && settings.currency != current.currency) {
      throw FailedPrecondition("settings.currency: is " + current.currency +
                               " and cannot change once set (saved rules and outcomes use it)");
    }
    auto check_trigger = [&](const std::string& campaign_id, v1::CampaignTrigger trigger,
                             const char* field) {
      if (campaign_id.empty()) {
        return;
      }
      auto campaign = CampaignStore::Find(connection, tenant_id, campaign_id, false);
      if (!campaign) {
        throw FailedPrecondition(std::string(field) + ": campaign " + campaign_id + " not found");
      }
      if (campaign->trigger() != trigger) {
        throw FailedPrecondition(std::string(field) + ": campaign " + campaign_id +
                                 " does not have trigger " + v1::CampaignTrigger_Name(trigger));
      }
    };
    check_trigger(settings.welcome_campaign_id, v1::CAMPAIGN_TRIGGER_WELCOME_T1,
                  "settings.welcome_campaign_id");
    check_trigger(settings.retention_campaign_id, v1::CAMPAIGN_TRIGGER_CHURN_WARNING,
                  "settings.retention_campaign_id");
    settings.version = current.version + 1;
    SettingsStore::Save(connection, tenant_id, settings, now);
  });
  return settings;
}

// --- Members --------------------------------------------------------------------------------

v1::SyncMembersResponse CampaignEngine::SyncMembers(const std::string& tenant_id) {
  if (upstream_ == nullptr) {
    throw FailedPrecondition("SyncMembers needs --scoring-address and --profile-address");
  }
  v1::SyncMembersResponse response;
  response.set_scores(upstream_->StreamScores(tenant_id, [&](std::vector<sv1::Score>& scores) {
    pool_.InTransaction([&](sql::Connection& connection) {
      const int64_t revision = MemberStore::NextRevision(connection, tenant_id);
      MemberStore::SaveScores(connection, tenant_id, scores, revision, clock_.Now());
    });
  }));
  response.set_clients(upstream_->ExportClients(tenant_id, [&](std::vector<pv1::Client>& clients) {
    std::vector<pv1::Client> kept;
    std::vector<std::string> erased;
    for (const pv1::Client& client : clients) {
      if (client.erased()) {
        erased.push_back(client.client_id());
      } else {
        kept.push_back(WithoutContactDetails(client));
      }
    }
    pool_.InTransaction([&](sql::Connection& connection) {
      const UnixMicros now = clock_.Now();
      const int64_t revision = MemberStore::NextRevision(connection, tenant_id);
      MemberStore::SaveProfiles(connection, tenant_id, kept, revision, now);
      for (const std::string& client_id : erased) {
        MemberStore::MarkErased(connection, tenant_id, client_id, revision, now);
      }
    });
  }));
  response.set_members(static_cast<int64_t>(members_.Get(tenant_id)->members.size()));
  return response;
}

int CampaignEngine::ApplyProfileEvents(const std::vector<pv1::ProfileEvent>& events) {
  // Only these change what campaign keeps; transactions and interactions reach campaign
  // through scoring's scores.
  std::vector<const pv1::ProfileEvent*> relevant;
  for (const pv1::ProfileEvent& event : events) {
    if (event.has_client_created() || event.has_client_updated() || event.has_client_erased()) {
      relevant.push_back(&event);
    }
  }
  if (relevant.empty()) {
    return 0;
  }
  int applied = 0;
  const UnixMicros now = clock_.Now();
  pool_.InTransaction([&](sql::Connection& connection) {
    applied = 0;
    std::vector<std::pair<std::string, std::string>> ids;
    for (const pv1::ProfileEvent* event : relevant) {
      ids.emplace_back(event->event_id(), event->tenant_id());
    }
    const std::vector<bool> fresh = MarkEventsProcessed(connection, ids, now);
    std::map<std::string, std::pair<std::vector<pv1::Client>, std::vector<std::string>>> by_tenant;
    for (size_t i = 0; i < relevant.size(); ++i) {
      if (!fresh[i]) {
        continue;
      }
      ++applied;
      const pv1::ProfileEvent& event = *relevant[i];
      auto& [profiles, erased] = by_tenant[event.tenant_id()];
      if (event.has_client_erased()) {
        erased.push_back(event.client_erased().client_id());
      } else {
        profiles.push_back(WithoutContactDetails(event.has_client_created()
                                                     ? event.client_created().client()
                                                     : event.client_updated().client()));
      }
    }
    for (const auto& [tenant_id, changes] : by_tenant) {
      const int64_t revision = MemberStore::NextRevision(connection, tenant_id);
      // Profiles first: an erasure is final, and the tombstone keeps later copies out.
      MemberStore::SaveProfiles(connection, tenant_id, changes.first, revision, now);
      for (const std::string& client_id : changes.second) {
        MemberStore::MarkErased(connection, tenant_id, client_id, revision, now);
      }
    }
  });
  return applied;
}

bool CampaignEngine::ApplyProfileEvent(const pv1::ProfileEvent& event) {
  return ApplyProfileEvents({event}) == 1;
}

int CampaignEngine::ApplyScoringEvents(const std::vector<sv1::ScoringEvent>& events) {
  int applied = 0;
  const UnixMicros now = clock_.Now();
  pool_.InTransaction([&](sql::Connection& connection) {
    applied = 0;
    std::vector<std::pair<std::string, std::string>> ids;
    for (const sv1::ScoringEvent& event : events) {
      ids.emplace_back(event.event_id(), event.tenant_id());
    }
    const std::vector<bool> fresh = MarkEventsProcessed(connection, ids, now);
    std::map<std::string, std::vector<const sv1::ScoringEvent*>> by_tenant;
    for (size_t i = 0; i < events.size(); ++i) {
      if (fresh[i] && (events[i].has_tier_changed() || events[i].has_churn_warning())) {
        by_tenant[events[i].tenant_id()].push_back(&events[i]);
      }
      applied += fresh[i] ? 1 : 0;
    }
    for (const auto& [tenant_id, tenant_events] : by_tenant) {
      std::vector<sv1::Score> scores;
      for (const sv1::ScoringEvent* event : tenant_events) {
        scores.push_back(event->has_tier_changed() ? event->tier_changed().score()
                                                   : event->churn_warning().score());
      }
      const int64_t revision = MemberStore::NextRevision(connection, tenant_id);
      MemberStore::SaveScores(connection, tenant_id, scores, revision, now);

      std::optional<TenantSettings> settings;
      for (const sv1::ScoringEvent* event : tenant_events) {
        const bool to_t1 = event->has_tier_changed() &&
                           event->tier_changed().change().to_tier() == sv1::TIER_T1 &&
                           event->tier_changed().change().from_tier() != sv1::TIER_T1;
        if (!to_t1 && !event->has_churn_warning()) {
          continue;
        }
        if (!settings) {
          settings = SettingsStore::LockOrCreate(connection, tenant_id, DefaultSettings(), now);
        }
        if (to_t1 && !settings->welcome_campaign_id.empty()) {
          EnterTrigger(connection, tenant_id, settings->welcome_campaign_id,
                       v1::CAMPAIGN_TRIGGER_WELCOME_T1, settings->caps,
                       event->tier_changed().score());
        }
        if (event->has_churn_warning() && !settings->retention_campaign_id.empty()) {
          EnterTrigger(connection, tenant_id, settings->retention_campaign_id,
                       v1::CAMPAIGN_TRIGGER_CHURN_WARNING, settings->caps,
                       event->churn_warning().score());
        }
      }
    }
  });
  return applied;
}

bool CampaignEngine::ApplyScoringEvent(const sv1::ScoringEvent& event) {
  return ApplyScoringEvents({event}) == 1;
}

void CampaignEngine::EnterTrigger(sql::Connection& connection, const std::string& tenant_id,
                                  const std::string& campaign_id, v1::CampaignTrigger trigger,
                                  const std::vector<CapRule>& caps, const sv1::Score& score) {
  const UnixMicros now = clock_.Now();
  auto campaign = CampaignStore::Find(connection, tenant_id, campaign_id, false);
  if (!campaign || campaign->state() != v1::CAMPAIGN_STATE_LAUNCHED ||
      campaign->trigger() != trigger || now < Micros(campaign->schedule().start_at()) ||
      now > Micros(campaign->schedule().end_at())) {
    return;
  }
  const std::string& client_id = score.client_id();
  if (CampaignStore::FindPlacement(connection, tenant_id, campaign_id, client_id)) {
    return;
  }
  // The member as it is now: this event's score (saved above) and the stored profile.
  auto stored = MemberStore::Find(connection, tenant_id, client_id);
  MemberSnapshot one;
  one.members.push_back(
      ToSegmentMember(client_id, &score, stored && stored->profile ? &*stored->profile : nullptr));
  one.consents.push_back(stored && stored->profile ? ToConsentBits(*stored->profile)
                                                   : ConsentBits{});
  one.erased.push_back(stored && stored->erased ? 1 : 0);
  const SegmentRule rule =
      ParseRule(campaign->launched_rule(), TenantCurrency(connection, tenant_id), "launched_rule");
  if (!SegmentProgram::Compile(rule).Matches(one.members.front())) {
    return;
  }
  AudienceInput input;
  input.campaign_id = campaign_id;
  input.channel = ToChannel(campaign->channel());
  input.holdout_bp = campaign->holdout_bp();
  input.caps = caps;
  input.contact_at = now;
  std::unordered_map<std::string, std::vector<UnixMicros>> contacts;
  contacts[client_id] = CampaignStore::ClientContactsSince(connection, tenant_id, client_id,
                                                           now - LongestCapWindow(input.caps));
  const AudiencePlan plan = PlanAudience(one, {0}, input, contacts, {});
  CampaignStore::Place(connection, tenant_id, campaign_id, campaign->channel(), plan.placements,
                       now);
  CampaignStore::AddAudienceTotals(connection, tenant_id, campaign_id, plan.summary);
}

}  // namespace clienttier::campaign
