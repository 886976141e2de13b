#pragma once

// Starting tests/support/relay_crash_child.cc from a test (the binary's path is the
// CT_RELAY_CRASH_CHILD definition of the test target) and reading what it prints.
#include <spawn.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>

extern char** environ;

namespace clienttier::testing {

// Starts the child relay over `database` with its stdout on a pipe (*stdout_fd).
inline pid_t SpawnRelayCrashChild(const std::string& database, int batch_size, int* stdout_fd) {
  int fds[2];
  EXPECT_EQ(pipe(fds), 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  const std::string batch = std::to_string(batch_size);
  char* const args[] = {const_cast<char*>(CT_RELAY_CRASH_CHILD),
                        const_cast<char*>(database.c_str()), const_cast<char*>(batch.c_str()),
                        nullptr};
  pid_t pid = 0;
  EXPECT_EQ(posix_spawn(&pid, CT_RELAY_CRASH_CHILD, &actions, nullptr, args, environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  *stdout_fd = fds[0];
  return pid;
}

inline std::string ReadLine(int fd) {
  std::string line;
  char c = 0;
  while (read(fd, &c, 1) == 1 && c != '\n') {
    line.push_back(c);
  }
  return line;
}

}  // namespace clienttier::testing
