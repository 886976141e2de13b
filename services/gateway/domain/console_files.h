#pragma once

#include <optional>
#include <string>

namespace clienttier::gateway {

// The console's static files: which request paths map to which file, and what they are served
// as. Pure: the HTTP server reads the file.

// The file under the console directory for the part of the URL after "/console/" (already
// percent-decoded), or nullopt when it could leave the directory or name a hidden file: each
// segment must be 1..100 characters of [A-Za-z0-9._-] not starting with '.', at most 8 segments.
// The empty tail is "index.html".
std::optional<std::string> ConsoleRelativePath(const std::string& url_tail);

// The Content-Type of a console file by its extension (html, js, css, json, svg, png, ico, map,
// txt, woff2); nullopt for any other, which the console never serves.
std::optional<std::string> ConsoleContentType(const std::string& relative_path);

// The Content-Security-Policy of every console response: scripts, styles, images and API calls
// from the gateway's own origin only; no inline script, no framing, no plug-ins.
const std::string& ConsoleContentSecurityPolicy();

}  // namespace clienttier::gateway
