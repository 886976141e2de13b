#include "services/client-profile/app/client_use_cases.h"

#include <stdexcept>

#include "common/errors/domain_error.h"
#include "common/observability/logger.h"
#include "services/client-profile/domain/client_rules.h"
#include "services/client-profile/domain/page_token.h"

namespace clienttier::profile {

namespace {

// Binds a page token to the filters it was issued for.
std::string FilterFingerprint(const ClientFilter& filter) {
  return filter.acquisition_channel + "\x1f" + filter.tag + "\x1f" + filter.region + "\x1f" +
         (filter.include_erased ? "1" : "0");
}

}  // namespace

v1::Client ClientUseCases::Create(const std::string& tenant_id, const v1::Client& input,
                                  const std::string& key_id) {
  v1::Client created = clients_.Create(tenant_id, NewClient(input, clock_.Now()), key_id);
  on_commit_();
  return created;
}

std::optional<v1::Client> ClientUseCases::GetWithoutIo(const std::string& tenant_id,
                                                       const std::string& client_id) {
  return clients_.GetWithoutIo(tenant_id, client_id);
}

v1::Client ClientUseCases::Get(const std::string& tenant_id, const std::string& client_id) {
  auto client = clients_.Get(tenant_id, client_id);
  if (!client) {
    throw NotFound("client '" + client_id + "' not found");
  }
  return std::move(*client);
}

v1::Client ClientUseCases::Update(const std::string& tenant_id,
                                  const v1::UpdateClientRequest& request,
                                  const std::string& key_id) {
  v1::Client updated = clients_.Update(tenant_id, request, clock_.Now(), key_id);
  on_commit_();
  return updated;
}

ClientPage ClientUseCases::List(const std::string& tenant_id, const ClientFilter& filter,
                                const std::string& page_token, int page_size) {
  const std::string fingerprint = FilterFingerprint(filter);
  const std::string after =
      page_token.empty() ? std::string() : DecodePageToken(page_token, fingerprint);
  const int limit = page_size == 0 ? kDefaultPageSize : page_size;
  ClientPage page;
  // One more than the page: whether it exists decides if there is a next page.
  page.clients = clients_.List(tenant_id, filter, after, limit + 1);
  if (static_cast<int>(page.clients.size()) > limit) {
    page.clients.pop_back();
    page.next_page_token = EncodePageToken(page.clients.back().client_id(), fingerprint);
  }
  return page;
}

v1::Client ClientUseCases::Erase(const std::string& tenant_id, const std::string& client_id,
                                 const std::string& reason, const std::string& key_id) {
  v1::Client tombstone = clients_.Erase(tenant_id, client_id, clock_.Now(), key_id);
  on_commit_();
  // The audit trail of an erasure: who (key id), which client, when. The reason is free text
  // that often names the person (it did: "request from <name>, <email>"), so only its length
  // is logged; the reason itself is kept nowhere.
  LogInfo("client erased", {{"tenant", tenant_id},
                            {"client_id", client_id},
                            {"key_id", key_id},
                            {"reason_length", reason.size()}});
  return tombstone;
}

v1::MergeClientsResponse ClientUseCases::Merge(const std::string& tenant_id,
                                               const v1::MergeClientsRequest& request,
                                               const std::string& key_id) {
  MergeOutcome outcome = clients_.Merge(tenant_id, request.survivor_client_id(),
                                        request.duplicate_client_id(), clock_.Now(), key_id);
  v1::MergeClientsResponse response;
  *response.mutable_survivor() = std::move(outcome.survivor);
  *response.mutable_duplicate() = std::move(outcome.duplicate);
  response.set_already_merged(outcome.already_merged);
  if (!outcome.already_merged) {
    on_commit_();
    LogInfo("clients merged", {{"tenant", tenant_id},
                               {"survivor_client_id", request.survivor_client_id()},
                               {"duplicate_client_id", request.duplicate_client_id()},
                               {"key_id", key_id}});
  }
  return response;
}

v1::ImportClientsResponse ClientUseCases::Import(const std::string& tenant_id,
                                                 const ImportSource& next,
                                                 const std::string& key_id) {
  v1::ImportClientsResponse report;
  std::vector<v1::Client> chunk;
  const auto flush = [&] {
    const ImportCounts counts = clients_.Import(tenant_id, chunk, key_id);
    report.set_created_count(report.created_count() + counts.created);
    report.set_existing_count(report.existing_count() + counts.existing);
    chunk.clear();
    on_commit_();
  };
  v1::Client input;
  for (int64_t index = 0; next(input); ++index) {
    report.set_received_count(index + 1);
    try {
      ValidateClient(input, "client", clock_.Now());
    } catch (const DomainError& error) {
      report.set_rejected_count(report.rejected_count() + 1);
      if (report.errors_size() < kMaxReportedImportErrors) {
        auto* reported = report.add_errors();
        reported->set_index(index);
        reported->set_client_id(input.client_id().substr(0, 64));
        reported->set_message(error.what());
      }
      continue;
    }
    chunk.push_back(NewClient(input, clock_.Now()));
    if (chunk.size() >= kImportChunk) {
      flush();
    }
  }
  if (!chunk.empty()) {
    flush();
  }
  return report;
}

ConsentHistoryPage ClientUseCases::ListConsentHistory(const std::string& tenant_id,
                                                      const std::string& client_id,
                                                      const std::string& page_token,
                                                      int page_size) {
  // A token names a position in one client's history only.
  const std::string fingerprint = "consent_history\x1f" + client_id;
  int64_t after_seq = 0;
  if (!page_token.empty()) {
    const std::string after = DecodePageToken(page_token, fingerprint);
    try {
      size_t parsed = 0;
      after_seq = std::stoll(after, &parsed);
      if (parsed != after.size() || after_seq < 0) {
        throw std::invalid_argument("trailing characters");
      }
    } catch (const std::exception&) {
      throw InvalidArgument("page.page_token", "malformed or expired token");
    }
  }
  if (!clients_.Get(tenant_id, client_id)) {
    throw NotFound("client '" + client_id + "' not found");
  }
  const int limit = page_size == 0 ? kDefaultPageSize : page_size;
  std::vector<ConsentHistoryRow> rows =
      clients_.ListConsentHistory(tenant_id, client_id, after_seq, limit + 1);
  ConsentHistoryPage page;
  if (static_cast<int>(rows.size()) > limit) {
    rows.pop_back();
    page.next_page_token = EncodePageToken(std::to_string(rows.back().seq), fingerprint);
  }
  for (ConsentHistoryRow& row : rows) {
    page.changes.push_back(std::move(row.change));
  }
  return page;
}

}  // namespace clienttier::profile
