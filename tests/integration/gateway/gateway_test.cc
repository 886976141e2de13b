// The gateway through a real HTTP client (cpp-httplib's) on loopback, in front of the real
// client-profile, scoring and campaign on the stack's MariaDB and Redis (CampaignFixture).
#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "services/gateway/gateway_app.h"
#include "tests/integration/campaign/campaign_fixture.h"

namespace clienttier::campaign {
namespace {

using nlohmann::json;

constexpr char kProfile[] = "/clienttier.profile.v1.ClientProfileService/";

class GatewayTest : public CampaignFixture {
 protected:
  void SetUp() override {
    CampaignFixture::SetUp();
    gateway::GatewayConfig config;
    config.http.host = "127.0.0.1";
    config.http.port = 0;
    config.http.threads = 8;
    config.metrics_host = "127.0.0.1";
    config.metrics_port = 0;
    config.drain_ms = 0;
    config.profile_address = "127.0.0.1:" + std::to_string(profile_port_);
    config.scoring_address = campaign_config_.upstream.scoring_target;
    config.campaign_address = "127.0.0.1:" + std::to_string(campaign_port_);
    gateway_ = std::make_unique<gateway::GatewayApp>(config);
    http_port_ = gateway_->Start();
  }
  void TearDown() override {
    if (gateway_) {
      gateway_->Stop();
      gateway_.reset();
    }
    CampaignFixture::TearDown();
  }

  httplib::Result Post(const std::string& path, const std::string& body, const std::string& api_key,
                       httplib::Headers extra = {}) {
    httplib::Client client("127.0.0.1", http_port_);
    client.set_read_timeout(30, 0);
    if (!api_key.empty()) {
      extra.emplace("Authorization", "Bearer " + api_key);
    }
    return client.Post(path.c_str(), extra, body, "application/json");
  }
  httplib::Result Get(const std::string& path, const std::string& api_key) {
    httplib::Client client("127.0.0.1", http_port_);
    client.set_read_timeout(30, 0);
    httplib::Headers headers;
    if (!api_key.empty()) {
      headers.emplace("x-api-key", api_key);
    }
    return client.Get(path.c_str(), headers);
  }

  std::unique_ptr<gateway::GatewayApp> gateway_;
  int http_port_ = 0;
};

TEST_F(GatewayTest, UnaryCallsTakeAndGiveProto3Json) {
  const auto created = Post(std::string(kProfile) + "CreateClient",
                            R"({"client":{"clientId":"g-1","displayName":"Ann",)"
                            R"("consents":[{"channel":"CONTACT_CHANNEL_EMAIL","granted":true}]}})",
                            writer_a_);
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 200) << created->body;
  EXPECT_EQ(created->get_header_value("Content-Type"), "application/json");
  const json client = json::parse(created->body);
  EXPECT_EQ(client["clientId"], "g-1");
  EXPECT_EQ(client["version"], "1");   // int64 as a string, as proto3 JSON writes it
  EXPECT_EQ(client["erased"], false);  // zero values printed

  // The write really reached client-profile: read it back over gRPC.
  pv1::GetClientRequest request;
  request.set_client_id("g-1");
  pv1::Client stored;
  ASSERT_TRUE(profile_stub_->GetClient(Context(reader_a_).get(), request, &stored).ok());
  EXPECT_EQ(stored.display_name(), "Ann");

  // And over HTTP with the key in x-api-key instead of Authorization.
  httplib::Client http("127.0.0.1", http_port_);
  const auto read =
      http.Post((std::string(kProfile) + "GetClient").c_str(), {{"x-api-key", reader_a_}},
                R"({"client_id":"g-1"})", "application/json");
  ASSERT_TRUE(read);
  ASSERT_EQ(read->status, 200) << read->body;
  EXPECT_EQ(json::parse(read->body)["consents"][0]["channel"], "CONTACT_CHANNEL_EMAIL");
}

TEST_F(GatewayTest, ServerStreamingAnswersOneJsonMessagePerLine) {
  for (const char* id : {"s-2", "s-1", "s-3"}) {
    CreateClient({id, true, "north", {}}, writer_a_);
  }
  const auto response = Post(std::string(kProfile) + "ExportClients", "{}", reader_a_);
  ASSERT_TRUE(response);
  ASSERT_EQ(response->status, 200) << response->body;
  EXPECT_EQ(response->get_header_value("Content-Type"), "application/x-ndjson");
  std::istringstream lines(response->body);
  std::vector<std::string> ids;
  std::string line;
  while (std::getline(lines, line)) {
    ids.push_back(json::parse(line)["client"]["clientId"]);
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"s-1", "s-2", "s-3"}));
}

TEST_F(GatewayTest, ClientStreamingTakesOneJsonRequestPerLine) {
  CreateClient({"i-0", true, "north", {}}, writer_a_);
  const auto response = Post(std::string(kProfile) + "ImportClients",
                             "{\"client\":{\"clientId\":\"i-1\"}}\n"
                             "\n"
                             "{\"client\":{\"clientId\":\"i-0\"}}\n"
                             "{\"client\":{\"clientId\":\"i-2\",\"email\":\"bad\"}}\n",
                             writer_a_);
  ASSERT_TRUE(response);
  ASSERT_EQ(response->status, 200) << response->body;
  const json summary = json::parse(response->body);
  EXPECT_EQ(summary["receivedCount"], "3");  // the blank line is not a record
  EXPECT_EQ(summary["createdCount"], "1");
  EXPECT_EQ(summary["existingCount"], "1");
  EXPECT_EQ(summary["rejectedCount"], "1");
  EXPECT_EQ(summary["errors"][0]["clientId"], "i-2");
  // A line that is not the request's JSON names its line, and nothing is sent.
  const auto bad = Post(std::string(kProfile) + "ImportClients",
                        "{\"client\":{\"clientId\":\"i-3\"}}\n{oops}\n", writer_a_);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("body: line 2"), std::string::npos) << bad->body;
  pv1::GetClientRequest request;
  request.set_client_id("i-3");
  pv1::Client client;
  EXPECT_EQ(profile_stub_->GetClient(Context(reader_a_).get(), request, &client).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(GatewayTest, ErrorsCarryConnectCodesAndTheirHttpStatuses) {
  auto expect_error = [](const httplib::Result& result, int status, const std::string& code,
                         const std::string& message_part) {
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, status) << result->body;
    EXPECT_EQ(result->get_header_value("Content-Type"), "application/json");
    const json error = json::parse(result->body);
    EXPECT_EQ(error["code"], code) << result->body;
    // dump(): the message as JSON text, which holds the part as long as it needs no escaping.
    const std::string message = error.contains("message") ? error.at("message").dump() : "";
    EXPECT_NE(message.find(message_part), std::string::npos) << result->body;
  };
  // The service's INVALID_ARGUMENT, naming the field.
  expect_error(Post(std::string(kProfile) + "CreateClient",
                    R"({"client":{"clientId":"e-1","email":"no-at-sign"}})", writer_a_),
               400, "invalid_argument", "client.email");
  // No key: the service refuses, the gateway maps.
  expect_error(Post(std::string(kProfile) + "GetClient", R"({"clientId":"e-1"})", ""), 401,
               "unauthenticated", "API key");
  // A stream refused before its first message still gets the mapped status, not 200.
  expect_error(Post(std::string(kProfile) + "ExportClients", "{}", ""), 401, "unauthenticated",
               "API key");
  expect_error(
      Post(std::string(kProfile) + "CreateClient", R"({"client":{"clientId":"e-2"}})", reader_a_),
      403, "permission_denied", "role");
  expect_error(Post(std::string(kProfile) + "GetClient", R"({"clientId":"nobody"})", reader_a_),
               404, "not_found", "");
  CreateClient({"e-3", true, "north", {}}, writer_a_);
  expect_error(
      Post(std::string(kProfile) + "CreateClient", R"({"client":{"clientId":"e-3"}})", writer_a_),
      409, "already_exists", "");
  // Input the gateway itself rejects, before any call.
  expect_error(Post(std::string(kProfile) + "GetClient", R"({"clientIdd":"x"})", reader_a_), 400,
               "invalid_argument", "body:");
  expect_error(
      Post(std::string(kProfile) + "GetClient", "{}", reader_a_, {{"Connect-Timeout-Ms", "soon"}}),
      400, "invalid_argument", "Connect-Timeout-Ms");
  expect_error(Post(std::string(kProfile) + "NoSuchMethod", "{}", reader_a_), 404, "not_found",
               "openapi.json");
  // referral has no upstream in this gateway: its routes are unknown, not a crash.
  expect_error(Post("/clienttier.referral.v1.ReferralService/GetReferralStats", "{}", reader_a_),
               404, "not_found", "ReferralService");
}

TEST_F(GatewayTest, OpenApiListsEveryRpcOfEveryServiceProto) {
  const auto response = Get("/openapi.json", "");
  ASSERT_TRUE(response);
  ASSERT_EQ(response->status, 200);
  const json document = json::parse(response->body);
  EXPECT_EQ(document["openapi"], "3.0.3");
  const json& paths = document["paths"];
  // Every service of every proto under protos/clienttier, read from the source tree, so a
  // service the gateway forgot fails here.
  size_t methods = 0;
  std::set<std::string> services;
  (void)gateway::GatewayServices();  // loads the generated descriptors
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(CT_SOURCE_DIR "/protos/clienttier")) {
    if (entry.path().extension() != ".proto") {
      continue;
    }
    const std::string name =
        std::filesystem::relative(entry.path(), CT_SOURCE_DIR "/protos").string();
    const auto* file = google::protobuf::DescriptorPool::generated_pool()->FindFileByName(name);
    if (file == nullptr) {
      continue;  // a proto no service of the gateway links (e.g. the outbox row)
    }
    for (int s = 0; s < file->service_count(); ++s) {
      const auto* service = file->service(s);
      services.insert(service->full_name());
      for (int m = 0; m < service->method_count(); ++m) {
        const auto* method = service->method(m);
        const std::string path = "/" + service->full_name() + "/" + method->name();
        ++methods;
        ASSERT_TRUE(paths.contains(path)) << path;
        const json& post = paths[path]["post"];
        EXPECT_TRUE(post["requestBody"]["content"]
                        .begin()
                        .value()["schema"]["$ref"]
                        .get<std::string>()
                        .find(method->input_type()->full_name()) != std::string::npos)
            << path;
        EXPECT_TRUE(post["responses"]["200"]["content"].contains(
            method->server_streaming() ? "application/x-ndjson" : "application/json"))
            << path;
      }
    }
  }
  EXPECT_EQ(services, (std::set<std::string>{"clienttier.profile.v1.ClientProfileService",
                                             "clienttier.scoring.v1.ScoringService",
                                             "clienttier.campaign.v1.CampaignService",
                                             "clienttier.referral.v1.ReferralService"}));
  EXPECT_EQ(paths.size(), methods);
  EXPECT_GT(methods, 50u);
}

TEST_F(GatewayTest, SegmentCsvHasTheMembersWithConsentOnTheChannelOnly) {
  // 12 buyers: email consent granted for 8, withdrawn for 2, never asked for 2.
  std::vector<std::string> ids;
  std::vector<std::string> consenting;
  for (int i = 0; i < 12; ++i) {
    const std::string id = "m-" + std::string(i < 10 ? "0" : "") + std::to_string(i);
    std::optional<bool> consent = true;
    if (i % 6 == 1) {
      consent = false;
    } else if (i % 6 == 4) {
      consent = std::nullopt;
    } else {
      consenting.push_back(id);
    }
    CreateClient({id, consent, "north", {}}, writer_a_);
    RecordPurchase("p-" + id, id, 10000 + i, 1, writer_a_);
    ids.push_back(id);
  }
  WaitForScores(ids, reader_a_);
  PutSettings({{1, 7}}, "", "");
  ASSERT_EQ(Sync(admin_a_).members(), 12);
  CreateSegment("buyers", "lifetime_purchases >= 1", writer_a_);

  const auto csv = Get("/v1/segments/buyers/members.csv?channel=email", reader_a_);
  ASSERT_TRUE(csv);
  ASSERT_EQ(csv->status, 200) << csv->body;
  EXPECT_EQ(csv->get_header_value("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_EQ(csv->get_header_value("Transfer-Encoding"), "chunked");
  std::istringstream lines(csv->body);
  std::string line;
  ASSERT_TRUE(std::getline(lines, line));
  EXPECT_EQ(line, "client_id,tier,score,clv_12m_minor_units,clv_12m_currency,lifecycle\r");
  std::vector<std::string> exported;
  while (std::getline(lines, line)) {
    exported.push_back(line.substr(0, line.find(',')));
    EXPECT_EQ(std::count(line.begin(), line.end(), ','), 5) << line;
  }
  EXPECT_EQ(exported, consenting);

  // Nobody gave SMS consent: only the header.
  const auto sms = Get("/v1/segments/buyers/members.csv?channel=sms", reader_a_);
  ASSERT_TRUE(sms);
  EXPECT_EQ(sms->status, 200);
  EXPECT_EQ(sms->body, "client_id,tier,score,clv_12m_minor_units,clv_12m_currency,lifecycle\r\n");

  const auto unknown = Get("/v1/segments/nope/members.csv?channel=email", reader_a_);
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404) << unknown->body;
  const auto no_channel = Get("/v1/segments/buyers/members.csv", reader_a_);
  ASSERT_TRUE(no_channel);
  EXPECT_EQ(no_channel->status, 400);
  EXPECT_NE(no_channel->body.find("channel"), std::string::npos);
  const auto no_key = Get("/v1/segments/buyers/members.csv?channel=email", "");
  ASSERT_TRUE(no_key);
  EXPECT_EQ(no_key->status, 401);
}

TEST_F(GatewayTest, HealthAndReadinessFollowTheUpstreams) {
  const auto live = Get("/healthz", "");
  ASSERT_TRUE(live);
  EXPECT_EQ(live->status, 200);
  const auto ready = Get("/readyz", "");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200) << ready->body;
  const json body = json::parse(ready->body);
  EXPECT_EQ(body["upstreams"]["clienttier.campaign.v1.CampaignService"], "SERVING");
  EXPECT_EQ(body["upstreams"].size(), 3u);
}

// A campaign upstream that answers GetSegment with the deadline it was given, left in ms, as the
// segment's name: what the gateway forwarded, seen from the server's side.
class DeadlineEchoCampaign : public v1::CampaignService::Service {
 public:
  grpc::Status GetSegment(grpc::ServerContext* context, const v1::GetSegmentRequest*,
                          v1::Segment* segment) override {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        context->deadline() - std::chrono::system_clock::now());
    segment->set_name(std::to_string(left.count()));
    return grpc::Status::OK;
  }
};

TEST(GatewayDeadlineTest, ConnectTimeoutMsBecomesTheUpstreamDeadlineWithADefault) {
  DeadlineEchoCampaign echo;
  int upstream_port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &upstream_port);
  builder.RegisterService(&echo);
  std::unique_ptr<grpc::Server> upstream = builder.BuildAndStart();
  gateway::GatewayConfig config;
  config.http.host = "127.0.0.1";
  config.http.port = 0;
  config.http.default_timeout_ms = 30000;
  config.http.max_timeout_ms = 60000;
  config.metrics_host = "127.0.0.1";
  config.metrics_port = 0;
  config.drain_ms = 0;
  config.campaign_address = "127.0.0.1:" + std::to_string(upstream_port);
  gateway::GatewayApp gateway(config);
  httplib::Client client("127.0.0.1", gateway.Start());
  auto deadline_left_ms = [&client](const httplib::Headers& headers) {
    const auto response = client.Post("/clienttier.campaign.v1.CampaignService/GetSegment", headers,
                                      "{}", "application/json");
    EXPECT_TRUE(response);
    EXPECT_EQ(response->status, 200) << response->body;
    return std::stoll(json::parse(response->body)["name"].get<std::string>());
  };
  // The caller's deadline, less the time already spent. The upper bounds allow for gRPC's
  // grpc-timeout header, which rounds a deadline up to its wire precision (60000 -> ~60100).
  const int64_t asked = deadline_left_ms({{"Connect-Timeout-Ms", "4000"}});
  EXPECT_LE(asked, 4100);
  EXPECT_GT(asked, 0);
  // None given: the default. More than the maximum: clamped.
  const int64_t fallback = deadline_left_ms({});
  EXPECT_GT(fallback, 4000);
  EXPECT_LE(fallback, 30300);
  const int64_t clamped = deadline_left_ms({{"Connect-Timeout-Ms", "9999999999"}});
  EXPECT_GT(clamped, 30000);
  EXPECT_LE(clamped, 60600);
  gateway.Stop();
  upstream->Shutdown();
}

// The console's static files from --console-dir: content types, the security policy, and no
// way out of the directory, over a real HTTP client.
TEST(GatewayConsoleTest, ServesTheConsoleFilesWithTheirTypesAndNothingOutsideThem) {
  const std::filesystem::path root =
      std::filesystem::temp_directory_path() / ("ct-console-" + std::to_string(::getpid()));
  std::filesystem::remove_all(root);
  std::filesystem::create_directories(root / "site" / "vendor");
  std::ofstream(root / "site" / "index.html") << "<!doctype html><title>console</title>";
  std::ofstream(root / "site" / "vendor" / "chart.umd.js") << "var Chart = 1;";
  std::ofstream(root / "site" / ".secret.js") << "hidden";
  std::ofstream(root / "site" / "notes.sh") << "echo no";
  std::ofstream(root / "outside.js") << "var secret = 1;";
  std::filesystem::create_symlink(root / "outside.js", root / "site" / "link.js");
  gateway::GatewayConfig config;
  config.http.host = "127.0.0.1";
  config.http.port = 0;
  config.http.console_dir = (root / "site").string();
  config.metrics_host = "127.0.0.1";
  config.metrics_port = 0;
  config.drain_ms = 0;
  gateway::GatewayApp gateway(config);
  httplib::Client client("127.0.0.1", gateway.Start());

  const auto index = client.Get("/console/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->status, 200);
  EXPECT_EQ(index->body, "<!doctype html><title>console</title>");
  EXPECT_EQ(index->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(index->get_header_value("Content-Security-Policy").find("script-src 'self'"),
            std::string::npos);
  EXPECT_EQ(index->get_header_value("X-Content-Type-Options"), "nosniff");
  const auto script = client.Get("/console/vendor/chart.umd.js");
  ASSERT_TRUE(script);
  EXPECT_EQ(script->status, 200);
  EXPECT_EQ(script->body, "var Chart = 1;");
  EXPECT_EQ(script->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  const auto home = client.Get("/");
  ASSERT_TRUE(home);
  EXPECT_EQ(home->status, 302);
  EXPECT_EQ(home->get_header_value("Location"), "/console/");

  // Out of the directory (raw and percent-encoded dots), hidden files, unknown kinds, links.
  for (const char* path : {"/console/../outside.js", "/console/%2e%2e/outside.js",
                           "/console/vendor/%2E%2E/%2E%2E/outside.js", "/console/.secret.js",
                           "/console/notes.sh", "/console/link.js", "/console/missing.js"}) {
    const auto refused = client.Get(path);
    ASSERT_TRUE(refused) << path;
    EXPECT_EQ(refused->status, 404) << path;
    EXPECT_EQ(refused->body.find("secret"), std::string::npos) << path;
    EXPECT_EQ(refused->body.find("echo"), std::string::npos) << path;
  }
  gateway.Stop();
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace clienttier::campaign
