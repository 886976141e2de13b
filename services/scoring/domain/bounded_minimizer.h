#pragma once

#include <algorithm>

#include <cstddef>
#include <functional>
#include <limits>
#include <string>
#include <vector>

// A small box-constrained quasi-Newton minimiser for smooth objectives with an analytic
// gradient, plus the result shape shared by the CLV model fits. The models optimise over
// log-parameters, so the boxes are bounds on log-parameters.

namespace clienttier::scoring {

// Returns f(x); when gradient is non-null also fills it (same size as x). May return a
// non-finite value: the minimiser treats it as "outside the usable region" and backs off.
using Objective =
    std::function<double(const std::vector<double>& x, std::vector<double>* gradient)>;

struct MinimizerOptions {
  int max_iterations = 200;
  // Converged when every projected-gradient component is at most this in absolute value.
  double gradient_tolerance = 1e-8;
  // ... or when two successive iterations each change f by at most this times max(1, |f|).
  double relative_function_tolerance = 1e-13;
  int max_line_search_steps = 40;
  // Longest step (max-norm) per iteration; with log-parameters 2.0 means a factor e^2 at most.
  double max_step = 2.0;
};

enum class MinimizerStatus {
  kGradientConverged,
  kFunctionConverged,
  kMaxIterations,
  kLineSearchFailed,  // no decrease along the steepest descent direction
  kNonFiniteStart,    // f or its gradient is not finite at the starting point
};

const char* MinimizerStatusName(MinimizerStatus status);

struct MinimizerResult {
  std::vector<double> x;
  double value = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> gradient;
  std::vector<bool> at_bound;  // per coordinate: pinned at its lower or upper bound
  int iterations = 0;
  int evaluations = 0;
  MinimizerStatus status = MinimizerStatus::kNonFiniteStart;

  bool converged() const {
    return status == MinimizerStatus::kGradientConverged ||
           status == MinimizerStatus::kFunctionConverged;
  }
};

// Projected BFGS: coordinates at a bound whose gradient pushes outward are held fixed, the
// rest take a BFGS step projected back into the box, with an Armijo backtracking line search.
// Never throws, never runs past max_iterations.
MinimizerResult MinimizeWithinBounds(const Objective& objective, std::vector<double> start,
                                     const std::vector<double>& lower,
                                     const std::vector<double>& upper,
                                     const MinimizerOptions& options = {});

// Hessian by central differences of the analytic gradient, symmetrised; row-major n x n.
std::vector<double> NumericalHessian(const Objective& objective, const std::vector<double>& x,
                                     double step);

// Inverse of a symmetric positive definite n x n matrix (row-major) by Cholesky; false when the
// matrix is not numerically positive definite.
bool InvertSymmetricPositiveDefinite(const std::vector<double>& matrix, std::size_t n,
                                     std::vector<double>* inverse);

// ----- Shared shape of a model fit -----

enum class FitStatus {
  kConverged,       // optimum found inside the bounds: parameters usable
  kNotConverged,    // iteration cap or line-search failure: parameters are the best found
  kAtBound,         // converged, but a parameter sits on its bound: the data do not identify it
  kTooLittleData,   // fewer clients (or repeat buyers) than the fit's minimum; nothing fitted
  kDegenerateData,  // data that cannot identify the model (no repeat purchases, no spread, ...)
  kInvalidInput,    // negative / non-finite values or t_x > T
};

const char* FitStatusName(FitStatus status);

template <typename Params>
struct FitResult {
  FitStatus status = FitStatus::kTooLittleData;
  std::string message;  // human-readable reason, fit for a log line or an operator
  Params params{};      // NaN when nothing was fitted
  // From the inverse observed information (delta method from log-parameters); NaN when the
  // information matrix is singular or the parameter is at a bound.
  Params standard_errors{};
  double log_likelihood = std::numeric_limits<double>::quiet_NaN();
  int iterations = 0;
  bool converged = false;        // the minimiser met its convergence test
  std::size_t clients_used = 0;  // clients that entered the likelihood

  bool usable() const { return status == FitStatus::kConverged; }
};

// Sets a finished fit's status and message from its minimiser's outcome: not converged,
// converged with a parameter on its bound (the data do not identify the model), or converged.
// `result->converged` must already be set.
template <typename Params>
void SettleFit(const MinimizerResult& minimum, std::string message, FitResult<Params>* result) {
  const bool any_at_bound =
      std::any_of(minimum.at_bound.begin(), minimum.at_bound.end(), [](bool v) { return v; });
  if (!result->converged) {
    result->status = FitStatus::kNotConverged;
  } else if (any_at_bound) {
    result->status = FitStatus::kAtBound;
    message += "; a parameter is on its bound, so the data do not identify the model";
  } else {
    result->status = FitStatus::kConverged;
  }
  result->message = std::move(message);
}

// A fit that did not run (or was refused): the status and message, NaN parameters and errors.
template <typename Params>
FitResult<Params> RejectedFit(FitStatus status, std::string message, std::size_t clients_used,
                              const Params& nan_params) {
  FitResult<Params> result;
  result.status = status;
  result.message = std::move(message);
  result.params = nan_params;
  result.standard_errors = nan_params;
  result.clients_used = clients_used;
  return result;
}

}  // namespace clienttier::scoring
