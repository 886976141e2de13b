#include "common/observability/build_info.h"

namespace clienttier {

const char* BuildVersion() { return CT_BUILD_VERSION; }

const char* BuildCommit() { return CT_BUILD_COMMIT; }

void RegisterBuildInfo(MetricsRegistry& metrics, const std::string& service) {
  metrics.AddGauge("ct_build_info", "The build this process runs; always 1",
                   {{"service", service}, {"version", BuildVersion()}, {"commit", BuildCommit()}},
                   [] { return 1.0; });
}

}  // namespace clienttier
