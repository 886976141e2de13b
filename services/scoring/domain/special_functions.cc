#include "services/scoring/domain/special_functions.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace clienttier::scoring {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kPi = 3.14159265358979323846;
constexpr double kRelativeTolerance = 1e-16;

bool IsNonPositiveInteger(double v) { return v <= 0.0 && v == std::floor(v); }

// Sums the 2F1 series for 0 <= z < 1 directly (no transformation).
Hypergeometric2F1Result SumSeries(double a, double b, double c, double z, int max_terms) {
  Hypergeometric2F1Result result;
  double term = 1.0;
  double sum = 1.0;
  // Past this index every factor of the term ratio (a+n)/(n+1) and (b+n)/(c+n) is positive
  // and monotone in n, so each is bounded by max(current value, its limit 1).
  const double monotone_from = std::max({-a, -b, -c, 0.0});
  for (int n = 0; n < max_terms; ++n) {
    const double dn = static_cast<double>(n);
    term *= (a + dn) * (b + dn) / ((c + dn) * (dn + 1.0)) * z;
    sum += term;
    result.terms = n + 1;
    if (term == 0.0) {  // a or b is a non-positive integer: the series is a polynomial
      result.value = sum;
      result.status = SeriesStatus::kConverged;
      return result;
    }
    if (!std::isfinite(sum)) {
      break;
    }
    const double next = dn + 1.0;
    if (next > monotone_from) {
      const double ratio_a = std::max(std::fabs((a + next) / (next + 1.0)), 1.0);
      const double ratio_b = std::max(std::fabs((b + next) / (c + next)), 1.0);
      const double ratio_bound = z * ratio_a * ratio_b;
      if (ratio_bound < 1.0 && std::fabs(term) * ratio_bound / (1.0 - ratio_bound) <=
                                   kRelativeTolerance * std::fabs(sum)) {
        result.value = sum;
        result.status = SeriesStatus::kConverged;
        return result;
      }
    }
  }
  result.value = kNaN;
  result.status = SeriesStatus::kNotConverged;
  return result;
}

}  // namespace

Hypergeometric2F1Result Hypergeometric2F1(double a, double b, double c, double z, int max_terms) {
  Hypergeometric2F1Result invalid;
  invalid.value = kNaN;
  if (!std::isfinite(a) || !std::isfinite(b) || !std::isfinite(c) || !std::isfinite(z) ||
      z >= 1.0 || IsNonPositiveInteger(c) || max_terms < 1) {
    return invalid;
  }
  if (z == 0.0) {
    Hypergeometric2F1Result trivial;
    trivial.value = 1.0;
    trivial.status = SeriesStatus::kConverged;
    return trivial;
  }
  if (z < 0.0) {
    // Pfaff: 2F1(a,b;c;z) = (1-z)^-a 2F1(a, c-b; c; z/(z-1)), and z/(z-1) lies in (0, 1).
    Hypergeometric2F1Result inner = Hypergeometric2F1(a, c - b, c, z / (z - 1.0), max_terms);
    if (inner.status == SeriesStatus::kConverged) {
      inner.value *= std::pow(1.0 - z, -a);
    }
    return inner;
  }
  const double excess = c - a - b;
  if (excess < 0.0) {
    Hypergeometric2F1Result euler = SumSeries(c - a, c - b, c, z, max_terms);
    if (euler.status == SeriesStatus::kConverged) {
      euler.value *= std::pow(1.0 - z, excess);
    }
    return euler;
  }
  return SumSeries(a, b, c, z, max_terms);
}

bool Hypergeometric2F1Many(double a, double b, double c, const std::vector<double>& z,
                           std::vector<double>* values, int max_terms, double scale_exponent) {
  const size_t count = z.size();
  values->assign(count, kNaN);
  bool valid = std::isfinite(a) && std::isfinite(b) && std::isfinite(c) &&
               !IsNonPositiveInteger(c) && max_terms >= 1;
  for (const double point : z) {
    valid = valid && point >= 0.0 && point < 1.0;
  }
  if (!valid) {
    return false;
  }
  // As in Hypergeometric2F1: with c - a - b < 0, Euler's transformation
  // 2F1(a,b;c;z) = (1-z)^(c-a-b) 2F1(c-a, c-b; c; z) keeps the terms from growing.
  const double excess = c - a - b;
  const bool euler = excess < 0.0;
  const double sa = euler ? c - a : a;
  const double sb = euler ? c - b : b;
  // Per-thread scratch: this runs once per client in a batch, and two heap allocations per
  // call would cost about as much as the series itself.
  thread_local std::vector<double> power;
  thread_local std::vector<double> sum;
  power.assign(count, 1.0);
  sum.assign(count, 1.0);
  double coefficient = 1.0;
  const double monotone_from = std::max({-sa, -sb, -c, 0.0});
  for (int n = 0; n < max_terms; ++n) {
    const double dn = static_cast<double>(n);
    coefficient *= (sa + dn) * (sb + dn) / ((c + dn) * (dn + 1.0));
    bool finite = true;
    for (size_t i = 0; i < count; ++i) {
      power[i] *= z[i];
      sum[i] += coefficient * power[i];
      finite = finite && std::isfinite(sum[i]);
    }
    if (!finite) {
      return false;
    }
    bool converged = coefficient == 0.0;  // a polynomial: the series ended
    const double next = dn + 1.0;
    // The tail test costs as much as a term for every z: run it every few terms.
    if (!converged && next > monotone_from && n % 4 == 3) {
      const double ratio_a = std::max(std::fabs((sa + next) / (next + 1.0)), 1.0);
      const double ratio_b = std::max(std::fabs((sb + next) / (c + next)), 1.0);
      converged = true;
      for (size_t i = 0; i < count && converged; ++i) {
        const double ratio_bound = z[i] * ratio_a * ratio_b;
        converged = ratio_bound < 1.0 &&
                    std::fabs(coefficient * power[i]) * ratio_bound / (1.0 - ratio_bound) <=
                        kRelativeTolerance * std::fabs(sum[i]);
      }
    }
    if (converged) {
      // One pow per z: the Euler prefactor and the caller's own power of (1 - z) together.
      const double exponent = (euler ? excess : 0.0) + scale_exponent;
      for (size_t i = 0; i < count; ++i) {
        (*values)[i] = exponent == 0.0 ? sum[i] : sum[i] * std::pow(1.0 - z[i], exponent);
      }
      return true;
    }
  }
  return false;
}

double Digamma(double x) {
  if (std::isnan(x) || IsNonPositiveInteger(x)) {
    return kNaN;
  }
  if (x < 0.0) {
    // Reflection: psi(1 - x) - psi(x) = pi cot(pi x).
    return Digamma(1.0 - x) - kPi / std::tan(kPi * x);
  }
  double shift = 0.0;
  while (x < 10.0) {
    shift -= 1.0 / x;
    x += 1.0;
  }
  // Asymptotic series; at x >= 10 the first omitted term (B14 / 14x^14) is below 1e-15.
  const double inv = 1.0 / x;
  const double inv2 = inv * inv;
  const double tail =
      inv2 *
      (1.0 / 12.0 -
       inv2 * (1.0 / 120.0 -
               inv2 * (1.0 / 252.0 -
                       inv2 * (1.0 / 240.0 - inv2 * (1.0 / 132.0 - inv2 * 691.0 / 32760.0)))));
  return shift + std::log(x) - 0.5 * inv - tail;
}

double LogSumExp(double u, double v) {
  const double high = std::max(u, v);
  if (high == -std::numeric_limits<double>::infinity()) {
    return high;
  }
  return high + std::log1p(std::exp(std::min(u, v) - high));
}

double LogGammaIncrement(double base, double increment) {
  if (increment == 0.0) {
    return 0.0;
  }
  return std::lgamma(base + increment) - std::lgamma(base);
}

}  // namespace clienttier::scoring
