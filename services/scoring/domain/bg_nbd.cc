#include "services/scoring/domain/bg_nbd.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <thread>

#include "services/scoring/domain/special_functions.h"

namespace clienttier::scoring {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kShapeLowerBound = 1e-4;
constexpr double kShapeUpperBound = 1e4;

bool IsValidClient(const RepeatSummary& client) {
  return std::isfinite(client.x) && std::isfinite(client.t_x) && std::isfinite(client.T) &&
         client.x >= 0.0 && client.x == std::floor(client.x) && client.t_x >= 0.0 &&
         client.T >= 0.0 && client.t_x <= client.T;
}

// ---------- Compressed data: the fit's likelihood costs one exp and one log1p per distinct
// history instead of per client, and every lgamma/digamma/log is per distinct value. ----------

struct HistoryGroup {
  std::uint32_t x_index;
  std::uint32_t horizon_index;        // into distinct T
  std::uint32_t last_purchase_index;  // into distinct t_x
  double clients;
};

struct CompressedHistories {
  std::vector<double> distinct_x;
  std::vector<double> clients_per_x;
  std::vector<double> distinct_horizon;
  std::vector<double> distinct_last_purchase;
  std::vector<HistoryGroup> groups;
  double clients = 0.0;
};

// Maps each value to the rank of its distinct value. Whole days (the normal case) go through a
// direct lookup table; anything else through sort + binary search.
void RankValues(const std::vector<double>& values, std::vector<double>* distinct,
                std::vector<std::uint32_t>* ranks) {
  constexpr double kLookupLimit = 1 << 22;
  bool small_whole_numbers = true;
  double largest = 0.0;
  for (double v : values) {
    if (v != std::floor(v) || v >= kLookupLimit) {
      small_whole_numbers = false;
      break;
    }
    largest = std::max(largest, v);
  }
  ranks->resize(values.size());
  if (small_whole_numbers) {
    std::vector<std::int32_t> rank_of(static_cast<std::size_t>(largest) + 1, -1);
    for (double v : values) {
      rank_of[static_cast<std::size_t>(v)] = 0;
    }
    distinct->clear();
    for (std::size_t v = 0; v < rank_of.size(); ++v) {
      if (rank_of[v] == 0) {
        rank_of[v] = static_cast<std::int32_t>(distinct->size());
        distinct->push_back(static_cast<double>(v));
      }
    }
    for (std::size_t i = 0; i < values.size(); ++i) {
      (*ranks)[i] = static_cast<std::uint32_t>(rank_of[static_cast<std::size_t>(values[i])]);
    }
    return;
  }
  *distinct = values;
  std::sort(distinct->begin(), distinct->end());
  distinct->erase(std::unique(distinct->begin(), distinct->end()), distinct->end());
  for (std::size_t i = 0; i < values.size(); ++i) {
    (*ranks)[i] = static_cast<std::uint32_t>(
        std::lower_bound(distinct->begin(), distinct->end(), values[i]) - distinct->begin());
  }
}

CompressedHistories Compress(const std::vector<RepeatSummary>& clients) {
  const std::size_t n = clients.size();
  CompressedHistories data;
  data.clients = static_cast<double>(n);
  std::vector<double> column(n);
  std::vector<std::uint32_t> x_rank;
  std::vector<std::uint32_t> horizon_rank;
  std::vector<std::uint32_t> last_rank;
  for (std::size_t i = 0; i < n; ++i) {
    column[i] = clients[i].x;
  }
  RankValues(column, &data.distinct_x, &x_rank);
  for (std::size_t i = 0; i < n; ++i) {
    column[i] = clients[i].T;
  }
  RankValues(column, &data.distinct_horizon, &horizon_rank);
  for (std::size_t i = 0; i < n; ++i) {
    // t_x does not enter the likelihood of a client without repeats; zero it so they group.
    column[i] = clients[i].x > 0.0 ? clients[i].t_x : 0.0;
  }
  RankValues(column, &data.distinct_last_purchase, &last_rank);

  data.clients_per_x.assign(data.distinct_x.size(), 0.0);
  for (std::uint32_t rank : x_rank) {
    data.clients_per_x[rank] += 1.0;
  }

  // Ranks are below n, so 21 bits each suffice up to 2^21 clients; beyond that sort triples.
  constexpr std::uint64_t kRankLimit = std::uint64_t{1} << 21;
  auto emit = [&data](std::uint32_t xr, std::uint32_t hr, std::uint32_t lr, double count) {
    data.groups.push_back(HistoryGroup{xr, hr, lr, count});
  };
  if (n < kRankLimit) {
    std::vector<std::uint64_t> keys(n);
    for (std::size_t i = 0; i < n; ++i) {
      keys[i] =
          (std::uint64_t{x_rank[i]} << 42) | (std::uint64_t{horizon_rank[i]} << 21) | last_rank[i];
    }
    std::sort(keys.begin(), keys.end());
    const std::uint64_t mask = kRankLimit - 1;
    for (std::size_t i = 0; i < n;) {
      std::size_t j = i + 1;
      while (j < n && keys[j] == keys[i]) {
        ++j;
      }
      emit(static_cast<std::uint32_t>(keys[i] >> 42),
           static_cast<std::uint32_t>((keys[i] >> 21) & mask),
           static_cast<std::uint32_t>(keys[i] & mask), static_cast<double>(j - i));
      i = j;
    }
  } else {
    struct Triple {
      std::uint32_t x, h, l;
      bool operator<(const Triple& o) const {
        return x != o.x ? x < o.x : (h != o.h ? h < o.h : l < o.l);
      }
      bool operator==(const Triple& o) const { return x == o.x && h == o.h && l == o.l; }
    };
    std::vector<Triple> triples(n);
    for (std::size_t i = 0; i < n; ++i) {
      triples[i] = Triple{x_rank[i], horizon_rank[i], last_rank[i]};
    }
    std::sort(triples.begin(), triples.end());
    for (std::size_t i = 0; i < n;) {
      std::size_t j = i + 1;
      while (j < n && triples[j] == triples[i]) {
        ++j;
      }
      emit(triples[i].x, triples[i].h, triples[i].l, static_cast<double>(j - i));
      i = j;
    }
  }
  return data;
}

// Per-evaluation tables over distinct values.
struct EvaluationTables {
  std::vector<double> r_plus_x;
  std::vector<double> dead_log_offset;  // ln a - ln(b + x - 1); -inf when x = 0
  std::vector<double> inv_b_plus_x_minus_1;
  std::vector<double> log_alpha_plus_horizon;
  std::vector<double> inv_alpha_plus_horizon;
  std::vector<double> log_alpha_plus_last;
  std::vector<double> inv_alpha_plus_last;
};

struct GroupSums {
  double log_likelihood = 0.0;      // sum n * ln(alive term + dead term), per-x constants excluded
  double alive_log_horizon = 0.0;   // sum n w_alive ln(alpha + T)
  double dead_log_last = 0.0;       // sum n w_dead ln(alpha + t_x)
  double alpha_terms = 0.0;         // sum n (r + x)(w_alive / (alpha + T) + w_dead / (alpha + t_x))
  double dead_weight = 0.0;         // sum n w_dead
  double dead_weight_over_b = 0.0;  // sum n w_dead / (b + x - 1)
};

void SumGroups(const EvaluationTables& tables, const HistoryGroup* begin, const HistoryGroup* end,
               GroupSums* sums) {
  GroupSums local;
  for (const HistoryGroup* group = begin; group != end; ++group) {
    const double count = group->clients;
    const double r_plus_x = tables.r_plus_x[group->x_index];
    const double log_horizon = tables.log_alpha_plus_horizon[group->horizon_index];
    const double alive = -r_plus_x * log_horizon;
    const double dead_offset = tables.dead_log_offset[group->x_index];
    if (dead_offset == -std::numeric_limits<double>::infinity()) {
      local.log_likelihood += count * alive;
      local.alive_log_horizon += count * log_horizon;
      local.alpha_terms += count * r_plus_x * tables.inv_alpha_plus_horizon[group->horizon_index];
      continue;
    }
    const double log_last = tables.log_alpha_plus_last[group->last_purchase_index];
    const double dead = dead_offset - r_plus_x * log_last;
    const double high = std::max(alive, dead);
    const double ratio = std::exp(std::min(alive, dead) - high);
    const double high_weight = 1.0 / (1.0 + ratio);
    const double alive_weight = alive >= dead ? high_weight : ratio * high_weight;
    const double dead_weight = 1.0 - alive_weight;
    local.log_likelihood += count * (high + std::log1p(ratio));
    local.alive_log_horizon += count * alive_weight * log_horizon;
    local.dead_log_last += count * dead_weight * log_last;
    local.alpha_terms += count * r_plus_x *
                         (alive_weight * tables.inv_alpha_plus_horizon[group->horizon_index] +
                          dead_weight * tables.inv_alpha_plus_last[group->last_purchase_index]);
    local.dead_weight += count * dead_weight;
    local.dead_weight_over_b += count * dead_weight * tables.inv_b_plus_x_minus_1[group->x_index];
  }
  *sums = local;
}

double EvaluateCompressed(const BgNbdParams& params, const CompressedHistories& data,
                          std::size_t parallel_min_groups, BgNbdParams* gradient) {
  const double r = params.r;
  const double alpha = params.alpha;
  const double a = params.a;
  const double b = params.b;
  const double log_alpha = std::log(alpha);
  EvaluationTables tables;
  const std::size_t distinct_x = data.distinct_x.size();
  tables.r_plus_x.resize(distinct_x);
  tables.dead_log_offset.resize(distinct_x);
  tables.inv_b_plus_x_minus_1.resize(distinct_x);

  // Per-distinct-x constants, weighted by how many clients share that x.
  const double lgamma_r = std::lgamma(r);
  const double lgamma_b = std::lgamma(b);
  const double lgamma_a_plus_b = std::lgamma(a + b);
  const double digamma_r = Digamma(r);
  const double digamma_b = Digamma(b);
  const double digamma_a_plus_b = Digamma(a + b);
  double constant_log_likelihood = 0.0;
  double d_r = 0.0;
  double d_a = 0.0;
  double d_b = 0.0;
  for (std::size_t k = 0; k < distinct_x; ++k) {
    const double x = data.distinct_x[k];
    const double weight = data.clients_per_x[k];
    tables.r_plus_x[k] = r + x;
    if (x > 0.0) {
      tables.dead_log_offset[k] = std::log(a) - std::log(b + x - 1.0);
      tables.inv_b_plus_x_minus_1[k] = 1.0 / (b + x - 1.0);
      constant_log_likelihood += weight * (std::lgamma(r + x) - lgamma_r + lgamma_a_plus_b +
                                           std::lgamma(b + x) - lgamma_b - std::lgamma(a + b + x));
      const double digamma_a_plus_b_plus_x = Digamma(a + b + x);
      d_r += weight * (Digamma(r + x) - digamma_r);
      d_a += weight * (digamma_a_plus_b - digamma_a_plus_b_plus_x);
      d_b += weight * (digamma_a_plus_b + Digamma(b + x) - digamma_b - digamma_a_plus_b_plus_x);
    } else {
      tables.dead_log_offset[k] = -std::numeric_limits<double>::infinity();
      tables.inv_b_plus_x_minus_1[k] = 0.0;
    }
  }
  constant_log_likelihood += data.clients * r * log_alpha;

  auto fill_time_tables = [alpha](const std::vector<double>& times, std::vector<double>* logs,
                                  std::vector<double>* invs) {
    logs->resize(times.size());
    invs->resize(times.size());
    for (std::size_t j = 0; j < times.size(); ++j) {
      (*logs)[j] = std::log(alpha + times[j]);
      (*invs)[j] = 1.0 / (alpha + times[j]);
    }
  };
  fill_time_tables(data.distinct_horizon, &tables.log_alpha_plus_horizon,
                   &tables.inv_alpha_plus_horizon);
  fill_time_tables(data.distinct_last_purchase, &tables.log_alpha_plus_last,
                   &tables.inv_alpha_plus_last);

  GroupSums sums;
  const HistoryGroup* first = data.groups.data();
  const HistoryGroup* last = first + data.groups.size();
  if (data.groups.size() >= parallel_min_groups && parallel_min_groups > 0) {
    const HistoryGroup* middle = first + data.groups.size() / 2;
    GroupSums second_half;
    std::thread helper(SumGroups, std::cref(tables), middle, last, &second_half);
    SumGroups(tables, first, middle, &sums);
    helper.join();
    sums.log_likelihood += second_half.log_likelihood;
    sums.alive_log_horizon += second_half.alive_log_horizon;
    sums.dead_log_last += second_half.dead_log_last;
    sums.alpha_terms += second_half.alpha_terms;
    sums.dead_weight += second_half.dead_weight;
    sums.dead_weight_over_b += second_half.dead_weight_over_b;
  } else {
    SumGroups(tables, first, last, &sums);
  }

  if (gradient != nullptr) {
    gradient->r = d_r + data.clients * log_alpha - sums.alive_log_horizon - sums.dead_log_last;
    gradient->alpha = data.clients * r / alpha - sums.alpha_terms;
    gradient->a = d_a + sums.dead_weight / a;
    gradient->b = d_b - sums.dead_weight_over_b;
  }
  return constant_log_likelihood + sums.log_likelihood;
}

BgNbdParams NaNParams() { return BgNbdParams{kNaN, kNaN, kNaN, kNaN}; }

std::vector<double> ToVector(const BgNbdParams& p) { return {p.r, p.alpha, p.a, p.b}; }

BgNbdParams FromVector(const std::vector<double>& v) { return BgNbdParams{v[0], v[1], v[2], v[3]}; }

FitResult<BgNbdParams> Rejected(FitStatus status, std::string message, std::size_t clients_used) {
  return RejectedFit(status, std::move(message), clients_used, NaNParams());
}

}  // namespace

double BgNbdLogLikelihood(const BgNbdParams& params, const RepeatSummary& client,
                          BgNbdParams* gradient) {
  const double r = params.r;
  const double alpha = params.alpha;
  const double a = params.a;
  const double b = params.b;
  const double x = client.x;
  const double base = LogGammaIncrement(r, x) + r * std::log(alpha) + std::lgamma(a + b) +
                      std::lgamma(b + x) - std::lgamma(b) - std::lgamma(a + b + x);
  const double log_horizon = std::log(alpha + client.T);
  const double alive = -(r + x) * log_horizon;
  if (x == 0.0) {
    if (gradient != nullptr) {
      gradient->r = std::log(alpha) - log_horizon;
      gradient->alpha = r / alpha - r / (alpha + client.T);
      gradient->a = 0.0;
      gradient->b = 0.0;
    }
    return base + alive;
  }
  const double log_last = std::log(alpha + client.t_x);
  const double dead = std::log(a) - std::log(b + x - 1.0) - (r + x) * log_last;
  const double total = LogSumExp(alive, dead);
  if (gradient != nullptr) {
    const double alive_weight = std::exp(alive - total);
    const double dead_weight = std::exp(dead - total);
    const double digamma_a_plus_b = Digamma(a + b);
    const double digamma_a_plus_b_plus_x = Digamma(a + b + x);
    gradient->r = Digamma(r + x) - Digamma(r) + std::log(alpha) - alive_weight * log_horizon -
                  dead_weight * log_last;
    gradient->alpha = r / alpha - (r + x) * (alive_weight / (alpha + client.T) +
                                             dead_weight / (alpha + client.t_x));
    gradient->a = digamma_a_plus_b - digamma_a_plus_b_plus_x + dead_weight / a;
    gradient->b = digamma_a_plus_b + Digamma(b + x) - Digamma(b) - digamma_a_plus_b_plus_x -
                  dead_weight / (b + x - 1.0);
  }
  return base + total;
}

double BgNbdTotalLogLikelihood(const BgNbdParams& params, const std::vector<RepeatSummary>& clients,
                               BgNbdParams* gradient) {
  const CompressedHistories data = Compress(clients);
  return EvaluateCompressed(params, data, BgNbdFitOptions{}.parallel_min_groups, gradient);
}

FitResult<BgNbdParams> FitBgNbd(const std::vector<RepeatSummary>& clients,
                                const BgNbdFitOptions& options) {
  const std::size_t n = clients.size();
  std::size_t repeat_buyers = 0;
  double total_x = 0.0;
  double total_horizon = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!IsValidClient(clients[i])) {
      std::ostringstream message;
      message << "client #" << i << " has an invalid history (x=" << clients[i].x
              << ", t_x=" << clients[i].t_x << ", T=" << clients[i].T
              << "): need whole x >= 0 and 0 <= t_x <= T, all finite";
      return Rejected(FitStatus::kInvalidInput, message.str(), 0);
    }
    repeat_buyers += clients[i].x > 0.0 ? 1 : 0;
    total_x += clients[i].x;
    total_horizon += clients[i].T;
  }
  if (n < std::max<std::size_t>(options.min_clients, 1)) {
    return Rejected(FitStatus::kTooLittleData,
                    "BG/NBD needs at least " +
                        std::to_string(std::max<std::size_t>(options.min_clients, 1)) +
                        " clients, got " + std::to_string(n),
                    n);
  }
  if (repeat_buyers == 0) {
    return Rejected(
        FitStatus::kDegenerateData,
        "no client has a repeat purchase: purchase rate and dropout cannot be told apart", n);
  }
  if (total_horizon <= 0.0) {
    return Rejected(FitStatus::kDegenerateData,
                    "every client has T = 0: nothing has been observed yet", n);
  }
  if (repeat_buyers < std::max<std::size_t>(options.min_repeat_buyers, 1)) {
    return Rejected(FitStatus::kTooLittleData,
                    "BG/NBD needs at least " + std::to_string(options.min_repeat_buyers) +
                        " repeat buyers, got " + std::to_string(repeat_buyers),
                    n);
  }

  const CompressedHistories data = Compress(clients);
  const double mean_horizon = total_horizon / static_cast<double>(n);
  const std::size_t parallel_min_groups = options.parallel_min_groups;
  // Mean negative log-likelihood over log-parameters: tolerances do not depend on the tenant's
  // size, and the gradient w.r.t. ln(theta) is theta * d/d(theta).
  const Objective objective = [&data, parallel_min_groups](const std::vector<double>& log_params,
                                                           std::vector<double>* gradient) {
    const BgNbdParams params{std::exp(log_params[0]), std::exp(log_params[1]),
                             std::exp(log_params[2]), std::exp(log_params[3])};
    BgNbdParams d{};
    const double log_likelihood =
        EvaluateCompressed(params, data, parallel_min_groups, gradient ? &d : nullptr);
    if (gradient != nullptr) {
      gradient->assign({-d.r * params.r / data.clients, -d.alpha * params.alpha / data.clients,
                        -d.a * params.a / data.clients, -d.b * params.b / data.clients});
    }
    return -log_likelihood / data.clients;
  };

  const double pooled_rate = total_x / total_horizon;
  const std::vector<double> lower = {std::log(kShapeLowerBound),
                                     std::log(kShapeLowerBound * mean_horizon),
                                     std::log(kShapeLowerBound), std::log(kShapeLowerBound)};
  const std::vector<double> upper = {std::log(kShapeUpperBound),
                                     std::log(kShapeUpperBound * mean_horizon),
                                     std::log(kShapeUpperBound), std::log(kShapeUpperBound)};
  const std::vector<double> start = {0.0, std::log(1.0 / pooled_rate), 0.0, 0.0};
  const MinimizerResult minimum =
      MinimizeWithinBounds(objective, start, lower, upper, options.minimizer);

  FitResult<BgNbdParams> result;
  result.clients_used = n;
  result.iterations = minimum.iterations;
  result.converged = minimum.converged();
  result.params = BgNbdParams{std::exp(minimum.x[0]), std::exp(minimum.x[1]),
                              std::exp(minimum.x[2]), std::exp(minimum.x[3])};
  result.log_likelihood = -minimum.value * data.clients;
  result.standard_errors = NaNParams();
  if (minimum.status == MinimizerStatus::kNonFiniteStart) {
    return Rejected(FitStatus::kNotConverged, "log-likelihood not finite at the starting point", n);
  }

  // Observed information in log-parameters = N * Hessian of the mean NLL; delta method back.
  std::vector<double> covariance;
  const std::vector<double> hessian = NumericalHessian(objective, minimum.x, 1e-4);
  std::vector<double> information(hessian.size());
  for (std::size_t i = 0; i < hessian.size(); ++i) {
    information[i] = hessian[i] * data.clients;
  }
  if (InvertSymmetricPositiveDefinite(information, 4, &covariance)) {
    const std::vector<double> values = ToVector(result.params);
    std::vector<double> errors(4, kNaN);
    for (std::size_t k = 0; k < 4; ++k) {
      if (!minimum.at_bound[k]) {
        errors[k] = values[k] * std::sqrt(covariance[k * 4 + k]);
      }
    }
    result.standard_errors = FromVector(errors);
  }

  std::ostringstream message;
  message << "BG/NBD on " << n << " clients (" << repeat_buyers << " repeat buyers, "
          << data.groups.size() << " distinct histories): " << MinimizerStatusName(minimum.status)
          << " after " << minimum.iterations << " iterations";
  SettleFit(minimum, message.str(), &result);
  return result;
}

double BgNbdProbabilityAlive(const BgNbdParams& params, const RepeatSummary& client) {
  if (client.x <= 0.0) {
    return 1.0;
  }
  const double log_odds_dead = std::log(params.a) - std::log(params.b + client.x - 1.0) +
                               (params.r + client.x) * (std::log(params.alpha + client.T) -
                                                        std::log(params.alpha + client.t_x));
  return 1.0 / (1.0 + std::exp(log_odds_dead));
}

double BgNbdConditionalExpectedPurchases(const BgNbdParams& params, const RepeatSummary& client,
                                         double t) {
  if (!(t >= 0.0) || !std::isfinite(t)) {
    return kNaN;
  }
  if (t == 0.0) {
    return 0.0;
  }
  // The closed form divides by (a - 1); the singularity at a = 1 is removable, so straddle it.
  constexpr double kNearOne = 1e-5;
  if (std::fabs(params.a - 1.0) < kNearOne) {
    BgNbdParams below = params;
    BgNbdParams above = params;
    below.a = 1.0 - 2.0 * kNearOne;  // twice the band, so the recursion cannot re-enter it
    above.a = 1.0 + 2.0 * kNearOne;
    return 0.5 * (BgNbdConditionalExpectedPurchases(below, client, t) +
                  BgNbdConditionalExpectedPurchases(above, client, t));
  }
  // c = a + b + x - 1 = 0 (possible only for x = 0) is likewise removable: c times the series
  // stays finite as the series' pole at c = 0 appears.
  if (std::fabs(params.a + params.b + client.x - 1.0) < kNearOne) {
    BgNbdParams below = params;
    BgNbdParams above = params;
    below.b = params.b - 2.0 * kNearOne;
    above.b = params.b + 2.0 * kNearOne;
    if (below.b > 0.0) {
      return 0.5 * (BgNbdConditionalExpectedPurchases(below, client, t) +
                    BgNbdConditionalExpectedPurchases(above, client, t));
    }
    return BgNbdConditionalExpectedPurchases(above, client, t);
  }
  const double r = params.r;
  const double a = params.a;
  const double b = params.b;
  const double x = client.x;
  const double elapsed = params.alpha + client.T;
  const double z = t / (elapsed + t);
  // FHL (10): 1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; z). Its Euler transform
  // (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z) keeps the values O(1) however large x gets.
  const Hypergeometric2F1Result series =
      Hypergeometric2F1(a + b - 1.0 - r, a - 1.0, a + b + x - 1.0, z);
  if (series.status != SeriesStatus::kConverged) {
    return kNaN;
  }
  const double bracket = 1.0 - std::pow(elapsed / (elapsed + t), a - 1.0) * series.value;
  return BgNbdProbabilityAlive(params, client) * (a + b + x - 1.0) / (a - 1.0) * bracket;
}

std::vector<double> BgNbdConditionalExpectedPurchasesCurve(const BgNbdParams& params,
                                                           const RepeatSummary& client,
                                                           const std::vector<double>& horizons) {
  std::vector<double> values(horizons.size(), kNaN);
  constexpr double kNearOne = 1e-5;
  const double a = params.a;
  const double b = params.b;
  const double x = client.x;
  bool regular = std::fabs(a - 1.0) >= kNearOne && std::fabs(a + b + x - 1.0) >= kNearOne;
  for (const double t : horizons) {
    regular = regular && t > 0.0 && std::isfinite(t);
  }
  if (!regular) {
    // The removable singularities and odd horizons: the single version handles each.
    for (size_t i = 0; i < horizons.size(); ++i) {
      values[i] = BgNbdConditionalExpectedPurchases(params, client, horizons[i]);
    }
    return values;
  }
  const double elapsed = params.alpha + client.T;
  std::vector<double> z(horizons.size());
  for (size_t i = 0; i < horizons.size(); ++i) {
    z[i] = horizons[i] / (elapsed + horizons[i]);
  }
  // (elapsed / (elapsed + t))^(a-1) = (1 - z)^(a-1): folded into the series' own prefactor.
  std::vector<double> scaled_series;
  if (!Hypergeometric2F1Many(a + b - 1.0 - params.r, a - 1.0, a + b + x - 1.0, z, &scaled_series,
                             1000000, a - 1.0)) {
    return values;
  }
  const double scale = BgNbdProbabilityAlive(params, client) * (a + b + x - 1.0) / (a - 1.0);
  for (size_t i = 0; i < horizons.size(); ++i) {
    values[i] = scale * (1.0 - scaled_series[i]);
  }
  return values;
}

double BgNbdExpectedPurchases(const BgNbdParams& params, double t) {
  return BgNbdConditionalExpectedPurchases(params, RepeatSummary{0.0, 0.0, 0.0}, t);
}

}  // namespace clienttier::scoring
