#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "services/scoring/domain/bg_nbd.h"
#include "services/scoring/domain/client_facts.h"
#include "services/scoring/domain/clv.h"
#include "services/scoring/domain/gamma_gamma.h"

// Calibration/holdout validation of the CLV models (issue 17 part 3): what the models fitted on
// the calibration period predict for the holdout beside what the clients did, as lifetimes'
// calibration_and_holdout_data and plot_calibration_purchases_vs_holdout_purchases compare them.
// Pure; a purchase is a purchase day, as BG/NBD counts occasions.

namespace clienttier::scoring {

// One client seen at the end of the calibration period and at the end of the holdout.
struct HoldoutClient {
  ClvClient calibration;              // (x, t_x, T) and spend as of the calibration end
  int64_t holdout_purchase_days = 0;  // paid days after the calibration end, up to the holdout end
  int64_t holdout_spend_minor = 0;    // their spend in the reporting currency
  // False when some of its spend, calibration or holdout, had no exchange rate: its spend per
  // purchase is then left out, as Gamma-Gamma's fit leaves it out.
  bool spend_converted = true;
};

// The client as of both days, from its facts built as of each (same client). nullopt when it
// had no purchase by the calibration end (not in the model's population).
std::optional<HoldoutClient> HoldoutClientFromFacts(const ClientFacts& at_calibration_end,
                                                    const ClientFacts& at_holdout_end,
                                                    Day calibration_end);

// Rows by calibration frequency x: 0, 1, ..., 6 and the last, 7+.
inline constexpr int kHoldoutFrequencyRows = 8;

struct HoldoutRow {
  int calibration_frequency = 0;
  bool and_more = false;  // the last row: x >= calibration_frequency
  int64_t clients = 0;
  double mean_actual = 0.0;
  double mean_predicted = 0.0;
};

struct HoldoutEvaluation {
  int64_t clients = 0;
  int64_t actual_purchases = 0;
  double predicted_purchases = 0.0;   // 0 without a purchase model
  double mean_absolute_error = 0.0;   // per client, purchase days
  std::vector<HoldoutRow> purchases;  // rows with clients; empty without a purchase model
  std::vector<HoldoutRow> spend;      // per purchase day, minor units; empty without a spend model
  double spend_mean_absolute_error = 0.0;
};

// Compares the holdout with the predictions of the models that are given (nullptr: that model
// is not usable): BG/NBD's E[X(holdout_days) | x, t_x, T] per client, and Gamma-Gamma's
// E[spend per purchase | x, mean repeat spend] for the clients with a holdout purchase day whose
// spend is all converted. A client whose prediction cannot be evaluated (NaN) counts as 0.
HoldoutEvaluation EvaluateHoldout(const std::vector<HoldoutClient>& clients,
                                  const BgNbdParams* purchase_model,
                                  const GammaGammaParams* spend_model, double holdout_days);

}  // namespace clienttier::scoring
