#include "services/client-profile/profile_service.h"

#include "common/validation/validation.h"
#include "services/client-profile/domain/client_merge.h"
#include "services/client-profile/domain/client_rules.h"
#include "services/client-profile/domain/record_rules.h"
#include "services/client-profile/domain/service_view.h"

namespace clienttier::profile {

namespace {

template <typename Response>
void FillOutcomes(const RecordedBatch& recorded, Response* response) {
  for (const auto& result : recorded.results) {
    *response->add_results() = result;
  }
  response->set_recorded_count(recorded.recorded_count);
  response->set_duplicate_count(recorded.duplicate_count);
}

// ExportClientPages: a message holds up to this many clients, and is sent early once it holds
// about this many bytes (a client with a long history), well under gRPC's 4 MiB message limit.
constexpr int kExportPageClients = 500;
constexpr size_t kExportPageBytes = size_t{1} << 20;

void CheckExportRequest(const v1::ExportClientsRequest& request) {
  if (!request.after_client_id().empty()) {
    validation::CheckId("after_client_id", request.after_client_id(), 64);
  }
}

}  // namespace

ProfileService::ProfileService(RpcRunner& runner, ClientUseCases& clients,
                               ActivityUseCases& activity, RecordSettingsUseCases& settings,
                               RetentionUseCases& retention, const Clock& clock,
                               WorkerPool& io_workers)
    : runner_(runner),
      clients_(clients),
      activity_(activity),
      settings_(settings),
      retention_(retention),
      clock_(clock),
      io_workers_(io_workers) {}

grpc::Status ProfileService::CreateClient(grpc::ServerContext* context,
                                          const v1::CreateClientRequest* request,
                                          v1::Client* response) {
  return runner_.Run(context, "CreateClient", Role::kWriter, [&](const Caller& caller) {
    ValidateClient(request->client(), "client", clock_.Now());
    *response = clients_.Create(caller.tenant_id, request->client(), caller.key_id);
  });
}

grpc::ServerUnaryReactor* ProfileService::GetClient(grpc::CallbackServerContext* context,
                                                    const v1::GetClientRequest* request,
                                                    v1::Client* response) {
  return runner_.RunUnaryRead<v1::GetClientRequest, v1::Client>(
      context, "GetClient", Role::kReader, io_workers_, *request, response,
      [this, request, response](const Caller& caller) {
        validation::CheckId("client_id", request->client_id(), 64);
        auto client = clients_.GetWithoutIo(caller.tenant_id, request->client_id());
        if (client) {
          *response = std::move(*client);
          if (caller.service) {
            StripForService(*response);
          }
        }
        return client.has_value();
      },
      [this](const Caller& caller, const v1::GetClientRequest& copy) {
        v1::Client client = clients_.Get(caller.tenant_id, copy.client_id());
        if (caller.service) {
          StripForService(client);
        }
        return client;
      });
}

grpc::Status ProfileService::UpdateClient(grpc::ServerContext* context,
                                          const v1::UpdateClientRequest* request,
                                          v1::Client* response) {
  return runner_.Run(context, "UpdateClient", Role::kWriter, [&](const Caller& caller) {
    ValidateUpdate(*request, clock_.Now());
    *response = clients_.Update(caller.tenant_id, *request, caller.key_id);
  });
}

grpc::Status ProfileService::ListClients(grpc::ServerContext* context,
                                         const v1::ListClientsRequest* request,
                                         v1::ListClientsResponse* response) {
  return runner_.Run(context, "ListClients", Role::kReader, [&](const Caller& caller) {
    const int page_size = request->page().page_size();
    if (page_size < 0 || page_size > ClientUseCases::kMaxPageSize) {
      throw InvalidArgument("page.page_size",
                            "must be from 0 to " + std::to_string(ClientUseCases::kMaxPageSize));
    }
    validation::CheckLabel("acquisition_channel", request->acquisition_channel(), 64, false);
    validation::CheckLabel("tag", request->tag(), 64, false);
    validation::CheckText("region", request->region(), 64, false);
    ClientFilter filter{request->acquisition_channel(), request->tag(), request->region(),
                        request->include_erased()};
    ClientPage page =
        clients_.List(caller.tenant_id, filter, request->page().page_token(), page_size);
    if (!page.next_page_token.empty()) {
      response->mutable_page()->set_next_page_token(page.next_page_token);
    }
    for (auto& client : page.clients) {
      if (caller.service) {
        StripForService(client);
      }
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
        clients_.Erase(caller.tenant_id, request->client_id(), request->reason(), caller.key_id);
  });
}

// Admin, like EraseClient: a merge cannot be undone and moves one record's personal data,
// consents and history onto another, so it needs the same authority as removing them.
grpc::Status ProfileService::MergeClients(grpc::ServerContext* context,
                                          const v1::MergeClientsRequest* request,
                                          v1::MergeClientsResponse* response) {
  return runner_.Run(context, "MergeClients", Role::kAdmin, [&](const Caller& caller) {
    ValidateMerge(*request);
    *response = clients_.Merge(caller.tenant_id, *request, caller.key_id);
    if (caller.service) {
      StripForService(*response->mutable_survivor());
      StripForService(*response->mutable_duplicate());
    }
  });
}

grpc::Status ProfileService::RecordTransaction(grpc::ServerContext* context,
                                               const v1::RecordTransactionRequest* request,
                                               v1::RecordTransactionResponse* response) {
  return runner_.Run(context, "RecordTransaction", Role::kWriter, [&](const Caller& caller) {
    ValidateTransaction(request->transaction(), "transaction", clock_.Now(),
                        settings_.EarliestRecord(caller.tenant_id));
    *response->mutable_result() =
        activity_.RecordTransaction(caller.tenant_id, request->transaction());
  });
}

grpc::Status ProfileService::RecordTransactions(grpc::ServerContext* context,
                                                const v1::RecordTransactionsRequest* request,
                                                v1::RecordTransactionsResponse* response) {
  return runner_.Run(context, "RecordTransactions", Role::kWriter, [&](const Caller& caller) {
    ValidateTransactionBatch(request->transactions(), "transactions", clock_.Now(),
                             settings_.EarliestRecord(caller.tenant_id));
    FillOutcomes(activity_.RecordTransactions(caller.tenant_id, request->transactions()), response);
  });
}

grpc::Status ProfileService::RecordInteraction(grpc::ServerContext* context,
                                               const v1::RecordInteractionRequest* request,
                                               v1::RecordInteractionResponse* response) {
  return runner_.Run(context, "RecordInteraction", Role::kWriter, [&](const Caller& caller) {
    ValidateInteraction(request->interaction(), "interaction", clock_.Now(),
                        settings_.EarliestRecord(caller.tenant_id));
    *response->mutable_result() =
        activity_.RecordInteraction(caller.tenant_id, request->interaction());
  });
}

grpc::Status ProfileService::RecordInteractions(grpc::ServerContext* context,
                                                const v1::RecordInteractionsRequest* request,
                                                v1::RecordInteractionsResponse* response) {
  return runner_.Run(context, "RecordInteractions", Role::kWriter, [&](const Caller& caller) {
    ValidateInteractionBatch(request->interactions(), "interactions", clock_.Now(),
                             settings_.EarliestRecord(caller.tenant_id));
    FillOutcomes(activity_.RecordInteractions(caller.tenant_id, request->interactions()), response);
  });
}

grpc::Status ProfileService::ImportClients(grpc::ServerContext* context,
                                           grpc::ServerReader<v1::ImportClientsRequest>* reader,
                                           v1::ImportClientsResponse* response) {
  return runner_.Run(context, "ImportClients", Role::kWriter, [&](const Caller& caller) {
    // Each record is validated by the use case: an invalid one is reported, not fatal.
    v1::ImportClientsRequest item;
    *response = clients_.Import(
        caller.tenant_id,
        [&](v1::Client& client) {
          if (!reader->Read(&item)) {
            return false;
          }
          client = std::move(*item.mutable_client());
          return true;
        },
        caller.key_id);
  });
}

grpc::Status ProfileService::ExportClients(grpc::ServerContext* context,
                                           const v1::ExportClientsRequest* request,
                                           grpc::ServerWriter<v1::ExportClientsResponse>* writer) {
  return runner_.Run(context, "ExportClients", Role::kReader, [&](const Caller& caller) {
    CheckExportRequest(*request);
    activity_.Export(caller.tenant_id, *request, [&](const v1::ExportClientsResponse& item) {
      if (!caller.service) {
        return !context->IsCancelled() && writer->Write(item);
      }
      v1::ExportClientsResponse stripped = item;
      StripForService(stripped);
      return !context->IsCancelled() && writer->Write(stripped);
    });
  });
}

grpc::Status ProfileService::ExportClientPages(grpc::ServerContext* context,
                                               const v1::ExportClientsRequest* request,
                                               grpc::ServerWriter<v1::ExportClientPage>* writer) {
  return runner_.Run(context, "ExportClientPages", Role::kReader, [&](const Caller& caller) {
    CheckExportRequest(*request);
    v1::ExportClientPage page;
    size_t page_bytes = 0;
    const auto send = [&] {
      const bool sent = !context->IsCancelled() && writer->Write(page);
      page.clear_clients();
      page_bytes = 0;
      return sent;
    };
    bool open = true;
    activity_.Export(caller.tenant_id, *request, [&](const v1::ExportClientsResponse& item) {
      v1::ExportClientsResponse* added = page.add_clients();
      *added = item;
      if (caller.service) {
        StripForService(*added);
      }
      page_bytes += added->ByteSizeLong();
      if (page.clients_size() >= kExportPageClients || page_bytes >= kExportPageBytes) {
        open = send();
      }
      return open;
    });
    if (open && page.clients_size() > 0) {
      send();
    }
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

grpc::Status ProfileService::ListConsentHistory(grpc::ServerContext* context,
                                                const v1::ListConsentHistoryRequest* request,
                                                v1::ListConsentHistoryResponse* response) {
  return runner_.Run(context, "ListConsentHistory", Role::kReader, [&](const Caller& caller) {
    validation::CheckId("client_id", request->client_id(), 64);
    const int page_size = request->page().page_size();
    if (page_size < 0 || page_size > ClientUseCases::kMaxPageSize) {
      throw InvalidArgument("page.page_size",
                            "must be from 0 to " + std::to_string(ClientUseCases::kMaxPageSize));
    }
    ConsentHistoryPage page = clients_.ListConsentHistory(caller.tenant_id, request->client_id(),
                                                          request->page().page_token(), page_size);
    if (!page.next_page_token.empty()) {
      response->mutable_page()->set_next_page_token(page.next_page_token);
    }
    for (auto& change : page.changes) {
      *response->add_changes() = std::move(change);
    }
  });
}

grpc::Status ProfileService::GetRecordSettings(grpc::ServerContext* context,
                                               const v1::GetRecordSettingsRequest* /*request*/,
                                               v1::RecordSettings* response) {
  return runner_.Run(context, "GetRecordSettings", Role::kReader,
                     [&](const Caller& caller) { *response = settings_.Get(caller.tenant_id); });
}

grpc::Status ProfileService::PutRecordSettings(grpc::ServerContext* context,
                                               const v1::PutRecordSettingsRequest* request,
                                               v1::RecordSettings* response) {
  return runner_.Run(context, "PutRecordSettings", Role::kAdmin, [&](const Caller& caller) {
    ValidateRecordSettings(request->settings(), clock_.Now());
    *response = settings_.Put(caller.tenant_id, request->settings());
  });
}

grpc::Status ProfileService::PurgeExpired(grpc::ServerContext* context,
                                          const v1::PurgeExpiredRequest* request,
                                          v1::PurgeExpiredResponse* response) {
  return runner_.Run(context, "PurgeExpired", Role::kAdmin, [&](const Caller& caller) {
    constexpr int kMaxDays = 36500;
    constexpr int kMaxClients = 10000;
    for (const auto& [field, days] :
         {std::pair{"erase_inactive_after_days", request->erase_inactive_after_days()},
          std::pair{"drop_interactions_after_days", request->drop_interactions_after_days()}}) {
      if (days < 0 || days > kMaxDays) {
        throw InvalidArgument(field, "must be from 0 to " + std::to_string(kMaxDays));
      }
    }
    if (request->max_clients() < 0 || request->max_clients() > kMaxClients) {
      throw InvalidArgument("max_clients", "must be from 0 to " + std::to_string(kMaxClients));
    }
    RetentionPolicy policy;
    policy.erase_inactive_after_days = request->erase_inactive_after_days();
    policy.drop_interactions_after_days = request->drop_interactions_after_days();
    policy.dry_run = request->dry_run();
    if (request->max_clients() > 0) {
      policy.max_clients = request->max_clients();
    }
    const RetentionReport report = retention_.Purge(caller.tenant_id, policy, caller.key_id);
    for (const std::string& client_id : report.erased_client_ids) {
      response->add_erased_client_ids(client_id);
    }
    response->set_interactions_deleted(report.interactions_deleted);
    response->set_more(report.more);
    if (report.clients_inactive_since != 0) {
      *response->mutable_clients_inactive_since() = ToProtoTimestamp(report.clients_inactive_since);
    }
    if (report.interactions_before != 0) {
      *response->mutable_interactions_before() = ToProtoTimestamp(report.interactions_before);
    }
  });
}

}  // namespace clienttier::profile
