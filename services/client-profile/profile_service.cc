#include "services/client-profile/profile_service.h"

#include "common/observability/logger.h"
#include "common/validation/validation.h"
#include "services/client-profile/domain/client_rules.h"
#include "services/client-profile/domain/page_token.h"
#include "services/client-profile/domain/record_rules.h"

namespace clienttier::profile {

namespace {

constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;
constexpr size_t kImportChunk = 500;
constexpr int kMaxReportedImportErrors = 100;

template <typename Response>
void CountOutcomes(const std::vector<v1::RecordResult>& results, Response* response) {
  for (const auto& result : results) {
    *response->add_results() = result;
    if (result.outcome() == v1::RECORD_OUTCOME_RECORDED) {
      response->set_recorded_count(response->recorded_count() + 1);
    } else {
      response->set_duplicate_count(response->duplicate_count() + 1);
    }
  }
}

}  // namespace

ProfileService::ProfileService(RpcRunner& runner, ClientRepository& clients,
                               ActivityRepository& activity, const Clock& clock,
                               WorkerPool& io_workers, std::function<void()> on_commit)
    : runner_(runner),
      clients_(clients),
      activity_(activity),
      clock_(clock),
      io_workers_(io_workers),
      on_commit_(std::move(on_commit)) {}

grpc::Status ProfileService::CreateClient(grpc::ServerContext* context,
                                          const v1::CreateClientRequest* request,
                                          v1::Client* response) {
  return runner_.Run(context, "CreateClient", Role::kWriter, [&](const Caller& caller) {
    ValidateClient(request->client(), "client");
    *response = clients_.Create(caller.tenant_id, NewClient(request->client(), clock_.Now()));
    on_commit_();
  });
}

grpc::ServerUnaryReactor* ProfileService::GetClient(grpc::CallbackServerContext* context,
                                                    const v1::GetClientRequest* request,
                                                    v1::Client* response) {
  return runner_.RunUnaryCallback(
      context, "GetClient", Role::kReader, io_workers_,
      [this, request, response](const Caller& caller) {
        validation::CheckId("client_id", request->client_id(), 64);
        auto client = clients_.GetWithoutIo(caller.tenant_id, request->client_id());
        if (client) {
          *response = std::move(*client);
        }
        return client.has_value();
      },
      [this, request, response](const Caller& caller) {
        auto client = clients_.Get(caller.tenant_id, request->client_id());
        if (!client) {
          throw NotFound("client '" + request->client_id() + "' not found");
        }
        *response = std::move(*client);
      });
}

grpc::Status ProfileService::UpdateClient(grpc::ServerContext* context,
                                          const v1::UpdateClientRequest* request,
                                          v1::Client* response) {
  return runner_.Run(context, "UpdateClient", Role::kWriter, [&](const Caller& caller) {
    ValidateUpdate(*request);
    *response = clients_.Update(caller.tenant_id, *request, clock_.Now());
    on_commit_();
  });
}

grpc::Status ProfileService::ListClients(grpc::ServerContext* context,
                                         const v1::ListClientsRequest* request,
                                         v1::ListClientsResponse* response) {
  return runner_.Run(context, "ListClients", Role::kReader, [&](const Caller& caller) {
    const int page_size = request->page().page_size();
    if (page_size < 0 || page_size > kMaxPageSize) {
      throw InvalidArgument("page.page_size", "must be from 0 to " + std::to_string(kMaxPageSize));
    }
    validation::CheckLabel("acquisition_channel", request->acquisition_channel(), 64, false);
    validation::CheckLabel("tag", request->tag(), 64, false);
    validation::CheckText("region", request->region(), 64, false);
    ClientFilter filter{request->acquisition_channel(), request->tag(), request->region(),
                        request->include_erased()};
    const std::string fingerprint = filter.acquisition_channel + "\x1f" + filter.tag + "\x1f" +
                                    filter.region + "\x1f" + (filter.include_erased ? "1" : "0");
    const std::string after = request->page().page_token().empty()
                                  ? std::string()
                                  : DecodePageToken(request->page().page_token(), fingerprint);
    const int limit = page_size == 0 ? kDefaultPageSize : page_size;
    auto clients = clients_.List(caller.tenant_id, filter, after, limit + 1);
    const bool more = static_cast<int>(clients.size()) > limit;
    if (more) {
      clients.pop_back();
      response->mutable_page()->set_next_page_token(
          EncodePageToken(clients.back().client_id(), fingerprint));
    }
    for (auto& client : clients) {
      *response->add_clients() = std::move(client);
    }
  });
}

grpc::Status ProfileService::EraseClient(grpc::ServerContext* context,
                                         const v1::EraseClientRequest* request,
                                         v1::Client* response) {
  return runner_.Run(context, "EraseClient", Role::kAdmin, [&](const Caller& caller) {
    validation::CheckId("client_id", request->client_id(), 64);
    validation::CheckText("reason", request->reason(), 256, true);
    *response =
        clients_.Erase(caller.tenant_id, request->client_id(), request->reason(), clock_.Now());
    on_commit_();
    // The audit trail of an erasure: who (key id), which client, why. No personal data.
    LogInfo("client erased", {{"tenant", caller.tenant_id},
                              {"client_id", request->client_id()},
                              {"key_id", caller.key_id},
                              {"reason", request->reason()}});
  });
}

grpc::Status ProfileService::RecordTransaction(grpc::ServerContext* context,
                                               const v1::RecordTransactionRequest* request,
                                               v1::RecordTransactionResponse* response) {
  return runner_.Run(context, "RecordTransaction", Role::kWriter, [&](const Caller& caller) {
    google::protobuf::RepeatedPtrField<v1::TransactionInput> batch;
    *batch.Add() = request->transaction();
    ValidateTransaction(request->transaction(), "transaction", clock_.Now());
    *response->mutable_result() = activity_.RecordTransactions(caller.tenant_id, batch).front();
    on_commit_();
  });
}

grpc::Status ProfileService::RecordTransactions(grpc::ServerContext* context,
                                                const v1::RecordTransactionsRequest* request,
                                                v1::RecordTransactionsResponse* response) {
  return runner_.Run(context, "RecordTransactions", Role::kWriter, [&](const Caller& caller) {
    ValidateTransactionBatch(request->transactions(), "transactions", clock_.Now());
    CountOutcomes(activity_.RecordTransactions(caller.tenant_id, request->transactions()),
                  response);
    on_commit_();
  });
}

grpc::Status ProfileService::RecordInteraction(grpc::ServerContext* context,
                                               const v1::RecordInteractionRequest* request,
                                               v1::RecordInteractionResponse* response) {
  return runner_.Run(context, "RecordInteraction", Role::kWriter, [&](const Caller& caller) {
    google::protobuf::RepeatedPtrField<v1::InteractionInput> batch;
    *batch.Add() = request->interaction();
    ValidateInteraction(request->interaction(), "interaction", clock_.Now());
    *response->mutable_result() = activity_.RecordInteractions(caller.tenant_id, batch).front();
    on_commit_();
  });
}

grpc::Status ProfileService::RecordInteractions(grpc::ServerContext* context,
                                                const v1::RecordInteractionsRequest* request,
                                                v1::RecordInteractionsResponse* response) {
  return runner_.Run(context, "RecordInteractions", Role::kWriter, [&](const Caller& caller) {
    ValidateInteractionBatch(request->interactions(), "interactions", clock_.Now());
    CountOutcomes(activity_.RecordInteractions(caller.tenant_id, request->interactions()),
                  response);
    on_commit_();
  });
}

grpc::Status ProfileService::ImportClients(grpc::ServerContext* context,
                                           grpc::ServerReader<v1::ImportClientsRequest>* reader,
                                           v1::ImportClientsResponse* response) {
  return runner_.Run(context, "ImportClients", Role::kWriter, [&](const Caller& caller) {
    std::vector<v1::Client> chunk;
    const auto flush = [&] {
      const ImportCounts counts = clients_.Import(caller.tenant_id, chunk);
      response->set_created_count(response->created_count() + counts.created);
      response->set_existing_count(response->existing_count() + counts.existing);
      chunk.clear();
      on_commit_();
    };
    v1::ImportClientsRequest item;
    for (int64_t index = 0; reader->Read(&item); ++index) {
      response->set_received_count(index + 1);
      try {
        ValidateClient(item.client(), "client");
      } catch (const DomainError& error) {
        response->set_rejected_count(response->rejected_count() + 1);
        if (response->errors_size() < kMaxReportedImportErrors) {
          auto* reported = response->add_errors();
          reported->set_index(index);
          reported->set_client_id(item.client().client_id().substr(0, 64));
          reported->set_message(error.what());
        }
        continue;
      }
      chunk.push_back(NewClient(item.client(), clock_.Now()));
      if (chunk.size() >= kImportChunk) {
        flush();
      }
    }
    if (!chunk.empty()) {
      flush();
    }
  });
}

grpc::Status ProfileService::ExportClients(grpc::ServerContext* context,
                                           const v1::ExportClientsRequest* request,
                                           grpc::ServerWriter<v1::ExportClientsResponse>* writer) {
  return runner_.Run(context, "ExportClients", Role::kReader, [&](const Caller& caller) {
    if (!request->after_client_id().empty()) {
      validation::CheckId("after_client_id", request->after_client_id(), 64);
    }
    activity_.Export(caller.tenant_id, *request, [&](const v1::ExportClientsResponse& item) {
      return !context->IsCancelled() && writer->Write(item);
    });
  });
}

grpc::Status ProfileService::GetActivitySummary(grpc::ServerContext* context,
                                                const v1::GetActivitySummaryRequest* request,
                                                v1::ActivitySummary* response) {
  return runner_.Run(context, "GetActivitySummary", Role::kReader, [&](const Caller& caller) {
    validation::CheckId("client_id", request->client_id(), 64);
    *response = activity_.Summary(caller.tenant_id, request->client_id());
  });
}

}  // namespace clienttier::profile
