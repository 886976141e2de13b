#include "common/server/tls.h"

#include <stdexcept>

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

namespace clienttier {

ServerTls ReadServerTls(ConfigReader& reader) {
  ServerTls tls;
  tls.cert_pem = reader.String(
      "tls-cert", "", "PEM certificate of the gRPC port (use tls-cert-file); empty: plaintext");
  tls.key_pem = reader.String("tls-key", "", "PEM private key of tls-cert (use tls-key-file)");
  tls.client_ca_pem =
      reader.String("tls-ca", "",
                    "PEM CA: clients must present a certificate it signed (mutual TLS), and "
                    "calls to other services verify theirs against it");
  if (tls.cert_pem.empty() != tls.key_pem.empty()) {
    throw std::invalid_argument("--tls-cert and --tls-key: give both or neither");
  }
  return tls;
}

ClientTls ReadClientTls(ConfigReader& reader, const std::string& ca_pem) {
  ClientTls tls;
  tls.ca_pem = ca_pem;
  tls.cert_pem = reader.String("tls-client-cert", "",
                               "PEM certificate presented to other services (mutual TLS)");
  tls.key_pem = reader.String("tls-client-key", "", "PEM private key of tls-client-cert");
  if (tls.cert_pem.empty() != tls.key_pem.empty()) {
    throw std::invalid_argument("--tls-client-cert and --tls-client-key: give both or neither");
  }
  return tls;
}

std::shared_ptr<grpc::ServerCredentials> MakeServerCredentials(const ServerTls& tls) {
  if (!tls.enabled()) {
    return grpc::InsecureServerCredentials();
  }
  // The CA without a certificate of our own configures only outgoing calls (ReadClientTls).
  grpc::SslServerCredentialsOptions options(
      tls.client_ca_pem.empty() ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
                                : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  options.pem_root_certs = tls.client_ca_pem;
  options.pem_key_cert_pairs.push_back({tls.key_pem, tls.cert_pem});
  return grpc::SslServerCredentials(options);
}

std::shared_ptr<grpc::Channel> MakeServiceChannel(const std::string& target, const ClientTls& tls) {
  grpc::ChannelArguments arguments;
  arguments.SetLoadBalancingPolicyName("round_robin");
  arguments.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 30000);
  if (!tls.enabled()) {
    return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), arguments);
  }
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = tls.ca_pem;
  options.pem_private_key = tls.key_pem;
  options.pem_cert_chain = tls.cert_pem;
  return grpc::CreateCustomChannel(target, grpc::SslCredentials(options), arguments);
}

}  // namespace clienttier
