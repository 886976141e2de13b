// Property: a scoring config PutScoringConfig accepts can never take scoring down. Seeded random
// configs (sane values mixed with hostile ones: int32 extremes, NaN, just past each bound) either
// fail validation or rescore 10,000 clients within a bounded time and without a huge allocation.
// An unbounded clv.horizon_months once made every rescore allocate gigabytes (issue 19, part 3).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <new>
#include <random>
#include <string>
#include <vector>

#include "common/errors/domain_error.h"
#include "services/scoring/scoring_mapping.h"
#include "tests/support/scoring/fake_scoring_world.h"

namespace {

// Allocations above this are refused (std::bad_alloc) instead of being attempted, so a
// poisonous config fails this test instead of the machine running out of memory.
constexpr std::size_t kRefusedAllocationBytes = std::size_t{256} << 20;
std::atomic<std::size_t> largest_allocation{0};

void* Allocate(std::size_t size) {
  if (size > kRefusedAllocationBytes) {
    throw std::bad_alloc();
  }
  std::size_t seen = largest_allocation.load(std::memory_order_relaxed);
  while (size > seen && !largest_allocation.compare_exchange_weak(seen, size)) {
  }
  if (void* memory = std::malloc(size == 0 ? 1 : size)) {
    return memory;
  }
  throw std::bad_alloc();
}

}  // namespace

// Replaced for this test binary only: records the largest single allocation.
void* operator new(std::size_t size) { return Allocate(size); }
void* operator new[](std::size_t size) { return Allocate(size); }
void operator delete(void* memory) noexcept { std::free(memory); }
void operator delete[](void* memory) noexcept { std::free(memory); }
void operator delete(void* memory, std::size_t /*size*/) noexcept { std::free(memory); }
void operator delete[](void* memory, std::size_t /*size*/) noexcept { std::free(memory); }

namespace clienttier::scoring {
namespace {

using testing::FakeScoringWorld;

constexpr char kTenant[] = "t1";
constexpr int kClients = 10'000;
constexpr int kConfigs = 400;
// Rescores are the slow part: every accepted config is rescored up to this many times, the
// accepted ones spread over the whole seed sequence.
constexpr int kMaxRescores = 8;
// Generous next to the ~1 s a rescore of 10,000 clients takes over the fakes at the largest
// horizon; a poisonous config takes minutes or gigabytes.
constexpr double kMaxRescoreSeconds = 20.0;
// No single buffer of a rescore may come near this (10,000 scores are a few MB in all).
constexpr std::size_t kMaxSingleAllocationBytes = std::size_t{64} << 20;

// One numeric field's value: mostly sane (the default, a value inside the documented range or
// the range's edge), sometimes hostile.
class ValuePicker {
 public:
  explicit ValuePicker(std::uint32_t seed) : random_(seed) {}

  int32_t Int(int32_t default_value, int32_t low, int32_t high) {
    switch (Pick(10)) {
      case 0:
        return Hostile(low, high);
      case 1:
        return high;
      case 2:
        return low;
      case 3:
      case 4:
        return default_value;
      default:
        return std::uniform_int_distribution<int32_t>(low, high)(random_);
    }
  }

  double Real(double default_value, double low, double high) {
    switch (Pick(10)) {
      case 0: {
        const double hostile[] = {std::nan(""),
                                  std::numeric_limits<double>::infinity(),
                                  -std::numeric_limits<double>::infinity(),
                                  1e308,
                                  -1e308,
                                  high + 1.0,
                                  low - 1.0,
                                  std::numeric_limits<double>::denorm_min()};
        return hostile[Pick(sizeof(hostile) / sizeof(hostile[0]))];
      }
      case 1:
        return high;
      case 2:
        return low;
      case 3:
      case 4:
        return default_value;
      default:
        return std::uniform_real_distribution<double>(low, high)(random_);
    }
  }

  int Pick(int choices) { return std::uniform_int_distribution<int>(0, choices - 1)(random_); }

 private:
  int32_t Hostile(int32_t low, int32_t high) {
    const int32_t hostile[] = {std::numeric_limits<int32_t>::max(),
                               std::numeric_limits<int32_t>::min(),
                               0,
                               -1,
                               high == std::numeric_limits<int32_t>::max() ? high : high + 1,
                               low == std::numeric_limits<int32_t>::min() ? low : low - 1,
                               1'000'000};
    return hostile[Pick(sizeof(hostile) / sizeof(hostile[0]))];
  }

  std::mt19937 random_;
};

// Every numeric field of the wire config, drawn around the ranges the proto documents (the
// dependent ones drawn so a sane draw satisfies the cross-field rules).
v1::ScoringConfig RandomConfig(std::uint32_t seed) {
  ValuePicker pick(seed);
  v1::ScoringConfig config;
  auto* rfm = config.mutable_rfm();
  const int32_t windows[] = {30, 90, 365};
  rfm->set_window_days(pick.Pick(20) == 0 ? pick.Int(365, 1, 400) : windows[pick.Pick(3)]);
  rfm->set_bins(pick.Int(5, 4, 5));
  if (pick.Pick(4) == 0) {
    // Ascending cuts, now and then far past their bounds.
    const int64_t factor = pick.Pick(10) == 0 ? 1'000'000'000'000 : 1;
    const int64_t scale = std::int64_t{1} << (2 * pick.Pick(4));
    for (int64_t i = 1; i < rfm->bins(); ++i) {
      rfm->add_recency_cuts_days(i * 30 * scale * factor);
      rfm->add_frequency_cuts(i * scale * factor);
      rfm->add_monetary_cuts_minor(i * 100'000 * scale * factor);
    }
  }
  auto* spend = config.mutable_spend_tier();
  spend->set_basic_max_monthly_minor(pick.Int(30'000, 1, 1'000'000));
  spend->set_growth_max_monthly_minor(spend->basic_max_monthly_minor() +
                                      pick.Int(70'000, 1, 1'000'000'000));
  auto* depth = config.mutable_need_depth();
  depth->set_moderate_min_sessions(pick.Int(2, 2, 1'000));
  depth->set_deep_min_sessions(depth->moderate_min_sessions() + pick.Int(2, 1, 9'000));
  depth->set_deep_min_active_months(pick.Int(3, 1, 240));
  auto* lifecycle = config.mutable_lifecycle();
  lifecycle->set_onboarding_months(pick.Int(3, 1, 120));
  lifecycle->set_growth_months(lifecycle->onboarding_months() + pick.Int(9, 0, 120));
  lifecycle->set_dormant_days(pick.Int(90, 1, 3'650));
  lifecycle->set_churned_days(lifecycle->dormant_days() + pick.Int(275, 1, 3'650));
  lifecycle->set_churned_p_alive(pick.Real(0.2, 0.0, 0.99));
  config.mutable_propagation()->set_spreader_min_converted(pick.Int(3, 1, 1'000));
  auto* clv = config.mutable_clv();
  clv->set_horizon_months(pick.Int(12, 1, 120));
  clv->set_monthly_discount_rate(pick.Real(0.01, 0.0, 0.2));
  clv->set_min_clients_to_fit(pick.Int(100, 1, 10'000'000));
  clv->set_min_repeat_buyers_to_fit(pick.Int(30, 1, 100));
  auto* quadrant = config.mutable_quadrant();
  quadrant->set_value_percentile(pick.Real(50.0, 1.0, 99.0));
  quadrant->set_potential_percentile(pick.Real(50.0, 1.0, 99.0));
  auto* composite = config.mutable_composite();
  const double consumption = pick.Real(0.6, 0.0, 1.0);
  composite->set_consumption_weight(consumption);
  composite->set_need_depth_weight(pick.Pick(10) == 0 ? pick.Real(0.25, 0.0, 1.0)
                                                      : (1.0 - consumption) / 2.0);
  composite->set_propagation_weight(1.0 - consumption - (1.0 - consumption) / 2.0);
  auto* tiers = config.mutable_tiers();
  tiers->set_t2_min_score(pick.Real(40.0, 1.0, 60.0));
  tiers->set_t1_min_score(tiers->t2_min_score() + pick.Real(30.0, 1.0, 40.0));
  tiers->set_demotion_margin(pick.Real(5.0, 0.0, 99.0));
  tiers->set_demotion_grace_days(pick.Int(30, 0, 730));
  auto* warning = config.mutable_churn_warning();
  warning->set_p_alive_below(pick.Real(0.3, 0.01, 0.99));
  warning->set_inactive_days(pick.Int(60, 1, 3'650));
  return config;
}

// The scoring side of PutScoringConfig's validation (what the handler calls before storing).
bool Accepted(const v1::ScoringConfig& config) {
  try {
    ValidateConfigProto(config);
    return true;
  } catch (const DomainError& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kInvalid);
    return false;
  }
}

// A usable fitted model, so rescores take the BG/NBD + Gamma-Gamma path (the heuristic is taken
// without one).
v1::ClvModel UsableModel() {
  v1::ClvModel model;
  auto add = [](v1::ModelFit* fit, const char* name, double value) {
    auto* parameter = fit->add_parameters();
    parameter->set_name(name);
    parameter->set_value(value);
  };
  model.mutable_bg_nbd()->set_converged(true);
  model.mutable_bg_nbd()->set_status("converged");
  add(model.mutable_bg_nbd(), "r", 0.24);
  add(model.mutable_bg_nbd(), "alpha", 4.41);
  add(model.mutable_bg_nbd(), "a", 0.79);
  add(model.mutable_bg_nbd(), "b", 2.43);
  model.mutable_gamma_gamma()->set_converged(true);
  model.mutable_gamma_gamma()->set_status("converged");
  add(model.mutable_gamma_gamma(), "p", 6.25);
  add(model.mutable_gamma_gamma(), "q", 3.74);
  add(model.mutable_gamma_gamma(), "gamma", 15.44);
  model.set_usable(true);
  return model;
}

class ScoringConfigPropertyTest : public ::testing::Test {
 protected:
  // 10,000 clients of varied history: 1 to 12 purchase days, recent to years ago.
  static void AddClients(FakeScoringWorld& world) {
    for (int i = 0; i < kClients; ++i) {
      char id[16];
      std::snprintf(id, sizeof(id), "c%05d", i);
      world.aggregates.AddBuyer(kTenant, id, 1 + i % 12, 1'000 + 37 * (i % 500),
                                FakeScoringWorld::kToday - (i * 7) % 1'500, 5 + i % 60);
    }
  }

  struct Run {
    int64_t scored = 0;
    double seconds = 0.0;
    std::size_t largest_allocation = 0;
    std::string error;
  };

  // PutScoringConfig as an admin would, then a full BatchRescore with fresh population stats.
  static Run PutAndRescore(const v1::ScoringConfig& config, bool with_model) {
    FakeScoringWorld world;
    AddClients(world);
    if (with_model) {
      world.versions.models[kTenant].push_back(UsableModel());
    }
    Run run;
    largest_allocation.store(0);
    const auto start = std::chrono::steady_clock::now();
    try {
      world.admin.PutScoringConfig(kTenant, config, 0, "admin");
      v1::BatchRescoreRequest request;
      request.set_refresh_population(true);
      world.jobs.BatchRescore(kTenant, request, [&](const v1::BatchRescoreProgress& progress) {
        run.scored = progress.scored();
        return true;
      });
    } catch (const std::exception& error) {
      run.error = error.what();
    }
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    run.largest_allocation = largest_allocation.load();
    return run;
  }

  static void ExpectBounded(const Run& run, const std::string& what) {
    EXPECT_EQ(run.error, "") << what;
    EXPECT_EQ(run.scored, kClients) << what;
    EXPECT_LT(run.seconds, kMaxRescoreSeconds) << what;
    EXPECT_LT(run.largest_allocation, kMaxSingleAllocationBytes) << what;
  }
};

TEST_F(ScoringConfigPropertyTest, RandomConfigsAreRefusedOrRescoreTenThousandClientsBounded) {
  std::vector<std::uint32_t> accepted;
  int refused = 0;
  for (std::uint32_t seed = 1; seed <= kConfigs; ++seed) {
    if (Accepted(RandomConfig(seed))) {
      accepted.push_back(seed);
    } else {
      ++refused;
    }
  }
  // Both outcomes must be exercised, or the generator is not testing the property.
  ASSERT_GE(accepted.size(), static_cast<std::size_t>(kMaxRescores));
  ASSERT_GT(refused, kConfigs / 4);
  const std::size_t stride = accepted.size() / kMaxRescores;
  for (int i = 0; i < kMaxRescores; ++i) {
    const std::uint32_t seed = accepted[static_cast<std::size_t>(i) * stride];
    const v1::ScoringConfig config = RandomConfig(seed);
    ExpectBounded(PutAndRescore(config, i % 2 == 0),
                  "seed " + std::to_string(seed) + ": " + config.ShortDebugString());
  }
}

TEST_F(ScoringConfigPropertyTest, EveryAcceptedRandomHorizonIsAtMostTenYears) {
  // The CLV projection loops (and sizes its buffers) once per horizon month.
  for (std::uint32_t seed = 1; seed <= kConfigs; ++seed) {
    const v1::ScoringConfig config = RandomConfig(seed);
    if (Accepted(config)) {
      EXPECT_LE(config.clv().horizon_months(), kMaxClvHorizonMonths) << "seed " << seed;
      EXPECT_GE(config.clv().horizon_months(), 1) << "seed " << seed;
    }
  }
}

TEST_F(ScoringConfigPropertyTest, TheLargestAcceptedConfigRescoresBounded) {
  v1::ScoringConfig config = ConfigToProto(DefaultScoringConfig(), "");
  config.mutable_clv()->set_horizon_months(static_cast<int32_t>(kMaxClvHorizonMonths));
  config.mutable_clv()->set_monthly_discount_rate(kMaxMonthlyDiscountRate);
  config.mutable_clv()->set_min_clients_to_fit(static_cast<int32_t>(kMaxMinClientsToFit));
  config.mutable_lifecycle()->set_onboarding_months(static_cast<int32_t>(kMaxOnboardingMonths));
  config.mutable_lifecycle()->set_growth_months(static_cast<int32_t>(kMaxGrowthMonths));
  config.mutable_lifecycle()->set_dormant_days(static_cast<int32_t>(kMaxDormantDays));
  config.mutable_lifecycle()->set_churned_days(static_cast<int32_t>(kMaxChurnedDays));
  config.mutable_need_depth()->set_moderate_min_sessions(
      static_cast<int32_t>(kMaxModerateMinSessions));
  config.mutable_need_depth()->set_deep_min_sessions(static_cast<int32_t>(kMaxDeepMinSessions));
  config.mutable_need_depth()->set_deep_min_active_months(
      static_cast<int32_t>(kMaxDeepMinActiveMonths));
  config.mutable_tiers()->set_demotion_grace_days(static_cast<int32_t>(kMaxDemotionGraceDays));
  config.mutable_churn_warning()->set_inactive_days(
      static_cast<int32_t>(kMaxChurnWarningInactiveDays));
  config.mutable_propagation()->set_spreader_min_converted(
      static_cast<int32_t>(kMaxSpreaderMinConverted));
  ASSERT_TRUE(Accepted(config));
  ExpectBounded(PutAndRescore(config, true), "every bound at its maximum, fitted model");
  ExpectBounded(PutAndRescore(config, false), "every bound at its maximum, heuristic");
}

TEST_F(ScoringConfigPropertyTest, TheIssueHorizonIsRefusedNamingTheField) {
  v1::ScoringConfig config = ConfigToProto(DefaultScoringConfig(), "");
  config.mutable_clv()->set_horizon_months(std::numeric_limits<int32_t>::max());
  try {
    ValidateConfigProto(config);
    FAIL() << "horizon_months 2147483647 was accepted";
  } catch (const DomainError& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kInvalid);
    EXPECT_NE(std::string(error.what()).find("config.clv.horizon_months: must be at most 120"),
              std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace clienttier::scoring
