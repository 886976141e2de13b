#include "services/scoring/domain/bounded_minimizer.h"

#include <algorithm>
#include <cmath>

namespace clienttier::scoring {
namespace {

bool AllFinite(const std::vector<double>& values) {
  return std::all_of(values.begin(), values.end(), [](double v) { return std::isfinite(v); });
}

double Dot(const std::vector<double>& u, const std::vector<double>& v) {
  double sum = 0.0;
  for (std::size_t i = 0; i < u.size(); ++i) {
    sum += u[i] * v[i];
  }
  return sum;
}

void ResetToScaledIdentity(std::vector<double>* inverse_hessian, std::size_t n, double scale) {
  std::fill(inverse_hessian->begin(), inverse_hessian->end(), 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    (*inverse_hessian)[i * n + i] = scale;
  }
}

// Which coordinates are held: on a bound with the gradient pushing further out of the box.
std::vector<bool> ActiveSet(const std::vector<double>& x, const std::vector<double>& gradient,
                            const std::vector<double>& lower, const std::vector<double>& upper) {
  std::vector<bool> active(x.size(), false);
  for (std::size_t i = 0; i < x.size(); ++i) {
    active[i] = (x[i] <= lower[i] && gradient[i] > 0.0) || (x[i] >= upper[i] && gradient[i] < 0.0);
  }
  return active;
}

double ProjectedGradientNorm(const std::vector<double>& gradient, const std::vector<bool>& active) {
  double norm = 0.0;
  for (std::size_t i = 0; i < gradient.size(); ++i) {
    if (!active[i]) {
      norm = std::max(norm, std::fabs(gradient[i]));
    }
  }
  return norm;
}

}  // namespace

const char* MinimizerStatusName(MinimizerStatus status) {
  switch (status) {
    case MinimizerStatus::kGradientConverged:
      return "gradient converged";
    case MinimizerStatus::kFunctionConverged:
      return "relative change converged";
    case MinimizerStatus::kMaxIterations:
      return "iteration cap reached";
    case MinimizerStatus::kLineSearchFailed:
      return "line search failed";
    case MinimizerStatus::kNonFiniteStart:
      return "non-finite objective at the starting point";
  }
  return "unknown";
}

const char* FitStatusName(FitStatus status) {
  switch (status) {
    case FitStatus::kConverged:
      return "converged";
    case FitStatus::kNotConverged:
      return "not converged";
    case FitStatus::kAtBound:
      return "at bound";
    case FitStatus::kTooLittleData:
      return "too little data";
    case FitStatus::kDegenerateData:
      return "degenerate data";
    case FitStatus::kInvalidInput:
      return "invalid input";
  }
  return "unknown";
}

MinimizerResult MinimizeWithinBounds(const Objective& objective, std::vector<double> start,
                                     const std::vector<double>& lower,
                                     const std::vector<double>& upper,
                                     const MinimizerOptions& options) {
  const std::size_t n = start.size();
  MinimizerResult result;
  for (std::size_t i = 0; i < n; ++i) {
    start[i] = std::clamp(start[i], lower[i], upper[i]);
  }
  result.x = start;
  result.gradient.assign(n, 0.0);
  result.at_bound.assign(n, false);
  result.value = objective(result.x, &result.gradient);
  result.evaluations = 1;
  if (!std::isfinite(result.value) || !AllFinite(result.gradient)) {
    result.status = MinimizerStatus::kNonFiniteStart;
    return result;
  }

  std::vector<double> inverse_hessian(n * n, 0.0);
  ResetToScaledIdentity(&inverse_hessian, n, 1.0);
  bool hessian_is_identity = true;
  int small_changes_in_a_row = 0;
  std::vector<double> direction(n);
  std::vector<double> trial(n);
  std::vector<double> trial_gradient(n);
  std::vector<double> step(n);
  std::vector<double> gradient_change(n);

  result.status = MinimizerStatus::kMaxIterations;
  while (result.iterations < options.max_iterations) {
    const std::vector<bool> active = ActiveSet(result.x, result.gradient, lower, upper);
    if (ProjectedGradientNorm(result.gradient, active) <= options.gradient_tolerance) {
      result.status = MinimizerStatus::kGradientConverged;
      break;
    }
    ++result.iterations;

    // Quasi-Newton direction on the free coordinates; held coordinates do not move.
    for (std::size_t i = 0; i < n; ++i) {
      direction[i] = 0.0;
      if (active[i]) {
        continue;
      }
      for (std::size_t j = 0; j < n; ++j) {
        if (!active[j]) {
          direction[i] -= inverse_hessian[i * n + j] * result.gradient[j];
        }
      }
    }
    if (Dot(direction, result.gradient) >= 0.0) {
      ResetToScaledIdentity(&inverse_hessian, n, 1.0);
      hessian_is_identity = true;
      for (std::size_t i = 0; i < n; ++i) {
        direction[i] = active[i] ? 0.0 : -result.gradient[i];
      }
    }
    double longest = 0.0;
    for (double d : direction) {
      longest = std::max(longest, std::fabs(d));
    }
    double step_length = longest > options.max_step ? options.max_step / longest : 1.0;

    bool accepted = false;
    double trial_value = 0.0;
    for (int attempt = 0; attempt < options.max_line_search_steps; ++attempt) {
      for (std::size_t i = 0; i < n; ++i) {
        trial[i] = std::clamp(result.x[i] + step_length * direction[i], lower[i], upper[i]);
        step[i] = trial[i] - result.x[i];
      }
      trial_value = objective(trial, &trial_gradient);
      ++result.evaluations;
      const double predicted_decrease = Dot(result.gradient, step);
      if (std::isfinite(trial_value) && AllFinite(trial_gradient) &&
          trial_value <= result.value + 1e-4 * predicted_decrease) {
        accepted = true;
        break;
      }
      step_length *= 0.5;
    }
    if (!accepted) {
      if (!hessian_is_identity) {
        // The curvature model misled us; retry once from steepest descent before giving up.
        ResetToScaledIdentity(&inverse_hessian, n, 1.0);
        hessian_is_identity = true;
        continue;
      }
      result.status = MinimizerStatus::kLineSearchFailed;
      break;
    }

    const double change = std::fabs(trial_value - result.value);
    for (std::size_t i = 0; i < n; ++i) {
      gradient_change[i] = trial_gradient[i] - result.gradient[i];
    }
    result.x = trial;
    result.value = trial_value;
    result.gradient = trial_gradient;

    // BFGS update of the inverse Hessian, skipped when the curvature condition fails (which a
    // projected step can cause) so the approximation stays positive definite.
    const double curvature = Dot(step, gradient_change);
    if (curvature > 1e-12 * std::sqrt(Dot(step, step) * Dot(gradient_change, gradient_change))) {
      if (hessian_is_identity) {
        ResetToScaledIdentity(&inverse_hessian, n,
                              curvature / Dot(gradient_change, gradient_change));
        hessian_is_identity = false;
      }
      const double rho = 1.0 / curvature;
      std::vector<double> h_y(n, 0.0);
      for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < n; ++j) {
          h_y[i] += inverse_hessian[i * n + j] * gradient_change[j];
        }
      }
      const double y_h_y = Dot(gradient_change, h_y);
      for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < n; ++j) {
          inverse_hessian[i * n + j] +=
              rho * ((1.0 + rho * y_h_y) * step[i] * step[j] - h_y[i] * step[j] - step[i] * h_y[j]);
        }
      }
    }

    if (change <= options.relative_function_tolerance * std::max(1.0, std::fabs(result.value))) {
      if (++small_changes_in_a_row >= 2) {
        result.status = MinimizerStatus::kFunctionConverged;
        break;
      }
    } else {
      small_changes_in_a_row = 0;
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    result.at_bound[i] = result.x[i] <= lower[i] || result.x[i] >= upper[i];
  }
  return result;
}

std::vector<double> NumericalHessian(const Objective& objective, const std::vector<double>& x,
                                     double step) {
  const std::size_t n = x.size();
  std::vector<double> hessian(n * n, std::numeric_limits<double>::quiet_NaN());
  std::vector<double> plus_gradient(n);
  std::vector<double> minus_gradient(n);
  std::vector<double> shifted = x;
  for (std::size_t j = 0; j < n; ++j) {
    shifted[j] = x[j] + step;
    objective(shifted, &plus_gradient);
    shifted[j] = x[j] - step;
    objective(shifted, &minus_gradient);
    shifted[j] = x[j];
    for (std::size_t i = 0; i < n; ++i) {
      hessian[i * n + j] = (plus_gradient[i] - minus_gradient[i]) / (2.0 * step);
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      const double mean = 0.5 * (hessian[i * n + j] + hessian[j * n + i]);
      hessian[i * n + j] = mean;
      hessian[j * n + i] = mean;
    }
  }
  return hessian;
}

bool InvertSymmetricPositiveDefinite(const std::vector<double>& matrix, std::size_t n,
                                     std::vector<double>* inverse) {
  if (matrix.size() != n * n || !AllFinite(matrix)) {
    return false;
  }
  // Cholesky factor L (lower), then columns of the inverse by two triangular solves.
  std::vector<double> factor(n * n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j <= i; ++j) {
      double sum = matrix[i * n + j];
      for (std::size_t k = 0; k < j; ++k) {
        sum -= factor[i * n + k] * factor[j * n + k];
      }
      if (i == j) {
        if (!(sum > 1e-14 * std::fabs(matrix[i * n + i])) || sum <= 0.0) {
          return false;
        }
        factor[i * n + i] = std::sqrt(sum);
      } else {
        factor[i * n + j] = sum / factor[j * n + j];
      }
    }
  }
  inverse->assign(n * n, 0.0);
  std::vector<double> column(n);
  for (std::size_t c = 0; c < n; ++c) {
    for (std::size_t i = 0; i < n; ++i) {
      double sum = (i == c) ? 1.0 : 0.0;
      for (std::size_t k = 0; k < i; ++k) {
        sum -= factor[i * n + k] * column[k];
      }
      column[i] = sum / factor[i * n + i];
    }
    for (std::size_t ii = n; ii-- > 0;) {
      double sum = column[ii];
      for (std::size_t k = ii + 1; k < n; ++k) {
        sum -= factor[k * n + ii] * column[k];
      }
      column[ii] = sum / factor[ii * n + ii];
    }
    for (std::size_t i = 0; i < n; ++i) {
      (*inverse)[i * n + c] = column[i];
    }
  }
  return AllFinite(*inverse);
}

}  // namespace clienttier::scoring
