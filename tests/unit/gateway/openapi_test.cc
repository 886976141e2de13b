// The OpenAPI document of a small hand-written descriptor: every JSON type rule of proto3's
// mapping the gateway relies on, recursion, maps, streaming, and comments where source info
// exists.
#include <gtest/gtest.h>

#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/text_format.h>
#include <google/protobuf/timestamp.pb.h>

#include "services/gateway/domain/openapi.h"

namespace clienttier::gateway {
namespace {

using nlohmann::json;

constexpr char kFile[] = R"pb(
  name: "t/v1/t.proto"
  package: "t.v1"
  syntax: "proto3"
  dependency: "google/protobuf/timestamp.proto"
  message_type {
    name: "Req"
    field { name: "item_id" number: 1 label: LABEL_OPTIONAL type: TYPE_STRING }
    field { name: "count" number: 2 label: LABEL_OPTIONAL type: TYPE_INT64 }
    field {
      name: "at"
      number: 3
      label: LABEL_OPTIONAL
      type: TYPE_MESSAGE
      type_name: ".google.protobuf.Timestamp"
    }
    field { name: "kinds" number: 4 label: LABEL_REPEATED type: TYPE_ENUM type_name: ".t.v1.Kind" }
    field {
      name: "child"
      number: 5
      label: LABEL_OPTIONAL
      type: TYPE_MESSAGE
      type_name: ".t.v1.Node"
    }
    field {
      name: "labels"
      number: 6
      label: LABEL_REPEATED
      type: TYPE_MESSAGE
      type_name: ".t.v1.Req.LabelsEntry"
    }
    field { name: "blob" number: 7 label: LABEL_OPTIONAL type: TYPE_BYTES }
    nested_type {
      name: "LabelsEntry"
      field { name: "key" number: 1 label: LABEL_OPTIONAL type: TYPE_STRING }
      field { name: "value" number: 2 label: LABEL_OPTIONAL type: TYPE_INT32 }
      options { map_entry: true }
    }
  }
  message_type {
    name: "Node"
    field {
      name: "children"
      number: 1
      label: LABEL_REPEATED
      type: TYPE_MESSAGE
      type_name: ".t.v1.Node"
    }
    field { name: "ratio" number: 2 label: LABEL_OPTIONAL type: TYPE_DOUBLE }
    field { name: "done" number: 3 label: LABEL_OPTIONAL type: TYPE_BOOL }
  }
  enum_type {
    name: "Kind"
    value { name: "KIND_UNSPECIFIED" number: 0 }
    value { name: "KIND_A" number: 1 }
  }
  service {
    name: "Things"
    method { name: "GetThing" input_type: ".t.v1.Req" output_type: ".t.v1.Node" }
    method {
      name: "WatchThings"
      input_type: ".t.v1.Req"
      output_type: ".t.v1.Node"
      server_streaming: true
    }
  }
  source_code_info {
    location {
      path: [ 6, 0, 2, 0 ]
      span: [ 1, 1, 1 ]
      leading_comments: " Reads a thing.\n"
    }
    location {
      path: [ 4, 0, 2, 0 ]
      span: [ 2, 1, 2 ]
      leading_comments: " The thing's id.\n"
    }
  }
)pb";

class OpenApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    google::protobuf::FileDescriptorProto timestamp;
    google::protobuf::Timestamp::descriptor()->file()->CopyTo(&timestamp);
    ASSERT_NE(pool_.BuildFile(timestamp), nullptr);
    google::protobuf::FileDescriptorProto file;
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(kFile, &file));
    ASSERT_NE(pool_.BuildFile(file), nullptr);
    OpenApiInfo info;
    info.version = "9.9.9";
    document_ = BuildOpenApi({pool_.FindServiceByName("t.v1.Things")}, info);
    schemas_ = document_["components"]["schemas"];
  }

  google::protobuf::DescriptorPool pool_;
  json document_;
  json schemas_;
};

TEST_F(OpenApiTest, OnePostPathPerMethodWithJsonOrNdjson) {
  EXPECT_EQ(document_["openapi"], "3.0.3");
  EXPECT_EQ(document_["info"]["version"], "9.9.9");
  ASSERT_EQ(document_["paths"].size(), 2u);
  const json& get = document_["paths"]["/t.v1.Things/GetThing"]["post"];
  EXPECT_EQ(get["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/t.v1.Req");
  EXPECT_EQ(get["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/t.v1.Node");
  EXPECT_EQ(get["responses"]["default"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/connect.Error");
  EXPECT_EQ(get["description"], "Reads a thing.");
  const json& watch = document_["paths"]["/t.v1.Things/WatchThings"]["post"];
  EXPECT_TRUE(watch["responses"]["200"]["content"].contains("application/x-ndjson"));
  EXPECT_FALSE(watch["responses"]["200"]["content"].contains("application/json"));
  EXPECT_FALSE(watch.contains("description"));  // no comment in the source info: none invented
}

TEST_F(OpenApiTest, FieldsUseProto3JsonNamesAndTypes) {
  const json& req = schemas_["t.v1.Req"]["properties"];
  EXPECT_EQ(req["itemId"]["type"], "string");
  EXPECT_EQ(req["itemId"]["description"], "The thing's id.");
  EXPECT_FALSE(req.contains("item_id"));
  EXPECT_EQ(req["count"], (json{{"type", "string"}, {"format", "int64"}}));
  EXPECT_EQ(req["at"], (json{{"type", "string"}, {"format", "date-time"}}));
  EXPECT_EQ(req["kinds"]["type"], "array");
  EXPECT_EQ(req["kinds"]["items"]["enum"], (json{"KIND_UNSPECIFIED", "KIND_A"}));
  EXPECT_EQ(req["child"]["$ref"], "#/components/schemas/t.v1.Node");
  EXPECT_EQ(req["labels"]["type"], "object");
  EXPECT_EQ(req["labels"]["additionalProperties"],
            (json{{"type", "integer"}, {"format", "int32"}}));
  EXPECT_EQ(req["blob"]["format"], "byte");
  const json& node = schemas_["t.v1.Node"]["properties"];
  EXPECT_EQ(node["children"]["items"]["$ref"], "#/components/schemas/t.v1.Node");
  EXPECT_EQ(node["ratio"]["type"], "number");
  EXPECT_EQ(node["done"]["type"], "boolean");
}

TEST_F(OpenApiTest, MapEntriesAndWellKnownTypesGetNoSchemaOfTheirOwn) {
  EXPECT_FALSE(schemas_.contains("t.v1.Req.LabelsEntry"));
  EXPECT_FALSE(schemas_.contains("google.protobuf.Timestamp"));
  EXPECT_EQ(schemas_.size(), 3u);  // Req, Node, connect.Error
}

}  // namespace
}  // namespace clienttier::gateway
