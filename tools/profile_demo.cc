// profile-demo: walks a running client-profile server through its main flows, one line per step,
// so a reviewer can see the service work end to end. Exit code 0 only when every step behaved
// as documented in profile_service.proto.
//
//   profile-demo --target=127.0.0.1:50051 --api-key=KEY --admin-api-key=KEY
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>

#include "clienttier/profile/v1/profile_service.grpc.pb.h"
#include "tools/demo_support.h"

namespace {

namespace v1 = ::clienttier::profile::v1;
namespace common_v1 = ::clienttier::common::v1;

using clienttier::tools::Cny;
using clienttier::tools::Describe;
using clienttier::tools::FormatMoney;

using google::protobuf::util::TimeUtil;

constexpr std::chrono::seconds kCallTimeout{5};
constexpr int64_t kSecondsPerDay = 86400;
constexpr int kBatchSize = 10;
// Ten pages is far more than three clients need; the bound only stops a broken token loop.
constexpr int kMaxListPages = 10;

struct Options {
  std::string target;
  std::string api_key;
  std::string admin_api_key;
};

// Returns false (after printing usage) unless every required flag was given.
bool ParseOptions(int argc, char** argv, Options* options) {
  const struct {
    const char* prefix;
    std::string* value;
  } flags[] = {{"--target=", &options->target},
               {"--api-key=", &options->api_key},
               {"--admin-api-key=", &options->admin_api_key}};
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    bool known = false;
    for (const auto& flag : flags) {
      const std::string prefix = flag.prefix;
      if (arg.compare(0, prefix.size(), prefix) == 0) {
        *flag.value = arg.substr(prefix.size());
        known = true;
      }
    }
    if (!known) {
      std::fprintf(stderr, "profile-demo: unknown argument '%s'\n", arg.c_str());
      return false;
    }
  }
  if (options->target.empty() || options->api_key.empty() || options->admin_api_key.empty()) {
    std::fprintf(stderr,
                 "usage: profile-demo --target=HOST:PORT --api-key=WRITER_KEY "
                 "--admin-api-key=ADMIN_KEY\n");
    return false;
  }
  return true;
}

// The fixed personal data of the three demo clients; ids get the run suffix at creation.
struct ClientSeed {
  const char* name;
  const char* display_name;
  const char* email;
  const char* phone;
  const char* region;
  v1::CityTier city_tier;
  v1::AgeBand age_band;
  v1::Gender gender;
  const char* occupation;
  v1::IncomeBand income_band;
  const char* interest;
  const char* concern;
  const char* channel;
  int64_t acquisition_cost_fen;
};

const ClientSeed kSeeds[] = {
    {"anna", "Anna Li", "anna.li@example.com", "+86 138 0000 0001", "Shanghai", v1::CITY_TIER_1,
     v1::AGE_BAND_25_34, v1::GENDER_FEMALE, "teacher", v1::INCOME_BAND_MIDDLE, "parenting",
     "anxiety", "search_ads", 8800},
    {"bo", "Bo Wang", "bo.wang@example.com", "+86 139 0000 0002", "Beijing", v1::CITY_TIER_1,
     v1::AGE_BAND_35_44, v1::GENDER_MALE, "engineer", v1::INCOME_BAND_UPPER_MIDDLE, "leadership",
     "career", "referral", 2000},
    {"chen", "Chen Zhou", "chen.zhou@example.com", "+86 137 0000 0003", "Sichuan", v1::CITY_TIER_2,
     v1::AGE_BAND_18_24, v1::GENDER_NON_BINARY, "student", v1::INCOME_BAND_LOW, "mindfulness",
     "study_stress", "wechat_official", 1500},
};
constexpr int kClientCount = static_cast<int>(std::size(kSeeds));

class Demo {
 public:
  Demo(const Options& options, std::shared_ptr<grpc::Channel> channel)
      : stub_(v1::ClientProfileService::NewStub(channel)),
        api_key_(options.api_key),
        admin_api_key_(options.admin_api_key) {
    const auto now = std::chrono::system_clock::now();
    now_seconds_ = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    // Milliseconds, not seconds: two runs started in the same second must not collide.
    run_ = std::to_string(
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count());
    id_prefix_ = "demo-" + run_ + "-";
    // Lets ListClients pick out exactly this run's clients among earlier runs'.
    run_tag_ = "demo-" + run_;
    for (const auto& seed : kSeeds) {
      client_ids_.push_back(id_prefix_ + seed.name);
    }
  }

  // Runs every step; returns the number of steps that did not behave as expected.
  int Run() {
    std::printf("profile-demo run %s, clients %s{anna,bo,chen}\n", run_.c_str(),
                id_prefix_.c_str());
    // Every later step works on these clients, so without them there is nothing to show.
    if (!Step("create_clients", &Demo::CreateClients)) {
      return failures_;
    }
    Step("record_transactions", &Demo::RecordTransactions);
    Step("retry_same_batch", &Demo::RetrySameBatch);
    Step("record_interactions", &Demo::RecordInteractions);
    Step("update_client", &Demo::UpdateClient);
    Step("update_stale_version", &Demo::UpdateWithStaleVersion);
    Step("list_clients", &Demo::ListClients);
    Step("activity_summary", &Demo::ActivitySummary);
    Step("invalid_transaction", &Demo::InvalidTransaction);
    Step("erase_client", &Demo::EraseClient);
    Step("get_tombstone", &Demo::GetTombstone);
    Step("export_clients", &Demo::ExportClients);
    return failures_;
  }

 private:
  using StepFn = bool (Demo::*)(std::string* detail);

  bool Step(const char* name, StepFn step) {
    std::string detail;
    const bool ok = (this->*step)(&detail);
    std::printf("[%s] %-22s %s\n", ok ? " ok " : "FAIL", name, detail.c_str());
    std::fflush(stdout);
    if (!ok) {
      ++failures_;
    }
    return ok;
  }

  std::unique_ptr<grpc::ClientContext> Context(const std::string& api_key) const {
    auto context = std::make_unique<grpc::ClientContext>();
    context->AddMetadata("x-api-key", api_key);
    context->set_deadline(std::chrono::system_clock::now() + kCallTimeout);
    return context;
  }

  bool CreateClients(std::string* detail) {
    for (int i = 0; i < kClientCount; ++i) {
      const ClientSeed& seed = kSeeds[i];
      v1::CreateClientRequest request;
      v1::Client* client = request.mutable_client();
      client->set_client_id(client_ids_[i]);
      client->set_display_name(seed.display_name);
      client->set_email(seed.email);
      client->set_phone(seed.phone);
      v1::Demographics* demographics = client->mutable_demographics();
      demographics->set_region(seed.region);
      demographics->set_city_tier(seed.city_tier);
      demographics->set_age_band(seed.age_band);
      demographics->set_gender(seed.gender);
      demographics->set_occupation(seed.occupation);
      demographics->set_income_band(seed.income_band);
      v1::Consent* consent = client->add_consents();
      consent->set_channel(common_v1::CONTACT_CHANNEL_EMAIL);
      consent->set_granted(true);
      AddTag(client, v1::TAG_KIND_INTEREST, seed.interest);
      AddTag(client, v1::TAG_KIND_CONCERN, seed.concern);
      AddTag(client, v1::TAG_KIND_INTEREST, run_tag_);
      client->mutable_acquisition()->set_channel(seed.channel);
      *client->mutable_acquisition()->mutable_cost() = Cny(seed.acquisition_cost_fen);

      v1::Client created;
      const grpc::Status status = stub_->CreateClient(Context(api_key_).get(), request, &created);
      if (!status.ok()) {
        *detail = client_ids_[i] + ": " + Describe(status);
        return false;
      }
      if (created.client_id() != client_ids_[i] || created.version() != 1 ||
          created.consents_size() != 1 || !created.consents(0).granted()) {
        *detail = client_ids_[i] + ": unexpected response " + created.ShortDebugString();
        return false;
      }
    }
    *detail = "created " + std::to_string(kClientCount) +
              " clients at version 1 (EMAIL consent granted, 3 tags, acquisition cost in CNY)";
    return true;
  }

  static void AddTag(v1::Client* client, v1::TagKind kind, const std::string& value) {
    v1::Tag* tag = client->add_tags();
    tag->set_kind(kind);
    tag->set_value(value);
  }

  // The batch is built once and kept, because the retry must resend identical content:
  // a reused key with different content is INVALID_ARGUMENT, not DUPLICATE.
  void BuildBatch() {
    static const int64_t kAmountsFen[kBatchSize] = {29900, 45000, 12800, 9900,  60000,
                                                    35000, 19900, 8800,  45000, 128000};
    static const char* const kCategories[] = {"course", "workshop", "counselling"};
    for (int i = 0; i < kBatchSize; ++i) {
      v1::TransactionInput* item = batch_.add_transactions();
      item->set_idempotency_key(id_prefix_ + "tx-" + std::to_string(i));
      item->set_client_id(client_ids_[i % kClientCount]);
      // Every third record is a paid counselling session, the rest purchases.
      const bool session = i % 3 == 2;
      item->set_kind(session ? v1::TRANSACTION_KIND_SESSION : v1::TRANSACTION_KIND_PURCHASE);
      *item->mutable_amount() = Cny(kAmountsFen[i]);
      item->set_category(kCategories[i % 3]);
      // Spread over the last year; whole seconds so the stored DATETIME round-trips exactly.
      item->mutable_occurred_at()->set_seconds(now_seconds_ - (5 + 36 * i) * kSecondsPerDay);
    }
  }

  bool RecordTransactions(std::string* detail) {
    BuildBatch();
    v1::RecordTransactionsResponse response;
    const grpc::Status status =
        stub_->RecordTransactions(Context(api_key_).get(), batch_, &response);
    if (!status.ok()) {
      *detail = Describe(status);
      return false;
    }
    for (const auto& result : response.results()) {
      first_record_ids_.push_back(result.id());
    }
    *detail = "recorded " + std::to_string(response.recorded_count()) + " of " +
              std::to_string(kBatchSize) + " purchases/sessions, duplicates " +
              std::to_string(response.duplicate_count());
    return response.recorded_count() == kBatchSize && response.duplicate_count() == 0 &&
           response.results_size() == kBatchSize;
  }

  bool RetrySameBatch(std::string* detail) {
    v1::RecordTransactionsResponse response;
    const grpc::Status status =
        stub_->RecordTransactions(Context(api_key_).get(), batch_, &response);
    if (!status.ok()) {
      *detail = Describe(status);
      return false;
    }
    int duplicates = 0;
    bool same_ids = response.results_size() == static_cast<int>(first_record_ids_.size());
    for (int i = 0; i < response.results_size(); ++i) {
      const v1::RecordResult& result = response.results(i);
      duplicates += result.outcome() == v1::RECORD_OUTCOME_DUPLICATE ? 1 : 0;
      same_ids = same_ids && result.id() == first_record_ids_[static_cast<size_t>(i)];
    }
    *detail = "resent the same " + std::to_string(kBatchSize) + ": " + std::to_string(duplicates) +
              " came back DUPLICATE, recorded_count " + std::to_string(response.recorded_count()) +
              (same_ids ? ", same server ids as the first time" : ", but server ids differ");
    return duplicates == kBatchSize && response.recorded_count() == 0 &&
           response.duplicate_count() == kBatchSize && same_ids;
  }

  bool RecordInteractions(std::string* detail) {
    v1::RecordInteractionsRequest request;
    const struct {
      const char* key;
      v1::InteractionKind kind;
      int64_t days_ago;
      const char* note;
    } items[] = {{"login", v1::INTERACTION_KIND_LOGIN, 2, "web"},
                 {"share", v1::INTERACTION_KIND_SHARE, 1, "invited a friend to a workshop"}};
    for (const auto& source : items) {
      v1::InteractionInput* item = request.add_interactions();
      item->set_idempotency_key(id_prefix_ + "ix-" + source.key);
      item->set_client_id(client_ids_[0]);
      item->set_kind(source.kind);
      item->mutable_occurred_at()->set_seconds(now_seconds_ - source.days_ago * kSecondsPerDay);
      item->set_detail(source.note);
    }
    v1::RecordInteractionsResponse response;
    const grpc::Status status =
        stub_->RecordInteractions(Context(api_key_).get(), request, &response);
    if (!status.ok()) {
      *detail = Describe(status);
      return false;
    }
    *detail = "recorded " + std::to_string(response.recorded_count()) +
              " interactions (login, share) for " + client_ids_[0];
    return response.recorded_count() == request.interactions_size();
  }

  bool UpdateClient(std::string* detail) {
    v1::GetClientRequest get;
    get.set_client_id(client_ids_[0]);
    v1::Client current;
    grpc::Status status = stub_->GetClient(Context(api_key_).get(), get, &current);
    if (!status.ok()) {
      *detail = "GetClient: " + Describe(status);
      return false;
    }
    update_.mutable_client()->set_client_id(client_ids_[0]);
    update_.mutable_client()->set_display_name("Anna Li-Chen");
    update_.set_expected_version(current.version());
    update_.mutable_update_mask()->add_paths("display_name");
    v1::Client updated;
    status = stub_->UpdateClient(Context(api_key_).get(), update_, &updated);
    if (!status.ok()) {
      *detail = Describe(status);
      return false;
    }
    *detail = "display_name '" + current.display_name() + "' -> '" + updated.display_name() +
              "', version " + std::to_string(current.version()) + " -> " +
              std::to_string(updated.version());
    return updated.display_name() == "Anna Li-Chen" && updated.version() == current.version() + 1 &&
           updated.email() == current.email();
  }

  // Replays the update with the version read before it: someone (us) changed the client since.
  bool UpdateWithStaleVersion(std::string* detail) {
    update_.mutable_client()->set_display_name("Anna (stale edit)");
    v1::Client updated;
    const grpc::Status status = stub_->UpdateClient(Context(api_key_).get(), update_, &updated);
    if (status.ok()) {
      *detail = "expected ABORTED, but the stale update was accepted (version " +
                std::to_string(updated.version()) + ")";
      return false;
    }
    *detail = "expected_version " + std::to_string(update_.expected_version()) + " refused with " +
              Describe(status);
    return status.error_code() == grpc::StatusCode::ABORTED;
  }

  bool ListClients(std::string* detail) {
    v1::ListClientsRequest request;
    request.set_tag(run_tag_);
    request.mutable_page()->set_page_size(2);
    std::vector<std::string> seen;
    std::string page_sizes;
    for (int page = 0; page < kMaxListPages; ++page) {
      v1::ListClientsResponse response;
      const grpc::Status status = stub_->ListClients(Context(api_key_).get(), request, &response);
      if (!status.ok()) {
        *detail = "page " + std::to_string(page + 1) + ": " + Describe(status);
        return false;
      }
      for (const auto& client : response.clients()) {
        seen.push_back(client.client_id());
      }
      page_sizes += (page_sizes.empty() ? "" : "+") + std::to_string(response.clients_size());
      if (response.page().next_page_token().empty()) {
        break;
      }
      request.mutable_page()->set_page_token(response.page().next_page_token());
    }
    *detail = "tag '" + run_tag_ + "', page_size 2: pages of " + page_sizes + " clients, " +
              std::to_string(seen.size()) + " in client_id order";
    // client_ids_ is in client_id order already (anna < bo < chen).
    return seen == client_ids_ && page_sizes == "2+1";
  }

  bool ActivitySummary(std::string* detail) {
    int64_t purchases = 0;
    int64_t sessions = 0;
    int64_t spent_fen = 0;
    for (const auto& item : batch_.transactions()) {
      if (item.client_id() == client_ids_[0]) {
        (item.kind() == v1::TRANSACTION_KIND_SESSION ? sessions : purchases) += 1;
        spent_fen += item.amount().units();
      }
    }
    v1::GetActivitySummaryRequest request;
    request.set_client_id(client_ids_[0]);
    v1::ActivitySummary summary;
    const grpc::Status status =
        stub_->GetActivitySummary(Context(api_key_).get(), request, &summary);
    if (!status.ok()) {
      *detail = Describe(status);
      return false;
    }
    std::string spent;
    for (const auto& money : summary.total_spent()) {
      spent += (spent.empty() ? "" : ", ") + FormatMoney(money);
    }
    int64_t interactions = 0;
    for (const auto& count : summary.interactions()) {
      interactions += count.count();
    }
    *detail = client_ids_[0] + ": purchases=" + std::to_string(summary.purchase_count()) +
              " sessions=" + std::to_string(summary.session_count()) +
              " total_spent=" + (spent.empty() ? "none" : spent) +
              " interactions=" + std::to_string(interactions);
    return summary.purchase_count() == purchases && summary.session_count() == sessions &&
           summary.total_spent_size() == 1 && summary.total_spent(0).units() == spent_fen &&
           summary.total_spent(0).currency() == "CNY" && interactions == 2;
  }

  bool InvalidTransaction(std::string* detail) {
    v1::RecordTransactionRequest request;
    v1::TransactionInput* item = request.mutable_transaction();
    item->set_idempotency_key(id_prefix_ + "tx-negative");
    item->set_client_id(client_ids_[1]);
    item->set_kind(v1::TRANSACTION_KIND_PURCHASE);
    *item->mutable_amount() = Cny(-500);
    item->set_category("course");
    item->mutable_occurred_at()->set_seconds(now_seconds_ - kSecondsPerDay);
    v1::RecordTransactionResponse response;
    const grpc::Status status =
        stub_->RecordTransaction(Context(api_key_).get(), request, &response);
    if (status.ok()) {
      *detail = "expected INVALID_ARGUMENT, but a -5.00 CNY purchase was accepted";
      return false;
    }
    *detail = "amount -5.00 CNY refused with " + Describe(status);
    return status.error_code() == grpc::StatusCode::INVALID_ARGUMENT;
  }

  bool EraseClient(std::string* detail) {
    v1::EraseClientRequest request;
    request.set_client_id(client_ids_[2]);
    request.set_reason("profile-demo: client asked to be forgotten");
    v1::Client tombstone;
    const grpc::Status status =
        stub_->EraseClient(Context(admin_api_key_).get(), request, &tombstone);
    if (!status.ok()) {
      *detail = "with the admin key: " + Describe(status);
      return false;
    }
    *detail = "erased " + client_ids_[2] + " with the admin key (version " +
              std::to_string(tombstone.version()) + ")";
    return tombstone.erased();
  }

  bool GetTombstone(std::string* detail) {
    v1::GetClientRequest request;
    request.set_client_id(client_ids_[2]);
    v1::Client client;
    const grpc::Status status = stub_->GetClient(Context(api_key_).get(), request, &client);
    if (!status.ok()) {
      *detail = Describe(status);
      return false;
    }
    const bool personal_data_gone = client.display_name().empty() && client.email().empty() &&
                                    client.phone().empty() && client.consents_size() == 0 &&
                                    client.tags_size() == 0 &&
                                    client.demographics().ByteSizeLong() == 0;
    const std::string erased_at =
        client.has_erased_at() ? TimeUtil::ToString(client.erased_at()) : "unset";
    *detail = client.client_id() + ": erased=" + (client.erased() ? "true" : "false") +
              " erased_at=" + erased_at + " display_name='" + client.display_name() + "' email='" +
              client.email() + "' tags=" + std::to_string(client.tags_size());
    return client.erased() && client.has_erased_at() && personal_data_gone;
  }

  bool ExportClients(std::string* detail) {
    v1::ExportClientsRequest request;
    // Starts just before this run's ids; the stream is cut once it leaves them, so the step
    // stays small however many clients the tenant has.
    request.set_after_client_id(id_prefix_);
    request.set_include_transactions(true);
    auto context = Context(api_key_);
    auto reader = stub_->ExportClients(context.get(), request);
    int clients = 0;
    int transactions = 0;
    int erased = 0;
    bool cut = false;
    v1::ExportClientsResponse item;
    while (reader->Read(&item)) {
      if (item.client().client_id().compare(0, id_prefix_.size(), id_prefix_) != 0) {
        context->TryCancel();
        cut = true;
        break;
      }
      ++clients;
      transactions += item.transactions_size();
      erased += item.client().erased() ? 1 : 0;
    }
    const grpc::Status status = reader->Finish();
    // Our own cancellation is expected to surface as CANCELLED.
    if (!status.ok() && !(cut && status.error_code() == grpc::StatusCode::CANCELLED)) {
      *detail = Describe(status);
      return false;
    }
    *detail = "streamed " + std::to_string(clients) + " clients (" + std::to_string(erased) +
              " erased tombstone) with " + std::to_string(transactions) + " transactions";
    return clients == kClientCount && transactions == kBatchSize && erased == 1;
  }

  std::unique_ptr<v1::ClientProfileService::Stub> stub_;
  std::string api_key_;
  std::string admin_api_key_;
  int64_t now_seconds_ = 0;
  std::string run_;
  std::string id_prefix_;
  std::string run_tag_;
  std::vector<std::string> client_ids_;
  v1::RecordTransactionsRequest batch_;
  std::vector<std::string> first_record_ids_;
  v1::UpdateClientRequest update_;
  int failures_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!ParseOptions(argc, argv, &options)) {
    return 2;
  }
  Demo demo(options, grpc::CreateChannel(options.target, grpc::InsecureChannelCredentials()));
  const int failures = demo.Run();
  if (failures > 0) {
    std::printf("profile-demo: %d step(s) did not behave as expected (see FAIL lines above)\n",
                failures);
    return 1;
  }
  std::printf("profile-demo: every step behaved as expected\n");
  return 0;
}
