#pragma once

#include <memory>
#include <string>

#include <grpcpp/channel.h>
#include <grpcpp/security/server_credentials.h>

#include "common/config/config_reader.h"

namespace clienttier {

// TLS of a service's gRPC port, as PEM text. Kubernetes mounts the files from a Secret and
// the settings' -file forms read them (CT_TLS_CERT_FILE=/etc/clienttier/tls/tls.crt).
struct ServerTls {
  std::string cert_pem;  // empty: plaintext (the local stack only)
  std::string key_pem;
  // When set with a certificate, clients must present one signed by it (mutual TLS); it also
  // verifies the neighbours this service calls.
  std::string client_ca_pem;
  bool enabled() const { return !cert_pem.empty(); }
};

// TLS of a service's calls to its neighbours.
struct ClientTls {
  std::string ca_pem;  // empty: plaintext
  // A certificate to present, for neighbours that require mutual TLS.
  std::string cert_pem;
  std::string key_pem;
  bool enabled() const { return !ca_pem.empty(); }
};

// tls-cert, tls-key, tls-ca. Throws std::invalid_argument for a certificate without its key
// or the reverse.
ServerTls ReadServerTls(ConfigReader& reader);
// tls-client-cert and tls-client-key, with the CA read by ReadServerTls (one tls-ca setting
// verifies both directions).
ClientTls ReadClientTls(ConfigReader& reader, const std::string& ca_pem);

std::shared_ptr<grpc::ServerCredentials> MakeServerCredentials(const ServerTls& tls);
// A channel to a neighbour: round-robin over what `target` resolves to (dns:/// on the
// headless Service gives every pod), keepalive, and TLS when configured.
std::shared_ptr<grpc::Channel> MakeServiceChannel(const std::string& target, const ClientTls& tls);

}  // namespace clienttier
