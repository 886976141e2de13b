// demo-tenant: the demo counselling centre through all four services, one step at a time
// (tools/demo_tenant/demo_flow.h has the story). Exit code 0 only when every step behaved as
// the APIs document.
//
//   demo-tenant --profile=H:P --scoring=H:P --campaign=H:P --referral=H:P
//               --api-key=WRITER --admin-api-key=ADMIN [--clients=20000] [--seed=42]
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "tools/demo_support.h"
#include "tools/demo_tenant/demo_flow.h"

int main(int argc, char** argv) {
  std::map<std::string, std::string> flags;
  if (!clienttier::tools::ParseFlags(
          argc, argv,
          {"profile", "scoring", "campaign", "referral", "api-key", "admin-api-key"},
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
    std::printf("[demo] %-4s %s\n", step.ok ? "ok" : "FAIL", step.name.c_str());
    for (const std::string& line : step.lines) {
      std::printf("         %s\n", line.c_str());
    }
    std::fflush(stdout);
    failures += step.ok ? 0 : 1;
  });
  std::printf("[demo] %s\n", failures == 0 ? "every step behaved as expected" : "some steps FAILED");
  return failures == 0 ? 0 : 1;
}
