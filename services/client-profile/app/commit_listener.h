#pragma once

#include <functional>

namespace clienttier::profile {

// Told after every committed write. The write's event is already in the outbox (same
// transaction); the listener wakes the outbox relay so it publishes now instead of at its next
// poll. main wires it to OutboxRelay::Notify; tests count the calls.
using CommitListener = std::function<void()>;

}  // namespace clienttier::profile
