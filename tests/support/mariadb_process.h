#pragma once

#include <sys/types.h>

#include <string>

#include "common/db/mysql_config.h"

namespace clienttier::testing {

// A private mariadbd on a free loopback port with a datadir of its own, for tests that freeze
// or stop the database; never the shared one other tests use. Grant tables are skipped: any
// user connects.
class MariaDbProcess {
 public:
  MariaDbProcess();
  // Thaws and stops the server, and removes its directory.
  ~MariaDbProcess();
  MariaDbProcess(const MariaDbProcess&) = delete;
  MariaDbProcess& operator=(const MariaDbProcess&) = delete;

  // Initialises the datadir (first time), starts mariadbd and waits until it answers (60 s).
  void Start();
  void Stop();
  // SIGSTOP: the kernel still accepts connections, nothing answers them.
  void Freeze();
  // SIGCONT.
  void Thaw();

  MySqlConfig Config(const std::string& database) const;
  int port() const { return port_; }

 private:
  std::string directory_;
  int port_ = 0;
  pid_t pid_ = -1;
  bool initialised_ = false;
};

}  // namespace clienttier::testing
