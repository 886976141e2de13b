#include "bench/support/bgnbd_simulation.h"

#include <cmath>
#include <random>
#include <utility>

namespace clienttier::bench {

using scoring::BgNbdParams;
using scoring::GammaGammaParams;
using scoring::RepeatSummary;
using scoring::SpendSummary;

void SimulatePurchaseDays(std::size_t clients, const BgNbdParams& bg, const GammaGammaParams& gg,
                          std::uint64_t seed, int extra_days,
                          std::vector<SimulatedPurchaseDays>* purchases) {
  std::mt19937_64 rng(seed);
  std::gamma_distribution<double> rate_draw(bg.r, 1.0 / bg.alpha);
  std::gamma_distribution<double> beta_a(bg.a, 1.0);
  std::gamma_distribution<double> beta_b(bg.b, 1.0);
  std::gamma_distribution<double> nu_draw(gg.q, 1.0 / gg.gamma);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::uniform_int_distribution<int> horizon_draw(365, 1095);
  purchases->clear();
  purchases->reserve(clients);
  for (std::size_t i = 0; i < clients; ++i) {
    const double lambda = rate_draw(rng);
    const double ga = beta_a(rng);
    const double dropout = ga / (ga + beta_b(rng));
    const double nu = nu_draw(rng);
    std::gamma_distribution<double> spend_draw(gg.p, 1.0 / nu);
    SimulatedPurchaseDays client;
    client.observed_days = horizon_draw(rng);
    const double first_purchase = unit(rng);  // time of day of the first purchase, in days
    // End of the as-of day, and of the extra days followed after it.
    const double observation_end = client.observed_days + 1.0 + extra_days;
    std::exponential_distribution<double> gap(lambda);
    double time = first_purchase;
    long last_day = 0;
    while (true) {
      time += gap(rng);
      if (time >= observation_end) {
        break;
      }
      const long day = static_cast<long>(std::floor(time));
      if (day != last_day) {
        client.repeat_days.push_back(day);
        client.repeat_spends.push_back(std::round(spend_draw(rng)));
        last_day = day;
      }
      if (unit(rng) < dropout) {
        break;
      }
    }
    purchases->push_back(std::move(client));
  }
}

void Simulate(std::size_t clients, const BgNbdParams& bg, const GammaGammaParams& gg,
              std::uint64_t seed, std::vector<RepeatSummary>* histories,
              std::vector<SpendSummary>* spends) {
  std::vector<SimulatedPurchaseDays> purchases;
  SimulatePurchaseDays(clients, bg, gg, seed, 0, &purchases);
  histories->clear();
  spends->clear();
  histories->reserve(clients);
  spends->reserve(clients);
  for (const SimulatedPurchaseDays& client : purchases) {
    const double repeat_days = static_cast<double>(client.repeat_days.size());
    double repeat_spend = 0.0;
    for (const double spend : client.repeat_spends) {
      repeat_spend += spend;
    }
    const long last_day = client.repeat_days.empty() ? 0 : client.repeat_days.back();
    histories->push_back(RepeatSummary{repeat_days, static_cast<double>(last_day),
                                       static_cast<double>(client.observed_days)});
    spends->push_back(
        SpendSummary{repeat_days, repeat_days > 0.0 ? repeat_spend / repeat_days : 0.0});
  }
}

}  // namespace clienttier::bench
