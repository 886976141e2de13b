#include "tests/support/test_env.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "common/auth/api_key_store.h"

namespace clienttier::testing {

namespace {

std::string RequiredEnv(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    // Fail loudly: a skipped integration test would hide a broken environment in CI.
    throw std::runtime_error(std::string("integration tests need ") + name +
                             " (run them through scripts/test.sh)");
  }
  return value;
}

}  // namespace

MySqlConfig MySqlFromEnv(const std::string& database) {
  MySqlConfig config;
  config.host = RequiredEnv("CT_MYSQL_HOST");
  config.port = std::stoi(RequiredEnv("CT_MYSQL_PORT"));
  config.user = RequiredEnv("CT_MYSQL_USER");
  config.password = RequiredEnv("CT_MYSQL_PASSWORD");
  config.database = database;
  config.pool_size = 8;
  return config;
}

RedisConfig RedisFromEnv() {
  RedisConfig config;
  config.host = RequiredEnv("CT_REDIS_HOST");
  config.port = std::stoi(RequiredEnv("CT_REDIS_PORT"));
  return config;
}

std::string UniqueSuffix() {
  static std::atomic<int> counter{0};
  const auto now = std::chrono::system_clock::now().time_since_epoch().count();
  return std::to_string(getpid()) + "_" + std::to_string(now % 1000000007) + "_" +
         std::to_string(counter++);
}

std::string UniqueDatabaseName(const std::string& prefix) {
  return "ct_test_" + prefix + "_" + UniqueSuffix();
}

std::string WriteApiKeysFile(const std::string& lines_of_key_tenant_role) {
  char path[] = "/tmp/ct-test-keys-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) {
    throw std::runtime_error("mkstemp failed");
  }
  close(fd);
  std::ofstream file(path);
  std::istringstream lines(lines_of_key_tenant_role);
  std::string key;
  std::string tenant;
  std::string role;
  while (lines >> key >> tenant >> role) {
    file << ApiKeyStore::Sha256Hex(key) << ' ' << tenant << ' ' << role << '\n';
  }
  return path;
}

int FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    throw std::runtime_error("bind failed");
  }
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

RedisProcess::RedisProcess() : port_(FreeLoopbackPort()) {
  char directory[] = "/tmp/ct-test-redis-XXXXXX";
  if (mkdtemp(directory) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  directory_ = directory;
}

RedisProcess::~RedisProcess() {
  Stop();
  std::system(("rm -rf '" + directory_ + "'").c_str());
}

void RedisProcess::Start() {
  const char* binary = std::getenv("CT_REDIS_SERVER_BIN");
  const std::string server = binary != nullptr ? binary : "redis-server";
  const std::string port = std::to_string(port_);
  pid_ = fork();
  if (pid_ == 0) {
    // A test that crashes must not leave its server running (and holding a port later tests
    // or the rendered overlays need): the kernel kills it with the test process.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    execlp(server.c_str(), server.c_str(), "--port", port.c_str(), "--bind", "127.0.0.1", "--dir",
           directory_.c_str(), "--appendonly", "yes", "--save", "", "--loglevel", "warning",
           static_cast<char*>(nullptr));
    _exit(127);
  }
  RedisConfig config;
  config.port = port_;
  config.retry_after_ms = 1;
  for (int attempt = 0; attempt < 100; ++attempt) {
    RedisClient probe(config, nullptr);
    if (probe.Ping()) {
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error("private redis-server did not start (CT_REDIS_SERVER_BIN=" + server +
                           ")");
}

void RedisProcess::Stop() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    kill(pid_, SIGCONT);  // a frozen server acts on the SIGTERM only once it runs
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }
}

void RedisProcess::KillAndWipe() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  std::system(("rm -rf '" + directory_ + "'/*").c_str());
}

void RedisProcess::Freeze() {
  if (pid_ > 0) {
    kill(pid_, SIGSTOP);
  }
}

void RedisProcess::Thaw() {
  if (pid_ > 0) {
    kill(pid_, SIGCONT);
  }
}

std::vector<StreamEntry> TenantStreamEntries(RedisClient& redis, const std::string& stream,
                                             const std::string& tenant,
                                             const std::string& after_id) {
  RedisReply reply =
      redis.Command({"XRANGE", stream, after_id.empty() ? "-" : "(" + after_id, "+"});
  std::vector<StreamEntry> mine;
  for (auto& entry : ParseStreamEntries(reply.get())) {
    if (entry.fields["tenant"] == tenant) {
      mine.push_back(std::move(entry));
    }
  }
  return mine;
}

std::string LastStreamId(RedisClient& redis, const std::string& stream) {
  RedisReply reply = redis.Command({"XREVRANGE", stream, "+", "-", "COUNT", "1"});
  const std::vector<StreamEntry> last = ParseStreamEntries(reply.get());
  return last.empty() ? "0-0" : last.front().id;
}

void ReAddStreamEntries(RedisClient& redis, const std::string& stream,
                        const std::vector<StreamEntry>& entries) {
  for (const StreamEntry& entry : entries) {
    std::vector<std::string> command{"XADD", stream, "*"};
    for (const auto& [field, value] : entry.fields) {
      command.push_back(field);
      command.push_back(value);
    }
    redis.Command(command);
  }
}

}  // namespace clienttier::testing
