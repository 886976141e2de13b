#include "services/gateway/domain/console_files.h"

#include <cctype>
#include <map>

namespace clienttier::gateway {

namespace {

constexpr size_t kMaxSegments = 8;
constexpr size_t kMaxSegmentLength = 100;

bool IsSafeSegment(const std::string& segment) {
  if (segment.empty() || segment.size() > kMaxSegmentLength || segment[0] == '.') {
    return false;  // empty (a "//"), "..", "." and hidden files alike
  }
  for (char c : segment) {
    const bool allowed =
        std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-';
    if (!allowed) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<std::string> ConsoleRelativePath(const std::string& url_tail) {
  if (url_tail.empty()) {
    return std::string("index.html");
  }
  size_t segments = 0;
  size_t start = 0;
  while (start <= url_tail.size()) {
    const size_t slash = url_tail.find('/', start);
    const size_t end = slash == std::string::npos ? url_tail.size() : slash;
    if (!IsSafeSegment(url_tail.substr(start, end - start)) || ++segments > kMaxSegments) {
      return std::nullopt;
    }
    if (slash == std::string::npos) {
      break;
    }
    start = slash + 1;
  }
  return url_tail;
}

std::optional<std::string> ConsoleContentType(const std::string& relative_path) {
  static const std::map<std::string, std::string> kTypes = {
      {"html", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"ico", "image/x-icon"},
      {"txt", "text/plain; charset=utf-8"},
      {"woff2", "font/woff2"}};
  const size_t dot = relative_path.rfind('.');
  if (dot == std::string::npos || relative_path.find('/', dot) != std::string::npos) {
    return std::nullopt;
  }
  const auto found = kTypes.find(relative_path.substr(dot + 1));
  if (found == kTypes.end()) {
    return std::nullopt;
  }
  return found->second;
}

const std::string& ConsoleContentSecurityPolicy() {
  // Chart.js draws on canvas and sets element styles through the CSSOM, which style-src does
  // not restrict, so no 'unsafe-inline' is needed anywhere.
  static const std::string kPolicy =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; "
      "frame-ancestors 'none'";
  return kPolicy;
}

}  // namespace clienttier::gateway
