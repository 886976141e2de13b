#include <gtest/gtest.h>

#include "services/gateway/domain/console_files.h"

namespace clienttier::gateway {
namespace {

TEST(ConsoleFilesTest, PathsStayInsideTheConsoleDirectory) {
  EXPECT_EQ(ConsoleRelativePath(""), "index.html");
  EXPECT_EQ(ConsoleRelativePath("app.js"), "app.js");
  EXPECT_EQ(ConsoleRelativePath("vendor/chart.umd.js"), "vendor/chart.umd.js");
  EXPECT_FALSE(ConsoleRelativePath(".."));
  EXPECT_FALSE(ConsoleRelativePath("../etc/passwd"));
  EXPECT_FALSE(ConsoleRelativePath("vendor/../../x.js"));
  EXPECT_FALSE(ConsoleRelativePath("/etc/passwd"));
  EXPECT_FALSE(ConsoleRelativePath("vendor//x.js"));
  EXPECT_FALSE(ConsoleRelativePath("vendor/"));
  EXPECT_FALSE(ConsoleRelativePath(".env"));
  EXPECT_FALSE(ConsoleRelativePath("a\\..\\b.js"));
  EXPECT_FALSE(ConsoleRelativePath(std::string("a\0.js", 5)));
  EXPECT_FALSE(ConsoleRelativePath("a/b/c/d/e/f/g/h/i.js"));
  EXPECT_FALSE(ConsoleRelativePath(std::string(101, 'a') + ".js"));
}

TEST(ConsoleFilesTest, OnlyKnownFileKindsHaveAContentType) {
  EXPECT_EQ(ConsoleContentType("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(ConsoleContentType("vendor/chart.umd.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(ConsoleContentType("style.css"), "text/css; charset=utf-8");
  EXPECT_EQ(ConsoleContentType("logo.svg"), "image/svg+xml");
  EXPECT_FALSE(ConsoleContentType("README"));
  EXPECT_FALSE(ConsoleContentType("build.sh"));
  EXPECT_FALSE(ConsoleContentType("v1.2/README"));
}

TEST(ConsoleFilesTest, ThePolicyAllowsOnlyTheGatewaysOwnOrigin) {
  const std::string& policy = ConsoleContentSecurityPolicy();
  EXPECT_NE(policy.find("default-src 'none'"), std::string::npos);
  EXPECT_NE(policy.find("script-src 'self'"), std::string::npos);
  EXPECT_NE(policy.find("connect-src 'self'"), std::string::npos);
  EXPECT_NE(policy.find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(policy.find("unsafe"), std::string::npos);
}

}  // namespace
}  // namespace clienttier::gateway
