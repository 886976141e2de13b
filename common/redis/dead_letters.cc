#include "common/redis/dead_letters.h"

#include <cstdlib>

#include "common/errors/domain_error.h"

namespace clienttier {

namespace {

// Fields the dead-letter stream adds to the source entry's; a replay leaves them out.
constexpr char kDeadPrefix[] = "dead_";
constexpr char kSourceIdField[] = "dead_source_id";
constexpr char kErrorField[] = "dead_error";
constexpr char kDeliveriesField[] = "dead_deliveries";

// KEYS: source stream, dead-letter stream. ARGV: group, source id, then field/value pairs.
constexpr char kMoveScript[] = R"lua(
local id = redis.call('XADD', KEYS[2], '*', unpack(ARGV, 3))
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
return id
)lua";

// KEYS: dead-letter stream, source stream. ARGV: dead-letter id.
constexpr char kReplayScript[] = R"lua(
local found = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])
if #found == 0 then return false end
local fields = found[1][2]
local kept = {}
for i = 1, #fields, 2 do
  if string.sub(fields[i], 1, 5) ~= 'dead_' then
    kept[#kept + 1] = fields[i]
    kept[#kept + 1] = fields[i + 1]
  end
end
local id = redis.call('XADD', KEYS[2], '*', unpack(kept))
redis.call('XDEL', KEYS[1], ARGV[1])
return id
)lua";

}  // namespace

DeadLetterStream::DeadLetterStream(RedisClient& redis, std::string stream, std::string group)
    : redis_(redis),
      stream_(std::move(stream)),
      group_(std::move(group)),
      name_(NameFor(stream_, group_)) {}

std::string DeadLetterStream::NameFor(const std::string& stream, const std::string& group) {
  return stream + ":dead:" + group;
}

void DeadLetterStream::Move(const StreamEntry& entry, const std::string& error,
                            int64_t deliveries) {
  std::vector<std::string> command{"EVAL", kMoveScript, "2", stream_, name_, group_, entry.id};
  for (const auto& [field, value] : entry.fields) {
    command.push_back(field);
    command.push_back(value);
  }
  command.insert(command.end(), {kSourceIdField, entry.id, kErrorField, error, kDeliveriesField,
                                 std::to_string(deliveries)});
  RedisReply reply = redis_.Command(command);
  if (IsError(reply.get())) {
    throw Unavailable("dead-letter move failed: " + ReplyString(reply.get()));
  }
}

std::vector<DeadLetter> DeadLetterStream::List(int count, const std::string& after_id) const {
  RedisReply reply = redis_.Command({"XRANGE", name_, after_id.empty() ? "-" : "(" + after_id, "+",
                                     "COUNT", std::to_string(count)});
  if (IsError(reply.get())) {
    throw Unavailable("XRANGE failed: " + ReplyString(reply.get()));
  }
  std::vector<DeadLetter> letters;
  for (StreamEntry& entry : ParseStreamEntries(reply.get())) {
    DeadLetter letter;
    letter.id = entry.id;
    for (auto& [field, value] : entry.fields) {
      if (field == kSourceIdField) {
        letter.source_id = value;
      } else if (field == kErrorField) {
        letter.error = value;
      } else if (field == kDeliveriesField) {
        letter.deliveries = std::strtoll(value.c_str(), nullptr, 10);
      } else if (field.rfind(kDeadPrefix, 0) != 0) {
        letter.fields[field] = std::move(value);
      }
    }
    letters.push_back(std::move(letter));
  }
  return letters;
}

std::string DeadLetterStream::Replay(const std::string& id) {
  RedisReply reply = redis_.Command({"EVAL", kReplayScript, "2", name_, stream_, id});
  if (IsError(reply.get())) {
    throw Unavailable("dead-letter replay failed: " + ReplyString(reply.get()));
  }
  return ReplyString(reply.get());
}

}  // namespace clienttier
