#pragma once

#include <vector>

// Special functions for the CLV models (BG/NBD, Gamma-Gamma). Pure math, no I/O.

namespace clienttier::scoring {

enum class SeriesStatus {
  kConverged,
  kNotConverged,     // the term cap was reached before the tail bound met the tolerance
  kInvalidArgument,  // non-finite input, z >= 1, or c a pole (non-positive integer)
};

struct Hypergeometric2F1Result {
  double value = 0.0;  // NaN unless status == kConverged
  SeriesStatus status = SeriesStatus::kInvalidArgument;
  int terms = 0;  // series terms summed
};

// Gauss hypergeometric function 2F1(a, b; c; z) for real z < 1.
//  - z < 0 is mapped to (0, 1) by the Pfaff transformation z -> z / (z - 1).
//  - When c - a - b < 0 the direct series' terms grow like n^(a+b-c-1) before z^n wins (the
//    BG/NBD case with many repeat purchases); the Euler transformation
//    (1-z)^(c-a-b) 2F1(c-a, c-b; c; z) is summed instead, whose terms decay from the start.
//  - The sum stops only when a rigorous geometric bound on the remaining tail is below
//    relative 1e-16, so a slowly converging series is never cut short by a tiny early term.
// Cost grows like 40 / (1 - z) terms; past max_terms the result is kNotConverged (never a hang).
Hypergeometric2F1Result Hypergeometric2F1(double a, double b, double c, double z,
                                          int max_terms = 1000000);

// Digamma psi(x) = d/dx ln Gamma(x): recurrence up to x >= 10, then the asymptotic series;
// reflection for x < 0. NaN at the poles (0, -1, -2, ...).
// 2F1(a, b; c; z_i) for several z_i in [0, 1) in one pass, as Hypergeometric2F1 would give
// each: the coefficients (a)_n (b)_n / ((c)_n n!) are shared, so every extra z costs one
// multiply-add per term (CLV needs a whole monthly curve per client). Stops when every z's
// tail bound is below the tolerance; false, with NaN values, on an invalid argument or when
// max_terms is reached. With scale_exponent e, each value is multiplied by (1 - z_i)^e (one
// pow per z where the caller would need a second).
bool Hypergeometric2F1Many(double a, double b, double c, const std::vector<double>& z,
                           std::vector<double>* values, int max_terms = 1000000,
                           double scale_exponent = 0.0);

double Digamma(double x);

// ln(exp(u) + exp(v)) without overflow or underflow; -inf when both are -inf.
double LogSumExp(double u, double v);

// ln Gamma(base + increment) - ln Gamma(base) for base > 0, increment >= 0.
double LogGammaIncrement(double base, double increment);

}  // namespace clienttier::scoring
