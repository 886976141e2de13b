#include "services/campaign/app/segment_use_cases.h"

#include <array>
#include <optional>

#include "common/errors/domain_error.h"
#include "services/campaign/app/proto_values.h"
#include "services/campaign/domain/member_mapping.h"

namespace clienttier::campaign {

namespace {

v1::MemberSummary Summarise(const SegmentMember& member, const std::string& currency) {
  v1::MemberSummary summary;
  summary.set_client_id(member.client_id);
  summary.set_tier(TierName(member.tier));
  summary.set_score(member.score);
  *summary.mutable_clv_12m() = Money(member.clv_12m_minor, currency);
  summary.set_lifecycle(LifecycleName(member.lifecycle));
  return summary;
}

v1::Segment WithFieldsUsed(v1::Segment segment, const SegmentRule& rule) {
  segment.clear_fields_used();
  for (const std::string& field : FieldsUsed(rule)) {
    segment.add_fields_used(field);
  }
  return segment;
}

}  // namespace

v1::Segment SegmentUseCases::Create(const std::string& tenant_id, v1::Segment segment) {
  const UnixMicros now = clock_.Now();
  transactions_.InTransaction([&](Transaction& transaction) {
    const TenantSettings settings = runner_.SettingsOf(transaction, tenant_id);
    const SegmentRule rule = runner_.ParseRule(segment.rule(), settings.currency, "segment.rule");
    runner_.AllowedSensitiveTags(tenant_id, rule, settings, "segment.rule");
    segment.set_rule(ToString(rule));
    if (segments_.Find(transaction, tenant_id, segment.segment_id(), false)) {
      throw AlreadyExists("segment " + segment.segment_id() + " already exists");
    }
    segments_.Insert(transaction, tenant_id, segment, now);
  });
  return Get(tenant_id, segment.segment_id());
}

v1::Segment SegmentUseCases::Get(const std::string& tenant_id, const std::string& segment_id) {
  std::optional<v1::Segment> segment;
  std::string currency;
  transactions_.Read([&](Transaction& transaction) {
    segment = segments_.Find(transaction, tenant_id, segment_id, false);
    currency = runner_.TenantCurrency(transaction, tenant_id);
  });
  if (!segment) {
    throw NotFound("segment " + segment_id + " not found");
  }
  return WithFieldsUsed(*segment, runner_.ParseRule(segment->rule(), currency, "segment.rule"));
}

v1::Segment SegmentUseCases::Update(const std::string& tenant_id, v1::Segment segment,
                                    int64_t expected_version) {
  const UnixMicros now = clock_.Now();
  transactions_.InTransaction([&](Transaction& transaction) {
    const TenantSettings settings = runner_.SettingsOf(transaction, tenant_id);
    const SegmentRule rule = runner_.ParseRule(segment.rule(), settings.currency, "segment.rule");
    runner_.AllowedSensitiveTags(tenant_id, rule, settings, "segment.rule");
    segment.set_rule(ToString(rule));
    auto stored = segments_.Find(transaction, tenant_id, segment.segment_id(), true);
    if (!stored) {
      throw NotFound("segment " + segment.segment_id() + " not found");
    }
    if (stored->version() != expected_version) {
      throw Conflict("segment " + segment.segment_id() + " is at version " +
                     std::to_string(stored->version()) + ", not " +
                     std::to_string(expected_version));
    }
    segments_.Update(transaction, tenant_id, segment, now);
  });
  return Get(tenant_id, segment.segment_id());
}

std::vector<v1::Segment> SegmentUseCases::List(const std::string& tenant_id,
                                               const std::string& after_id, int limit) {
  std::vector<v1::Segment> segments;
  std::string currency;
  transactions_.Read([&](Transaction& transaction) {
    segments = segments_.List(transaction, tenant_id, after_id, limit);
    currency = runner_.TenantCurrency(transaction, tenant_id);
  });
  for (v1::Segment& segment : segments) {
    segment = WithFieldsUsed(segment, runner_.ParseRule(segment.rule(), currency, "segment.rule"));
  }
  return segments;
}

void SegmentUseCases::Delete(const std::string& tenant_id, const std::string& segment_id) {
  transactions_.InTransaction([&](Transaction& transaction) {
    if (!segments_.Find(transaction, tenant_id, segment_id, true)) {
      throw NotFound("segment " + segment_id + " not found");
    }
    const int64_t open = campaigns_.CountOpenForSegment(transaction, tenant_id, segment_id);
    if (open > 0) {
      throw FailedPrecondition("segment " + segment_id + " is targeted by " + std::to_string(open) +
                               " draft, launched or paused campaign(s); complete them first");
    }
    segments_.Delete(transaction, tenant_id, segment_id);
  });
}

v1::SegmentPreview SegmentUseCases::Preview(const std::string& tenant_id,
                                            const std::string& segment_id, const std::string& rule,
                                            int sample_size) {
  const std::string text = rule.empty() ? Get(tenant_id, segment_id).rule() : rule;
  const SegmentRun run = runner_.Run(tenant_id, text);
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

void SegmentUseCases::StreamMembers(
    const std::string& tenant_id, const std::string& segment_id, const std::string& after_client_id,
    int chunk_size, const std::function<bool(const v1::SegmentMembersChunk&)>& write) {
  const SegmentRun run = runner_.Run(tenant_id, Get(tenant_id, segment_id).rule());
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

}  // namespace clienttier::campaign
