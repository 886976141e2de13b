#include "common/server/reflection_v1.h"

#include <set>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>

#include "grpc/health/v1/health.pb.h"

namespace clienttier {

namespace {

namespace rv1 = ::grpc::reflection::v1;
using google::protobuf::DescriptorPool;
using google::protobuf::FileDescriptor;

// Adds `file` and, first, everything it imports (each once).
void AddWithImports(const FileDescriptor* file, std::set<std::string>* seen,
                    rv1::FileDescriptorResponse* response) {
  if (!seen->insert(file->name()).second) {
    return;
  }
  google::protobuf::FileDescriptorProto proto;
  file->CopyTo(&proto);
  response->add_file_descriptor_proto(proto.SerializeAsString());
  for (int i = 0; i < file->dependency_count(); ++i) {
    AddWithImports(file->dependency(i), seen, response);
  }
}

void AnswerFile(const FileDescriptor* file, const std::string& what,
                rv1::ServerReflectionResponse* response) {
  if (file == nullptr) {
    response->mutable_error_response()->set_error_code(
        static_cast<int32_t>(grpc::StatusCode::NOT_FOUND));
    response->mutable_error_response()->set_error_message(what + " not found");
    return;
  }
  std::set<std::string> seen;
  AddWithImports(file, &seen, response->mutable_file_descriptor_response());
}

}  // namespace

std::vector<std::string> StandardServiceNames() {
  // gRPC's built-in health service has no descriptor of its own in the generated pool; naming
  // the client-side health proto's descriptor here links it in, so the service is describable.
  (void)::grpc::health::v1::HealthCheckRequest::descriptor();
  return {"grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection",
          "grpc.reflection.v1alpha.ServerReflection"};
}

ReflectionV1Service::ReflectionV1Service(std::vector<std::string> services)
    : services_(std::move(services)) {}

grpc::Status ReflectionV1Service::ServerReflectionInfo(
    grpc::ServerContext* /*context*/,
    grpc::ServerReaderWriter<rv1::ServerReflectionResponse, rv1::ServerReflectionRequest>* stream) {
  rv1::ServerReflectionRequest request;
  while (stream->Read(&request)) {
    if (!stream->Write(Answer(request))) {
      break;
    }
  }
  return grpc::Status::OK;
}

rv1::ServerReflectionResponse ReflectionV1Service::Answer(
    const rv1::ServerReflectionRequest& request) const {
  const DescriptorPool& pool = *DescriptorPool::generated_pool();
  rv1::ServerReflectionResponse response;
  response.set_valid_host(request.host());
  *response.mutable_original_request() = request;
  switch (request.message_request_case()) {
    case rv1::ServerReflectionRequest::kFileByFilename:
      AnswerFile(pool.FindFileByName(request.file_by_filename()),
                 "file " + request.file_by_filename(), &response);
      break;
    case rv1::ServerReflectionRequest::kFileContainingSymbol:
      AnswerFile(pool.FindFileContainingSymbol(request.file_containing_symbol()),
                 "symbol " + request.file_containing_symbol(), &response);
      break;
    case rv1::ServerReflectionRequest::kFileContainingExtension: {
      const auto& asked = request.file_containing_extension();
      const auto* type = pool.FindMessageTypeByName(asked.containing_type());
      const auto* extension =
          type == nullptr ? nullptr : pool.FindExtensionByNumber(type, asked.extension_number());
      AnswerFile(extension == nullptr ? nullptr : extension->file(),
                 "extension " + std::to_string(asked.extension_number()) + " of " +
                     asked.containing_type(),
                 &response);
      break;
    }
    case rv1::ServerReflectionRequest::kAllExtensionNumbersOfType: {
      const auto* type = pool.FindMessageTypeByName(request.all_extension_numbers_of_type());
      if (type == nullptr) {
        response.mutable_error_response()->set_error_code(
            static_cast<int32_t>(grpc::StatusCode::NOT_FOUND));
        response.mutable_error_response()->set_error_message(
            "type " + request.all_extension_numbers_of_type() + " not found");
        break;
      }
      std::vector<const google::protobuf::FieldDescriptor*> extensions;
      pool.FindAllExtensions(type, &extensions);
      auto& numbers = *response.mutable_all_extension_numbers_response();
      numbers.set_base_type_name(type->full_name());
      for (const auto* extension : extensions) {
        numbers.add_extension_number(extension->number());
      }
      break;
    }
    case rv1::ServerReflectionRequest::kListServices:
      for (const std::string& name : services_) {
        response.mutable_list_services_response()->add_service()->set_name(name);
      }
      break;
    case rv1::ServerReflectionRequest::MESSAGE_REQUEST_NOT_SET:
      response.mutable_error_response()->set_error_code(
          static_cast<int32_t>(grpc::StatusCode::INVALID_ARGUMENT));
      response.mutable_error_response()->set_error_message("message_request: required");
      break;
  }
  return response;
}

}  // namespace clienttier
