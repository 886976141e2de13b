#pragma once

namespace clienttier::tierctl {

// `tierctl deadletters list|replay --stream=S --group=G ...`: the events a consumer group gave
// up on (common/redis/dead_letters.h). Like `tierctl outbox`, it talks to Redis directly (the
// CT_REDIS_* variables or --redis-* flags, as the services do), not over gRPC: dead letters
// belong to no tenant, and only an operator should put every tenant's failed events back.
//   list:   one line per dead letter, oldest first: its id, the source id, the event id,
//           tenant, type, deliveries and error.
//   replay: --id=ID or --all. Re-adds each to the source stream (its original fields) and
//           deletes it from the dead letters. Re-adding rather than applying here: the
//           consumer applies it with everything it applies any event with (its transaction,
//           the event-id dedupe, the dead-letter rule again if it still fails), and tierctl
//           needs none of the services' code. Other groups of the stream see it too and skip
//           it by its event id.
// argv[0] is "deadletters". Returns the exit code.
int RunDeadLetterCommand(int argc, char** argv);

}  // namespace clienttier::tierctl
