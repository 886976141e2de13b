#include "services/scoring/scoring_service.h"

#include <optional>
#include <utility>

#include "common/errors/domain_error.h"
#include "common/validation/validation.h"
#include "services/scoring/scoring_mapping.h"

namespace clienttier::scoring {

namespace {

constexpr size_t kMaxIdLength = 64;
constexpr int kMaxShards = 1024;
constexpr int kStreamPageSize = 1000;
constexpr UnixMicros kMaxOverrideMicros = 2 * 366 * kMicrosPerDay;
// 1990-01-01T00:00:00Z: no tenant's history starts earlier (the default history floor).
constexpr UnixMicros kEarliestRateDay = 631'152'000LL * kMicrosPerSecond;
// Rates are published ahead at most for the next year.
constexpr UnixMicros kMaxRateAhead = 366 * kMicrosPerDay;

void ValidateExchangeRate(const v1::ExchangeRate& rate, UnixMicros now) {
  if (!validation::IsKnownCurrency(rate.currency())) {
    throw InvalidArgument("rate.currency", "must be a known ISO 4217 code");
  }
  if (!rate.has_effective_from()) {
    throw InvalidArgument("rate.effective_from", "required");
  }
  validation::CheckTimestamp("rate.effective_from", rate.effective_from(), kEarliestRateDay,
                             now + kMaxRateAhead);
  if (FromProtoTimestamp(rate.effective_from()) % kMicrosPerDay != 0) {
    throw InvalidArgument("rate.effective_from", "must be a midnight UTC (a whole day)");
  }
  if (rate.reporting_minor_per_minor_micros() < 1 ||
      rate.reporting_minor_per_minor_micros() > kMaxRateMicros) {
    throw InvalidArgument("rate.reporting_minor_per_minor_micros",
                          "must be from 1 to " + std::to_string(kMaxRateMicros));
  }
}

// A required day of EvaluateClvModel from 1990-01-01 to today; any time on it names the day.
Day RequiredDay(const char* field, bool present, const google::protobuf::Timestamp& timestamp,
                UnixMicros now) {
  if (!present) {
    throw InvalidArgument(field, "required");
  }
  validation::CheckTimestamp(field, timestamp, kEarliestRateDay, now);
  return ModelDayOf(FromProtoTimestamp(timestamp));
}

// The optional `as_of` of FitClvModel, ScoreClient, ExplainScore and BatchRescore: the same day
// rule as EvaluateClvModel's days (from 1990-01-01, not in the future: no activity to count).
std::optional<Day> OptionalAsOf(bool present, const google::protobuf::Timestamp& timestamp,
                                UnixMicros now) {
  if (!present) {
    return std::nullopt;
  }
  return RequiredDay("as_of", true, timestamp, now);
}

// Tier-change cursors are the last change id, in decimal.
int64_t ParseChangeToken(const std::string& token) {
  if (token.empty()) {
    return 0;
  }
  if (token.size() > 19 || token.find_first_not_of("0123456789") != std::string::npos) {
    throw InvalidArgument("page.page_token", "not a token this RPC issued");
  }
  return std::stoll(token);
}

template <typename Repeated, typename IsValid>
std::vector<int> EnumFilter(const char* field, const Repeated& values, IsValid is_valid) {
  std::vector<int> out;
  for (int i = 0; i < values.size(); ++i) {
    validation::CheckEnum(std::string(field) + "[" + std::to_string(i) + "]", values.Get(i),
                          is_valid, true);
    out.push_back(values.Get(i));
  }
  return out;
}

// StreamScores' filters, validated (StreamScorePages takes the same request).
ScoreFilter ScoreFilterOf(const v1::StreamScoresRequest& request) {
  ScoreFilter filter;
  filter.tiers = EnumFilter("tiers", request.tiers(), v1::Tier_IsValid);
  filter.lifecycles = EnumFilter("lifecycles", request.lifecycles(), v1::LifecycleStage_IsValid);
  filter.quadrants = EnumFilter("quadrants", request.quadrants(), v1::Quadrant_IsValid);
  if (!request.after_client_id().empty()) {
    validation::CheckId("after_client_id", request.after_client_id(), kMaxIdLength);
    filter.after_client_id = request.after_client_id();
  }
  return filter;
}

}  // namespace

ScoringService::ScoringService(RpcRunner& runner, ScoreReads& reads, Rescoring& rescoring,
                               ConfigAdmin& admin, BatchJobs& jobs, const ClvEvaluation& evaluation,
                               const CohortReports& cohorts, WorkerPool& io_workers,
                               const Clock& clock)
    : runner_(runner),
      reads_(reads),
      rescoring_(rescoring),
      admin_(admin),
      jobs_(jobs),
      evaluation_(evaluation),
      cohorts_(cohorts),
      io_workers_(io_workers),
      clock_(clock) {}

grpc::ServerUnaryReactor* ScoringService::GetScore(grpc::CallbackServerContext* context,
                                                   const v1::GetScoreRequest* request,
                                                   v1::Score* response) {
  return runner_.RunUnaryRead<v1::GetScoreRequest, v1::Score>(
      context, "GetScore", Role::kReader, io_workers_, *request, response,
      [this, request, response](const Caller& caller) {
        validation::CheckId("client_id", request->client_id(), kMaxIdLength);
        return reads_.GetScoreWithoutIo(caller.tenant_id, request->client_id(), response);
      },
      [this](const Caller& caller, const v1::GetScoreRequest& copy) {
        return reads_.GetScore(caller.tenant_id, copy.client_id());
      });
}

grpc::Status ScoringService::ScoreClient(grpc::ServerContext* context,
                                         const v1::ScoreClientRequest* request,
                                         v1::Score* response) {
  return runner_.Run(context, "ScoreClient", Role::kWriter, [&](const Caller& caller) {
    validation::CheckId("client_id", request->client_id(), kMaxIdLength);
    *response =
        rescoring_.ScoreClient(caller.tenant_id, request->client_id(),
                               OptionalAsOf(request->has_as_of(), request->as_of(), clock_.Now()));
  });
}

grpc::Status ScoringService::ExplainScore(grpc::ServerContext* context,
                                          const v1::ExplainScoreRequest* request,
                                          v1::ScoreExplanation* response) {
  return runner_.Run(context, "ExplainScore", Role::kReader, [&](const Caller& caller) {
    validation::CheckId("client_id", request->client_id(), kMaxIdLength);
    *response =
        rescoring_.ExplainScore(caller.tenant_id, request->client_id(),
                                OptionalAsOf(request->has_as_of(), request->as_of(), clock_.Now()));
  });
}

grpc::Status ScoringService::BatchRescore(grpc::ServerContext* context,
                                          const v1::BatchRescoreRequest* request,
                                          grpc::ServerWriter<v1::BatchRescoreProgress>* writer) {
  return runner_.Run(context, "BatchRescore", Role::kWriter, [&](const Caller& caller) {
    if (request->shard_count() < 0 || request->shard_count() > kMaxShards) {
      throw InvalidArgument("shard_count", "must be between 0 and 1024");
    }
    const int shards = std::max(1, request->shard_count());
    if (request->shard_index() < 0 || request->shard_index() >= shards) {
      throw InvalidArgument("shard_index", "must be in [0, shard_count)");
    }
    const std::optional<Day> as_of =
        OptionalAsOf(request->has_as_of(), request->as_of(), clock_.Now());
    if (as_of && shards > 1) {
      throw InvalidArgument("as_of", "only for the whole tenant (shard_count 0 or 1)");
    }
    jobs_.BatchRescore(
        caller.tenant_id, *request,
        [&](const v1::BatchRescoreProgress& progress) {
          return !context->IsCancelled() && writer->Write(progress);
        },
        as_of);
  });
}

grpc::Status ScoringService::GetTierDistribution(grpc::ServerContext* context,
                                                 const v1::GetTierDistributionRequest*,
                                                 v1::TierDistribution* response) {
  return runner_.Run(context, "GetTierDistribution", Role::kReader, [&](const Caller& caller) {
    *response = reads_.GetTierDistribution(caller.tenant_id);
  });
}

grpc::Status ScoringService::ListTierChanges(grpc::ServerContext* context,
                                             const v1::ListTierChangesRequest* request,
                                             v1::ListTierChangesResponse* response) {
  return runner_.Run(context, "ListTierChanges", Role::kReader, [&](const Caller& caller) {
    const int limit = validation::PageSize(request->page());
    const int64_t after = ParseChangeToken(request->page().page_token());
    if (!request->client_id().empty()) {
      validation::CheckId("client_id", request->client_id(), kMaxIdLength);
    }
    UnixMicros since = 0;
    if (request->has_since()) {
      validation::CheckTimestamp("since", request->since(), 0, clock_.Now() + kMicrosPerDay);
      since = FromProtoTimestamp(request->since());
    }
    *response = reads_.ListTierChanges(caller.tenant_id, since, after, request->client_id(), limit);
  });
}

grpc::Status ScoringService::ListChurnWarnings(grpc::ServerContext* context,
                                               const v1::ListChurnWarningsRequest* request,
                                               v1::ListChurnWarningsResponse* response) {
  return runner_.Run(context, "ListChurnWarnings", Role::kReader, [&](const Caller& caller) {
    const int limit = validation::PageSize(request->page());
    const std::string& after = request->page().page_token();
    if (!after.empty()) {
      validation::CheckId("page.page_token", after, kMaxIdLength);
    }
    *response = reads_.ListChurnWarnings(caller.tenant_id, after, limit);
  });
}

grpc::Status ScoringService::StreamScores(grpc::ServerContext* context,
                                          const v1::StreamScoresRequest* request,
                                          grpc::ServerWriter<v1::Score>* writer) {
  return runner_.Run(context, "StreamScores", Role::kReader, [&](const Caller& caller) {
    reads_.StreamScores(
        caller.tenant_id, ScoreFilterOf(*request), kStreamPageSize,
        [&](v1::Score&& score) { return !context->IsCancelled() && writer->Write(score); });
  });
}

grpc::Status ScoringService::StreamScorePages(grpc::ServerContext* context,
                                              const v1::StreamScoresRequest* request,
                                              grpc::ServerWriter<v1::ScorePage>* writer) {
  return runner_.Run(context, "StreamScorePages", Role::kReader, [&](const Caller& caller) {
    v1::ScorePage page;
    const auto send = [&] {
      const bool sent = !context->IsCancelled() && writer->Write(page);
      page.clear_scores();
      return sent;
    };
    bool open = true;
    reads_.StreamScores(caller.tenant_id, ScoreFilterOf(*request), kStreamPageSize,
                        [&](v1::Score&& score) {
                          *page.add_scores() = std::move(score);
                          if (page.scores_size() >= kStreamPageSize) {
                            open = send();
                          }
                          return open;
                        });
    if (open && page.scores_size() > 0) {
      send();
    }
  });
}

grpc::Status ScoringService::GetScoringConfig(grpc::ServerContext* context,
                                              const v1::GetScoringConfigRequest*,
                                              v1::ScoringConfig* response) {
  return runner_.Run(context, "GetScoringConfig", Role::kReader, [&](const Caller& caller) {
    *response = admin_.GetScoringConfig(caller.tenant_id);
  });
}

grpc::Status ScoringService::PutScoringConfig(grpc::ServerContext* context,
                                              const v1::PutScoringConfigRequest* request,
                                              v1::ScoringConfig* response) {
  return runner_.Run(context, "PutScoringConfig", Role::kAdmin, [&](const Caller& caller) {
    if (!request->has_config()) {
      throw InvalidArgument("config", "required");
    }
    if (request->expected_version() < 0) {
      throw InvalidArgument("expected_version", "must be >= 0");
    }
    ValidateConfigProto(request->config());
    *response = admin_.PutScoringConfig(caller.tenant_id, request->config(),
                                        request->expected_version(), caller.key_id);
  });
}

grpc::Status ScoringService::FitClvModel(grpc::ServerContext* context,
                                         const v1::FitClvModelRequest* request,
                                         v1::ClvModel* response) {
  return runner_.Run(context, "FitClvModel", Role::kWriter, [&](const Caller& caller) {
    *response = jobs_.FitClvModel(
        caller.tenant_id, OptionalAsOf(request->has_as_of(), request->as_of(), clock_.Now()));
  });
}

grpc::Status ScoringService::SetTierOverride(grpc::ServerContext* context,
                                             const v1::SetTierOverrideRequest* request,
                                             v1::Score* response) {
  return runner_.Run(context, "SetTierOverride", Role::kAdmin, [&](const Caller& caller) {
    validation::CheckId("client_id", request->client_id(), kMaxIdLength);
    const UnixMicros now = clock_.Now();
    const bool clear = !request->has_override() ||
                       request->override().mode() == v1::TierOverride::MODE_UNSPECIFIED;
    v1::TierOverride tier_override = request->override();
    if (!clear) {
      validation::CheckEnum("override.mode", tier_override.mode(), v1::TierOverride::Mode_IsValid,
                            true);
      validation::CheckEnum("override.tier", tier_override.tier(), v1::Tier_IsValid, true);
      validation::CheckText("override.reason", tier_override.reason(), 256, true);
      if (!tier_override.has_expires_at()) {
        throw InvalidArgument("override.expires_at", "required");
      }
      validation::CheckTimestamp("override.expires_at", tier_override.expires_at(), now + 1,
                                 now + kMaxOverrideMicros);
      tier_override.set_author(caller.key_id);
    }
    *response = admin_.SetTierOverride(caller.tenant_id, request->client_id(),
                                       clear ? nullptr : &tier_override, now);
  });
}

}  // namespace clienttier::scoring

namespace clienttier::scoring {

grpc::Status ScoringService::PutExchangeRate(grpc::ServerContext* context,
                                             const v1::PutExchangeRateRequest* request,
                                             v1::ExchangeRate* response) {
  return runner_.Run(context, "PutExchangeRate", Role::kAdmin, [&](const Caller& caller) {
    if (!request->has_rate()) {
      throw InvalidArgument("rate", "required");
    }
    ValidateExchangeRate(request->rate(), clock_.Now());
    *response = admin_.PutExchangeRate(caller.tenant_id, request->rate(), caller.key_id);
  });
}

grpc::Status ScoringService::ListExchangeRates(grpc::ServerContext* context,
                                               const v1::ListExchangeRatesRequest* request,
                                               v1::ListExchangeRatesResponse* response) {
  return runner_.Run(context, "ListExchangeRates", Role::kReader, [&](const Caller& caller) {
    if (!request->currency().empty() && !validation::IsKnownCurrency(request->currency())) {
      throw InvalidArgument("currency", "must be empty or a known ISO 4217 code");
    }
    for (v1::ExchangeRate& rate : admin_.ListExchangeRates(caller.tenant_id, request->currency())) {
      *response->add_rates() = std::move(rate);
    }
  });
}

grpc::Status ScoringService::EvaluateClvModel(grpc::ServerContext* context,
                                              const v1::EvaluateClvModelRequest* request,
                                              v1::ClvModelEvaluation* response) {
  return runner_.Run(context, "EvaluateClvModel", Role::kWriter, [&](const Caller& caller) {
    const UnixMicros now = clock_.Now();
    const Day calibration_end = RequiredDay("calibration_end", request->has_calibration_end(),
                                            request->calibration_end(), now);
    const Day holdout_end =
        RequiredDay("holdout_end", request->has_holdout_end(), request->holdout_end(), now);
    if (holdout_end <= calibration_end) {
      throw InvalidArgument("holdout_end", "must be a later UTC day than calibration_end");
    }
    *response = evaluation_.Evaluate(caller.tenant_id, calibration_end, holdout_end);
  });
}

grpc::Status ScoringService::GetCohortReport(grpc::ServerContext* context,
                                             const v1::GetCohortReportRequest* request,
                                             v1::CohortReport* response) {
  return runner_.Run(context, "GetCohortReport", Role::kReader, [&](const Caller& caller) {
    const UnixMicros now = clock_.Now();
    // Channels are client-profile's acquisition labels.
    validation::CheckLabel("acquisition_channel", request->acquisition_channel(), 64, false);
    const Day as_of =
        request->has_as_of() ? RequiredDay("as_of", true, request->as_of(), now) : ModelDayOf(now);
    *response = cohorts_.Report(caller.tenant_id, as_of, request->acquisition_channel());
  });
}

}  // namespace clienttier::scoring
