#pragma once

namespace clienttier::tierctl {

// `tierctl outbox replay --service S --since T [--stream NAME] [--mysql-...]`: the manual
// replay of a service's outbox after Redis lost events that its relay cannot see lost (see
// k8s/README.md "Redis lost events"). It talks to the service's MySQL schema directly (the
// CT_MYSQL_* variables or --mysql-* flags, as the service itself), not over gRPC: the operator
// who runs it holds the database credentials, and no tenant-facing API should be able to
// republish every tenant's events. argv[0] is "outbox". Returns the exit code.
int RunOutboxCommand(int argc, char** argv);

}  // namespace clienttier::tierctl
