#include "services/referral/referral_service.h"

#include "common/validation/validation.h"
#include "services/referral/app/propagation_mapping.h"
#include "services/referral/domain/referral_code.h"

namespace clienttier::referral {

namespace {

constexpr size_t kMaxIdLength = 64;
constexpr int kMaxPropagationClients = 1000;
constexpr int kDefaultPropagationPage = 1000;
constexpr int kMaxPropagationPage = 10000;
constexpr int kMaxBatch = 1000;
constexpr int kMaxInvitationsPerReport = 1000;
constexpr int kDefaultLeaderboard = 10;
constexpr int kMaxLeaderboard = 100;
constexpr int64_t kMaxPurchaseUnits = 1'000'000'000'000;
// Purchases from 2000 on, and at most a day ahead of the server's clock.
constexpr UnixMicros kEarliestPurchase = 946'684'800 * kMicrosPerSecond;

// A batch RPC's list: 1..kMaxBatch entries.
void CheckBatchSize(const char* field, int size) {
  if (size < 1 || size > kMaxBatch) {
    throw InvalidArgument(field,
                          "must hold between 1 and " + std::to_string(kMaxBatch) + " entries");
  }
}

v1::RewardRules ToProto(const RewardRules& rules) {
  v1::RewardRules proto;
  *proto.mutable_referrer_reward() = Money(rules.referrer_reward_minor, rules.currency);
  *proto.mutable_referee_reward() = Money(rules.referee_reward_minor, rules.currency);
  proto.set_kind(static_cast<v1::RewardKind>(rules.kind));
  *proto.mutable_qualifying_minimum() = Money(rules.qualifying_minimum_minor, rules.currency);
  proto.set_max_rewarded_per_referrer(static_cast<int32_t>(rules.max_rewarded_per_referrer));
  proto.set_cap_window_days(static_cast<int32_t>(rules.cap_window_days));
  proto.set_max_referrals_per_day(static_cast<int32_t>(rules.max_referrals_per_day));
  proto.set_version(rules.version);
  return proto;
}

RewardRulesInput FromProto(const v1::RewardRules& proto) {
  RewardRulesInput input;
  input.referrer_reward = {proto.referrer_reward().units(), proto.referrer_reward().currency()};
  input.referee_reward = {proto.referee_reward().units(), proto.referee_reward().currency()};
  input.qualifying_minimum = {proto.qualifying_minimum().units(),
                              proto.qualifying_minimum().currency()};
  input.kind = proto.kind();
  input.max_rewarded_per_referrer = proto.max_rewarded_per_referrer();
  input.cap_window_days = proto.cap_window_days();
  input.max_referrals_per_day = proto.max_referrals_per_day();
  return input;
}

void CheckClientId(const std::string& field, const std::string& value) {
  validation::CheckId(field, value, kMaxIdLength);
}

}  // namespace

ReferralService::ReferralService(RpcRunner& runner, ReferralUseCases use_cases, const Clock& clock)
    : runner_(runner), use_cases_(use_cases), clock_(clock) {}

grpc::Status ReferralService::IssueCode(grpc::ServerContext* context,
                                        const v1::IssueCodeRequest* request,
                                        v1::ReferralCode* response) {
  return runner_.Run(context, "IssueCode", Role::kWriter, [&](const Caller& caller) {
    CheckClientId("client_id", request->client_id());
    *response = use_cases_.codes.Issue(caller.tenant_id, request->client_id(), request->rotate());
  });
}

grpc::Status ReferralService::IssueCodes(grpc::ServerContext* context,
                                         const v1::IssueCodesRequest* request,
                                         v1::IssueCodesResponse* response) {
  return runner_.Run(context, "IssueCodes", Role::kWriter, [&](const Caller& caller) {
    CheckBatchSize("client_ids", request->client_ids_size());
    for (int i = 0; i < request->client_ids_size(); ++i) {
      CheckClientId("client_ids[" + std::to_string(i) + "]", request->client_ids(i));
    }
    const std::vector<std::string> client_ids(request->client_ids().begin(),
                                              request->client_ids().end());
    for (v1::ReferralCode& code : use_cases_.codes.IssueMany(caller.tenant_id, client_ids)) {
      *response->add_codes() = std::move(code);
    }
  });
}

grpc::Status ReferralService::RevokeCode(grpc::ServerContext* context,
                                         const v1::RevokeCodeRequest* request,
                                         v1::ReferralCode* response) {
  return runner_.Run(context, "RevokeCode", Role::kWriter, [&](const Caller& caller) {
    *response = use_cases_.codes.Revoke(caller.tenant_id, request->code());
  });
}

grpc::Status ReferralService::RecordInvitations(grpc::ServerContext* context,
                                                const v1::RecordInvitationsRequest* request,
                                                v1::RecordInvitationsResponse* response) {
  return runner_.Run(context, "RecordInvitations", Role::kWriter, [&](const Caller& caller) {
    CheckClientId("client_id", request->client_id());
    if (request->count() < 1 || request->count() > kMaxInvitationsPerReport) {
      throw InvalidArgument("count",
                            "must be between 1 and " + std::to_string(kMaxInvitationsPerReport));
    }
    validation::CheckId("idempotency_key", request->idempotency_key(), kMaxIdLength);
    *response = use_cases_.invitations.Record(caller.tenant_id, request->client_id(),
                                              request->count(), request->idempotency_key());
  });
}

grpc::Status ReferralService::RegisterReferral(grpc::ServerContext* context,
                                               const v1::RegisterReferralRequest* request,
                                               v1::Referral* response) {
  return runner_.Run(context, "RegisterReferral", Role::kWriter, [&](const Caller& caller) {
    CheckClientId("referee_client_id", request->referee_client_id());
    RegistrationOutcome outcome = use_cases_.registration.Register(
        caller.tenant_id, request->code(), request->referee_client_id());
    if (outcome.refusal) {
      if (outcome.refusal->rule == FraudRule::kUnknownCode) {
        throw NotFound("code '" + request->code() + "' not found");
      }
      throw FailedPrecondition(outcome.refusal->message);
    }
    *response = std::move(*outcome.referral);
  });
}

grpc::Status ReferralService::RegisterReferrals(grpc::ServerContext* context,
                                                const v1::RegisterReferralsRequest* request,
                                                v1::RegisterReferralsResponse* response) {
  return runner_.Run(context, "RegisterReferrals", Role::kWriter, [&](const Caller& caller) {
    CheckBatchSize("referrals", request->referrals_size());
    std::vector<RegistrationRequest> batch;
    for (int i = 0; i < request->referrals_size(); ++i) {
      const std::string field = "referrals[" + std::to_string(i) + "]";
      const v1::RegisterReferralRequest& entry = request->referrals(i);
      CheckClientId(field + ".referee_client_id", entry.referee_client_id());
      std::optional<std::string> code = NormalizeCode(entry.code());
      if (!code) {
        throw InvalidArgument(field + ".code", kCodeRule);
      }
      batch.push_back(RegistrationRequest{std::move(*code), entry.referee_client_id()});
    }
    for (RegistrationOutcome& outcome :
         use_cases_.registration.RegisterMany(caller.tenant_id, batch)) {
      v1::RegistrationResult* result = response->add_results();
      if (outcome.refusal) {
        result->set_refused_by(static_cast<v1::FraudRule>(outcome.refusal->rule));
        result->set_refusal(outcome.refusal->message);
        response->set_refused_count(response->refused_count() + 1);
      } else {
        *result->mutable_referral() = std::move(*outcome.referral);
        response->set_registered_count(response->registered_count() + 1);
      }
    }
  });
}

grpc::Status ReferralService::ConvertReferral(grpc::ServerContext* context,
                                              const v1::ConvertReferralRequest* request,
                                              v1::ConvertReferralResponse* response) {
  return runner_.Run(context, "ConvertReferral", Role::kWriter, [&](const Caller& caller) {
    CheckClientId("referee_client_id", request->referee_client_id());
    validation::CheckId("transaction_id", request->transaction_id(), kMaxIdLength);
    validation::CheckMoney("amount", request->amount(), 0, kMaxPurchaseUnits);
    const UnixMicros now = clock_.Now();
    validation::CheckTimestamp("occurred_at", request->occurred_at(), kEarliestPurchase,
                               now + kMicrosPerDay);
    Purchase purchase;
    purchase.client_id = request->referee_client_id();
    purchase.transaction_id = request->transaction_id();
    purchase.amount_minor = request->amount().units();
    purchase.currency = request->amount().currency();
    purchase.occurred_at = FromProtoTimestamp(request->occurred_at());
    *response = use_cases_.conversion.Convert(caller.tenant_id, purchase);
  });
}

grpc::Status ReferralService::GetReferral(grpc::ServerContext* context,
                                          const v1::GetReferralRequest* request,
                                          v1::Referral* response) {
  return runner_.Run(context, "GetReferral", Role::kReader, [&](const Caller& caller) {
    CheckClientId("referee_client_id", request->referee_client_id());
    *response = use_cases_.registration.Find(caller.tenant_id, request->referee_client_id());
  });
}

grpc::Status ReferralService::ListRewards(grpc::ServerContext* context,
                                          const v1::ListRewardsRequest* request,
                                          v1::ListRewardsResponse* response) {
  return runner_.Run(context, "ListRewards", Role::kReader, [&](const Caller& caller) {
    CheckClientId("client_id", request->client_id());
    *response = use_cases_.ledger.List(caller.tenant_id, request->client_id());
  });
}

grpc::Status ReferralService::GetReferralStats(grpc::ServerContext* context,
                                               const v1::GetReferralStatsRequest* request,
                                               v1::ReferralStats* response) {
  return runner_.Run(context, "GetReferralStats", Role::kReader, [&](const Caller& caller) {
    if (!request->client_id().empty()) {
      CheckClientId("client_id", request->client_id());
    }
    *response = use_cases_.statistics.Stats(caller.tenant_id, request->client_id());
  });
}

grpc::Status ReferralService::GetPropagation(grpc::ServerContext* context,
                                             const v1::GetPropagationRequest* request,
                                             v1::GetPropagationResponse* response) {
  return runner_.Run(context, "GetPropagation", Role::kReader, [&](const Caller& caller) {
    if (request->client_ids_size() < 1 || request->client_ids_size() > kMaxPropagationClients) {
      throw InvalidArgument("client_ids", "must hold between 1 and " +
                                              std::to_string(kMaxPropagationClients) + " ids");
    }
    std::vector<std::string> ids;
    for (int i = 0; i < request->client_ids_size(); ++i) {
      CheckClientId("client_ids[" + std::to_string(i) + "]", request->client_ids(i));
      ids.push_back(request->client_ids(i));
    }
    for (v1::Propagation& client : use_cases_.statistics.Propagation(caller.tenant_id, ids)) {
      *response->add_clients() = std::move(client);
    }
  });
}

grpc::Status ReferralService::ListPropagation(grpc::ServerContext* context,
                                              const v1::ListPropagationRequest* request,
                                              v1::ListPropagationResponse* response) {
  return runner_.Run(context, "ListPropagation", Role::kReader, [&](const Caller& caller) {
    ClientIdRange range;
    range.after_client_id = request->after_client_id();
    if (!range.after_client_id.empty()) {
      CheckClientId("after_client_id", range.after_client_id);
    }
    if (!request->last_client_id().empty()) {
      CheckClientId("last_client_id", request->last_client_id());
      if (request->last_client_id() < range.after_client_id) {
        throw InvalidArgument("last_client_id", "must not be before after_client_id");
      }
      range.last_client_id = request->last_client_id();
    }
    const int page_size =
        request->page_size() == 0 ? kDefaultPropagationPage : request->page_size();
    if (page_size < 1 || page_size > kMaxPropagationPage) {
      throw InvalidArgument("page_size",
                            "must be between 1 and " + std::to_string(kMaxPropagationPage));
    }
    std::vector<v1::Propagation> clients =
        use_cases_.statistics.PropagationInRange(caller.tenant_id, range, page_size);
    if (clients.size() == static_cast<size_t>(page_size)) {
      response->set_next_after_client_id(clients.back().client_id());
    }
    for (v1::Propagation& client : clients) {
      *response->add_clients() = std::move(client);
    }
  });
}

grpc::Status ReferralService::Leaderboard(grpc::ServerContext* context,
                                          const v1::LeaderboardRequest* request,
                                          v1::LeaderboardResponse* response) {
  return runner_.Run(context, "Leaderboard", Role::kReader, [&](const Caller& caller) {
    int limit = request->limit() == 0 ? kDefaultLeaderboard : request->limit();
    if (limit < 1 || limit > kMaxLeaderboard) {
      throw InvalidArgument("limit", "must be between 1 and " + std::to_string(kMaxLeaderboard));
    }
    *response = use_cases_.statistics.Leaderboard(caller.tenant_id, limit);
  });
}

grpc::Status ReferralService::GetRewardRules(grpc::ServerContext* context,
                                             const v1::GetRewardRulesRequest* /*request*/,
                                             v1::RewardRules* response) {
  return runner_.Run(context, "GetRewardRules", Role::kReader, [&](const Caller& caller) {
    *response = ToProto(use_cases_.settings.Rules(caller.tenant_id));
  });
}

grpc::Status ReferralService::PutRewardRules(grpc::ServerContext* context,
                                             const v1::PutRewardRulesRequest* request,
                                             v1::RewardRules* response) {
  return runner_.Run(context, "PutRewardRules", Role::kAdmin, [&](const Caller& caller) {
    if (request->expected_version() < 0) {
      throw InvalidArgument("expected_version", "must not be negative");
    }
    const RewardRules rules = ValidateRewardRules(FromProto(request->rules()));
    *response =
        ToProto(use_cases_.settings.PutRules(caller.tenant_id, rules, request->expected_version()));
  });
}

}  // namespace clienttier::referral
