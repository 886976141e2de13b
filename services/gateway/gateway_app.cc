#include "services/gateway/gateway_app.h"

#include <thread>

#include "clienttier/campaign/v1/campaign_service.grpc.pb.h"
#include "clienttier/profile/v1/profile_service.grpc.pb.h"
#include "clienttier/referral/v1/referral_service.grpc.pb.h"
#include "clienttier/scoring/v1/scoring_service.grpc.pb.h"
#include "common/observability/build_info.h"
#include "common/observability/logger.h"
#include "services/gateway/domain/openapi.h"

namespace clienttier::gateway {

GatewayConfig ReadGatewayConfig(ConfigReader& reader) {
  GatewayConfig config;
  config.http.host = reader.String("http-host", config.http.host, "HTTP listen host");
  config.http.port = static_cast<int>(
      reader.Int("http-port", config.http.port, 0, 65535, "HTTP listen port (0: any free port)"));
  config.http.threads = static_cast<int>(
      reader.Int("http-threads", config.http.threads, 2, 1024,
                 "threads serving HTTP requests (a stream or an export holds one for its length)"));
  config.http.default_timeout_ms =
      static_cast<int>(reader.Int("default-timeout-ms", config.http.default_timeout_ms, 1, 3600000,
                                  "deadline of a unary call without Connect-Timeout-Ms"));
  config.http.stream_timeout_ms = static_cast<int>(
      reader.Int("stream-timeout-ms", config.http.stream_timeout_ms, 1, 86400000,
                 "deadline of a streaming call or an export without Connect-Timeout-Ms"));
  config.http.max_timeout_ms =
      static_cast<int>(reader.Int("max-timeout-ms", config.http.max_timeout_ms, 1, 86400000,
                                  "Connect-Timeout-Ms is clamped to this"));
  config.http.max_body_bytes = reader.Int("max-body-bytes", config.http.max_body_bytes, 1024,
                                          1LL << 30, "largest request body accepted");
  config.http.console_dir = reader.String(
      "console-dir", CT_DEFAULT_CONSOLE_DIR,
      "the built console (scripts/console-build.sh), served at /console/; empty: no console");
  config.metrics_host = reader.String("metrics-host", config.metrics_host, "metrics HTTP host");
  config.metrics_port = static_cast<int>(
      reader.Int("metrics-port", config.metrics_port, 0, 65535, "metrics HTTP port"));
  config.profile_address = reader.String(
      "profile-address", "", "client-profile's gRPC target (dns:///client-profile-headless:50051)");
  config.scoring_address =
      reader.String("scoring-address", "", "scoring's gRPC target (dns:///scoring-headless:50052)");
  config.campaign_address = reader.String(
      "campaign-address", "", "campaign's gRPC target (dns:///campaign-headless:50053)");
  config.referral_address = reader.String(
      "referral-address", "", "referral's gRPC target (dns:///referral-headless:50054)");
  // The CA the services' certificates are verified against (use tls-ca-file); empty: plaintext
  // to the services. The same setting names as the services, so one Secret shape fits all.
  config.tls = ReadClientTls(
      reader,
      reader.String("tls-ca", "", "PEM CA of the services' certificates; empty: plaintext"));
  config.drain_ms = static_cast<int>(
      reader.Int("drain-ms", config.drain_ms, 0, 60000, "/readyz 503 time before shutdown"));
  return config;
}

std::vector<const google::protobuf::ServiceDescriptor*> GatewayServices() {
  // Touching a message of each package forces its descriptors into the binary (static
  // libraries link only what is referenced), so the generated pool knows the services.
  (void)profile::v1::Client::descriptor();
  (void)scoring::v1::Score::descriptor();
  (void)campaign::v1::Segment::descriptor();
  (void)referral::v1::Referral::descriptor();
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  return {pool->FindServiceByName(profile::v1::ClientProfileService::service_full_name()),
          pool->FindServiceByName(scoring::v1::ScoringService::service_full_name()),
          pool->FindServiceByName(campaign::v1::CampaignService::service_full_name()),
          pool->FindServiceByName(referral::v1::ReferralService::service_full_name())};
}

GatewayApp::GatewayApp(GatewayConfig config) : config_(std::move(config)) {
  const auto services = GatewayServices();
  std::map<std::string, std::string> targets = {
      {services[0]->full_name(), config_.profile_address},
      {services[1]->full_name(), config_.scoring_address},
      {services[2]->full_name(), config_.campaign_address},
      {services[3]->full_name(), config_.referral_address}};
  upstreams_ = std::make_unique<Upstreams>(targets, config_.tls);
  OpenApiInfo info;
  info.version = BuildVersion();
  // The document lists every service the gateway was built with, routed or not, so one
  // document describes every gateway deployment.
  http_ = std::make_unique<GatewayHttpServer>(config_.http, *upstreams_,
                                              BuildOpenApi(services, info).dump(), metrics_);
}

GatewayApp::~GatewayApp() { Stop(); }

int GatewayApp::Start() {
  const int port = http_->Start();
  metrics_server_ =
      std::make_unique<MetricsHttpServer>(metrics_, config_.metrics_host, config_.metrics_port);
  started_ = true;
  LogInfo("gateway started", {{"http_port", port}, {"metrics_port", metrics_server_->port()}});
  return port;
}

void GatewayApp::Stop() {
  if (!started_) {
    return;
  }
  started_ = false;
  http_->StartDraining();
  std::this_thread::sleep_for(std::chrono::milliseconds(config_.drain_ms));
  http_->Stop();
  metrics_server_.reset();
}

}  // namespace clienttier::gateway
