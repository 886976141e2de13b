#pragma once

#include <string>

#include "common/observability/metrics.h"

namespace clienttier {

// The project's version (CMake's project version) and the git commit the binary was built
// from ("unknown" outside a git checkout, e.g. an image built from a source tarball).
const char* BuildVersion();
const char* BuildCommit();

// Exposes `ct_build_info{service,version,commit} 1`, the usual way to let dashboards and alerts
// see which build every pod runs (a rollout shows as two series).
void RegisterBuildInfo(MetricsRegistry& metrics, const std::string& service);

}  // namespace clienttier
