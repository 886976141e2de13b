#include "services/campaign/app/segment_runner.h"

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

SegmentRule SegmentRunner::ParseRule(const std::string& rule, const std::string& currency,
                                     const std::string& field) const {
  SegmentResult<SegmentRule> parsed = ParseSegmentRule(rule, Context(currency));
  if (!parsed.ok()) {
    throw InvalidArgument(field, parsed.error().ToString());
  }
  return std::move(parsed.value());
}

SegmentRun SegmentRunner::Run(const std::string& tenant_id, const std::string& rule) {
  std::string currency;
  transactions_.Read(
      [&](Transaction& transaction) { currency = TenantCurrency(transaction, tenant_id); });
  return Compile(tenant_id, rule, currency);
}

SegmentRun SegmentRunner::Run(Transaction& transaction, const std::string& tenant_id,
                              const std::string& rule) {
  return Compile(tenant_id, rule, TenantCurrency(transaction, tenant_id));
}

SegmentRun SegmentRunner::Compile(const std::string& tenant_id, const std::string& rule,
                                  const std::string& currency) {
  const SegmentRule parsed = ParseRule(rule, currency, "rule");
  SegmentRun run;
  run.rule = ToString(parsed);
  run.currency = currency;
  run.program = SegmentProgram::Compile(parsed);
  run.snapshot = members_.Get(tenant_id);
  return run;
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
