// demo-tenant: the demo counselling centre through all four services, one step at a time
// (tools/demo_tenant/demo_flow.h has the story). Exit code 0 only when every step behaved as
// the APIs document.
//
//   demo-tenant --profile=H:P --scoring=H:P --campaign=H:P --referral=H:P
//               --api-key=WRITER --admin-api-key=ADMIN [--clients=20000] [--seed=42]
//   demo-tenant --generate-only [--clients=1000000] [--seed=42]
//               (only generates the tenant and prints its size and the time it took)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>

#include "tools/demo_support.h"
#include "tools/demo_tenant/demo_flow.h"

namespace {

int GenerateOnly(int argc, char** argv) {
  clienttier::demo::DemoTenantOptions options;
  options.today = std::chrono::duration_cast<std::chrono::hours>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count() /
                  24;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--clients=", 10) == 0) {
      options.clients = std::atoi(argv[i] + 10);
    } else if (std::strncmp(argv[i], "--seed=", 7) == 0) {
      options.seed = std::strtoull(argv[i] + 7, nullptr, 10);
    }
  }
  const auto started = std::chrono::steady_clock::now();
  const clienttier::demo::DemoTenant tenant = clienttier::demo::GenerateTenant(options);
  std::printf("%d clients, %zu transactions, %zu logins, %zu referrals generated in %.2f s\n",
              options.clients, tenant.transactions.size(), tenant.logins.size(),
              tenant.referrals.size(),
              std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--generate-only") == 0) {
      return GenerateOnly(argc, argv);
    }
  }
  std::map<std::string, std::string> flags;
  if (!clienttier::tools::ParseFlags(
          argc, argv, {"profile", "scoring", "campaign", "referral", "api-key", "admin-api-key"},
          {"clients", "seed"},
          "usage: demo-tenant --profile=H:P --scoring=H:P --campaign=H:P --referral=H:P "
          "--api-key=WRITER --admin-api-key=ADMIN [--clients=20000] [--seed=42]",
          &flags)) {
    return 2;
  }
  clienttier::demo::DemoTenantOptions options;
  if (!flags["clients"].empty()) {
    options.clients = std::atoi(flags["clients"].c_str());
  }
  if (!flags["seed"].empty()) {
    options.seed = std::strtoull(flags["seed"].c_str(), nullptr, 10);
  }
  clienttier::demo::DemoFlow flow({flags["profile"], flags["scoring"], flags["campaign"],
                                   flags["referral"], flags["api-key"], flags["admin-api-key"]},
                                  options);
  int failures = 0;
  flow.Run([&](const clienttier::demo::StepResult& step) {
    std::printf("[demo] %-4s %s (%.1f s)\n", step.ok ? "ok" : "FAIL", step.name.c_str(),
                step.seconds);
    for (const std::string& line : step.lines) {
      std::printf("         %s\n", line.c_str());
    }
    std::fflush(stdout);
    failures += step.ok ? 0 : 1;
  });
  std::printf("[demo] %s\n",
              failures == 0 ? "every step behaved as expected" : "some steps FAILED");
  return failures == 0 ? 0 : 1;
}
