#include "tools/tierctl/request_builder.h"

#include <algorithm>
#include <sstream>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/json_util.h>

#include "tools/tierctl/money_text.h"

namespace clienttier::tierctl {

namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumValueDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

bool IsMoney(const Descriptor& type) { return type.full_name() == "clienttier.common.v1.Money"; }
bool IsTimestamp(const Descriptor& type) { return type.full_name() == "google.protobuf.Timestamp"; }

// A UTC day as people write it ("2025-12-31", e.g. --as-of) is that day's midnight UTC; any
// other text is taken as RFC 3339 and checked by the JSON parser.
std::string TimestampText(const std::string& text) {
  const bool is_day = text.size() == 10 && text[4] == '-' && text[7] == '-' &&
                      std::all_of(text.begin(), text.end(),
                                  [](char c) { return c == '-' || (c >= '0' && c <= '9'); });
  return is_day ? text + "T00:00:00Z" : text;
}

std::string Underscored(std::string name) {
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

std::vector<std::string> Split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  std::string part;
  while (std::getline(stream, part, separator)) {
    parts.push_back(part);
  }
  return parts;
}

const EnumValueDescriptor* FindEnumValue(const FieldDescriptor& field, const std::string& text) {
  const auto* type = field.enum_type();
  std::string upper = text;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  std::replace(upper.begin(), upper.end(), '-', '_');
  if (const auto* exact = type->FindValueByName(upper)) {
    return exact;
  }
  // "T1" for TIER_T1: any value whose name ends in "_" + text.
  for (int i = 0; i < type->value_count(); ++i) {
    const std::string& name = type->value(i)->name();
    if (name.size() > upper.size() &&
        name.compare(name.size() - upper.size(), upper.size(), upper) == 0 &&
        name[name.size() - upper.size() - 1] == '_') {
      return type->value(i);
    }
  }
  return nullptr;
}

// Sets one scalar (or appends, for a repeated field) from its text form.
std::string SetValue(Message& message, const FieldDescriptor& field, const std::string& text) {
  const Reflection& reflection = *message.GetReflection();
  const bool repeated = field.is_repeated();
  try {
    switch (field.cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING:
        repeated ? reflection.AddString(&message, &field, text)
                 : reflection.SetString(&message, &field, text);
        return "";
      case FieldDescriptor::CPPTYPE_INT32:
        repeated ? reflection.AddInt32(&message, &field, std::stoi(text))
                 : reflection.SetInt32(&message, &field, std::stoi(text));
        return "";
      case FieldDescriptor::CPPTYPE_INT64:
        repeated ? reflection.AddInt64(&message, &field, std::stoll(text))
                 : reflection.SetInt64(&message, &field, std::stoll(text));
        return "";
      case FieldDescriptor::CPPTYPE_UINT32:
      case FieldDescriptor::CPPTYPE_UINT64:
        return field.name() + ": unsigned fields are not used by ClientTier's APIs";
      case FieldDescriptor::CPPTYPE_DOUBLE:
        repeated ? reflection.AddDouble(&message, &field, std::stod(text))
                 : reflection.SetDouble(&message, &field, std::stod(text));
        return "";
      case FieldDescriptor::CPPTYPE_FLOAT:
        repeated ? reflection.AddFloat(&message, &field, std::stof(text))
                 : reflection.SetFloat(&message, &field, std::stof(text));
        return "";
      case FieldDescriptor::CPPTYPE_BOOL:
        if (text != "true" && text != "false") {
          return field.name() + ": expected true or false, got '" + text + "'";
        }
        repeated ? reflection.AddBool(&message, &field, text == "true")
                 : reflection.SetBool(&message, &field, text == "true");
        return "";
      case FieldDescriptor::CPPTYPE_ENUM: {
        const EnumValueDescriptor* value = FindEnumValue(field, text);
        if (value == nullptr) {
          return field.name() + ": '" + text + "' is not a value of " + field.enum_type()->name();
        }
        repeated ? reflection.AddEnum(&message, &field, value)
                 : reflection.SetEnum(&message, &field, value);
        return "";
      }
      case FieldDescriptor::CPPTYPE_MESSAGE: {
        // Messages given whole, in JSON: --amount='{"units":100,"currency":"CNY"}', money as
        // people write it (--amount='500.00 CNY'), or a Timestamp as its RFC 3339 text.
        Message* target = repeated ? reflection.AddMessage(&message, &field)
                                   : reflection.MutableMessage(&message, &field);
        if (IsMoney(*field.message_type()) && text.rfind('{', 0) != 0) {
          int64_t units = 0;
          std::string currency;
          const std::string error = ParseMoneyText(text, &units, &currency);
          if (!error.empty()) {
            return field.name() + ": " + error;
          }
          const Descriptor& money = *field.message_type();
          target->GetReflection()->SetInt64(target, money.FindFieldByName("units"), units);
          target->GetReflection()->SetString(target, money.FindFieldByName("currency"), currency);
          return "";
        }
        const std::string json =
            IsTimestamp(*field.message_type()) ? "\"" + TimestampText(text) + "\"" : text;
        const auto status = google::protobuf::util::JsonStringToMessage(json, target);
        if (!status.ok()) {
          return field.name() + ": " + std::string(status.message());
        }
        return "";
      }
    }
  } catch (const std::exception&) {
    return field.name() + ": '" + text + "' is not a number";
  }
  return field.name() + ": unsupported type";
}

}  // namespace

std::string BuildRequest(const std::vector<std::pair<std::string, std::string>>& flags,
                         Message& request) {
  for (const auto& [name, value] : flags) {
    if (name == "json") {
      const auto status = google::protobuf::util::JsonStringToMessage(value, &request);
      if (!status.ok()) {
        return "--json: " + std::string(status.message());
      }
    }
  }
  for (const auto& [name, value] : flags) {
    if (name == "json") {
      continue;
    }
    Message* message = &request;
    const std::vector<std::string> path = Split(Underscored(name), '.');
    for (size_t i = 0; i < path.size(); ++i) {
      const FieldDescriptor* field = message->GetDescriptor()->FindFieldByName(path[i]);
      if (field == nullptr) {
        return "--" + name + ": " + message->GetDescriptor()->full_name() + " has no field " +
               path[i];
      }
      if (i + 1 < path.size()) {
        if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || field->is_repeated()) {
          return "--" + name + ": " + path[i] + " is not a message";
        }
        message = message->GetReflection()->MutableMessage(message, field);
        continue;
      }
      const bool list =
          field->is_repeated() && field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE;
      for (const std::string& item : list ? Split(value, ',') : std::vector<std::string>{value}) {
        const std::string error = SetValue(*message, *field, item);
        if (!error.empty()) {
          return "--" + name + ": " + error;
        }
      }
    }
  }
  return "";
}

namespace {

// A field's flags: one line for a scalar, a money amount, a time or a list of messages (given
// in JSON), and for any other message its own fields as dotted flags, nested as deep as the
// request goes, so the fields a request needs are all shown.
void DescribeInto(const Descriptor& descriptor, const std::string& prefix, int depth,
                  std::vector<std::string>* lines) {
  for (int i = 0; i < descriptor.field_count(); ++i) {
    const FieldDescriptor& field = *descriptor.field(i);
    std::string flag = prefix + field.name();
    std::replace(flag.begin(), flag.end(), '_', '-');
    const Descriptor* nested = field.message_type();
    const std::string list = field.is_repeated() ? "list of " : "";
    std::string type;
    if (nested != nullptr && IsMoney(*nested)) {
      type = "money, e.g. '500.00 CNY' (or --" + flag + ".units in minor units, --" + flag +
             ".currency)";
    } else if (nested != nullptr && IsTimestamp(*nested)) {
      type = "RFC 3339 time, e.g. 2026-11-24T10:00:00Z, or a UTC day, 2026-11-24";
    } else if (nested != nullptr && (field.is_repeated() || depth >= 4)) {
      type = nested->name() + " (JSON)";
    } else if (nested != nullptr) {
      lines->push_back("--" + flag + "  " + nested->name() + " (JSON, or its fields:)");
      DescribeInto(*nested, flag + ".", depth + 1, lines);
      continue;
    } else if (field.cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
      type = field.enum_type()->name();
    } else {
      type = field.cpp_type_name();
    }
    lines->push_back("--" + flag + "  " + list + type);
  }
}

}  // namespace

std::vector<std::string> DescribeFields(const Descriptor& descriptor) {
  std::vector<std::string> fields;
  DescribeInto(descriptor, "", 0, &fields);
  return fields;
}

}  // namespace clienttier::tierctl
