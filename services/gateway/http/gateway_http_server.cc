#include "services/gateway/http/gateway_http_server.h"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "common/observability/logger.h"
#include "services/gateway/app/member_csv_export.h"
#include "services/gateway/domain/connect_errors.h"
#include "services/gateway/domain/console_files.h"
#include "services/gateway/domain/member_csv.h"

namespace clienttier::gateway {

namespace {

// Request headers the services read (common/auth, common/observability/request_id), passed on
// as gRPC metadata under the same lower-case names.
const char* const kForwardedHeaders[] = {"authorization", "x-api-key", "x-tenant-id",
                                         "x-request-id"};

void SendError(httplib::Response& response, grpc::StatusCode code, const std::string& message) {
  response.status = ConnectErrorFor(code).http_status;
  response.set_content(ConnectErrorJson(code, message), "application/json");
}

bool IsJsonContentType(const std::string& content_type) {
  std::string lower;
  for (char c : content_type) {
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  const std::string media = lower.substr(0, lower.find(';'));
  return media == "application/json" || media == "application/x-ndjson";
}

}  // namespace

GatewayHttpServer::GatewayHttpServer(HttpServerConfig config, Upstreams& upstreams,
                                     std::string openapi_json, MetricsRegistry& metrics)
    : config_(std::move(config)),
      upstreams_(upstreams),
      translator_(upstreams),
      openapi_json_(std::move(openapi_json)),
      metrics_(metrics),
      server_(std::make_unique<httplib::Server>()) {
  const size_t threads = static_cast<size_t>(config_.threads);
  server_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server_->set_payload_max_length(static_cast<size_t>(config_.max_body_bytes));
  server_->Post(R"(/([A-Za-z_][A-Za-z0-9_.]*)/([A-Za-z_][A-Za-z0-9_]*))",
                [this](const httplib::Request& request, httplib::Response& response) {
                  HandleRpc(request, response);
                });
  server_->Get(R"(/v1/segments/([A-Za-z0-9_.:-]{1,64})/members\.csv)",
               [this](const httplib::Request& request, httplib::Response& response) {
                 HandleExport(request, response);
               });
  server_->Get("/openapi.json", [this](const httplib::Request&, httplib::Response& response) {
    response.set_content(openapi_json_, "application/json");
  });
  server_->Get("/healthz", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("ok\n", "text/plain");
  });
  server_->Get("/readyz", [this](const httplib::Request&, httplib::Response& response) {
    HandleReady(response);
  });
  if (!config_.console_dir.empty()) {
    // People type the host name: send them to the console.
    server_->Get("/", [](const httplib::Request&, httplib::Response& response) {
      response.set_redirect("/console/", 302);
    });
    server_->Get("/console", [](const httplib::Request&, httplib::Response& response) {
      response.set_redirect("/console/", 301);
    });
    server_->Get(R"(/console/(.*))",
                 [this](const httplib::Request& request, httplib::Response& response) {
                   HandleConsole(request, response);
                 });
  }
}

GatewayHttpServer::~GatewayHttpServer() { Stop(); }

int GatewayHttpServer::Start() {
  const int port = config_.port == 0
                       ? server_->bind_to_any_port(config_.host)
                       : (server_->bind_to_port(config_.host, config_.port) ? config_.port : -1);
  if (port < 0) {
    throw std::runtime_error("gateway: cannot bind " + config_.host + ":" +
                             std::to_string(config_.port));
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  return port;
}

void GatewayHttpServer::Stop() {
  draining_ = true;
  server_->stop();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void GatewayHttpServer::Count(const std::string& route, grpc::StatusCode code) {
  metrics_
      .GetCounter(
          "ct_gateway_requests_total", "HTTP requests by route and Connect code",
          {{"route", route},
           {"code", code == grpc::StatusCode::OK ? std::string("ok") : ConnectErrorFor(code).code}})
      .Increment();
}

bool GatewayHttpServer::OptionsFrom(const httplib::Request& request, int default_timeout_ms,
                                    CallOptions* options, httplib::Response& response) {
  for (const char* header : kForwardedHeaders) {
    if (request.has_header(header)) {
      options->metadata.emplace_back(header, request.get_header_value(header));
    }
  }
  int64_t timeout_ms = default_timeout_ms;
  if (request.has_header("Connect-Timeout-Ms")) {
    const std::string text = request.get_header_value("Connect-Timeout-Ms");
    bool digits = !text.empty() && text.size() <= 10;
    for (char c : text) {
      digits = digits && std::isdigit(static_cast<unsigned char>(c)) != 0;
    }
    if (!digits || std::stoll(text) == 0) {
      SendError(response, grpc::StatusCode::INVALID_ARGUMENT,
                "Connect-Timeout-Ms: must be a positive integer of at most 10 digits");
      return false;
    }
    timeout_ms = std::min<int64_t>(std::stoll(text), config_.max_timeout_ms);
  }
  options->deadline = std::chrono::system_clock::now() + std::chrono::milliseconds(timeout_ms);
  return true;
}

void GatewayHttpServer::HandleRpc(const httplib::Request& request, httplib::Response& response) {
  const std::string service = request.matches[1];
  const std::string name = request.matches[2];
  const google::protobuf::MethodDescriptor* method = translator_.FindMethod(service, name);
  if (method == nullptr) {
    SendError(response, grpc::StatusCode::NOT_FOUND,
              "no procedure /" + service + "/" + name + "; GET /openapi.json lists them");
    Count("unknown", grpc::StatusCode::NOT_FOUND);
    return;
  }
  const std::string route = "/" + service + "/" + name;
  if (!IsJsonContentType(request.get_header_value("Content-Type"))) {
    // The Connect protocol's answer to a codec it does not speak.
    response.status = 415;
    response.set_content(ConnectErrorJson(grpc::StatusCode::INVALID_ARGUMENT,
                                          "Content-Type: must be application/json"),
                         "application/json");
    Count(route, grpc::StatusCode::INVALID_ARGUMENT);
    return;
  }
  const bool streaming = method->server_streaming() || method->client_streaming();
  CallOptions options;
  if (!OptionsFrom(request, streaming ? config_.stream_timeout_ms : config_.default_timeout_ms,
                   &options, response)) {
    Count(route, grpc::StatusCode::INVALID_ARGUMENT);
    return;
  }
  grpc::Status error;
  std::shared_ptr<JsonResponseStream> stream =
      translator_.Open(*method, request.body, options, &error);
  if (stream == nullptr) {
    SendError(response, error.error_code(), error.error_message());
    Count(route, error.error_code());
    return;
  }
  std::string first;
  if (!stream->Next(&first)) {
    // Failed (or ended) before any message: the HTTP status can still say how.
    const grpc::Status status = stream->Finish();
    Count(route, status.error_code());
    if (!status.ok()) {
      SendError(response, status.error_code(), status.error_message());
    } else if (method->server_streaming()) {
      response.set_content("", "application/x-ndjson");
    } else {
      SendError(response, grpc::StatusCode::INTERNAL, "the upstream sent no response");
    }
    return;
  }
  if (!method->server_streaming()) {
    const grpc::Status status = stream->Finish();
    Count(route, status.error_code());
    if (!status.ok()) {
      SendError(response, status.error_code(), status.error_message());
    } else {
      response.set_content(first, "application/json");
    }
    return;
  }
  // NDJSON: one message per line as it arrives; a failure after the first line can no longer
  // change the status, so it becomes the last line {"error":{...}}.
  auto pending = std::make_shared<std::string>(first + "\n");
  response.set_chunked_content_provider(
      "application/x-ndjson",
      [this, stream, pending, route](size_t, httplib::DataSink& sink) {
        if (!pending->empty()) {
          const bool written = sink.write(pending->data(), pending->size());
          pending->clear();
          return written;
        }
        std::string line;
        if (stream->Next(&line)) {
          line += '\n';
          return sink.write(line.data(), line.size());
        }
        const grpc::Status status = stream->Finish();
        Count(route, status.error_code());
        if (!status.ok()) {
          const std::string end =
              EndOfStreamErrorJson(status.error_code(), status.error_message()) + "\n";
          if (!sink.write(end.data(), end.size())) {
            return false;
          }
        }
        sink.done();
        return true;
      },
      [stream](bool success) {
        if (!success) {
          stream->Cancel();  // the HTTP client went away: stop the upstream too
        }
      });
}

void GatewayHttpServer::HandleExport(const httplib::Request& request, httplib::Response& response) {
  const std::string route = "members.csv";
  const std::string segment_id = request.matches[1];
  const auto channel = ParseContactChannel(request.get_param_value("channel"));
  if (!channel) {
    SendError(response, grpc::StatusCode::INVALID_ARGUMENT,
              "channel: required, one of email, sms, phone, push, messaging, post");
    Count(route, grpc::StatusCode::INVALID_ARGUMENT);
    return;
  }
  CallOptions options;
  if (!OptionsFrom(request, config_.stream_timeout_ms, &options, response)) {
    Count(route, grpc::StatusCode::INVALID_ARGUMENT);
    return;
  }
  auto export_run =
      std::make_shared<MemberCsvExport>(upstreams_, segment_id, *channel, std::move(options));
  const grpc::Status started = export_run->Start();
  if (!started.ok()) {
    SendError(response, started.error_code(), started.error_message());
    Count(route, started.error_code());
    return;
  }
  response.set_header("Content-Disposition",
                      "attachment; filename=\"" + segment_id + "-members.csv\"");
  response.set_chunked_content_provider(
      "text/csv; charset=utf-8",
      [this, export_run, route](size_t, httplib::DataSink& sink) {
        std::string text;
        if (export_run->Next(&text)) {
          return sink.write(text.data(), text.size());
        }
        const grpc::Status status = export_run->Finish();
        Count(route, status.error_code());
        if (!status.ok()) {
          // CSV has no place for an error: the response ends without its last chunk, so the
          // client sees an incomplete transfer instead of a short file that looks whole.
          LogWarning("members.csv export failed",
                     {{"grpc_code", static_cast<int>(status.error_code())},
                      {"detail", status.error_message()}});
          return false;
        }
        sink.done();
        return true;
      },
      [export_run](bool success) {
        if (!success) {
          (void)export_run->Finish();
        }
      });
}

void GatewayHttpServer::HandleReady(httplib::Response& response) {
  if (draining_) {
    response.status = 503;
    response.set_content("{\"ready\":false,\"reason\":\"draining\"}", "application/json");
    return;
  }
  std::map<std::string, bool> upstreams;
  {
    std::lock_guard<std::mutex> lock(readiness_mutex_);
    const auto now = std::chrono::steady_clock::now();
    if (readiness_.empty() ||
        now - readiness_checked_at_ > std::chrono::milliseconds(config_.readiness_cache_ms)) {
      readiness_ = upstreams_.CheckHealth(std::chrono::milliseconds(400));
      readiness_checked_at_ = now;
    }
    upstreams = readiness_;
  }
  // Ready while any upstream serves: the gateway still answers the others' routes, and taking
  // every gateway pod out because one service is down would cut all four.
  bool any = false;
  nlohmann::json body = {{"upstreams", nlohmann::json::object()}};
  for (const auto& [service, serving] : upstreams) {
    body["upstreams"][service] = serving ? "SERVING" : "NOT_SERVING";
    any = any || serving;
  }
  body["ready"] = any;
  response.status = any ? 200 : 503;
  response.set_content(body.dump(), "application/json");
}

void GatewayHttpServer::HandleConsole(const httplib::Request& request,
                                      httplib::Response& response) {
  const auto not_found = [this, &response](const std::string& why) {
    Count("console", grpc::StatusCode::NOT_FOUND);
    response.status = 404;
    response.set_header("X-Content-Type-Options", "nosniff");
    response.set_content(why + "\n", "text/plain; charset=utf-8");
  };
  // httplib has percent-decoded the path, so "%2e%2e" arrives as ".." and is refused here.
  const auto relative = ConsoleRelativePath(request.matches[1]);
  const auto content_type = relative ? ConsoleContentType(*relative) : std::nullopt;
  if (!relative || !content_type) {
    not_found("no such console file");
    return;
  }
  const std::filesystem::path file = std::filesystem::path(config_.console_dir) / *relative;
  std::error_code error;
  // symlink_status: a link is never followed out of the directory.
  if (!std::filesystem::is_regular_file(std::filesystem::symlink_status(file, error))) {
    not_found(*relative == "index.html" ? "the console is not built in " + config_.console_dir +
                                              " (scripts/console-build.sh builds it)"
                                        : "no such console file");
    return;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    response.status = 500;
    response.set_content("cannot read the console file\n", "text/plain; charset=utf-8");
    Count("console", grpc::StatusCode::INTERNAL);
    return;
  }
  std::ostringstream content;
  content << in.rdbuf();
  response.set_header("Content-Security-Policy", ConsoleContentSecurityPolicy());
  response.set_header("X-Content-Type-Options", "nosniff");
  response.set_header("Referrer-Policy", "no-referrer");
  // Small files, and a new build must show at once: revalidate every time.
  response.set_header("Cache-Control", "no-cache");
  response.set_content(content.str(), content_type->c_str());
  Count("console", grpc::StatusCode::OK);
}

}  // namespace clienttier::gateway
