#include "services/scoring/domain/gamma_gamma.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "tests/support/quadrature.h"

namespace clienttier::scoring {
namespace {

using ::clienttier::testing::IntegrateUnitInterval;

const GammaGammaParams kCdnowCents{6.25, 3.74, 1544.0};  // Fader-Hardie's CDNOW fit, gamma in cents
const GammaGammaParams kWide{1.5, 4.0, 10000.0};

// The model in its own words: the mean of x occasions given nu is Gamma(p x, rate nu x), and
// nu ~ Gamma(q, rate gamma). Integrates factor(nu) * f(mean | nu) g(nu) over nu.
template <typename Factor>
double IntegrateOverNu(const GammaGammaParams& params, const SpendSummary& c,
                       const Factor& factor) {
  const double px = params.p * c.x;
  const double scale =
      (px + params.q) / (params.gamma + c.x * c.mean_spend);  // posterior mean of nu
  return IntegrateUnitInterval([&](double u, double one_minus_u) {
    const double nu = scale * u / one_minus_u;
    const double jacobian = scale / (one_minus_u * one_minus_u);
    const double log_mean_density = px * std::log(nu * c.x) - std::lgamma(px) +
                                    (px - 1.0) * std::log(c.mean_spend) - nu * c.x * c.mean_spend;
    const double log_nu_density = params.q * std::log(params.gamma) - std::lgamma(params.q) +
                                  (params.q - 1.0) * std::log(nu) - params.gamma * nu;
    return jacobian * factor(nu) * std::exp(log_mean_density + log_nu_density);
  });
}

const std::vector<SpendSummary> kReferenceClients = {
    {1.0, 2500.0}, {2.0, 400.0}, {6.0, 3500.0}, {30.0, 12000.0}};

TEST(GammaGammaLikelihoodTest, MatchesNumericalIntegrationOverNu) {
  for (const GammaGammaParams& params : {kCdnowCents, kWide}) {
    for (const SpendSummary& c : kReferenceClients) {
      const double reference = std::log(IntegrateOverNu(params, c, [](double) { return 1.0; }));
      EXPECT_NEAR(GammaGammaLogLikelihood(params, c), reference, 1e-8)
          << c.x << " " << c.mean_spend;
    }
  }
}

TEST(GammaGammaLikelihoodTest, HandWorkedSinglePurchase) {
  // x = 1: the mean is one Gamma(p, nu) draw, marginally beta-prime:
  // Gamma(p+q)/(Gamma(p)Gamma(q)) gamma^q m^(p-1) / (gamma + m)^(p+q).
  const GammaGammaParams& k = kCdnowCents;
  const double m = 1800.0;
  const double expected = std::lgamma(k.p + k.q) - std::lgamma(k.p) - std::lgamma(k.q) +
                          k.q * std::log(k.gamma) + (k.p - 1.0) * std::log(m) -
                          (k.p + k.q) * std::log(k.gamma + m);
  EXPECT_NEAR(GammaGammaLogLikelihood(k, {1.0, m}), expected, 1e-12);
  EXPECT_TRUE(std::isfinite(GammaGammaLogLikelihood(k, {1e6, 3000.0})));  // huge frequency
}

TEST(GammaGammaLikelihoodTest, GradientMatchesCentralDifferences) {
  auto at = [](GammaGammaParams p, int k, double v) {
    double* fields[] = {&p.p, &p.q, &p.gamma};
    *fields[k] = v;
    return p;
  };
  for (const GammaGammaParams& params : {kCdnowCents, kWide}) {
    for (const SpendSummary& c : kReferenceClients) {
      GammaGammaParams gradient;
      GammaGammaLogLikelihood(params, c, &gradient);
      const double analytic[] = {gradient.p, gradient.q, gradient.gamma};
      const double values[] = {params.p, params.q, params.gamma};
      for (int k = 0; k < 3; ++k) {
        const double h = 1e-6 * values[k];
        const double numeric = (GammaGammaLogLikelihood(at(params, k, values[k] + h), c) -
                                GammaGammaLogLikelihood(at(params, k, values[k] - h), c)) /
                               (2.0 * h);
        EXPECT_NEAR(analytic[k], numeric, 1e-6 * std::max(1e-3, std::fabs(numeric)))
            << k << " x=" << c.x;
      }
    }
  }
}

TEST(GammaGammaLikelihoodTest, CompressedTotalEqualsSumAndSkipsIneligible) {
  std::mt19937_64 rng(3);
  std::uniform_int_distribution<int> x_draw(0, 12);
  std::uniform_int_distribution<int> spend_draw(0, 5000);
  std::vector<SpendSummary> clients;
  double expected = 0.0;
  GammaGammaParams expected_gradient{};
  for (int i = 0; i < 5000; ++i) {
    const SpendSummary c{static_cast<double>(x_draw(rng)), static_cast<double>(spend_draw(rng))};
    clients.push_back(c);
    if (c.x >= 1.0 && c.mean_spend > 0.0) {
      GammaGammaParams g;
      expected += GammaGammaLogLikelihood(kWide, c, &g);
      expected_gradient.p += g.p;
      expected_gradient.q += g.q;
      expected_gradient.gamma += g.gamma;
    }
  }
  GammaGammaParams gradient;
  EXPECT_NEAR(GammaGammaTotalLogLikelihood(kWide, clients, &gradient), expected,
              1e-10 * std::fabs(expected));
  EXPECT_NEAR(gradient.p, expected_gradient.p, 1e-8 * std::fabs(expected_gradient.p) + 1e-6);
  EXPECT_NEAR(gradient.q, expected_gradient.q, 1e-8 * std::fabs(expected_gradient.q) + 1e-6);
  EXPECT_NEAR(gradient.gamma, expected_gradient.gamma,
              1e-8 * std::fabs(expected_gradient.gamma) + 1e-9);
}

TEST(GammaGammaSpendTest, ConditionalExpectedSpendMatchesPosteriorIntegration) {
  for (const GammaGammaParams& params : {kCdnowCents, kWide}) {
    for (const SpendSummary& c : kReferenceClients) {
      // E[spend per occasion | nu] = p / nu, averaged over the posterior of nu.
      const double numerator = IntegrateOverNu(params, c, [&](double nu) { return params.p / nu; });
      const double denominator = IntegrateOverNu(params, c, [](double) { return 1.0; });
      EXPECT_NEAR(GammaGammaConditionalExpectedSpend(params, c), numerator / denominator,
                  1e-8 * numerator / denominator)
          << c.x;
    }
  }
  // Hand-worked: with x = 0 the population mean p gamma / (q - 1); huge x -> the client's mean.
  EXPECT_NEAR(GammaGammaConditionalExpectedSpend(kCdnowCents, {0.0, 0.0}), 6.25 * 1544.0 / 2.74,
              1e-9);
  EXPECT_NEAR(GammaGammaMeanSpend(kCdnowCents), 6.25 * 1544.0 / 2.74, 1e-9);
  EXPECT_NEAR(GammaGammaConditionalExpectedSpend(kCdnowCents, {1e7, 777.0}), 777.0, 1e-3);
  EXPECT_TRUE(std::isnan(GammaGammaMeanSpend({1.0, 0.9, 100.0})));
}

std::vector<SpendSummary> Spread(int clients) {
  std::vector<SpendSummary> result;
  for (int i = 0; i < clients; ++i) {
    result.push_back({1.0 + i % 5, 1000.0 + 37.0 * (i % 11) + 5.0 * i});
  }
  return result;
}

TEST(GammaGammaFitTest, AwkwardDataGetsAClearStatus) {
  auto expect_no_fit = [](const FitResult<GammaGammaParams>& fit, FitStatus status) {
    EXPECT_EQ(fit.status, status) << fit.message;
    EXPECT_FALSE(fit.usable());
    EXPECT_FALSE(fit.message.empty());
    EXPECT_TRUE(std::isnan(fit.params.p));
  };
  expect_no_fit(FitGammaGamma({}), FitStatus::kTooLittleData);
  expect_no_fit(FitGammaGamma({{3.0, 1200.0}}), FitStatus::kTooLittleData);
  // Zero spend and one-time buyers are skipped, leaving nothing to fit.
  expect_no_fit(FitGammaGamma(std::vector<SpendSummary>(100, SpendSummary{2.0, 0.0})),
                FitStatus::kTooLittleData);
  expect_no_fit(FitGammaGamma(std::vector<SpendSummary>(100, SpendSummary{0.0, 500.0})),
                FitStatus::kTooLittleData);
  expect_no_fit(FitGammaGamma(std::vector<SpendSummary>(100, SpendSummary{2.0, 500.0})),
                FitStatus::kDegenerateData);
  std::vector<SpendSummary> bad = Spread(50);
  bad[3].mean_spend = -1.0;
  expect_no_fit(FitGammaGamma(bad), FitStatus::kInvalidInput);
  bad[3].mean_spend = std::nan("");
  expect_no_fit(FitGammaGamma(bad), FitStatus::kInvalidInput);
}

TEST(GammaGammaFitTest, TinyAndExtremeDataTerminateWithFiniteOutput) {
  GammaGammaFitOptions permissive;
  permissive.min_clients = 1;
  std::vector<std::vector<SpendSummary>> cases;
  cases.push_back({{1.0, 100.0}, {2.0, 300.0}});
  std::vector<SpendSummary> huge = Spread(40);
  huge.push_back({1e6, 1500.0});
  huge.push_back({0.0, 0.0});
  cases.push_back(huge);
  for (const auto& clients : cases) {
    const FitResult<GammaGammaParams> fit = FitGammaGamma(clients, permissive);
    EXPECT_NE(fit.status, FitStatus::kInvalidInput) << fit.message;
    EXPECT_LE(fit.iterations, permissive.minimizer.max_iterations);
    EXPECT_TRUE(std::isfinite(fit.params.p) && std::isfinite(fit.params.q) &&
                std::isfinite(fit.params.gamma))
        << fit.message;
    EXPECT_TRUE(std::isfinite(fit.log_likelihood));
  }
}

TEST(GammaGammaFitTest, FitReachesTheLikelihoodMaximumInMinorUnits) {
  std::mt19937_64 rng(5);
  std::gamma_distribution<double> nu_draw(kWide.q, 1.0 / kWide.gamma);
  std::uniform_int_distribution<int> x_draw(1, 8);
  std::vector<SpendSummary> clients;
  for (int i = 0; i < 3000; ++i) {
    const double x = x_draw(rng);
    std::gamma_distribution<double> total_draw(kWide.p * x, 1.0 / nu_draw(rng));
    clients.push_back({x, total_draw(rng) / x});
  }
  const FitResult<GammaGammaParams> fit = FitGammaGamma(clients);
  ASSERT_EQ(fit.status, FitStatus::kConverged) << fit.message;
  EXPECT_NEAR(fit.log_likelihood, GammaGammaTotalLogLikelihood(fit.params, clients), 1e-8);
  for (double factor : {0.98, 1.02}) {
    for (int k = 0; k < 3; ++k) {
      GammaGammaParams moved = fit.params;
      double* fields[] = {&moved.p, &moved.q, &moved.gamma};
      *fields[k] *= factor;
      EXPECT_LE(GammaGammaTotalLogLikelihood(moved, clients), fit.log_likelihood + 1e-9) << k;
    }
  }
  EXPECT_TRUE(std::isfinite(fit.standard_errors.p) && std::isfinite(fit.standard_errors.gamma));
}

}  // namespace
}  // namespace clienttier::scoring
