#pragma once

#include <cmath>

namespace clienttier::testing {

// Integrates f(u, 1 - u) over (0, 1) by the tanh-sinh rule, which copes with the integrable
// endpoint singularities of Gamma(r < 1) and Beta(a < 1) densities. 1 - u is passed separately
// so integrands near u = 1 keep their precision.
template <typename Integrand>
double IntegrateUnitInterval(const Integrand& f, double step = 1.0 / 64.0) {
  constexpr double kHalfPi = 1.5707963267948966;
  double sum = 0.0;
  const int half_width = static_cast<int>(4.0 / step);
  for (int k = -half_width; k <= half_width; ++k) {
    const double t = k * step;
    const double s = kHalfPi * std::sinh(t);
    const double tail = std::exp(-2.0 * std::fabs(s));
    const double small = tail / (1.0 + tail);
    const double large = 1.0 / (1.0 + tail);
    if (small == 0.0) {
      continue;
    }
    const double u = s >= 0.0 ? large : small;
    const double one_minus_u = s >= 0.0 ? small : large;
    sum += step * kHalfPi * std::cosh(t) * 2.0 * u * one_minus_u * f(u, one_minus_u);
  }
  return sum;
}

}  // namespace clienttier::testing
