#include "services/gateway/domain/openapi.h"

#include <string>

namespace clienttier::gateway {

using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::MethodDescriptor;
using google::protobuf::ServiceDescriptor;
using google::protobuf::SourceLocation;
using nlohmann::json;

namespace {

constexpr char kErrorSchema[] = "connect.Error";

std::string Trimmed(const std::string& text) {
  const size_t first = text.find_first_not_of(" \n\t");
  if (first == std::string::npos) {
    return "";
  }
  const size_t last = text.find_last_not_of(" \n\t");
  return text.substr(first, last - first + 1);
}

// The leading comment when the pool kept source info; "" otherwise.
template <typename D>
std::string CommentOf(const D& descriptor) {
  SourceLocation location;
  if (!descriptor.GetSourceLocation(&location)) {
    return "";
  }
  return Trimmed(location.leading_comments);
}

json Ref(const std::string& full_name) {
  return json{{"$ref", "#/components/schemas/" + full_name}};
}

json EnumSchema(const EnumDescriptor& type) {
  json names = json::array();
  for (int i = 0; i < type.value_count(); ++i) {
    names.push_back(type.value(i)->name());
  }
  return json{{"type", "string"}, {"enum", names}};
}

// Well-known types have their own JSON forms (the protobuf JSON mapping), not an object.
bool WellKnownSchema(const Descriptor& type, json* schema) {
  const std::string& name = type.full_name();
  if (name == "google.protobuf.Timestamp") {
    *schema = {{"type", "string"}, {"format", "date-time"}};
  } else if (name == "google.protobuf.Duration") {
    *schema = {{"type", "string"}, {"description", "seconds with an \"s\" suffix, e.g. \"1.5s\""}};
  } else if (name == "google.protobuf.FieldMask") {
    *schema = {{"type", "string"}, {"description", "comma-separated lowerCamel field paths"}};
  } else if (name == "google.protobuf.Struct") {
    *schema = {{"type", "object"}};
  } else if (name == "google.protobuf.Value") {
    *schema = json::object();
  } else if (name == "google.protobuf.ListValue") {
    *schema = {{"type", "array"}, {"items", json::object()}};
  } else if (name == "google.protobuf.Empty") {
    *schema = {{"type", "object"}};
  } else if (name == "google.protobuf.Any") {
    *schema = {{"type", "object"}, {"properties", {{"@type", {{"type", "string"}}}}}};
  } else {
    return false;
  }
  return true;
}

// The schema of one value of `field` (an element, for a repeated field).
json FieldValueSchema(const FieldDescriptor& field, json& schemas) {
  switch (field.type()) {
    case FieldDescriptor::TYPE_INT32:
    case FieldDescriptor::TYPE_SINT32:
    case FieldDescriptor::TYPE_SFIXED32:
      return {{"type", "integer"}, {"format", "int32"}};
    case FieldDescriptor::TYPE_UINT32:
    case FieldDescriptor::TYPE_FIXED32:
      return {{"type", "integer"}, {"format", "int64"}, {"minimum", 0}};
    // proto3 JSON writes 64-bit integers as strings (JavaScript numbers lose precision).
    case FieldDescriptor::TYPE_INT64:
    case FieldDescriptor::TYPE_SINT64:
    case FieldDescriptor::TYPE_SFIXED64:
      return {{"type", "string"}, {"format", "int64"}};
    case FieldDescriptor::TYPE_UINT64:
    case FieldDescriptor::TYPE_FIXED64:
      return {{"type", "string"}, {"format", "uint64"}};
    case FieldDescriptor::TYPE_FLOAT:
      return {{"type", "number"}, {"format", "float"}};
    case FieldDescriptor::TYPE_DOUBLE:
      return {{"type", "number"}, {"format", "double"}};
    case FieldDescriptor::TYPE_BOOL:
      return {{"type", "boolean"}};
    case FieldDescriptor::TYPE_STRING:
      return {{"type", "string"}};
    case FieldDescriptor::TYPE_BYTES:
      return {{"type", "string"}, {"format", "byte"}};
    case FieldDescriptor::TYPE_ENUM:
      return EnumSchema(*field.enum_type());
    case FieldDescriptor::TYPE_MESSAGE:
    case FieldDescriptor::TYPE_GROUP: {
      const Descriptor& type = *field.message_type();
      json known;
      if (WellKnownSchema(type, &known)) {
        return known;
      }
      if (type.file()->name() == "google/protobuf/wrappers.proto") {
        json wrapped = FieldValueSchema(*type.FindFieldByName("value"), schemas);
        wrapped["nullable"] = true;
        return wrapped;
      }
      AddMessageSchemas(type, schemas);
      return Ref(type.full_name());
    }
  }
  return json::object();
}

json FieldSchema(const FieldDescriptor& field, json& schemas) {
  json schema;
  if (field.is_map()) {
    const FieldDescriptor& value = *field.message_type()->FindFieldByName("value");
    schema = {{"type", "object"}, {"additionalProperties", FieldValueSchema(value, schemas)}};
  } else if (field.is_repeated()) {
    schema = {{"type", "array"}, {"items", FieldValueSchema(field, schemas)}};
  } else {
    schema = FieldValueSchema(field, schemas);
  }
  std::string description = CommentOf(field);
  if (field.real_containing_oneof() != nullptr) {
    const std::string note = "one of " + field.real_containing_oneof()->name();
    description = description.empty() ? note : description + " (" + note + ")";
  }
  if (!description.empty()) {
    if (schema.contains("$ref")) {
      // A $ref's siblings are ignored in OpenAPI 3.0: wrap it to keep the description.
      schema = json{{"allOf", json::array({schema})}};
    }
    schema["description"] = description;
  }
  return schema;
}

json OperationFor(const MethodDescriptor& method, json& schemas) {
  const Descriptor& input = *method.input_type();
  const Descriptor& output = *method.output_type();
  AddMessageSchemas(input, schemas);
  AddMessageSchemas(output, schemas);
  const char* request_type =
      method.client_streaming() ? "application/x-ndjson" : "application/json";
  const char* response_type =
      method.server_streaming() ? "application/x-ndjson" : "application/json";
  json operation = {
      {"operationId", method.service()->name() + "_" + method.name()},
      {"tags", json::array({method.service()->full_name()})},
      {"parameters", json::array({{{"name", "Connect-Timeout-Ms"},
                                   {"in", "header"},
                                   {"required", false},
                                   {"description", "deadline of the call in milliseconds"},
                                   {"schema", {{"type", "integer"}, {"minimum", 1}}}},
                                  {{"name", "x-tenant-id"},
                                   {"in", "header"},
                                   {"required", false},
                                   {"description", "the tenant a service key (tenant *) acts for"},
                                   {"schema", {{"type", "string"}}}}})},
      {"requestBody",
       {{"required", true}, {"content", {{request_type, {{"schema", Ref(input.full_name())}}}}}}},
      {"responses",
       {{"200",
         {{"description", method.server_streaming()
                              ? "one " + output.full_name() +
                                    " per line; a failure after the first line ends the "
                                    "stream with a line {\"error\":{code,message}}"
                              : output.full_name()},
          {"content", {{response_type, {{"schema", Ref(output.full_name())}}}}}}},
        {"default",
         {{"description", "a Connect error; the HTTP status follows its code"},
          {"content", {{"application/json", {{"schema", Ref(kErrorSchema)}}}}}}}}}};
  const std::string comment = CommentOf(method);
  if (!comment.empty()) {
    operation["description"] = comment;
  }
  operation["summary"] = method.service()->name() + "." + method.name() +
                         (method.server_streaming() ? " (server-streaming)" : "") +
                         (method.client_streaming() ? " (client-streaming)" : "");
  return operation;
}

}  // namespace

std::string ConnectPath(const MethodDescriptor& method) {
  return "/" + method.service()->full_name() + "/" + method.name();
}

void AddMessageSchemas(const Descriptor& message, json& schemas) {
  if (schemas.contains(message.full_name())) {
    return;
  }
  // Placed before the fields are walked, so a recursive message refers to itself and stops.
  schemas[message.full_name()] = json::object();
  json properties = json::object();
  for (int i = 0; i < message.field_count(); ++i) {
    const FieldDescriptor& field = *message.field(i);
    properties[field.json_name()] = FieldSchema(field, schemas);
  }
  json schema = {{"type", "object"}, {"properties", properties}};
  const std::string comment = CommentOf(message);
  if (!comment.empty()) {
    schema["description"] = comment;
  }
  schemas[message.full_name()] = schema;
}

json BuildOpenApi(const std::vector<const ServiceDescriptor*>& services, const OpenApiInfo& info) {
  json schemas = json::object();
  schemas[kErrorSchema] = {
      {"type", "object"},
      {"required", json::array({"code"})},
      {"properties",
       {{"code", {{"type", "string"}, {"description", "the Connect code, e.g. invalid_argument"}}},
        {"message", {{"type", "string"}}}}}};
  json paths = json::object();
  json tags = json::array();
  for (const ServiceDescriptor* service : services) {
    json tag = {{"name", service->full_name()}};
    const std::string comment = CommentOf(*service);
    if (!comment.empty()) {
      tag["description"] = comment;
    }
    tags.push_back(tag);
    for (int i = 0; i < service->method_count(); ++i) {
      const MethodDescriptor& method = *service->method(i);
      paths[ConnectPath(method)] = {{"post", OperationFor(method, schemas)}};
    }
  }
  return {{"openapi", "3.0.3"},
          {"info", {{"title", info.title}, {"version", info.version}}},
          {"tags", tags},
          {"paths", paths},
          {"security", json::array({{{"apiKey", json::array()}}, {{"bearer", json::array()}}})},
          {"components",
           {{"schemas", schemas},
            {"securitySchemes",
             {{"apiKey", {{"type", "apiKey"}, {"in", "header"}, {"name", "x-api-key"}}},
              {"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}}}}};
}

}  // namespace clienttier::gateway
