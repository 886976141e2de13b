#include "services/scoring/app/clv_evaluation.h"

#include <vector>

#include "services/scoring/domain/clv_fitting.h"
#include "services/scoring/domain/holdout_evaluation.h"
#include "services/scoring/scoring_mapping.h"

namespace clienttier::scoring {

namespace {

void RowsToProto(const std::vector<HoldoutRow>& rows,
                 google::protobuf::RepeatedPtrField<v1::HoldoutPurchasesRow>* out) {
  for (const HoldoutRow& row : rows) {
    v1::HoldoutPurchasesRow& proto = *out->Add();
    proto.set_calibration_frequency(row.calibration_frequency);
    proto.set_and_more(row.and_more);
    proto.set_clients(row.clients);
    proto.set_mean_actual_purchases(row.mean_actual);
    proto.set_mean_predicted_purchases(row.mean_predicted);
  }
}

void RowsToProto(const std::vector<HoldoutRow>& rows,
                 google::protobuf::RepeatedPtrField<v1::HoldoutSpendRow>* out) {
  for (const HoldoutRow& row : rows) {
    v1::HoldoutSpendRow& proto = *out->Add();
    proto.set_calibration_frequency(row.calibration_frequency);
    proto.set_and_more(row.and_more);
    proto.set_clients(row.clients);
    proto.set_mean_actual_spend_minor(row.mean_actual);
    proto.set_mean_predicted_spend_minor(row.mean_predicted);
  }
}

}  // namespace

v1::ClvModelEvaluation ClvEvaluation::Evaluate(const std::string& tenant_id, Day calibration_end,
                                               Day holdout_end) const {
  TenantFit calibration;
  std::vector<ClientFacts> at_holdout_end;
  // One read: both views of every client come from the same snapshot, in the same client order.
  // The calibration fit is FitClvModel's as of calibration_end (ScoreCalculator::FitAsOf).
  transactions_.Read([&](Transaction& transaction) {
    calibration = calculator_.FitAsOf(transaction, tenant_id, calibration_end);
    at_holdout_end = aggregates_.LoadAllFacts(transaction, tenant_id,
                                              calibration.context.conversion, holdout_end);
  });
  const TenantContext& context = calibration.context;
  const std::vector<ClientFacts>& at_calibration_end = calibration.facts;
  const ClvFits& fits = calibration.fits;
  std::vector<HoldoutClient> clients;
  clients.reserve(at_calibration_end.size());
  // Both lists are in client id order; matched by id, so a client seen in one page walk only
  // (erased in between) is simply left out.
  for (size_t i = 0, j = 0; i < at_calibration_end.size() && j < at_holdout_end.size();) {
    const std::string& id = at_calibration_end[i].client_id;
    if (id < at_holdout_end[j].client_id) {
      ++i;
    } else if (at_holdout_end[j].client_id < id) {
      ++j;
    } else {
      if (auto client =
              HoldoutClientFromFacts(at_calibration_end[i], at_holdout_end[j], calibration_end)) {
        clients.push_back(*client);
      }
      ++i;
      ++j;
    }
  }
  const double holdout_days = static_cast<double>(holdout_end - calibration_end);
  const HoldoutEvaluation evaluation =
      EvaluateHoldout(clients, fits.purchase.usable() ? &fits.purchase.params : nullptr,
                      fits.spend.usable() ? &fits.spend.params : nullptr, holdout_days);

  v1::ClvModelEvaluation response;
  *response.mutable_calibration_end() = ToProtoTimestamp(calibration_end * kMicrosPerDay);
  *response.mutable_holdout_end() = ToProtoTimestamp(holdout_end * kMicrosPerDay);
  response.set_holdout_days(holdout_end - calibration_end);
  *response.mutable_bg_nbd() = BgNbdFitToProto(fits.purchase);
  *response.mutable_gamma_gamma() = GammaGammaFitToProto(fits.spend, context.currency);
  if (!fits.unconverted_note.empty()) {
    response.mutable_gamma_gamma()->set_message(response.gamma_gamma().message() + "; " +
                                                fits.unconverted_note);
  }
  response.set_currency(context.currency);
  response.set_clients(evaluation.clients);
  response.set_actual_holdout_purchases(evaluation.actual_purchases);
  response.set_predicted_holdout_purchases(evaluation.predicted_purchases);
  response.set_mean_absolute_error(evaluation.mean_absolute_error);
  RowsToProto(evaluation.purchases, response.mutable_purchases_by_frequency());
  RowsToProto(evaluation.spend, response.mutable_spend_by_frequency());
  response.set_spend_mean_absolute_error_minor(evaluation.spend_mean_absolute_error);
  return response;
}

}  // namespace clienttier::scoring
