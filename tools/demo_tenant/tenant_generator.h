#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace clienttier::demo {

// What kind of client someone turns out to be; drawn once per client, it decides everything
// else about them.
enum class Pattern : uint8_t {
  kProspect,   // signed up, never paid
  kOneVisit,   // one assessment or session, then gone
  kShortTerm,  // a few sessions over weeks, then dormant
  kRegular,    // weekly or fortnightly for months, a course now and then
  kLoyal,      // years of sessions, courses and workshops; refers friends
};

struct DemoClient {
  std::string client_id;
  int64_t created_day = 0;  // UTC days since 1970-01-01
  Pattern pattern = Pattern::kOneVisit;
  std::string region;
  int city_tier = 0;    // profile.v1.CityTier
  int age_band = 0;     // profile.v1.AgeBand
  int gender = 0;       // profile.v1.Gender
  int income_band = 0;  // profile.v1.IncomeBand
  std::string occupation;
  std::string acquisition_channel;
  int64_t acquisition_cost_fen = 0;
  bool email_consent = false;
  bool sms_consent = false;
  std::vector<std::string> interests;
  std::vector<std::string> concerns;
};

struct DemoTransaction {
  int32_t client = 0;  // index into clients
  int64_t day = 0;
  bool session = true;  // a paid session; else a purchase (course, workshop, assessment)
  std::string category;
  int64_t amount_fen = 0;
};

struct DemoLogin {
  int32_t client = 0;
  int64_t day = 0;
};

// The referee arrived through the referrer's code, before paying anything.
struct DemoReferral {
  int32_t referrer = 0;
  int32_t referee = 0;
};

struct DemoTenantOptions {
  int32_t clients = 20'000;
  int32_t years = 3;
  uint64_t seed = 42;
  int64_t today = 0;  // UTC day the history ends (exclusive)
  std::string id_prefix = "cc";
};

// A counselling centre: clients arriving over `years` with school-term peaks (September and
// March) and quiet summers and new-year weeks; sessions at three counsellor price levels,
// courses, workshops and assessments; a real share of one-visit and dormant clients; referral
// chains from regular and loyal clients (at most 3 referees each); consents and tags.
// Deterministic: the same options give the same tenant on every machine.
struct DemoTenant {
  std::vector<DemoClient> clients;
  std::vector<DemoTransaction> transactions;  // in day order
  std::vector<DemoLogin> logins;
  std::vector<DemoReferral> referrals;
};

DemoTenant GenerateTenant(const DemoTenantOptions& options);

const char* Name(Pattern pattern);

// How an importer batches a history: each client's items together, in their order (the items
// are in day order), whole clients per batch of at most `max_batch` items, and a longer history
// in batches of its own. Returns indices into the items; `client_of(i)` is item i's client. Day
// order across clients instead puts a client in about every eighth batch, so every consumer
// read touches eight times the clients for the same events, and which purchase of a referee is
// applied first depends on which writer commits first.
std::vector<std::vector<size_t>> HistoryBatches(size_t items,
                                                const std::function<int32_t(size_t)>& client_of,
                                                size_t max_batch);

}  // namespace clienttier::demo
