#include "services/scoring/scoring_service.h"

#include "common/errors/domain_error.h"
#include "common/validation/validation.h"
#include "services/scoring/scoring_mapping.h"
#include "services/scoring/storage/distribution_query.h"
#include "services/scoring/storage/score_store.h"
#include "services/scoring/storage/version_store.h"

namespace clienttier::scoring {

namespace {

constexpr size_t kMaxIdLength = 64;
constexpr int kMaxShards = 1024;
constexpr int kStreamPageSize = 1000;
constexpr UnixMicros kMaxOverrideMicros = 2 * 366 * kMicrosPerDay;

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

}  // namespace

ScoringService::ScoringService(RpcRunner& runner, ScoringEngine& engine, BatchJobs& jobs,
                               WorkerPool& io_workers, std::string default_currency)
    : runner_(runner),
      engine_(engine),
      jobs_(jobs),
      io_workers_(io_workers),
      default_currency_(std::move(default_currency)) {}

grpc::ServerUnaryReactor* ScoringService::GetScore(grpc::CallbackServerContext* context,
                                                   const v1::GetScoreRequest* request,
                                                   v1::Score* response) {
  return runner_.RunUnaryCallback(
      context, "GetScore", Role::kReader, io_workers_,
      [this, request, response](const Caller& caller) {
        validation::CheckId("client_id", request->client_id(), kMaxIdLength);
        return engine_.CachedScoreWithoutIo(caller.tenant_id, request->client_id(), response);
      },
      [this, request, response](const Caller& caller) {
        *response = engine_.CachedScore(caller.tenant_id, request->client_id());
      });
}

grpc::Status ScoringService::ScoreClient(grpc::ServerContext* context,
                                         const v1::ScoreClientRequest* request,
                                         v1::Score* response) {
  return runner_.Run(context, "ScoreClient", Role::kWriter, [&](const Caller& caller) {
    validation::CheckId("client_id", request->client_id(), kMaxIdLength);
    *response = engine_.ScoreNow(caller.tenant_id, request->client_id());
  });
}

grpc::Status ScoringService::ExplainScore(grpc::ServerContext* context,
                                          const v1::ExplainScoreRequest* request,
                                          v1::ScoreExplanation* response) {
  return runner_.Run(context, "ExplainScore", Role::kReader, [&](const Caller& caller) {
    validation::CheckId("client_id", request->client_id(), kMaxIdLength);
    *response = engine_.Explain(caller.tenant_id, request->client_id());
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
    jobs_.Rescore(caller.tenant_id, *request, [&](const v1::BatchRescoreProgress& progress) {
      return !context->IsCancelled() && writer->Write(progress);
    });
  });
}

grpc::Status ScoringService::GetTierDistribution(grpc::ServerContext* context,
                                                 const v1::GetTierDistributionRequest*,
                                                 v1::TierDistribution* response) {
  return runner_.Run(context, "GetTierDistribution", Role::kReader, [&](const Caller& caller) {
    engine_.pool().WithConnection([&](sql::Connection& connection) {
      const v1::ScoringConfig config = VersionStore::LatestConfig(connection, caller.tenant_id);
      const std::string currency =
          config.currency().empty() ? default_currency_ : config.currency();
      *response = QueryDistribution(connection, caller.tenant_id, currency);
      response->set_config_version(config.version());
      if (auto population = VersionStore::LatestPopulation(connection, caller.tenant_id)) {
        *response->mutable_population() = *population;
      }
      if (auto model = VersionStore::LatestModel(connection, caller.tenant_id)) {
        response->set_model_version(model->version());
      }
    });
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
      validation::CheckTimestamp("since", request->since(), 0,
                                 engine_.clock().Now() + kMicrosPerDay);
      since = FromProtoTimestamp(request->since());
    }
    engine_.pool().WithConnection([&](sql::Connection& connection) {
      auto changes = ScoreStore::ListTierChanges(connection, caller.tenant_id, since, after,
                                                 request->client_id(), limit + 1);
      const bool more = static_cast<int>(changes.size()) > limit;
      if (more) {
        changes.resize(static_cast<size_t>(limit));
      }
      for (auto& [id, change] : changes) {
        *response->add_changes() = std::move(change);
      }
      if (more) {
        response->mutable_page()->set_next_page_token(std::to_string(changes.back().first));
      }
    });
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
    engine_.pool().WithConnection([&](sql::Connection& connection) {
      auto scores = ScoreStore::ListChurnWarnings(connection, caller.tenant_id, after, limit + 1);
      const bool more = static_cast<int>(scores.size()) > limit;
      if (more) {
        scores.resize(static_cast<size_t>(limit));
        response->mutable_page()->set_next_page_token(scores.back().client_id());
      }
      for (auto& score : scores) {
        *response->add_scores() = std::move(score);
      }
    });
  });
}

grpc::Status ScoringService::StreamScores(grpc::ServerContext* context,
                                          const v1::StreamScoresRequest* request,
                                          grpc::ServerWriter<v1::Score>* writer) {
  return runner_.Run(context, "StreamScores", Role::kReader, [&](const Caller& caller) {
    ScoreFilter filter;
    filter.tiers = EnumFilter("tiers", request->tiers(), v1::Tier_IsValid);
    filter.lifecycles = EnumFilter("lifecycles", request->lifecycles(), v1::LifecycleStage_IsValid);
    filter.quadrants = EnumFilter("quadrants", request->quadrants(), v1::Quadrant_IsValid);
    if (!request->after_client_id().empty()) {
      validation::CheckId("after_client_id", request->after_client_id(), kMaxIdLength);
      filter.after_client_id = request->after_client_id();
    }
    engine_.pool().WithConnection([&](sql::Connection& connection) {
      ScoreStore::Stream(
          connection, caller.tenant_id, filter, kStreamPageSize,
          [&](v1::Score&& score) { return !context->IsCancelled() && writer->Write(score); });
    });
  });
}

grpc::Status ScoringService::GetScoringConfig(grpc::ServerContext* context,
                                              const v1::GetScoringConfigRequest*,
                                              v1::ScoringConfig* response) {
  return runner_.Run(context, "GetScoringConfig", Role::kReader, [&](const Caller& caller) {
    engine_.pool().WithConnection([&](sql::Connection& connection) {
      *response = VersionStore::LatestConfig(connection, caller.tenant_id);
    });
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
    const UnixMicros now = engine_.clock().Now();
    engine_.pool().InTransaction([&](sql::Connection& connection) {
      *response = VersionStore::PutConfig(connection, caller.tenant_id, request->config(),
                                          request->expected_version(), caller.key_id, now);
    });
  });
}

grpc::Status ScoringService::FitClvModel(grpc::ServerContext* context,
                                         const v1::FitClvModelRequest*, v1::ClvModel* response) {
  return runner_.Run(context, "FitClvModel", Role::kWriter, [&](const Caller& caller) {
    *response = jobs_.FitClvModel(caller.tenant_id);
  });
}

grpc::Status ScoringService::SetTierOverride(grpc::ServerContext* context,
                                             const v1::SetTierOverrideRequest* request,
                                             v1::Score* response) {
  return runner_.Run(context, "SetTierOverride", Role::kAdmin, [&](const Caller& caller) {
    validation::CheckId("client_id", request->client_id(), kMaxIdLength);
    const UnixMicros now = engine_.clock().Now();
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
    std::optional<v1::Score> score;
    engine_.pool().InTransaction([&](sql::Connection& connection) {
      if (clear) {
        ScoreStore::ClearOverride(connection, caller.tenant_id, request->client_id());
      } else {
        ScoreStore::PutOverride(connection, caller.tenant_id, request->client_id(), tier_override,
                                now);
      }
      score = engine_.RescoreInTransaction(connection, caller.tenant_id, request->client_id(), now);
      if (!score) {
        throw NotFound("client '" + request->client_id() + "' is not known to scoring");
      }
    });
    engine_.InvalidateCached(caller.tenant_id, {request->client_id()});
    *response = *score;
  });
}

}  // namespace clienttier::scoring
