#pragma once

#include <string>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <nlohmann/json.hpp>

namespace clienttier::gateway {

struct OpenApiInfo {
  std::string title = "ClientTier HTTP/JSON gateway";
  std::string version;
};

// An OpenAPI 3.0 document of the gateway's Connect routes, built from the services'
// descriptors alone: one POST /<package>.<Service>/<Method> per RPC (unary: JSON in and out;
// server-streaming: NDJSON out; client-streaming: NDJSON in), request and response schemas in
// proto3 JSON types (64-bit integers as strings, enums by name, Timestamp as date-time), the
// Connect error schema, and the API key schemes. Comments become descriptions only where the
// pool kept SourceCodeInfo (the generated pool usually does not): none is invented.
nlohmann::json BuildOpenApi(const std::vector<const google::protobuf::ServiceDescriptor*>& services,
                            const OpenApiInfo& info);

// The schema of one message type and of every message it reaches, keyed by full name, into
// `schemas` (components/schemas). Exposed for tests.
void AddMessageSchemas(const google::protobuf::Descriptor& message, nlohmann::json& schemas);

// The route path of a method: "/clienttier.scoring.v1.ScoringService/GetScore".
std::string ConnectPath(const google::protobuf::MethodDescriptor& method);

}  // namespace clienttier::gateway
