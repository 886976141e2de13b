// Parameter recovery: simulate a tenant from known BG/NBD and Gamma-Gamma parameters in
// continuous time, report it in whole days as the service does, fit, compare.
//
// Parameter choice. Whole days bias the BG/NBD fit: two purchases on one day are one occasion,
// and a purchase later on the first day is lost, so heavy buyers look slower. The bias in alpha
// is roughly (r + 1) / alpha, the purchase-weighted daily rate: ~4-5% with CDNOW's r = 0.24,
// alpha = 30.87 days (checked on 10^6 clients). r = 3, alpha = 200 days keeps it near 2% while
// giving ~5 purchases a year; a = 0.5, b = 2 makes dropout visible within 1-3 years so a and b
// are identified. With 20,000 clients the standard errors are ~2% (r, alpha, p, q), ~2.5-4%
// (a, b, gamma), so 10% is about 3 standard errors beyond the bias. Gamma-Gamma uses p = 1.5,
// q = 4 (more within-client spread than CDNOW's p = 6.25, which at this size leaves p and gamma
// ~6% uncertain) and gamma = 10,000 minor units (mean spend 5,000).

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "services/scoring/domain/bg_nbd.h"
#include "services/scoring/domain/clv.h"
#include "services/scoring/domain/gamma_gamma.h"

namespace clienttier::scoring {
namespace {

const BgNbdParams kTrueBgNbd{3.0, 200.0, 0.5, 2.0};
const GammaGammaParams kTrueGammaGamma{1.5, 4.0, 10000.0};
constexpr int kClients = 20000;
constexpr double kHoldoutDays = 365.0;

struct SimulatedClient {
  RepeatSummary history;
  SpendSummary spend;
  double holdout_purchase_days = 0.0;  // distinct purchase days in (T, T + 365]
};

std::vector<SimulatedClient> SimulateTenant(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::gamma_distribution<double> rate_draw(kTrueBgNbd.r, 1.0 / kTrueBgNbd.alpha);
  std::gamma_distribution<double> beta_a(kTrueBgNbd.a, 1.0);
  std::gamma_distribution<double> beta_b(kTrueBgNbd.b, 1.0);
  std::gamma_distribution<double> nu_draw(kTrueGammaGamma.q, 1.0 / kTrueGammaGamma.gamma);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::uniform_int_distribution<int> horizon_draw(365, 1095);
  std::vector<SimulatedClient> tenant;
  tenant.reserve(kClients);
  for (int i = 0; i < kClients; ++i) {
    const double lambda = rate_draw(rng);
    const double u = beta_a(rng);
    const double dropout = u / (u + beta_b(rng));
    std::gamma_distribution<double> spend_draw(kTrueGammaGamma.p, 1.0 / nu_draw(rng));
    std::exponential_distribution<double> gap(lambda);
    const int T = horizon_draw(rng);
    // Day 0 is the first purchase day; the first purchase falls somewhere within it.
    double time = unit(rng);
    long last_day = 0;
    long last_holdout_day = T;
    SimulatedClient client;
    double repeat_spend = 0.0;
    while (true) {
      time += gap(rng);
      if (time >= T + 1.0 + kHoldoutDays) {
        break;
      }
      const long day = static_cast<long>(time);
      if (day <= T) {
        if (day != last_day) {
          client.history.x += 1.0;
          repeat_spend += std::round(spend_draw(rng));  // one occasion's spend, whole minor units
          last_day = day;
        }
      } else if (day != last_holdout_day) {
        client.holdout_purchase_days += 1.0;
        last_holdout_day = day;
      }
      if (unit(rng) < dropout) {
        break;
      }
    }
    client.history.t_x = static_cast<double>(last_day);
    client.history.T = static_cast<double>(T);
    client.spend = SpendSummary{client.history.x,
                                client.history.x > 0.0 ? repeat_spend / client.history.x : 0.0};
    tenant.push_back(client);
  }
  return tenant;
}

void ExpectWithinTenPercent(double estimate, double truth, double standard_error,
                            const char* name) {
  EXPECT_NEAR(estimate, truth, 0.10 * truth)
      << name << " (standard error " << standard_error << ")";
  EXPECT_TRUE(std::isfinite(standard_error)) << name;
}

TEST(ClvRecoveryTest, FitsRecoverTheSimulatingParameters) {
  const std::vector<SimulatedClient> tenant = SimulateTenant(20240611);
  std::vector<RepeatSummary> histories;
  std::vector<SpendSummary> spends;
  for (const SimulatedClient& c : tenant) {
    histories.push_back(c.history);
    spends.push_back(c.spend);
  }

  const FitResult<BgNbdParams> bg = FitBgNbd(histories);
  ASSERT_EQ(bg.status, FitStatus::kConverged) << bg.message;
  ExpectWithinTenPercent(bg.params.r, kTrueBgNbd.r, bg.standard_errors.r, "r");
  ExpectWithinTenPercent(bg.params.alpha, kTrueBgNbd.alpha, bg.standard_errors.alpha, "alpha");
  ExpectWithinTenPercent(bg.params.a, kTrueBgNbd.a, bg.standard_errors.a, "a");
  ExpectWithinTenPercent(bg.params.b, kTrueBgNbd.b, bg.standard_errors.b, "b");

  const FitResult<GammaGammaParams> gg = FitGammaGamma(spends);
  ASSERT_EQ(gg.status, FitStatus::kConverged) << gg.message;
  ExpectWithinTenPercent(gg.params.p, kTrueGammaGamma.p, gg.standard_errors.p, "p");
  ExpectWithinTenPercent(gg.params.q, kTrueGammaGamma.q, gg.standard_errors.q, "q");
  ExpectWithinTenPercent(gg.params.gamma, kTrueGammaGamma.gamma, gg.standard_errors.gamma, "gamma");

  // Out of sample: the fitted model's expected purchase days over the next year, summed over
  // the tenant, against what the simulated clients then did.
  double predicted = 0.0;
  double actual = 0.0;
  const ClvModel model = SelectClvModel(bg, gg);
  ASSERT_TRUE(model.has_purchase_model && model.has_spend_model) << model.fallback_reason;
  for (const SimulatedClient& c : tenant) {
    predicted += BgNbdConditionalExpectedPurchases(bg.params, c.history, kHoldoutDays);
    actual += c.holdout_purchase_days;
  }
  EXPECT_NEAR(predicted, actual, 0.05 * actual);
}

}  // namespace
}  // namespace clienttier::scoring
