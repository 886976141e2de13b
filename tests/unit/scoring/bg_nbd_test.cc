#include "services/scoring/domain/bg_nbd.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "tests/support/quadrature.h"

namespace clienttier::scoring {
namespace {

using ::clienttier::testing::IntegrateUnitInterval;

const BgNbdParams kCdnow{0.24, 30.87, 0.79, 2.43};  // CDNOW estimates, alpha in days
const BgNbdParams kSteady{3.0, 200.0, 0.5, 2.0};

// ---------- Independent reference: tanh-sinh quadrature of the individual-level model ----------

// Integral over lambda ~ Gamma(r, alpha) and p ~ Beta(a, b) of g(lambda, p, 1 - p), where g is
// expressed on the log scale (log_g) times an optional factor.
template <typename LogTerm>
double IntegrateOverPrior(const BgNbdParams& params, double lambda_scale, const LogTerm& log_term) {
  const double log_gamma_norm = params.r * std::log(params.alpha) - std::lgamma(params.r);
  const double log_beta_norm =
      std::lgamma(params.a + params.b) - std::lgamma(params.a) - std::lgamma(params.b);
  return IntegrateUnitInterval([&](double p, double one_minus_p) {
    const double log_p_prior =
        log_beta_norm + (params.a - 1.0) * std::log(p) + (params.b - 1.0) * std::log(one_minus_p);
    return IntegrateUnitInterval([&](double u, double one_minus_u) {
      const double lambda = lambda_scale * u / one_minus_u;
      const double jacobian = lambda_scale / (one_minus_u * one_minus_u);
      const double log_lambda_prior =
          log_gamma_norm + (params.r - 1.0) * std::log(lambda) - params.alpha * lambda;
      return jacobian * std::exp(log_lambda_prior + log_p_prior + log_term(lambda, p, one_minus_p));
    });
  });
}

// FHL (2005) eq. 3: the individual-level likelihood, split in its two ways of producing the data.
double LogAliveTerm(const RepeatSummary& c, double lambda, double one_minus_p) {
  return c.x * std::log(one_minus_p) + c.x * std::log(lambda) - lambda * c.T;
}

double LogDeadTerm(const RepeatSummary& c, double lambda, double p, double one_minus_p) {
  if (c.x == 0.0) {
    return -std::numeric_limits<double>::infinity();
  }
  return std::log(p) + (c.x - 1.0) * std::log(one_minus_p) + c.x * std::log(lambda) -
         lambda * c.t_x;
}

double PosteriorLambdaScale(const BgNbdParams& params, const RepeatSummary& c) {
  return (params.r + c.x) / (params.alpha + c.T);
}

double IntegratedLikelihood(const BgNbdParams& params, const RepeatSummary& c) {
  return IntegrateOverPrior(params, PosteriorLambdaScale(params, c),
                            [&](double lambda, double p, double q) {
                              const double alive = LogAliveTerm(c, lambda, q);
                              const double dead = LogDeadTerm(c, lambda, p, q);
                              return std::log(std::exp(alive) + std::exp(dead));
                            });
}

const std::vector<RepeatSummary> kReferenceClients = {{0.0, 0.0, 300.0},
                                                      {1.0, 20.0, 300.0},
                                                      {2.0, 40.0, 300.0},
                                                      {7.0, 280.0, 300.0},
                                                      {3.0, 60.0, 60.0}};

TEST(BgNbdLikelihoodTest, MatchesNumericalIntegrationOfTheIndividualModel) {
  for (const BgNbdParams& params : {kCdnow, kSteady}) {
    for (const RepeatSummary& c : kReferenceClients) {
      const double reference = std::log(IntegratedLikelihood(params, c));
      EXPECT_NEAR(BgNbdLogLikelihood(params, c), reference, 1e-7)
          << "r=" << params.r << " x=" << c.x << " t_x=" << c.t_x << " T=" << c.T;
    }
  }
}

TEST(BgNbdLikelihoodTest, HandWorkedBoundaries) {
  const BgNbdParams& k = kCdnow;
  // One purchase only (x = 0): L = (alpha / (alpha + T))^r.
  EXPECT_NEAR(BgNbdLogLikelihood(k, {0.0, 0.0, 100.0}), k.r * std::log(k.alpha / (k.alpha + 100.0)),
              1e-13);
  // Bought today (x = 0, T = 0): the data are certain.
  EXPECT_NEAR(BgNbdLogLikelihood(k, {0.0, 0.0, 0.0}), 0.0, 1e-13);
  // t_x = T: both terms share (alpha + T) and B(a, b+x) + B(a+1, b+x-1) = B(a, b+x-1), so
  // L = Gamma(r+x) alpha^r / (Gamma(r) (alpha+T)^(r+x)) B(a, b+x-1) / B(a, b).
  auto log_beta = [](double u, double v) {
    return std::lgamma(u) + std::lgamma(v) - std::lgamma(u + v);
  };
  for (double x : {1.0, 4.0, 1e6}) {  // 1e6: a huge frequency
    const double T = 1000.0;
    const double expected = std::lgamma(k.r + x) - std::lgamma(k.r) + k.r * std::log(k.alpha) -
                            (k.r + x) * std::log(k.alpha + T) + log_beta(k.a, k.b + x - 1.0) -
                            log_beta(k.a, k.b);
    const double actual = BgNbdLogLikelihood(k, {x, T, T});
    ASSERT_TRUE(std::isfinite(actual));
    EXPECT_NEAR(actual, expected, 1e-12 * std::fabs(expected) + 1e-12) << x;
  }
}

TEST(BgNbdLikelihoodTest, GradientMatchesCentralDifferences) {
  auto at = [](BgNbdParams p, int k, double v) {
    double* fields[] = {&p.r, &p.alpha, &p.a, &p.b};
    *fields[k] = v;
    return p;
  };
  std::vector<RepeatSummary> clients = kReferenceClients;
  clients.push_back({0.0, 0.0, 0.0});
  clients.push_back({500.0, 900.0, 1000.0});
  for (const BgNbdParams& params : {kCdnow, kSteady}) {
    for (const RepeatSummary& c : clients) {
      BgNbdParams gradient;
      BgNbdLogLikelihood(params, c, &gradient);
      const double analytic[] = {gradient.r, gradient.alpha, gradient.a, gradient.b};
      const double values[] = {params.r, params.alpha, params.a, params.b};
      for (int k = 0; k < 4; ++k) {
        const double h = 1e-6 * values[k];
        const double numeric = (BgNbdLogLikelihood(at(params, k, values[k] + h), c) -
                                BgNbdLogLikelihood(at(params, k, values[k] - h), c)) /
                               (2.0 * h);
        EXPECT_NEAR(analytic[k], numeric, 1e-6 * std::max(1.0, std::fabs(numeric)))
            << "param " << k << " x=" << c.x << " T=" << c.T;
      }
    }
  }
}

TEST(BgNbdLikelihoodTest, CompressedTotalEqualsSumOverClients) {
  // Mostly distinct histories, enough to take the two-thread path of the fit's evaluator.
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int> x_draw(0, 40);
  std::uniform_int_distribution<int> horizon_draw(0, 1000);
  std::vector<RepeatSummary> clients;
  for (int i = 0; i < 30000; ++i) {
    const int T = horizon_draw(rng);
    const int x = T == 0 ? 0 : x_draw(rng);
    const int t_x = x == 0 ? 0 : std::uniform_int_distribution<int>(1, T)(rng);
    clients.push_back({static_cast<double>(x), static_cast<double>(t_x), static_cast<double>(T)});
  }
  double expected = 0.0;
  BgNbdParams expected_gradient{};
  for (const RepeatSummary& c : clients) {
    BgNbdParams g;
    expected += BgNbdLogLikelihood(kCdnow, c, &g);
    expected_gradient.r += g.r;
    expected_gradient.alpha += g.alpha;
    expected_gradient.a += g.a;
    expected_gradient.b += g.b;
  }
  BgNbdParams gradient;
  const double total = BgNbdTotalLogLikelihood(kCdnow, clients, &gradient);
  EXPECT_NEAR(total, expected, 1e-10 * std::fabs(expected));
  EXPECT_NEAR(gradient.r, expected_gradient.r, 1e-8 * std::fabs(expected_gradient.r));
  EXPECT_NEAR(gradient.alpha, expected_gradient.alpha,
              1e-8 * std::fabs(expected_gradient.alpha) + 1e-8);
  EXPECT_NEAR(gradient.a, expected_gradient.a, 1e-8 * std::fabs(expected_gradient.a));
  EXPECT_NEAR(gradient.b, expected_gradient.b, 1e-8 * std::fabs(expected_gradient.b));
}

// ---------- P(alive) and conditional expectations ----------

double IntegratedProbabilityAlive(const BgNbdParams& params, const RepeatSummary& c) {
  const double scale = PosteriorLambdaScale(params, c);
  const double alive = IntegrateOverPrior(
      params, scale, [&](double lambda, double, double q) { return LogAliveTerm(c, lambda, q); });
  return alive / IntegratedLikelihood(params, c);
}

// An alive client with (lambda, p) buys at rate lambda and leaves with probability p after each
// purchase, so its lifetime is Exp(lambda p) and expected purchases in t are
// lambda E[min(lifetime, t)] = (1 - exp(-lambda p t)) / p.
double IntegratedConditionalExpectation(const BgNbdParams& params, const RepeatSummary& c, double t,
                                        double likelihood) {
  const double scale = PosteriorLambdaScale(params, c);
  const double numerator =
      IntegrateOverPrior(params, scale, [&](double lambda, double p, double q) {
        return LogAliveTerm(c, lambda, q) + std::log(-std::expm1(-lambda * p * t) / p);
      });
  return numerator / likelihood;
}

TEST(BgNbdPredictionTest, ProbabilityAliveMatchesIntegration) {
  for (const BgNbdParams& params : {kCdnow, kSteady}) {
    for (const RepeatSummary& c : kReferenceClients) {
      EXPECT_NEAR(BgNbdProbabilityAlive(params, c), IntegratedProbabilityAlive(params, c), 1e-8)
          << c.x;
    }
  }
  // Hand-worked: t_x = T leaves only the Beta part, 1 / (1 + a / (b + x - 1)).
  EXPECT_NEAR(BgNbdProbabilityAlive(kCdnow, {4.0, 50.0, 50.0}), 1.0 / (1.0 + 0.79 / (2.43 + 3.0)),
              1e-14);
  EXPECT_EQ(BgNbdProbabilityAlive(kCdnow, {0.0, 0.0, 365.0}), 1.0);
  // A huge frequency followed by a long silence: certainly gone, and no overflow.
  EXPECT_EQ(BgNbdProbabilityAlive(kCdnow, {1e6, 10.0, 1000.0}), 0.0);
}

TEST(BgNbdPredictionTest, ConditionalExpectationMatchesIntegration) {
  const BgNbdParams near_one{0.9, 40.0, 1.0,
                             3.0};  // a = 1: the closed form's removable singularity
  const BgNbdParams small_a_b{0.5, 10.0, 0.3, 0.4};  // a + b < 1: c < 0 for x = 0
  for (const BgNbdParams& params : {kCdnow, kSteady, near_one, small_a_b}) {
    for (const RepeatSummary& c : kReferenceClients) {
      const double likelihood = IntegratedLikelihood(params, c);
      for (double t : {30.0, 3650.0}) {
        const double expected = IntegratedConditionalExpectation(params, c, t, likelihood);
        EXPECT_NEAR(BgNbdConditionalExpectedPurchases(params, c, t), expected,
                    1e-6 * std::max(1.0, expected))
            << "a=" << params.a << " x=" << c.x << " t=" << t;
      }
    }
  }
}

TEST(BgNbdPredictionTest, ConditionalExpectationMatchesForwardSimulation) {
  // Monte Carlo straight from the story: draw (lambda, p) from the prior, weight by the chance
  // of the observed history, and for the alive branch simulate purchases in (T, T + t].
  const BgNbdParams& params = kCdnow;
  const RepeatSummary client{2.0, 100.0, 300.0};
  const double t = 365.0;
  std::mt19937_64 rng(12345);
  std::gamma_distribution<double> lambda_draw(params.r, 1.0 / params.alpha);
  std::gamma_distribution<double> ga(params.a, 1.0);
  std::gamma_distribution<double> gb(params.b, 1.0);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  double weight_sum = 0.0;
  double weighted_count = 0.0;
  double weighted_count_sq = 0.0;
  double weight_sq = 0.0;
  const int draws = 400000;
  for (int i = 0; i < draws; ++i) {
    const double lambda = lambda_draw(rng);
    const double u = ga(rng);
    const double p = u / (u + gb(rng));
    const double alive = std::exp(LogAliveTerm(client, lambda, 1.0 - p));
    const double dead = std::exp(LogDeadTerm(client, lambda, p, 1.0 - p));
    double count = 0.0;
    if (alive > 0.0) {
      std::exponential_distribution<double> gap(lambda);
      for (double time = gap(rng); time <= t; time += gap(rng)) {
        count += 1.0;
        if (unit(rng) < p) {
          break;
        }
      }
    }
    weight_sum += alive + dead;
    weight_sq += (alive + dead) * (alive + dead);
    weighted_count += alive * count;
    weighted_count_sq += alive * count * alive * count;
  }
  const double estimate = weighted_count / weight_sum;
  // Delta-method standard error of the self-normalised estimator (conservative: ignores covariance).
  const double n = draws;
  const double standard_error =
      std::sqrt(weighted_count_sq / n + estimate * estimate * weight_sq / n) / (weight_sum / n) /
      std::sqrt(n);
  const double exact = BgNbdConditionalExpectedPurchases(params, client, t);
  EXPECT_NEAR(exact, estimate, 4.0 * standard_error)
      << "MC " << estimate << " +- " << standard_error;
  EXPECT_LT(standard_error, 0.03 * exact);  // the check has teeth
}

TEST(BgNbdPredictionTest, UnconditionalExpectationMatchesIntegrationAndNewClient) {
  for (const BgNbdParams& params : {kCdnow, kSteady}) {
    for (double t : {7.0, 365.0, 1000.0}) {
      const double expected =
          IntegrateOverPrior(params, params.r / params.alpha, [&](double lambda, double p, double) {
            return std::log(-std::expm1(-lambda * p * t) / p);
          });
      EXPECT_NEAR(BgNbdExpectedPurchases(params, t), expected, 1e-7 * std::max(1.0, expected)) << t;
      EXPECT_DOUBLE_EQ(BgNbdExpectedPurchases(params, t),
                       BgNbdConditionalExpectedPurchases(params, RepeatSummary{0.0, 0.0, 0.0}, t));
    }
  }
}

TEST(BgNbdPredictionTest, BoundaryCases) {
  EXPECT_EQ(BgNbdConditionalExpectedPurchases(kCdnow, {3.0, 30.0, 60.0}, 0.0), 0.0);
  EXPECT_TRUE(std::isnan(BgNbdConditionalExpectedPurchases(kCdnow, {3.0, 30.0, 60.0}, -1.0)));
  // Huge frequency, last seen at the end: roughly P(alive) x the posterior rate (r+x)/(alpha+T)
  // x t while dropout is negligible over t; finite and close to that.
  const RepeatSummary heavy{5000.0, 1000.0, 1000.0};
  const double t = 10.0;
  const double value = BgNbdConditionalExpectedPurchases(kCdnow, heavy, t);
  ASSERT_TRUE(std::isfinite(value));
  const double rough =
      BgNbdProbabilityAlive(kCdnow, heavy) * (kCdnow.r + heavy.x) / (kCdnow.alpha + heavy.T) * t;
  EXPECT_NEAR(value, rough, 0.05 * rough);
  // c = a + b - 1 = 0 exactly for a new client: the removable singularity is straddled.
  const BgNbdParams c_zero{0.5, 10.0, 0.25, 0.75};
  const double at_zero = BgNbdExpectedPurchases(c_zero, 30.0);
  EXPECT_NEAR(at_zero, BgNbdExpectedPurchases(BgNbdParams{0.5, 10.0, 0.25, 0.7501}, 30.0),
              1e-3 * at_zero);
  // Beyond the series' term cap the answer is NaN, not a hang.
  EXPECT_TRUE(std::isnan(BgNbdExpectedPurchases(BgNbdParams{0.5, 1e-4, 0.8, 2.0}, 1e6)));
}

// ---------- Fitting awkward data ----------

std::vector<RepeatSummary> SmallTenant() {
  std::vector<RepeatSummary> clients;
  for (int i = 0; i < 60; ++i) {
    const double T = 100.0 + 5.0 * i;
    const double x = i % 3;
    clients.push_back({x, x > 0 ? T * 0.5 : 0.0, T});
  }
  return clients;
}

void ExpectNoFit(const FitResult<BgNbdParams>& fit, FitStatus status) {
  EXPECT_EQ(fit.status, status) << fit.message;
  EXPECT_FALSE(fit.usable());
  EXPECT_FALSE(fit.message.empty());
  EXPECT_TRUE(std::isnan(fit.params.r));
}

TEST(BgNbdFitTest, AwkwardDataGetsAClearStatus) {
  ExpectNoFit(FitBgNbd({}), FitStatus::kTooLittleData);
  ExpectNoFit(FitBgNbd({{2.0, 30.0, 90.0}}), FitStatus::kTooLittleData);
  ExpectNoFit(FitBgNbd(std::vector<RepeatSummary>(500, RepeatSummary{0.0, 0.0, 200.0})),
              FitStatus::kDegenerateData);
  std::vector<RepeatSummary> bought_today(500, RepeatSummary{0.0, 0.0, 0.0});
  bought_today[0] = {1.0, 0.0, 0.0};
  ExpectNoFit(FitBgNbd(bought_today), FitStatus::kDegenerateData);
  std::vector<RepeatSummary> bad = SmallTenant();
  bad[5] = {1.0, 50.0, 20.0};  // t_x > T
  ExpectNoFit(FitBgNbd(bad), FitStatus::kInvalidInput);
  bad[5] = {std::nan(""), 0.0, 20.0};
  ExpectNoFit(FitBgNbd(bad), FitStatus::kInvalidInput);
  bad[5] = {1.5, 10.0, 20.0};  // repeat days are whole
  ExpectNoFit(FitBgNbd(bad), FitStatus::kInvalidInput);
}

TEST(BgNbdFitTest, TinyAndExtremeDataTerminateWithFiniteOutput) {
  BgNbdFitOptions permissive;
  permissive.min_clients = 1;
  permissive.min_repeat_buyers = 1;
  std::vector<std::vector<RepeatSummary>> cases;
  cases.push_back({{2.0, 30.0, 90.0}});                  // a single client
  cases.push_back({{1.0, 0.0, 0.0}, {0.0, 0.0, 10.0}});  // T = 0 mixed in
  std::vector<RepeatSummary> huge = SmallTenant();
  huge.push_back({1e6, 999.0, 1000.0});  // huge frequencies
  huge.push_back({5e5, 1000.0, 1000.0});
  cases.push_back(huge);
  for (const auto& clients : cases) {
    const FitResult<BgNbdParams> fit = FitBgNbd(clients, permissive);
    EXPECT_NE(fit.status, FitStatus::kInvalidInput) << fit.message;
    EXPECT_LE(fit.iterations, permissive.minimizer.max_iterations);
    EXPECT_TRUE(std::isfinite(fit.params.r) && std::isfinite(fit.params.alpha) &&
                std::isfinite(fit.params.a) && std::isfinite(fit.params.b))
        << fit.message;
    EXPECT_TRUE(std::isfinite(fit.log_likelihood)) << fit.message;
    EXPECT_FALSE(fit.message.empty());
  }
}

TEST(BgNbdFitTest, HomogeneousTenantIsNotReportedAsAGoodFit) {
  // SmallTenant's clients all buy at one pace: the maximum lies at r, alpha -> infinity.
  const FitResult<BgNbdParams> fit = FitBgNbd(SmallTenant());
  EXPECT_TRUE(fit.status == FitStatus::kAtBound || fit.status == FitStatus::kNotConverged)
      << fit.message;
  EXPECT_FALSE(fit.usable());
}

// Whole-day histories from the model itself (continuous time, x = distinct days - 1).
std::vector<RepeatSummary> SimulatedTenant(const BgNbdParams& params, int clients,
                                           std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::gamma_distribution<double> lambda_draw(params.r, 1.0 / params.alpha);
  std::gamma_distribution<double> ga(params.a, 1.0);
  std::gamma_distribution<double> gb(params.b, 1.0);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<RepeatSummary> result;
  for (int i = 0; i < clients; ++i) {
    const double lambda = lambda_draw(rng);
    const double u = ga(rng);
    const double p = u / (u + gb(rng));
    const int T = std::uniform_int_distribution<int>(200, 700)(rng);
    std::exponential_distribution<double> gap(lambda);
    double time = unit(rng);
    long last_day = 0;
    double x = 0.0;
    while (true) {
      time += gap(rng);
      if (time >= T + 1.0) {
        break;
      }
      const long day = static_cast<long>(time);
      if (day != last_day) {
        x += 1.0;
        last_day = day;
      }
      if (unit(rng) < p) {
        break;
      }
    }
    result.push_back({x, static_cast<double>(last_day), static_cast<double>(T)});
  }
  return result;
}

TEST(BgNbdFitTest, FitReachesTheLikelihoodMaximum) {
  const std::vector<RepeatSummary> clients = SimulatedTenant(kCdnow, 2000, 99);
  const FitResult<BgNbdParams> fit = FitBgNbd(clients);
  ASSERT_EQ(fit.status, FitStatus::kConverged) << fit.message;
  ASSERT_TRUE(fit.converged);
  EXPECT_TRUE(std::isfinite(fit.standard_errors.r) && std::isfinite(fit.standard_errors.b));
  EXPECT_NEAR(fit.log_likelihood, BgNbdTotalLogLikelihood(fit.params, clients), 1e-9);
  // No nearby point does better (checks the optimiser, not just its own stopping rule).
  for (double factor : {0.97, 1.03}) {
    for (int k = 0; k < 4; ++k) {
      BgNbdParams moved = fit.params;
      double* fields[] = {&moved.r, &moved.alpha, &moved.a, &moved.b};
      *fields[k] *= factor;
      EXPECT_LE(BgNbdTotalLogLikelihood(moved, clients), fit.log_likelihood + 1e-9) << k;
    }
  }
}

}  // namespace
}  // namespace clienttier::scoring

namespace clienttier::scoring {
namespace {

TEST(BgNbdCurveTest, EveryHorizonEqualsTheSingleHorizonValue) {
  const std::vector<BgNbdParams> models = {{0.24, 30.87, 0.79, 2.43},      // a < 1
                                           {3.0, 200.0, 0.5, 2.0},         // c - a - b > 0
                                           {0.5, 10.0, 4.0, 1.5},          // a > x + r + 1: Euler
                                           {0.7, 50.0, 1.0 + 2e-6, 3.0}};  // a next to 1
  const std::vector<RepeatSummary> clients = {{0, 0, 30},      {0, 0, 700}, {3, 200, 400},
                                              {25, 900, 1000}, {1, 1, 1},   {200, 364, 365}};
  std::vector<double> horizons;
  for (int m = 1; m <= 24; ++m) {
    horizons.push_back(30.4375 * m);
  }
  horizons.push_back(3650.0);
  for (const auto& model : models) {
    for (const auto& client : clients) {
      const std::vector<double> curve =
          BgNbdConditionalExpectedPurchasesCurve(model, client, horizons);
      ASSERT_EQ(curve.size(), horizons.size());
      for (size_t i = 0; i < horizons.size(); ++i) {
        const double single = BgNbdConditionalExpectedPurchases(model, client, horizons[i]);
        EXPECT_NEAR(curve[i], single, 1e-10 * std::max(1.0, std::fabs(single)))
            << "r=" << model.r << " a=" << model.a << " x=" << client.x << " t=" << horizons[i];
      }
    }
  }
}

}  // namespace
}  // namespace clienttier::scoring
