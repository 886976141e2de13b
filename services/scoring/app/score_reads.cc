#include "services/scoring/app/score_reads.h"

#include <optional>

#include "common/errors/domain_error.h"
#include "services/scoring/scoring_mapping.h"

namespace clienttier::scoring {

ScoreReads::ScoreReads(TransactionRunner& transactions, ScoreRepository& scores,
                       VersionRepository& versions, DistributionRepository& distribution,
                       ScoreCache& cache, std::string default_currency)
    : transactions_(transactions),
      scores_(scores),
      versions_(versions),
      distribution_(distribution),
      cache_(cache),
      default_currency_(std::move(default_currency)) {}

bool ScoreReads::GetScoreWithoutIo(const std::string& tenant_id, const std::string& client_id,
                                   v1::Score* score) {
  return cache_.GetLocal(tenant_id, client_id, score);
}

v1::Score ScoreReads::GetScore(const std::string& tenant_id, const std::string& client_id) {
  CacheMiss miss;
  if (auto cached = cache_.Get(tenant_id, client_id, &miss)) {
    return std::move(*cached);
  }
  std::optional<StoredScore> stored;
  transactions_.Read(
      [&](Transaction& transaction) { stored = scores_.Get(transaction, tenant_id, client_id); });
  if (!stored) {
    throw NotFound("client '" + client_id + "' has no score");
  }
  cache_.Put(tenant_id, client_id, stored->score, miss);
  return stored->score;
}

v1::ListTierChangesResponse ScoreReads::ListTierChanges(const std::string& tenant_id,
                                                        UnixMicros since, int64_t after_change_id,
                                                        const std::string& client_id, int limit) {
  v1::ListTierChangesResponse response;
  transactions_.Read([&](Transaction& transaction) {
    auto changes = scores_.ListTierChanges(transaction, tenant_id, since, after_change_id,
                                           client_id, limit + 1);
    const bool more = static_cast<int>(changes.size()) > limit;
    if (more) {
      changes.resize(static_cast<size_t>(limit));
    }
    for (auto& [id, change] : changes) {
      *response.add_changes() = std::move(change);
    }
    if (more) {
      response.mutable_page()->set_next_page_token(std::to_string(changes.back().first));
    }
  });
  return response;
}

v1::ListChurnWarningsResponse ScoreReads::ListChurnWarnings(const std::string& tenant_id,
                                                            const std::string& after_client_id,
                                                            int limit) {
  v1::ListChurnWarningsResponse response;
  transactions_.Read([&](Transaction& transaction) {
    auto scores = scores_.ListChurnWarnings(transaction, tenant_id, after_client_id, limit + 1);
    const bool more = static_cast<int>(scores.size()) > limit;
    if (more) {
      scores.resize(static_cast<size_t>(limit));
      response.mutable_page()->set_next_page_token(scores.back().client_id());
    }
    for (auto& score : scores) {
      *response.add_scores() = std::move(score);
    }
  });
  return response;
}

void ScoreReads::StreamScores(const std::string& tenant_id, const ScoreFilter& filter,
                              int page_size, const std::function<bool(v1::Score&&)>& emit) {
  transactions_.Read([&](Transaction& transaction) {
    scores_.Stream(transaction, tenant_id, filter, page_size, emit);
  });
}

v1::TierDistribution ScoreReads::GetTierDistribution(const std::string& tenant_id) {
  v1::TierDistribution response;
  transactions_.Read([&](Transaction& transaction) {
    const v1::ScoringConfig config = versions_.LatestConfig(transaction, tenant_id);
    const std::string currency = config.currency().empty() ? default_currency_ : config.currency();
    response = DistributionToProto(distribution_.Tally(transaction, tenant_id), currency);
    response.set_config_version(config.version());
    if (auto population = versions_.LatestPopulation(transaction, tenant_id)) {
      *response.mutable_population() = *population;
    }
    if (auto model = versions_.LatestModel(transaction, tenant_id)) {
      response.set_model_version(model->version());
    }
  });
  return response;
}

}  // namespace clienttier::scoring
