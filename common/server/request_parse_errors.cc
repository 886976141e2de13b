#include "common/server/request_parse_errors.h"

#include <algorithm>
#include <deque>
#include <mutex>
#include <utility>
#include <vector>

#include <google/protobuf/stubs/logging.h>

namespace clienttier {
namespace {

namespace protobuf = google::protobuf;
using grpc::experimental::InterceptionHookPoints;

constexpr char kUtf8Complaint[] = "String field '";
constexpr char kUtf8ComplaintEnd[] = "' contains invalid UTF-8";

thread_local std::string last_invalid_utf8_field;
protobuf::LogHandler* previous_log_handler = nullptr;

void CapturingLogHandler(protobuf::LogLevel level, const char* filename, int line,
                         const std::string& message) {
  const size_t start = message.find(kUtf8Complaint);
  const size_t end = message.find(kUtf8ComplaintEnd);
  if (start != std::string::npos && end != std::string::npos && end > start) {
    const size_t name = start + sizeof(kUtf8Complaint) - 1;
    last_invalid_utf8_field = message.substr(name, end - name);
  }
  if (previous_log_handler != nullptr) {
    previous_log_handler(level, filename, line, message);
  }
}

// Splits "pkg.Message.field" into the message's full name and the field name.
std::pair<std::string, std::string> SplitFieldName(const std::string& full_name) {
  const size_t dot = full_name.rfind('.');
  if (dot == std::string::npos) {
    return {"", full_name};
  }
  return {full_name.substr(0, dot), full_name.substr(dot + 1)};
}

// The request type of a method named "/pkg.Service/Method".
const protobuf::Descriptor* RequestTypeOf(const char* method_path) {
  if (method_path == nullptr) {
    return nullptr;
  }
  std::string name(method_path);
  if (!name.empty() && name.front() == '/') {
    name.erase(0, 1);
  }
  const size_t slash = name.find('/');
  if (slash == std::string::npos) {
    return nullptr;
  }
  name[slash] = '.';
  const protobuf::MethodDescriptor* method =
      protobuf::DescriptorPool::generated_pool()->FindMethodByName(name);
  return method == nullptr ? nullptr : method->input_type();
}

class ParseFailureInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit ParseFailureInterceptor(const protobuf::Descriptor* request) : request_(request) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE) &&
        methods->GetRecvMessage() == nullptr) {
      // Also the end of a client stream; the status check below tells the two apart.
      parse_failed_ = true;
      const std::string field = TakeInvalidUtf8Field();
      if (request_ != nullptr && !field.empty()) {
        field_path_ = FieldPathIn(*request_, field);
      }
    }
    if (parse_failed_ &&
        methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      const grpc::Status status = methods->GetSendStatus();
      // Handlers never answer INTERNAL or UNIMPLEMENTED without a message: these are gRPC's own
      // answers to a request it could not parse.
      if ((status.error_code() == grpc::StatusCode::INTERNAL ||
           status.error_code() == grpc::StatusCode::UNIMPLEMENTED) &&
          status.error_message().empty()) {
        methods->ModifySendStatus(
            grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, InvalidRequestMessage(field_path_)));
      }
    }
    methods->Proceed();
  }

 private:
  const protobuf::Descriptor* request_;
  bool parse_failed_ = false;
  std::string field_path_;
};

}  // namespace

std::string InvalidRequestMessage(const std::string& field_path) {
  if (field_path.empty()) {
    return "request: not valid protobuf (a string field holds invalid UTF-8, or the bytes are "
           "not a message of this method's request type)";
  }
  return field_path + ": must be valid UTF-8";
}

std::string FieldPathIn(const protobuf::Descriptor& request, const std::string& field_full_name) {
  const auto [message_name, field_name] = SplitFieldName(field_full_name);
  // Breadth first over the message fields, so the shortest path wins and recursion ends.
  std::deque<std::pair<const protobuf::Descriptor*, std::string>> queue{{&request, ""}};
  std::vector<const protobuf::Descriptor*> seen{&request};
  while (!queue.empty()) {
    const auto [message, prefix] = queue.front();
    queue.pop_front();
    if (message->full_name() == message_name) {
      if (message->FindFieldByName(field_name) != nullptr) {
        return prefix + field_name;
      }
    }
    for (int i = 0; i < message->field_count(); ++i) {
      const protobuf::FieldDescriptor* field = message->field(i);
      const protobuf::Descriptor* child = field->message_type();
      if (child == nullptr || std::find(seen.begin(), seen.end(), child) != seen.end()) {
        continue;
      }
      seen.push_back(child);
      queue.emplace_back(child, prefix + field->name() + (field->is_repeated() ? "[]." : "."));
    }
  }
  return "";
}

void CaptureInvalidUtf8Fields() {
  static std::once_flag installed;
  std::call_once(installed,
                 [] { previous_log_handler = protobuf::SetLogHandler(&CapturingLogHandler); });
}

std::string TakeInvalidUtf8Field() { return std::exchange(last_invalid_utf8_field, ""); }

grpc::experimental::Interceptor* ParseFailureInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new ParseFailureInterceptor(RequestTypeOf(info->method()));
}

}  // namespace clienttier
