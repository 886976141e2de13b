#include "services/campaign/app/segment_runner.h"

#include <utility>

#include "common/errors/domain_error.h"
#include "common/validation/validation.h"

namespace clienttier::campaign {

TenantSettings SegmentRunner::DefaultSettings() const {
  TenantSettings settings;
  settings.caps = defaults_.caps;
  settings.currency = defaults_.currency;
  return settings;
}

SegmentContext SegmentRunner::Context(const std::string& currency) const {
  SegmentContext context;
  context.currency = currency;
  context.currency_exponent = validation::CurrencyExponent(currency);
  context.today = clock_.Now() / kMicrosPerDay;
  return context;
}

std::string SegmentRunner::TenantCurrency(Transaction& transaction, const std::string& tenant_id) {
  auto settings = settings_.Find(transaction, tenant_id, false);
  return settings ? settings->currency : defaults_.currency;
}

TenantSettings SegmentRunner::SettingsOf(Transaction& transaction, const std::string& tenant_id) {
  auto settings = settings_.Find(transaction, tenant_id, false);
  return settings ? *settings : DefaultSettings();
}

SegmentRule SegmentRunner::ParseRule(const std::string& rule, const std::string& currency,
                                     const std::string& field) const {
  SegmentResult<SegmentRule> parsed = ParseSegmentRule(rule, Context(currency));
  if (!parsed.ok()) {
    throw InvalidArgument(field, parsed.error().ToString());
  }
  return std::move(parsed.value());
}

SegmentRun SegmentRunner::Run(const std::string& tenant_id, const std::string& rule) {
  TenantSettings settings;
  transactions_.Read(
      [&](Transaction& transaction) { settings = SettingsOf(transaction, tenant_id); });
  return Compile(tenant_id, rule, settings);
}

SegmentRun SegmentRunner::Run(Transaction& transaction, const std::string& tenant_id,
                              const std::string& rule) {
  return Compile(tenant_id, rule, SettingsOf(transaction, tenant_id));
}

SegmentRun SegmentRunner::Compile(const std::string& tenant_id, const std::string& rule,
                                  const TenantSettings& settings) {
  const SegmentRule parsed = ParseRule(rule, settings.currency, "rule");
  SegmentRun run;
  run.rule = ToString(parsed);
  run.currency = settings.currency;
  run.snapshot = members_.Get(tenant_id);
  run.program = SegmentProgram::Compile(
      parsed, SegmentGate(AllowedSensitiveTags(*run.snapshot, parsed, settings, "rule"),
                          settings.sensitive));
  return run;
}

std::vector<std::string> SegmentRunner::AllowedSensitiveTags(const std::string& tenant_id,
                                                             const SegmentRule& rule,
                                                             const TenantSettings& settings,
                                                             const std::string& field) {
  return AllowedSensitiveTags(*members_.Get(tenant_id), rule, settings, field);
}

std::vector<std::string> SegmentRunner::AllowedSensitiveTags(const MemberSnapshot& snapshot,
                                                             const SegmentRule& rule,
                                                             const TenantSettings& settings,
                                                             const std::string& field) {
  std::vector<std::string> sensitive =
      SensitiveTagsNamed(rule, settings.sensitive, snapshot.members);
  if (!sensitive.empty() && ConsentMask(settings.sensitive.segment_consent) == 0) {
    // Health data is never a marketing criterion without the client's separate consent.
    throw FailedPrecondition(field + ": has_tag(\"" + sensitive.front() + "\") in rule " +
                             ToString(rule) +
                             " names a sensitive tag (a concern, or marked sensitive by the"
                             " tenant); segments, audiences and exports may use it only under"
                             " the client consent chosen in the campaign settings'"
                             " segment_sensitive_consent, which is not set");
  }
  return sensitive;
}

std::vector<size_t> SegmentRunner::Matching(const SegmentRun& run, size_t begin, size_t limit) {
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

}  // namespace clienttier::campaign
