#include "services/gateway/app/rpc_translator.h"

#include <sstream>

#include <google/protobuf/util/json_util.h>

namespace clienttier::gateway {

using google::protobuf::Descriptor;
using google::protobuf::DescriptorPool;
using google::protobuf::Message;
using google::protobuf::MessageFactory;
using google::protobuf::MethodDescriptor;

namespace {

std::unique_ptr<Message> NewMessage(const Descriptor& type) {
  return std::unique_ptr<Message>(MessageFactory::generated_factory()->GetPrototype(&type)->New());
}

// Parses one JSON request; returns "" or the problem.
std::string ParseRequest(const std::string& json, const Descriptor& type, std::string* bytes) {
  auto request = NewMessage(type);
  const bool blank = json.find_first_not_of(" \t\r\n") == std::string::npos;
  if (!blank) {
    // Unknown fields are errors: a misspelt field name must not be silently ignored.
    const auto status = google::protobuf::util::JsonStringToMessage(json, request.get());
    if (!status.ok()) {
      return std::string(status.message());
    }
  }
  *bytes = request->SerializeAsString();
  return "";
}

}  // namespace

std::string ToJson(const Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  return json;
}

JsonResponseStream::JsonResponseStream(std::unique_ptr<UpstreamCall> call,
                                       const Descriptor& response_type)
    : call_(std::move(call)), response_(NewMessage(response_type)) {}

bool JsonResponseStream::Next(std::string* json) {
  std::string bytes;
  if (!conversion_error_.ok() || !call_->Read(&bytes)) {
    return false;
  }
  response_->Clear();
  if (!response_->ParseFromString(bytes)) {
    conversion_error_ = grpc::Status(grpc::StatusCode::INTERNAL, "upstream response did not parse");
    call_->Cancel();
    return false;
  }
  *json = ToJson(*response_);
  return true;
}

grpc::Status JsonResponseStream::Finish() {
  const grpc::Status status = call_->Finish();
  return conversion_error_.ok() ? status : conversion_error_;
}

const MethodDescriptor* RpcTranslator::FindMethod(const std::string& service,
                                                  const std::string& method) const {
  if (upstreams_.StubFor(service) == nullptr) {
    return nullptr;
  }
  const auto* descriptor = DescriptorPool::generated_pool()->FindServiceByName(service);
  return descriptor == nullptr ? nullptr : descriptor->FindMethodByName(method);
}

std::unique_ptr<JsonResponseStream> RpcTranslator::Open(const MethodDescriptor& method,
                                                        const std::string& body,
                                                        const CallOptions& options,
                                                        grpc::Status* error) {
  std::vector<std::string> requests;
  if (method.client_streaming()) {
    std::istringstream lines(body);
    std::string line;
    int number = 0;
    while (std::getline(lines, line)) {
      ++number;
      if (line.find_first_not_of(" \t\r") == std::string::npos) {
        continue;
      }
      std::string bytes;
      const std::string problem = ParseRequest(line, *method.input_type(), &bytes);
      if (!problem.empty()) {
        *error = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                              "body: line " + std::to_string(number) + ": " + problem);
        return nullptr;
      }
      requests.push_back(std::move(bytes));
    }
  } else {
    std::string bytes;
    const std::string problem = ParseRequest(body, *method.input_type(), &bytes);
    if (!problem.empty()) {
      *error = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "body: " + problem);
      return nullptr;
    }
    requests.push_back(std::move(bytes));
  }
  grpc::GenericStub* stub = upstreams_.StubFor(method.service()->full_name());
  auto call = std::make_unique<UpstreamCall>(
      *stub, "/" + method.service()->full_name() + "/" + method.name(), options);
  for (const std::string& request : requests) {
    if (!call->Write(request)) {
      break;  // the call failed; Finish reports why
    }
  }
  (void)call->WritesDone();
  *error = grpc::Status::OK;
  return std::make_unique<JsonResponseStream>(std::move(call), *method.output_type());
}

}  // namespace clienttier::gateway
