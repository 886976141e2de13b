// The gRPC port's TLS and mutual TLS from PEM files, and the plaintext health-only port the
// kubelet probes, on a real server on loopback with certificates made by openssl.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "common/config/config_reader.h"
#include "common/observability/metrics.h"
#include "common/server/server_host.h"
#include "common/server/tls.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/support/test_env.h"

namespace clienttier {
namespace {

namespace hv1 = ::grpc::health::v1;

std::string ReadFile(const std::string& path) {
  std::ifstream file(path);
  std::stringstream content;
  content << file.rdbuf();
  return content.str();
}

// A CA, a server certificate for localhost and a client certificate, in a temporary folder.
class Certificates {
 public:
  Certificates() {
    char pattern[] = "/tmp/ct-tls-XXXXXX";
    dir_ = mkdtemp(pattern);
    const std::string script =
        "(cd " + dir_ +
        " && printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > server.ext"
        " && printf 'extendedKeyUsage=clientAuth\\n' > client.ext"
        " && openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=ct-test-ca"
        "    -keyout ca.key -out ca.crt"
        " && openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=ct-other-ca"
        "    -keyout other-ca.key -out other-ca.crt"
        " && for who in server client; do"
        "      openssl req -newkey rsa:2048 -nodes -subj /CN=$who -keyout $who.key -out $who.csr"
        "      && openssl x509 -req -in $who.csr -CA ca.crt -CAkey ca.key -CAcreateserial"
        "         -days 2 -extfile $who.ext -out $who.crt || exit 1; done)"
        " >/dev/null 2>&1";
    ok_ = std::system(script.c_str()) == 0;
  }
  ~Certificates() { std::system(("rm -rf " + dir_).c_str()); }
  bool ok() const { return ok_; }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }
  std::string Pem(const std::string& name) const { return ReadFile(Path(name)); }

 private:
  std::string dir_;
  bool ok_ = false;
};

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(certificates_.ok()) << "openssl could not make the test certificates";
    keys_file_ = testing::WriteApiKeysFile("");
  }
  void TearDown() override {
    if (host_) {
      host_->Shutdown();
    }
    std::remove(keys_file_.c_str());
  }

  // A server configured the way main() reads it: PEM from the *-file settings.
  void StartServer(bool mutual, int drain_ms = 0) {
    std::vector<std::string> args{"--api-keys-file=" + keys_file_,
                                  "--grpc-address=127.0.0.1:0",
                                  "--metrics-host=127.0.0.1",
                                  "--metrics-port=0",
                                  "--health-address=127.0.0.1:0",
                                  "--drain-ms=" + std::to_string(drain_ms),
                                  "--tls-cert-file=" + certificates_.Path("server.crt"),
                                  "--tls-key-file=" + certificates_.Path("server.key")};
    if (mutual) {
      args.push_back("--tls-ca-file=" + certificates_.Path("ca.crt"));
    }
    ConfigReader reader(args, {});
    ServerConfig config = ReadServerConfig(reader, 0, 0);
    reader.Finish();
    host_ = std::make_unique<ServerHost>(config, metrics_);
    port_ = host_->Start();
  }

  static grpc::Status Check(const std::shared_ptr<grpc::Channel>& channel,
                            hv1::HealthCheckResponse* response, const std::string& service = "") {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    hv1::HealthCheckRequest request;
    request.set_service(service);
    return hv1::Health::NewStub(channel)->Check(&context, request, response);
  }

  ClientTls Client(const std::string& ca, bool with_certificate) const {
    ClientTls tls;
    tls.ca_pem = certificates_.Pem(ca);
    if (with_certificate) {
      tls.cert_pem = certificates_.Pem("client.crt");
      tls.key_pem = certificates_.Pem("client.key");
    }
    return tls;
  }

  Certificates certificates_;
  std::string keys_file_;
  MetricsRegistry metrics_;
  std::unique_ptr<ServerHost> host_;
  int port_ = 0;
};

TEST_F(TlsTest, MutualTlsAdmitsOnlyClientsWithACertificateFromTheCa) {
  StartServer(true);
  // By address: a minimal machine may have no /etc/hosts; the certificate names 127.0.0.1.
  const std::string target = "127.0.0.1:" + std::to_string(port_);
  hv1::HealthCheckResponse response;
  grpc::Status status = Check(MakeServiceChannel(target, Client("ca.crt", true)), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.status(), hv1::HealthCheckResponse::SERVING);

  EXPECT_FALSE(Check(MakeServiceChannel(target, Client("ca.crt", false)), &response).ok())
      << "a client without a certificate must be refused";
  EXPECT_FALSE(Check(MakeServiceChannel(target, ClientTls{}), &response).ok())
      << "plaintext must be refused on a TLS port";
  EXPECT_FALSE(Check(MakeServiceChannel(target, Client("other-ca.crt", true)), &response).ok())
      << "a server certificate from another CA must not be trusted";
}

TEST_F(TlsTest, ServerTlsWithoutACaServesAnyVerifyingClient) {
  StartServer(false);
  // By address: a minimal machine may have no /etc/hosts; the certificate names 127.0.0.1.
  const std::string target = "127.0.0.1:" + std::to_string(port_);
  hv1::HealthCheckResponse response;
  EXPECT_TRUE(Check(MakeServiceChannel(target, Client("ca.crt", false)), &response).ok());
  EXPECT_FALSE(Check(MakeServiceChannel(target, ClientTls{}), &response).ok());
}

TEST_F(TlsTest, ThePlaintextHealthPortMirrorsTheServerAndGoesNotServingOnShutdown) {
  StartServer(true, 1500);
  ASSERT_GT(host_->health_port(), 0);
  const auto health =
      MakeServiceChannel("127.0.0.1:" + std::to_string(host_->health_port()), ClientTls{});
  hv1::HealthCheckResponse response;
  ASSERT_TRUE(Check(health, &response).ok());
  EXPECT_EQ(response.status(), hv1::HealthCheckResponse::SERVING);
  ASSERT_TRUE(Check(health, &response, kLivenessService).ok());
  EXPECT_EQ(response.status(), hv1::HealthCheckResponse::SERVING);

  // Shutdown says NOT_SERVING, then drains for 1.5 s: probes see it while it drains.
  std::thread stopping([this] { host_->Shutdown(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const grpc::Status during_drain = Check(health, &response);
  hv1::HealthCheckResponse liveness;
  const grpc::Status alive_during_drain = Check(health, &liveness, kLivenessService);
  stopping.join();
  ASSERT_TRUE(during_drain.ok()) << during_drain.error_message();
  EXPECT_EQ(response.status(), hv1::HealthCheckResponse::NOT_SERVING);
  // Draining is not dying: liveness stays SERVING, so the kubelet does not restart the pod.
  ASSERT_TRUE(alive_during_drain.ok());
  EXPECT_EQ(liveness.status(), hv1::HealthCheckResponse::SERVING);
}

TEST_F(TlsTest, ACertificateWithoutItsKeyIsAConfigurationError) {
  ConfigReader reader(
      {"--api-keys-file=" + keys_file_, "--tls-cert-file=" + certificates_.Path("server.crt")}, {});
  EXPECT_THROW(ReadServerConfig(reader, 0, 0), std::invalid_argument);
}

}  // namespace
}  // namespace clienttier
