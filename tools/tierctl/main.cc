// tierctl: a command-line client for every RPC of the four ClientTier services.
//
//   tierctl [GLOBAL FLAGS] SERVICE METHOD [--field=value ...] [--json='{...}']
//   tierctl --help | tierctl SERVICE --help | tierctl SERVICE METHOD --help
//
// Methods and their flags come from the services' protos, so every RPC is reachable and a new
// one needs no code here. Exit codes (for scripts): 0 success; 2 usage; 3 could not read the
// API key or TLS files; 10 + the gRPC status code when the call failed (13 INVALID_ARGUMENT,
// 15 NOT_FOUND, 16 ALREADY_EXISTS, 17 PERMISSION_DENIED, 19 FAILED_PRECONDITION, 24
// UNAVAILABLE, ...). A failed call prints "CODE: message" on stderr.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include "clienttier/campaign/v1/campaign_service.grpc.pb.h"
#include "clienttier/profile/v1/profile_service.grpc.pb.h"
#include "clienttier/referral/v1/referral_service.grpc.pb.h"
#include "clienttier/scoring/v1/scoring_service.grpc.pb.h"
#include "common/server/tls.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tools/tierctl/dead_letter_command.h"
#include "tools/tierctl/keys.h"
#include "tools/tierctl/outbox_command.h"
#include "tools/tierctl/output.h"
#include "tools/tierctl/request_builder.h"

namespace {

using google::protobuf::Message;
using google::protobuf::MethodDescriptor;
using google::protobuf::ServiceDescriptor;

constexpr int kExitUsage = 2;
constexpr int kExitFiles = 3;
constexpr int kExitRpcBase = 10;

struct ServiceEntry {
  const char* name;       // on the command line
  const char* full_name;  // proto service
  const char* address_setting;
  const char* default_address;
};

// The health entry asks any service: pick its address with --address.
const ServiceEntry kServices[] = {
    {"profile", "clienttier.profile.v1.ClientProfileService", "profile-address", "127.0.0.1:50051"},
    {"scoring", "clienttier.scoring.v1.ScoringService", "scoring-address", "127.0.0.1:50052"},
    {"campaign", "clienttier.campaign.v1.CampaignService", "campaign-address", "127.0.0.1:50053"},
    {"referral", "clienttier.referral.v1.ReferralService", "referral-address", "127.0.0.1:50054"},
    {"health", "grpc.health.v1.Health", "address", "127.0.0.1:50051"},
};

const char* kGlobalFlags[] = {"api-key",
                              "api-key-file",
                              "tenant",
                              "output",
                              "deadline-s",
                              "profile-address",
                              "scoring-address",
                              "campaign-address",
                              "referral-address",
                              "address",
                              "tls-ca-file",
                              "tls-client-cert-file",
                              "tls-client-key-file"};

// Forces the generated descriptors into the binary (static libraries link only what is used).
void RegisterDescriptors() {
  (void)clienttier::profile::v1::Client::descriptor();
  (void)clienttier::scoring::v1::Score::descriptor();
  (void)clienttier::campaign::v1::Segment::descriptor();
  (void)clienttier::referral::v1::Referral::descriptor();
  (void)grpc::health::v1::HealthCheckRequest::descriptor();
}

// "GetScore" -> "get-score".
std::string Kebab(const std::string& name) {
  std::string kebab;
  for (char c : name) {
    if (std::isupper(static_cast<unsigned char>(c))) {
      if (!kebab.empty()) {
        kebab += '-';
      }
      kebab += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      kebab += c;
    }
  }
  return kebab;
}

std::string EnvName(const std::string& setting) {
  std::string env = "CT_";
  for (char c : setting) {
    env += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return env;
}

bool ReadFile(const std::string& path, std::string* content) {
  std::ifstream file(path);
  if (!file) {
    return false;
  }
  std::stringstream text;
  text << file.rdbuf();
  *content = text.str();
  while (!content->empty() && (content->back() == '\n' || content->back() == '\r')) {
    content->pop_back();
  }
  return true;
}

class CommandLine {
 public:
  CommandLine(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
      const std::string arg = argv[i];
      if (arg == "--help" || arg == "-h") {
        help_ = true;
      } else if (arg.rfind("--", 0) == 0) {
        const size_t equals = arg.find('=');
        const std::string name =
            arg.substr(2, equals == std::string::npos ? std::string::npos : equals - 2);
        const std::string value = equals == std::string::npos ? "true" : arg.substr(equals + 1);
        if (std::find(std::begin(kGlobalFlags), std::end(kGlobalFlags), name) !=
            std::end(kGlobalFlags)) {
          globals_[name] = value;
        } else {
          fields_.emplace_back(name, value);
        }
      } else {
        words_.push_back(arg);
      }
    }
  }

  // Flag, else CT_* variable, else fallback.
  std::string Global(const std::string& name, const std::string& fallback = "") const {
    auto found = globals_.find(name);
    if (found != globals_.end()) {
      return found->second;
    }
    const char* env = std::getenv(EnvName(name).c_str());
    return env != nullptr ? env : fallback;
  }

  bool help() const { return help_; }
  const std::vector<std::string>& words() const { return words_; }
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

 private:
  bool help_ = false;
  std::map<std::string, std::string> globals_;
  std::vector<std::pair<std::string, std::string>> fields_;
  std::vector<std::string> words_;
};

void PrintUsage() {
  std::printf(
      "tierctl: a command-line client for the ClientTier services\n\n"
      "usage: tierctl [GLOBAL FLAGS] SERVICE METHOD [--field=value ...] [--json='{...}']\n"
      "       tierctl SERVICE --help          the service's methods\n"
      "       tierctl SERVICE METHOD --help   the method's flags\n\n"
      "services: profile, scoring, campaign, referral, health\n"
      "keys:     tierctl keys new --tenant=T --role=R   a new API key and its keys-file line\n\n"
      "global flags (each also read from CT_<NAME>, e.g. CT_API_KEY, CT_SCORING_ADDRESS):\n"
      "  --api-key, --api-key-file      the caller's key (x-api-key)\n"
      "  --tenant                       the tenant a service key (tenant *) acts for\n"
      "  --output=table|json|csv        table (default), JSON (streams: JSON lines) or CSV\n"
      "  --deadline-s=N                 per call (default 60; 3600 for streams)\n"
      "  --profile-address, --scoring-address, --campaign-address, --referral-address,\n"
      "  --address (for health)          host:port or dns:///name:port\n"
      "  --tls-ca-file, --tls-client-cert-file, --tls-client-key-file   TLS / mutual TLS\n\n"
      "request fields: --client-id=c-1, --page.page-size=50, --tiers=T1,T2,\n"
      "  --amount='500.00 CNY' (or --amount.units=50000 in minor units --amount.currency=CNY),\n"
      "  --occurred-at=2026-11-24T10:00:00Z;\n"
      "  client-streaming methods (profile import-clients) read one JSON request per stdin "
      "line.\n\n"
      "exit codes: 0 ok, 2 usage, 3 unreadable key or TLS file, 10 + gRPC status code on a\n"
      "  failed call (13 INVALID_ARGUMENT, 15 NOT_FOUND, 19 FAILED_PRECONDITION, 24 "
      "UNAVAILABLE)\n");
}

void PrintMethods(const ServiceEntry& entry, const ServiceDescriptor& service) {
  std::printf("tierctl %s METHOD  (%s at --%s, default %s)\n\n", entry.name, entry.full_name,
              entry.address_setting, entry.default_address);
  for (int i = 0; i < service.method_count(); ++i) {
    const MethodDescriptor& method = *service.method(i);
    std::printf("  %-28s %s -> %s%s\n", Kebab(method.name()).c_str(),
                method.input_type()->name().c_str(), method.server_streaming() ? "stream " : "",
                method.output_type()->name().c_str());
  }
}

// tierctl keys new --tenant=T --role=R: the keys-file line on stdout (so `>> api-keys` appends
// just the digest), the key itself once on stderr.
int RunKeys(const CommandLine& command) {
  const auto& words = command.words();
  std::string role;
  for (const auto& [name, value] : command.fields()) {
    if (name == "role") {
      role = value;
    }
  }
  if (command.help() || words.size() != 2 || words[1] != "new") {
    std::printf(
        "usage: tierctl keys new --tenant=T --role=reader|writer|admin\n"
        "  prints the line for the services' API keys file on stdout and the new key, once,\n"
        "  on stderr: tierctl keys new --tenant=acme --role=admin >> api-keys\n");
    return command.help() ? 0 : kExitUsage;
  }
  std::ifstream urandom("/dev/urandom", std::ios::binary);
  std::string random_bytes(32, '\0');
  if (!urandom.read(random_bytes.data(), static_cast<std::streamsize>(random_bytes.size()))) {
    std::fprintf(stderr, "tierctl: cannot read /dev/urandom\n");
    return kExitFiles;
  }
  clienttier::tierctl::NewKey key;
  const std::string error =
      clienttier::tierctl::MakeKey(command.Global("tenant"), role, random_bytes, &key);
  if (!error.empty()) {
    std::fprintf(stderr, "tierctl: %s\n", error.c_str());
    return kExitUsage;
  }
  std::fprintf(stderr, "API key (shown once; the line below holds only its digest): %s\n",
               key.key.c_str());
  std::printf("%s\n", key.line.c_str());
  return 0;
}

int Run(const CommandLine& command) {
  const auto& words = command.words();
  if (!words.empty() && words[0] == "keys") {
    return RunKeys(command);
  }
  if (words.empty()) {
    PrintUsage();
    return command.help() ? 0 : kExitUsage;
  }
  const ServiceEntry* entry = nullptr;
  for (const ServiceEntry& candidate : kServices) {
    if (words[0] == candidate.name) {
      entry = &candidate;
    }
  }
  if (entry == nullptr) {
    std::fprintf(stderr,
                 "tierctl: unknown service '%s' (profile, scoring, campaign, referral, "
                 "health)\n",
                 words[0].c_str());
    return kExitUsage;
  }
  const ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(entry->full_name);
  if (words.size() < 2) {
    PrintMethods(*entry, *service);
    return command.help() ? 0 : kExitUsage;
  }
  const MethodDescriptor* method = nullptr;
  for (int i = 0; i < service->method_count(); ++i) {
    if (Kebab(service->method(i)->name()) == words[1] || service->method(i)->name() == words[1]) {
      method = service->method(i);
    }
  }
  if (method == nullptr) {
    std::fprintf(stderr, "tierctl: %s has no method '%s'; see tierctl %s --help\n", entry->name,
                 words[1].c_str(), entry->name);
    return kExitUsage;
  }
  if (command.help()) {
    std::printf("tierctl %s %s: %s -> %s%s\nflags:\n", entry->name, Kebab(method->name()).c_str(),
                method->input_type()->full_name().c_str(),
                method->server_streaming() ? "stream " : "",
                method->output_type()->full_name().c_str());
    for (const std::string& field : clienttier::tierctl::DescribeFields(*method->input_type())) {
      std::printf("  %s\n", field.c_str());
    }
    return 0;
  }

  google::protobuf::DynamicMessageFactory factory;
  const Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(method->input_type());
  const Message* response_prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(method->output_type());
  std::vector<std::unique_ptr<Message>> requests;
  if (method->client_streaming()) {
    std::string line;
    while (std::getline(std::cin, line)) {
      if (line.empty()) {
        continue;
      }
      auto request = std::unique_ptr<Message>(prototype->New());
      const auto status = google::protobuf::util::JsonStringToMessage(line, request.get());
      if (!status.ok()) {
        std::fprintf(stderr, "tierctl: stdin line %zu: %s\n", requests.size() + 1,
                     std::string(status.message()).c_str());
        return kExitUsage;
      }
      requests.push_back(std::move(request));
    }
  } else {
    auto request = std::unique_ptr<Message>(prototype->New());
    const std::string error = clienttier::tierctl::BuildRequest(command.fields(), *request);
    if (!error.empty()) {
      std::fprintf(stderr, "tierctl: %s\n", error.c_str());
      return kExitUsage;
    }
    requests.push_back(std::move(request));
  }

  std::string api_key = command.Global("api-key");
  const std::string api_key_file = command.Global("api-key-file");
  if (api_key.empty() && !api_key_file.empty() && !ReadFile(api_key_file, &api_key)) {
    std::fprintf(stderr, "tierctl: cannot read the API key file %s\n", api_key_file.c_str());
    return kExitFiles;
  }
  clienttier::ClientTls tls;
  for (const auto& [setting, pem] :
       {std::pair{"tls-ca-file", &tls.ca_pem}, std::pair{"tls-client-cert-file", &tls.cert_pem},
        std::pair{"tls-client-key-file", &tls.key_pem}}) {
    const std::string path = command.Global(setting);
    if (!path.empty() && !ReadFile(path, pem)) {
      std::fprintf(stderr, "tierctl: cannot read %s %s\n", setting, path.c_str());
      return kExitFiles;
    }
  }
  const std::string address = command.Global(entry->address_setting, entry->default_address);
  const std::string output = command.Global("output", "table");
  if (output != "table" && output != "json" && output != "csv") {
    std::fprintf(stderr, "tierctl: --output=%s: must be table, json or csv\n", output.c_str());
    return kExitUsage;
  }
  const bool json = output == "json";
  const bool csv = output == "csv";
  const bool streaming = method->server_streaming() || method->client_streaming();
  const int deadline_s = std::atoi(command.Global("deadline-s", streaming ? "3600" : "60").c_str());

  grpc::GenericStub stub(clienttier::MakeServiceChannel(address, tls));
  grpc::ClientContext context;
  if (!api_key.empty()) {
    context.AddMetadata("x-api-key", api_key);
  }
  const std::string tenant = command.Global("tenant");
  if (!tenant.empty()) {
    context.AddMetadata("x-tenant-id", tenant);
  }
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(deadline_s));
  grpc::CompletionQueue queue;
  auto wait = [&queue] {
    void* tag = nullptr;
    bool ok = false;
    queue.Next(&tag, &ok);
    return ok;
  };
  auto call = stub.PrepareCall(&context, "/" + service->full_name() + "/" + method->name(), &queue);
  call->StartCall(nullptr);
  wait();
  for (const auto& request : requests) {
    const std::string bytes = request->SerializeAsString();
    grpc::Slice slice(bytes);
    call->Write(grpc::ByteBuffer(&slice, 1), nullptr);
    if (!wait()) {
      break;
    }
  }
  call->WritesDone(nullptr);
  wait();
  const bool progress =
      method->output_type()->full_name() == "clienttier.scoring.v1.BatchRescoreProgress" && !json &&
      !csv;
  // A bar redrawn with \r belongs on a terminal; a log or a pipe gets only the final table.
  const bool progress_bar = progress && isatty(STDERR_FILENO) == 1;
  grpc::ByteBuffer buffer;
  int responses = 0;
  while (true) {
    call->Read(&buffer, nullptr);
    if (!wait()) {
      break;
    }
    std::vector<grpc::Slice> slices;
    (void)buffer.Dump(&slices);
    std::string bytes;
    for (const grpc::Slice& slice : slices) {
      bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
    }
    auto response = std::unique_ptr<Message>(response_prototype->New());
    response->ParseFromString(bytes);
    ++responses;
    if (progress) {
      const auto* reflection = response->GetReflection();
      const auto* type = response->GetDescriptor();
      const int64_t scored = reflection->GetInt64(*response, type->FindFieldByName("scored"));
      const int64_t total = reflection->GetInt64(*response, type->FindFieldByName("total"));
      const bool done = reflection->GetBool(*response, type->FindFieldByName("done"));
      if (progress_bar) {
        std::fprintf(stderr, "\r%s%s", clienttier::tierctl::ProgressBar(scored, total).c_str(),
                     done ? "\n" : "");
      }
      // A rescore --as-of a past day stores nothing: its scores come only in these messages.
      const auto* scores = type->FindFieldByName("scores");
      if (scores != nullptr && reflection->FieldSize(*response, scores) > 0) {
        std::printf("%s", clienttier::tierctl::ToTable(*response).c_str());
      }
      if (done) {
        std::printf("%s", clienttier::tierctl::ToTable(*response).c_str());
      }
    } else if (csv) {
      std::printf("%s", clienttier::tierctl::ToCsv(*response, responses == 1).c_str());
    } else if (json) {
      std::printf("%s\n", clienttier::tierctl::ToJson(*response, streaming).c_str());
    } else {
      if (method->server_streaming() && responses > 1) {
        std::printf("--\n");
      }
      std::printf("%s", clienttier::tierctl::ToTable(*response).c_str());
    }
  }
  grpc::Status status;
  call->Finish(&status, nullptr);
  wait();
  if (!status.ok()) {
    static const char* const kCodes[] = {"OK",
                                         "CANCELLED",
                                         "UNKNOWN",
                                         "INVALID_ARGUMENT",
                                         "DEADLINE_EXCEEDED",
                                         "NOT_FOUND",
                                         "ALREADY_EXISTS",
                                         "PERMISSION_DENIED",
                                         "RESOURCE_EXHAUSTED",
                                         "FAILED_PRECONDITION",
                                         "ABORTED",
                                         "OUT_OF_RANGE",
                                         "UNIMPLEMENTED",
                                         "INTERNAL",
                                         "UNAVAILABLE",
                                         "DATA_LOSS",
                                         "UNAUTHENTICATED"};
    const int code = static_cast<int>(status.error_code());
    std::fprintf(stderr, "%s: %s\n", code >= 0 && code <= 16 ? kCodes[code] : "UNKNOWN",
                 status.error_message().c_str());
    return kExitRpcBase + code;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Operator commands on a service's database rather than an RPC (tools/tierctl/outbox_command.h).
  if (argc > 1 && std::string(argv[1]) == "outbox") {
    return clienttier::tierctl::RunOutboxCommand(argc - 1, argv + 1);
  }
  // A consumer group's dead letters in Redis (tools/tierctl/dead_letter_command.h).
  if (argc > 1 && std::string(argv[1]) == "deadletters") {
    return clienttier::tierctl::RunDeadLetterCommand(argc - 1, argv + 1);
  }
  RegisterDescriptors();
  return Run(CommandLine(argc, argv));
}
