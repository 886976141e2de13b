#include "tools/demo_tenant/tenant_generator.h"

#include <algorithm>
#include <cmath>

#include "common/hash/hash.h"

namespace clienttier::demo {

namespace {

// SplitMix64 (common/hash): the same sequence on every platform (std:: distributions are not
// portable).
class Random {
 public:
  explicit Random(uint64_t seed) : generator_(seed) {}
  uint64_t Next() { return generator_.Next(); }
  int64_t Below(int64_t bound) {
    return static_cast<int64_t>(Next() % static_cast<uint64_t>(bound));
  }
  double Unit() { return static_cast<double>(Next() >> 11) / 9007199254740992.0; }
  bool Chance(double p) { return Unit() < p; }
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[static_cast<size_t>(Below(static_cast<int64_t>(items.size())))];
  }

 private:
  SplitMix64 generator_;
};

// Day of the year, 0..365, of a UTC day (civil calendar, Howard Hinnant's algorithm).
int DayOfYear(int64_t day) {
  const int64_t z = day + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);  // from March 1st
  return static_cast<int>((doy + 59) % 366);
}

// How busy the centre is on a day of the year: school terms bring people in (September and
// March peaks), summer and the new-year weeks are quiet.
double Season(int64_t day) {
  const int doy = DayOfYear(day);
  if (doy >= 182 && doy < 243) {
    return 0.55;  // July, August
  }
  if (doy < 14 || (doy >= 20 && doy < 50)) {
    return 0.7;  // the new year and spring-festival weeks
  }
  if ((doy >= 243 && doy < 305) || (doy >= 59 && doy < 105)) {
    return 1.5;  // September-October, March-mid April
  }
  return 1.0;
}

// A day drawn from [first, last) weighted by Season.
int64_t SeasonalDay(Random& random, int64_t first, int64_t last) {
  for (int attempt = 0; attempt < 16; ++attempt) {
    const int64_t day = first + random.Below(std::max<int64_t>(1, last - first));
    if (random.Unit() * 1.5 < Season(day)) {
      return day;
    }
  }
  return first + random.Below(std::max<int64_t>(1, last - first));
}

const std::vector<std::string> kRegions = {"beijing", "shanghai", "guangdong", "zhejiang",
                                           "sichuan", "hubei",    "jiangsu",   "shaanxi"};
const std::vector<std::string> kOccupations = {"student", "teacher",  "engineer", "nurse",
                                               "manager", "designer", "retired",  "parent"};
const std::vector<std::string> kInterests = {"mindfulness",    "parenting", "career",
                                             "relationships",  "sleep",     "art_therapy",
                                             "public_speaking"};
const std::vector<std::string> kConcerns = {"anxiety", "depression", "stress",
                                            "grief",   "family",     "burnout"};
const std::vector<std::string> kChannels = {"search_ads", "social", "school_partner", "walk_in",
                                            "event"};
// Session prices by counsellor level (fen): junior, senior, principal.
const int64_t kSessionPrice[] = {30000, 45000, 60000};

Pattern DrawPattern(Random& random) {
  const double u = random.Unit();
  if (u < 0.06) return Pattern::kProspect;
  if (u < 0.40) return Pattern::kOneVisit;
  if (u < 0.65) return Pattern::kShortTerm;
  if (u < 0.90) return Pattern::kRegular;
  return Pattern::kLoyal;
}

void AddPurchase(DemoTenant& tenant, int32_t client, int64_t day, Random& random) {
  const int64_t kind = random.Below(10);
  DemoTransaction purchase{client, day, false, "", 0};
  if (kind < 4) {
    purchase.category = "course";
    purchase.amount_fen = 120000 + 30000 * random.Below(7);
  } else if (kind < 8) {
    purchase.category = "workshop";
    purchase.amount_fen = 20000 + 5000 * random.Below(5);
  } else {
    purchase.category = "assessment";
    purchase.amount_fen = 15000;
  }
  tenant.transactions.push_back(purchase);
}

// Sessions every `gap` days (with jitter) from `start` for `count` sessions, before today.
void AddSessions(DemoTenant& tenant, int32_t client, int64_t start, int count, int gap,
                 int64_t price, int64_t today, Random& random) {
  int64_t day = start;
  for (int i = 0; i < count && day < today; ++i) {
    // Quiet seasons stretch the gaps.
    if (random.Unit() < Season(day) / 1.5 || i == 0) {
      tenant.transactions.push_back({client, day, true, "counselling", price});
    }
    day += gap + random.Below(5) - 2;
  }
}

}  // namespace

const char* Name(Pattern pattern) {
  switch (pattern) {
    case Pattern::kProspect:
      return "prospect";
    case Pattern::kOneVisit:
      return "one_visit";
    case Pattern::kShortTerm:
      return "short_term";
    case Pattern::kRegular:
      return "regular";
    case Pattern::kLoyal:
      return "loyal";
  }
  return "unknown";
}

DemoTenant GenerateTenant(const DemoTenantOptions& options) {
  DemoTenant tenant;
  Random random(options.seed);
  const int64_t first_day = options.today - 365 * options.years;
  tenant.clients.reserve(static_cast<size_t>(options.clients));

  // Arrivals in day order, so a referrer always arrived before the friends it refers.
  std::vector<int64_t> arrivals(static_cast<size_t>(options.clients));
  for (int64_t& day : arrivals) {
    day = SeasonalDay(random, first_day, options.today - 1);
  }
  std::sort(arrivals.begin(), arrivals.end());

  std::vector<int32_t> referrers;  // regular and loyal clients, who refer
  std::vector<int> referred_count(static_cast<size_t>(options.clients), 0);
  for (int32_t i = 0; i < options.clients; ++i) {
    DemoClient client;
    char id[32];
    std::snprintf(id, sizeof id, "%s-%07d", options.id_prefix.c_str(), i);
    client.client_id = id;
    client.created_day = arrivals[static_cast<size_t>(i)];
    client.pattern = DrawPattern(random);
    client.region = random.Pick(kRegions);
    client.city_tier = 1 + static_cast<int>(random.Below(4));
    client.age_band = 2 + static_cast<int>(random.Below(5));
    client.gender = 1 + static_cast<int>(random.Below(4));
    client.income_band = 1 + static_cast<int>(random.Below(5));
    client.occupation = random.Pick(kOccupations);
    client.email_consent = random.Chance(0.7);
    client.sms_consent = random.Chance(0.4);
    const int interests = 1 + static_cast<int>(random.Below(3));
    for (int k = 0; k < interests; ++k) {
      const std::string& tag = random.Pick(kInterests);
      if (std::find(client.interests.begin(), client.interests.end(), tag) ==
          client.interests.end()) {
        client.interests.push_back(tag);
      }
    }
    client.concerns.push_back(random.Pick(kConcerns));

    // About one in six arrives through a friend's code, when there is a friend to have one.
    if (!referrers.empty() && random.Chance(0.16)) {
      const int32_t referrer =
          referrers[static_cast<size_t>(random.Below(static_cast<int64_t>(referrers.size())))];
      if (referred_count[static_cast<size_t>(referrer)] < 3) {
        ++referred_count[static_cast<size_t>(referrer)];
        tenant.referrals.push_back({referrer, i});
        client.acquisition_channel = "referral";
      }
    }
    if (client.acquisition_channel.empty()) {
      client.acquisition_channel = random.Pick(kChannels);
      client.acquisition_cost_fen = 2000 + 500 * random.Below(40);
    }

    const int64_t start = std::min(options.today - 1, client.created_day + random.Below(7));
    const int64_t price = kSessionPrice[random.Below(3)];
    switch (client.pattern) {
      case Pattern::kProspect:
        break;
      case Pattern::kOneVisit:
        if (random.Chance(0.5)) {
          tenant.transactions.push_back({i, start, false, "assessment", 15000});
        } else {
          tenant.transactions.push_back({i, start, true, "counselling", price});
        }
        break;
      case Pattern::kShortTerm:
        AddSessions(tenant, i, start, 2 + static_cast<int>(random.Below(4)), 7, price,
                    options.today, random);
        break;
      case Pattern::kRegular: {
        const int count = 8 + static_cast<int>(random.Below(20));
        AddSessions(tenant, i, start, count, random.Chance(0.6) ? 7 : 14, price, options.today,
                    random);
        for (int k = static_cast<int>(random.Below(3)); k > 0; --k) {
          AddPurchase(tenant, i, std::min(options.today - 1, start + random.Below(200)), random);
        }
        referrers.push_back(i);
        break;
      }
      case Pattern::kLoyal: {
        const int count = 30 + static_cast<int>(random.Below(50));
        AddSessions(tenant, i, start, count, 10, price, options.today, random);
        for (int k = 2 + static_cast<int>(random.Below(4)); k > 0; --k) {
          AddPurchase(tenant, i, std::min(options.today - 1, start + random.Below(700)), random);
        }
        referrers.push_back(i);
        break;
      }
    }
    // Logins: clients who come back use the app now and then (a few each, not every visit:
    // each login is an event every consumer applies).
    if (client.pattern != Pattern::kOneVisit) {
      const int logins = 1 + static_cast<int>(random.Below(2));
      for (int k = 0; k < logins; ++k) {
        tenant.logins.push_back(
            {i, std::min(options.today - 1,
                         start + random.Below(std::max<int64_t>(1, options.today - start)))});
      }
    }
    tenant.clients.push_back(std::move(client));
  }
  std::stable_sort(
      tenant.transactions.begin(), tenant.transactions.end(),
      [](const DemoTransaction& a, const DemoTransaction& b) { return a.day < b.day; });
  return tenant;
}

std::vector<std::vector<size_t>> HistoryBatches(size_t items,
                                                const std::function<int32_t(size_t)>& client_of,
                                                size_t max_batch) {
  std::vector<size_t> order(items);
  for (size_t i = 0; i < items; ++i) {
    order[i] = i;
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return client_of(a) < client_of(b); });
  std::vector<std::vector<size_t>> batches;
  for (size_t start = 0; start < order.size();) {
    size_t end = start;
    while (end < order.size() && client_of(order[end]) == client_of(order[start])) {
      ++end;
    }
    if (batches.empty() || batches.back().size() + (end - start) > max_batch) {
      batches.emplace_back();
    }
    for (size_t k = start; k < end; ++k) {
      if (batches.back().size() == max_batch) {
        batches.emplace_back();
      }
      batches.back().push_back(order[k]);
    }
    start = end;
  }
  return batches;
}

}  // namespace clienttier::demo
