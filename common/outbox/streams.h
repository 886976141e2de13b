#pragma once

// The event streams, named once. Each is written by one service's outbox (through its relay) and
// read by the others' consumers (common/events).
namespace clienttier {

inline constexpr char kProfileEventStream[] = "ct:events:profile";
inline constexpr char kScoringEventStream[] = "ct:events:scoring";
inline constexpr char kReferralEventStream[] = "ct:events:referral";

}  // namespace clienttier
