#include "tests/support/mariadb_process.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <thread>
#include <vector>

#include "common/db/mysql_pool.h"
#include "tests/support/test_env.h"

namespace clienttier::testing {
namespace {

// mariadbd lives in /usr/sbin, often not on a non-root PATH.
std::string FindBinary(const std::string& name) {
  for (const char* directory : {"/usr/sbin/", "/usr/bin/", "/usr/local/sbin/", "/usr/local/bin/"}) {
    const std::string path = directory + name;
    if (access(path.c_str(), X_OK) == 0) {
      return path;
    }
  }
  throw std::runtime_error(name + " not found (scripts/install-deps.sh installs it)");
}

}  // namespace

MariaDbProcess::MariaDbProcess() : port_(FreeLoopbackPort()) {
  char directory[] = "/tmp/ct-test-mariadb-XXXXXX";
  if (mkdtemp(directory) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  directory_ = directory;
}

MariaDbProcess::~MariaDbProcess() {
  Thaw();
  Stop();
  const int removed = std::system(("rm -rf '" + directory_ + "'").c_str());
  (void)removed;  // best effort: a leftover directory under /tmp harms nothing
}

void MariaDbProcess::Start() {
  if (!initialised_) {
    const std::string install =
        FindBinary("mariadb-install-db") + " --no-defaults --datadir='" + directory_ +
        "/data' --auth-root-authentication-method=normal --skip-test-db "
        "--force" +
        (geteuid() == 0 ? " --user=root" : "") + " > '" + directory_ + "/install.log' 2>&1";
    if (std::system(install.c_str()) != 0) {
      throw std::runtime_error("mariadb-install-db failed; see " + directory_ + "/install.log");
    }
    initialised_ = true;
  }
  ::mkdir((directory_ + "/tmp").c_str(), 0700);  // EEXIST on a restart
  const std::string server = FindBinary("mariadbd");
  std::vector<std::string> args = {server, "--no-defaults", "--datadir=" + directory_ + "/data",
                                   "--socket=" + directory_ + "/mysqld.sock",
                                   "--port=" + std::to_string(port_), "--bind-address=127.0.0.1",
                                   "--pid-file=" + directory_ + "/mysqld.pid",
                                   "--log-error=" + directory_ + "/error.log",
                                   // Its own: at start mariadbd deletes every #sql* file in its
                                   // tmpdir, the shared stack's temporary tables in /tmp too.
                                   "--tmpdir=" + directory_ + "/tmp", "--skip-name-resolve",
                                   "--skip-grant-tables", "--innodb-buffer-pool-size=32M"};
  if (geteuid() == 0) {
    args.push_back("--user=root");
  }
  pid_ = fork();
  if (pid_ == 0) {
    // A test that crashes must not leave its server running (and holding a port later tests
    // or the rendered overlays need): the kernel kills it with the test process.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    std::vector<char*> argv;
    for (std::string& arg : args) {
      argv.push_back(arg.data());
    }
    argv.push_back(nullptr);
    execv(server.c_str(), argv.data());
    _exit(127);
  }
  MySqlConfig config = Config("");
  config.connect_timeout_s = 1;
  for (int attempt = 0; attempt < 240; ++attempt) {
    MySqlPool probe(config, nullptr);
    if (probe.Ping()) {
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  throw std::runtime_error("private mariadbd did not start; see " + directory_ + "/error.log");
}

void MariaDbProcess::Stop() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }
}

void MariaDbProcess::Freeze() {
  if (pid_ > 0) {
    kill(pid_, SIGSTOP);
  }
}

void MariaDbProcess::Thaw() {
  if (pid_ > 0) {
    kill(pid_, SIGCONT);
  }
}

MySqlConfig MariaDbProcess::Config(const std::string& database) const {
  MySqlConfig config;
  config.host = "127.0.0.1";
  config.port = port_;
  config.user = "root";
  config.database = database;
  return config;
}

}  // namespace clienttier::testing
