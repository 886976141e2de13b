#include "services/scoring/app/clv_evaluation.h"

#include <vector>

#include "services/scoring/app/tenant_facts.h"
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
  const TenantJobsRunning::Job job(running_);
  TenantContext context;
  transactions_.Read([&](Transaction& transaction) {
    context = calculator_.LoadStoredContext(transaction, tenant_id);
  });
  // Both views of every client from the same read of its range, in the same client order.
  const std::vector<std::vector<ClientFacts>> views =
      ReadTenantFacts(transactions_, aggregates_, tenant_id, context.conversion,
                      {calibration_end, holdout_end}, readers_);
  const std::vector<ClientFacts>& at_calibration_end = views[0];
  const std::vector<ClientFacts>& at_holdout_end = views[1];
  // The calibration fit is FitClvModel's as of calibration_end.
  const ClvFits fits =
      FitClvModels(at_calibration_end, calibration_end, context.config.clv, context.currency);
  std::vector<HoldoutClient> clients;
  clients.reserve(at_calibration_end.size());
  for (size_t i = 0; i < at_calibration_end.size(); ++i) {
    if (auto client =
            HoldoutClientFromFacts(at_calibration_end[i], at_holdout_end[i], calibration_end)) {
      clients.push_back(*client);
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
