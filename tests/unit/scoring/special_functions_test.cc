#include "services/scoring/domain/special_functions.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace clienttier::scoring {
namespace {

constexpr double kEulerGamma = 0.57721566490153286061;

void ExpectRelativelyNear(double actual, double expected, double tolerance) {
  EXPECT_NEAR(actual, expected, tolerance * std::fabs(expected)) << "expected " << expected;
}

TEST(Hypergeometric2F1Test, MatchesLogClosedFormUpToNearOne) {
  // 2F1(1, 1; 2; z) = -ln(1 - z) / z.
  for (double z : {1e-6, 0.1, 0.5, 0.9, 0.99, 0.999, 0.9999}) {
    const Hypergeometric2F1Result result = Hypergeometric2F1(1.0, 1.0, 2.0, z);
    ASSERT_EQ(result.status, SeriesStatus::kConverged) << z;
    ExpectRelativelyNear(result.value, -std::log1p(-z) / z, 1e-12);
  }
}

TEST(Hypergeometric2F1Test, MatchesBinomialClosedFormIncludingLargeParameters) {
  // 2F1(a, b; b; z) = (1 - z)^-a; a = 200 is the BG/NBD "many repeat purchases" regime where the
  // direct series has huge terms.
  for (double a : {0.3, 2.5, 200.0}) {
    for (double z : {0.2, 0.5, 0.95}) {
      const Hypergeometric2F1Result result = Hypergeometric2F1(a, 1.7, 1.7, z);
      ASSERT_EQ(result.status, SeriesStatus::kConverged) << a << " " << z;
      ExpectRelativelyNear(result.value, std::pow(1.0 - z, -a), 1e-12);
    }
  }
}

TEST(Hypergeometric2F1Test, MatchesArcsineClosedFormNearOne) {
  // 2F1(1/2, 1/2; 3/2; w^2) = asin(w) / w; c - a - b = 1/2 > 0, so the direct series is summed.
  for (double w : {0.3, 0.9, 0.999}) {
    const Hypergeometric2F1Result result = Hypergeometric2F1(0.5, 0.5, 1.5, w * w);
    ASSERT_EQ(result.status, SeriesStatus::kConverged) << w;
    ExpectRelativelyNear(result.value, std::asin(w) / w, 1e-12);
  }
}

TEST(Hypergeometric2F1Test, NegativeArgumentsGoThroughPfaff) {
  for (double z : {-0.5, -10.0, -1e4}) {
    const Hypergeometric2F1Result result = Hypergeometric2F1(1.0, 1.0, 2.0, z);
    ASSERT_EQ(result.status, SeriesStatus::kConverged) << z;
    ExpectRelativelyNear(result.value, std::log1p(-z) / -z, 1e-12);
  }
}

TEST(Hypergeometric2F1Test, PolynomialCaseTerminates) {
  // 2F1(-2, b; c; z) = 1 - 2bz/c + b(b+1)z^2/(c(c+1)).
  const double b = 1.5;
  const double c = 2.5;
  const double z = 0.7;
  const Hypergeometric2F1Result result = Hypergeometric2F1(-2.0, b, c, z);
  ASSERT_EQ(result.status, SeriesStatus::kConverged);
  ExpectRelativelyNear(result.value,
                       1.0 - 2.0 * b * z / c + b * (b + 1.0) * z * z / (c * (c + 1.0)), 1e-14);
}

TEST(Hypergeometric2F1Test, ReportsInsteadOfLooping) {
  const Hypergeometric2F1Result capped = Hypergeometric2F1(1.0, 1.0, 2.0, 1.0 - 1e-9, 1000);
  EXPECT_EQ(capped.status, SeriesStatus::kNotConverged);
  EXPECT_TRUE(std::isnan(capped.value));
  EXPECT_EQ(capped.terms, 1000);
  EXPECT_EQ(Hypergeometric2F1(1.0, 1.0, 2.0, 1.0).status, SeriesStatus::kInvalidArgument);
  EXPECT_EQ(Hypergeometric2F1(1.0, 1.0, -3.0, 0.5).status, SeriesStatus::kInvalidArgument);
  EXPECT_EQ(Hypergeometric2F1(std::nan(""), 1.0, 2.0, 0.5).status, SeriesStatus::kInvalidArgument);
}

// Gauss's sum 2F1(a, b; c; 1) = Gamma(c) Gamma(c-a-b) / (Gamma(c-a) Gamma(c-b)) for c - a - b > 0.
double GaussSum(double a, double b, double c) {
  return std::exp(std::lgamma(c) + std::lgamma(c - a - b) - std::lgamma(c - a) -
                  std::lgamma(c - b));
}

TEST(Hypergeometric2F1Test, ApproachesGaussSumNearOne) {
  // With c - a - b = 3.5 the function is three times differentiable at z = 1, and
  // d/dz 2F1(a,b;c;z) = ab/c 2F1(a+1,b+1;c+1;z), so a second-order Taylor expansion around 1
  // built from Gauss sums is accurate to O(h^3) at z = 1 - h.
  const double a = 0.5;
  const double b = 1.0;
  const double c = 5.0;
  const double h = 1e-4;
  const double value = GaussSum(a, b, c);
  const double first = a * b / c * GaussSum(a + 1.0, b + 1.0, c + 1.0);
  const double second =
      a * (a + 1.0) * b * (b + 1.0) / (c * (c + 1.0)) * GaussSum(a + 2.0, b + 2.0, c + 2.0);
  const Hypergeometric2F1Result result = Hypergeometric2F1(a, b, c, 1.0 - h);
  ASSERT_EQ(result.status, SeriesStatus::kConverged);
  ExpectRelativelyNear(result.value, value - first * h + 0.5 * second * h * h, 1e-10);
}

TEST(DigammaTest, KnownValues) {
  EXPECT_NEAR(Digamma(1.0), -kEulerGamma, 1e-14);
  EXPECT_NEAR(Digamma(0.5), -kEulerGamma - 2.0 * std::log(2.0), 1e-14);
  // psi(10) = H_9 - gamma.
  double harmonic = 0.0;
  for (int k = 1; k <= 9; ++k) {
    harmonic += 1.0 / k;
  }
  EXPECT_NEAR(Digamma(10.0), harmonic - kEulerGamma, 1e-14);
  EXPECT_NEAR(Digamma(-0.5), 0.03648997397857652, 1e-13);
  EXPECT_TRUE(std::isnan(Digamma(0.0)));
  EXPECT_TRUE(std::isnan(Digamma(-3.0)));
}

TEST(DigammaTest, IsTheDerivativeOfLogGamma) {
  for (double x : {0.24, 0.79, 3.7, 42.0, 1e4, 1e7}) {
    const double h = 1e-5 * x;
    const double derivative = (std::lgamma(x + h) - std::lgamma(x - h)) / (2.0 * h);
    EXPECT_NEAR(Digamma(x), derivative, 1e-6 * std::max(1.0, std::fabs(derivative))) << x;
  }
}

TEST(LogHelpersTest, LogSumExpAndLogGammaIncrement) {
  EXPECT_NEAR(LogSumExp(1000.0, 1000.0), 1000.0 + std::log(2.0), 1e-12);
  EXPECT_NEAR(LogSumExp(-1000.0, -1001.0), -1000.0 + std::log1p(std::exp(-1.0)), 1e-12);
  EXPECT_EQ(LogSumExp(0.0, -std::numeric_limits<double>::infinity()), 0.0);
  EXPECT_EQ(
      LogSumExp(-std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()),
      -std::numeric_limits<double>::infinity());
  // ln Gamma(r + 3) - ln Gamma(r) = ln(r (r+1) (r+2)).
  EXPECT_NEAR(LogGammaIncrement(0.24, 3.0), std::log(0.24 * 1.24 * 2.24), 1e-13);
  EXPECT_EQ(LogGammaIncrement(0.24, 0.0), 0.0);
}

TEST(Hypergeometric2F1ManyTest, MatchesTheSingleSeriesAndRefusesBadArguments) {
  const std::vector<double> z = {0.0, 0.1, 0.5, 0.9, 0.999};
  std::vector<double> values;
  ASSERT_TRUE(Hypergeometric2F1Many(1.5, 2.5, 3.25, z, &values));
  for (size_t i = 0; i < z.size(); ++i) {
    EXPECT_NEAR(values[i], Hypergeometric2F1(1.5, 2.5, 3.25, z[i]).value, 1e-12 * values[i]);
  }
  // c - a - b < 0 takes the Euler path; compare with the closed form (1-z)^-a for b = c.
  ASSERT_TRUE(Hypergeometric2F1Many(2.0, 3.0, 3.0, z, &values));
  for (size_t i = 0; i < z.size(); ++i) {
    EXPECT_NEAR(values[i], std::pow(1.0 - z[i], -2.0), 1e-9 * values[i]);
  }
  EXPECT_FALSE(Hypergeometric2F1Many(1.0, 1.0, 2.0, {0.5, 1.0}, &values));
  EXPECT_TRUE(std::isnan(values[0]));
  EXPECT_FALSE(Hypergeometric2F1Many(1.0, 1.0, -2.0, {0.5}, &values));
  EXPECT_FALSE(Hypergeometric2F1Many(1.0, 1.0, 2.0, {0.9999999}, &values, 50));
}

}  // namespace
}  // namespace clienttier::scoring
