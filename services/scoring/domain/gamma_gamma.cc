#include "services/scoring/domain/gamma_gamma.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <utility>

#include "services/scoring/domain/special_functions.h"

namespace clienttier::scoring {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool IsValidClient(const SpendSummary& client) {
  return std::isfinite(client.x) && std::isfinite(client.mean_spend) && client.x >= 0.0 &&
         client.x == std::floor(client.x) && client.mean_spend >= 0.0;
}

bool IsEligible(const SpendSummary& client) { return client.x >= 1.0 && client.mean_spend > 0.0; }

// The likelihood needs log(gamma + total) per client, where total = x * mean is the client's
// total repeat spend; clients sharing a total share that term, so it is summed per distinct
// total (money in minor units makes ties common). The rest is per distinct x or constant.
struct CompressedSpend {
  std::vector<double> distinct_x;
  std::vector<double> clients_per_x;
  std::vector<double> distinct_total;
  std::vector<double> clients_per_total;
  std::vector<double> x_sum_per_total;
  double clients = 0.0;
  double sum_x_log_total = 0.0;  // sum x ln(x mean)
  double sum_log_mean = 0.0;     // sum ln(mean)
};

CompressedSpend Compress(const std::vector<SpendSummary>& clients, double spend_scale) {
  CompressedSpend data;
  std::vector<std::pair<double, double>> totals;  // (total, x)
  std::vector<double> xs;
  for (const SpendSummary& client : clients) {
    if (!IsEligible(client)) {
      continue;
    }
    const double mean = client.mean_spend / spend_scale;
    const double total = client.x * mean;
    totals.emplace_back(total, client.x);
    xs.push_back(client.x);
    data.sum_x_log_total += client.x * std::log(total);
    data.sum_log_mean += std::log(mean);
  }
  data.clients = static_cast<double>(totals.size());
  std::sort(xs.begin(), xs.end());
  for (std::size_t i = 0; i < xs.size();) {
    std::size_t j = i + 1;
    while (j < xs.size() && xs[j] == xs[i]) {
      ++j;
    }
    data.distinct_x.push_back(xs[i]);
    data.clients_per_x.push_back(static_cast<double>(j - i));
    i = j;
  }
  std::sort(totals.begin(), totals.end());
  for (std::size_t i = 0; i < totals.size();) {
    double x_sum = 0.0;
    std::size_t j = i;
    while (j < totals.size() && totals[j].first == totals[i].first) {
      x_sum += totals[j].second;
      ++j;
    }
    data.distinct_total.push_back(totals[i].first);
    data.clients_per_total.push_back(static_cast<double>(j - i));
    data.x_sum_per_total.push_back(x_sum);
    i = j;
  }
  return data;
}

double EvaluateCompressed(const GammaGammaParams& params, const CompressedSpend& data,
                          GammaGammaParams* gradient) {
  const double p = params.p;
  const double q = params.q;
  const double gamma = params.gamma;
  const double lgamma_q = std::lgamma(q);
  const double digamma_q = Digamma(q);
  double log_likelihood =
      data.clients * q * std::log(gamma) + p * data.sum_x_log_total - data.sum_log_mean;
  double d_p = data.sum_x_log_total;
  double d_q = data.clients * std::log(gamma);
  for (std::size_t k = 0; k < data.distinct_x.size(); ++k) {
    const double px = p * data.distinct_x[k];
    const double weight = data.clients_per_x[k];
    log_likelihood += weight * (std::lgamma(px + q) - std::lgamma(px) - lgamma_q);
    const double digamma_px_q = Digamma(px + q);
    d_p += weight * data.distinct_x[k] * (digamma_px_q - Digamma(px));
    d_q += weight * (digamma_px_q - digamma_q);
  }
  double x_weighted_logs = 0.0;
  double count_weighted_logs = 0.0;
  double gamma_terms = 0.0;
  for (std::size_t j = 0; j < data.distinct_total.size(); ++j) {
    const double shifted = gamma + data.distinct_total[j];
    const double log_shifted = std::log(shifted);
    x_weighted_logs += data.x_sum_per_total[j] * log_shifted;
    count_weighted_logs += data.clients_per_total[j] * log_shifted;
    gamma_terms += (p * data.x_sum_per_total[j] + q * data.clients_per_total[j]) / shifted;
  }
  log_likelihood -= p * x_weighted_logs + q * count_weighted_logs;
  if (gradient != nullptr) {
    gradient->p = d_p - x_weighted_logs;
    gradient->q = d_q - count_weighted_logs;
    gradient->gamma = data.clients * q / gamma - gamma_terms;
  }
  return log_likelihood;
}

GammaGammaParams NaNParams() { return GammaGammaParams{kNaN, kNaN, kNaN}; }

FitResult<GammaGammaParams> Rejected(FitStatus status, std::string message,
                                     std::size_t clients_used) {
  return RejectedFit(status, std::move(message), clients_used, NaNParams());
}

}  // namespace

double GammaGammaLogLikelihood(const GammaGammaParams& params, const SpendSummary& client,
                               GammaGammaParams* gradient) {
  const double p = params.p;
  const double q = params.q;
  const double gamma = params.gamma;
  const double x = client.x;
  const double mean = client.mean_spend;
  const double px = p * x;
  const double log_shifted = std::log(gamma + x * mean);
  if (gradient != nullptr) {
    const double digamma_px_q = Digamma(px + q);
    gradient->p = x * (digamma_px_q - Digamma(px) + std::log(x * mean) - log_shifted);
    gradient->q = digamma_px_q - Digamma(q) + std::log(gamma) - log_shifted;
    gradient->gamma = q / gamma - (px + q) / (gamma + x * mean);
  }
  return std::lgamma(px + q) - std::lgamma(px) - std::lgamma(q) + q * std::log(gamma) +
         px * std::log(x) + (px - 1.0) * std::log(mean) - (px + q) * log_shifted;
}

double GammaGammaTotalLogLikelihood(const GammaGammaParams& params,
                                    const std::vector<SpendSummary>& clients,
                                    GammaGammaParams* gradient) {
  return EvaluateCompressed(params, Compress(clients, 1.0), gradient);
}

FitResult<GammaGammaParams> FitGammaGamma(const std::vector<SpendSummary>& clients,
                                          const GammaGammaFitOptions& options) {
  std::size_t eligible = 0;
  double spend_sum = 0.0;
  double lowest = std::numeric_limits<double>::infinity();
  double highest = -std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < clients.size(); ++i) {
    if (!IsValidClient(clients[i])) {
      std::ostringstream message;
      message << "client #" << i << " has invalid spend data (x=" << clients[i].x
              << ", mean_spend=" << clients[i].mean_spend
              << "): need whole x >= 0 and mean_spend >= 0, finite";
      return Rejected(FitStatus::kInvalidInput, message.str(), 0);
    }
    if (IsEligible(clients[i])) {
      ++eligible;
      spend_sum += clients[i].mean_spend;
      lowest = std::min(lowest, clients[i].mean_spend);
      highest = std::max(highest, clients[i].mean_spend);
    }
  }
  const std::size_t skipped = clients.size() - eligible;
  const std::size_t minimum_clients = std::max<std::size_t>(options.min_clients, 1);
  if (eligible < minimum_clients) {
    return Rejected(FitStatus::kTooLittleData,
                    "Gamma-Gamma needs at least " + std::to_string(minimum_clients) +
                        " clients with a repeat purchase and positive spend, got " +
                        std::to_string(eligible) + " (" + std::to_string(skipped) + " skipped)",
                    eligible);
  }
  if (lowest == highest) {
    return Rejected(
        FitStatus::kDegenerateData,
        "every eligible client has the same mean spend: spend heterogeneity cannot be estimated",
        eligible);
  }

  const double spend_scale = spend_sum / static_cast<double>(eligible);
  const CompressedSpend data = Compress(clients, spend_scale);
  const Objective objective = [&data](const std::vector<double>& log_params,
                                      std::vector<double>* gradient) {
    const GammaGammaParams params{std::exp(log_params[0]), std::exp(log_params[1]),
                                  std::exp(log_params[2])};
    GammaGammaParams d{};
    const double log_likelihood = EvaluateCompressed(params, data, gradient ? &d : nullptr);
    if (gradient != nullptr) {
      gradient->assign({-d.p * params.p / data.clients, -d.q * params.q / data.clients,
                        -d.gamma * params.gamma / data.clients});
    }
    return -log_likelihood / data.clients;
  };
  const std::vector<double> lower = {std::log(1e-4), std::log(1e-4), std::log(1e-6)};
  const std::vector<double> upper = {std::log(1e4), std::log(1e4), std::log(1e8)};
  const std::vector<double> start = {std::log(2.0), std::log(3.0), 0.0};
  const MinimizerResult minimum =
      MinimizeWithinBounds(objective, start, lower, upper, options.minimizer);
  if (minimum.status == MinimizerStatus::kNonFiniteStart) {
    return Rejected(FitStatus::kNotConverged, "log-likelihood not finite at the starting point",
                    eligible);
  }

  FitResult<GammaGammaParams> result;
  result.clients_used = eligible;
  result.iterations = minimum.iterations;
  result.converged = minimum.converged();
  result.params = GammaGammaParams{std::exp(minimum.x[0]), std::exp(minimum.x[1]),
                                   std::exp(minimum.x[2]) * spend_scale};
  // The density of the mean is in 1/(minor unit); rescaling spend shifts it by -ln(scale) each.
  result.log_likelihood = -minimum.value * data.clients - data.clients * std::log(spend_scale);
  result.standard_errors = NaNParams();

  const std::vector<double> hessian = NumericalHessian(objective, minimum.x, 1e-4);
  std::vector<double> information(hessian.size());
  for (std::size_t i = 0; i < hessian.size(); ++i) {
    information[i] = hessian[i] * data.clients;
  }
  std::vector<double> covariance;
  if (InvertSymmetricPositiveDefinite(information, 3, &covariance)) {
    const double values[3] = {result.params.p, result.params.q, result.params.gamma};
    double errors[3] = {kNaN, kNaN, kNaN};
    for (std::size_t k = 0; k < 3; ++k) {
      if (!minimum.at_bound[k]) {
        errors[k] = values[k] * std::sqrt(covariance[k * 3 + k]);
      }
    }
    result.standard_errors = GammaGammaParams{errors[0], errors[1], errors[2]};
  }

  std::ostringstream message;
  message << "Gamma-Gamma on " << eligible << " clients (" << skipped
          << " skipped without repeat spend, " << data.distinct_total.size()
          << " distinct totals): " << MinimizerStatusName(minimum.status) << " after "
          << minimum.iterations << " iterations";
  SettleFit(minimum, message.str(), &result);
  return result;
}

double GammaGammaConditionalExpectedSpend(const GammaGammaParams& params,
                                          const SpendSummary& client) {
  const double denominator = params.p * client.x + params.q - 1.0;
  if (!(denominator > 0.0)) {
    return kNaN;
  }
  return params.p * (params.gamma + client.x * client.mean_spend) / denominator;
}

double GammaGammaMeanSpend(const GammaGammaParams& params) {
  if (!(params.q > 1.0)) {
    return kNaN;
  }
  return params.p * params.gamma / (params.q - 1.0);
}

}  // namespace clienttier::scoring
