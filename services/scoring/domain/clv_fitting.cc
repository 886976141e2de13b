#include "services/scoring/domain/clv_fitting.h"

#include "services/scoring/domain/exchange_rates.h"
#include "services/scoring/domain/facts_builder.h"

namespace clienttier::scoring {

ClvFits FitClvModels(const std::vector<ClientFacts>& facts, Day as_of, const ClvConfig& config,
                     const std::string& reporting_currency) {
  std::vector<RepeatSummary> histories;
  std::vector<SpendSummary> spends;
  UnconvertedSpendTally unconverted;
  for (const ClientFacts& client : facts) {
    if (client.first_purchase_day == kNever) {
      continue;
    }
    const ClvClient clv = ClvClientFromFacts(client, as_of);
    histories.push_back(clv.history);
    if (unconverted.Add(client)) {
      continue;
    }
    if (clv.history.x >= 1 && clv.mean_repeat_spend > 0) {
      spends.push_back(SpendSummary{clv.history.x, clv.mean_repeat_spend});
    }
  }
  BgNbdFitOptions purchase_options;
  purchase_options.min_clients = static_cast<size_t>(config.min_clients_to_fit);
  purchase_options.min_repeat_buyers = static_cast<size_t>(config.min_repeat_buyers_to_fit);
  GammaGammaFitOptions spend_options;
  spend_options.min_clients = static_cast<size_t>(config.min_repeat_buyers_to_fit);
  ClvFits fits{FitBgNbd(histories, purchase_options), FitGammaGamma(spends, spend_options), ""};
  if (!unconverted.empty()) {
    fits.unconverted_note = unconverted.Describe(reporting_currency);
  }
  return fits;
}

}  // namespace clienttier::scoring
