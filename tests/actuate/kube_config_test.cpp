// The Kubernetes client's configuration against the fake API server over real TLS: kubeconfig
// variants (CA file or data, token, token file, client certificate file or data, contexts),
// in-cluster configuration with token rotation, and verification failing on a wrong CA.
#include <gtest/gtest.h>

#include <thread>

#include "actuate/kube/kube_client.h"
#include "actuate/kube/kube_config.h"
#include "support/fake_apiserver.h"
#include "support/scratch_dir.h"

namespace userscale::actuate::kube {
namespace {

using testing::FakeApiServer;
using testing::KubeconfigAuth;

int get_status(const KubeConfig& c, const std::string& path = "/api/v1/namespaces/default/pods") {
  auto client = KubeClient::create(c);
  EXPECT_TRUE(client.ok()) << (client.ok() ? "" : client.error().to_string());
  if (!client.ok()) return -1;
  auto r = (*client)->call("GET", path);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().to_string());
  return r.ok() ? r->status : -1;
}

TEST(KubeConfig, Base64DecodesAndRejectsGarbage) {
  EXPECT_EQ(base64_decode("aGVsbG8gd29ybGQ=").value(), "hello world");
  EXPECT_EQ(base64_decode("aGk=\n").value(), "hi");
  EXPECT_FALSE(base64_decode("a*b").has_value());
}

TEST(KubeConfig, ServerUrlForms) {
  KubeConfig c;
  ASSERT_TRUE(set_server(c, "https://10.0.0.1:6443", "server").ok());
  EXPECT_EQ(c.host, "10.0.0.1");
  EXPECT_EQ(c.port, "6443");
  ASSERT_TRUE(set_server(c, "https://api.example.com/prefix/", "server").ok());
  EXPECT_EQ(c.port, "443");
  EXPECT_EQ(c.base_path, "/prefix");
  ASSERT_TRUE(set_server(c, "https://[fd00::1]:443", "server").ok());
  EXPECT_EQ(c.host, "fd00::1");
  auto bad = set_server(c, "ftp://x", "clusters[a].server");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().path, "clusters[a].server");
}

TEST(KubeConfig, TokenAndCaFile) {
  FakeApiServer server;
  testing::ScratchDir dir;
  auto c = load_kubeconfig(server.write_kubeconfig(dir.file("config")));
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  EXPECT_EQ(c->namespace_name, "default");
  EXPECT_EQ(c->token, "test-token");
  EXPECT_EQ(get_status(*c), 200);
}

TEST(KubeConfig, InlineDataAndClientCertificate) {
  FakeApiServer server;
  testing::ScratchDir dir;
  for (bool inline_data : {false, true}) {
    auto c = load_kubeconfig(
        server.write_kubeconfig(dir.file("config"), KubeconfigAuth::ClientCert, inline_data));
    ASSERT_TRUE(c.ok()) << c.error().to_string();
    EXPECT_TRUE(c->token.empty());
    EXPECT_NE(c->tls.client_cert_pem.find("BEGIN CERTIFICATE"), std::string::npos);
    EXPECT_EQ(get_status(*c), 200) << "inline " << inline_data;
  }
}

TEST(KubeConfig, WithoutCredentialsTheServerSays401) {
  FakeApiServer server;
  testing::ScratchDir dir;
  auto c = load_kubeconfig(server.write_kubeconfig(dir.file("config")));
  ASSERT_TRUE(c.ok());
  c->token = "wrong";
  EXPECT_EQ(get_status(*c), 401);
}

TEST(KubeConfig, WrongCaFailsVerification) {
  FakeApiServer server;
  testing::ScratchDir dir;
  auto c = load_kubeconfig(server.write_kubeconfig(dir.file("config")));
  ASSERT_TRUE(c.ok());
  c->tls.ca_pem = testing::read_text(server.certs().other_ca_crt);
  auto client = KubeClient::create(*c);
  ASSERT_TRUE(client.ok());
  auto r = (*client)->call("GET", "/api/v1/namespaces/default/pods");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().path, "tls");
  EXPECT_NE(r.error().message.find("certificate verify failed"), std::string::npos)
      << r.error().message;
  EXPECT_EQ(server.request_count(), 0u);
}

TEST(KubeConfig, ContextsAndErrorsNameTheField) {
  testing::ScratchDir dir;
  FakeApiServer server;
  const std::string file = server.write_kubeconfig(dir.file("config"));
  auto other = load_kubeconfig(file, "other");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().path, "contexts[other].cluster");
  auto missing = load_kubeconfig(file, "nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().path, "contexts");
  testing::write_text(dir.file("bad"),
                      "current-context: a\ncontexts:\n- name: a\n  context: {cluster: c}\n"
                      "clusters:\n- name: c\n  cluster:\n    server: https://h\n"
                      "    certificate-authority-data: '!!!'\n");
  auto bad = load_kubeconfig(dir.file("bad"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().path, "clusters[c].certificate-authority-data");
  EXPECT_FALSE(load_kubeconfig(dir.file("absent")).ok());
}

// insecure-skip-tls-verify works (no CA at all, the server's certificate is not checked) and
// leaves a warning naming the field; a verified cluster leaves none.
TEST(KubeConfig, InsecureSkipTlsVerifyWarns) {
  testing::ScratchDir dir;
  FakeApiServer server;
  auto verified = load_kubeconfig(server.write_kubeconfig(dir.file("config")));
  ASSERT_TRUE(verified.ok()) << verified.error().to_string();
  EXPECT_TRUE(verified->warnings.empty());
  testing::write_text(dir.file("insecure"),
                      "current-context: a\ncontexts:\n- name: a\n  context: {cluster: c, user: u}\n"
                      "clusters:\n- name: c\n  cluster:\n    server: " +
                          server.url() +
                          "\n    insecure-skip-tls-verify: true\n"
                          "users:\n- name: u\n  user: {token: test-token}\n");
  auto insecure = load_kubeconfig(dir.file("insecure"));
  ASSERT_TRUE(insecure.ok()) << insecure.error().to_string();
  ASSERT_EQ(insecure->warnings.size(), 1u);
  EXPECT_NE(insecure->warnings[0].find("clusters[c].insecure-skip-tls-verify"), std::string::npos)
      << insecure->warnings[0];
  EXPECT_NE(insecure->warnings[0].find("not verified"), std::string::npos);
  EXPECT_EQ(get_status(*insecure), 200);
}

TEST(KubeConfig, InClusterReadsTheServiceAccountAndFollowsTokenRotation) {
  FakeApiServer server;
  testing::ScratchDir sa;
  testing::write_text(sa.file("token"), "test-token\n");
  testing::write_text(sa.file("ca.crt"), testing::read_text(server.certs().ca_crt));
  testing::write_text(sa.file("namespace"), "gpu\n");
  const std::string port = std::to_string(server.port());
  auto env = [&](const std::string& name) -> std::optional<std::string> {
    if (name == "KUBERNETES_SERVICE_HOST") return "127.0.0.1";
    if (name == "KUBERNETES_SERVICE_PORT") return port;
    return std::nullopt;
  };
  auto c = in_cluster_config(sa.str(), env);
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  EXPECT_EQ(c->namespace_name, "gpu");
  auto client = KubeClient::create(*c);
  ASSERT_TRUE(client.ok());
  auto first = (*client)->call("GET", "/api/v1/namespaces/gpu/pods");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->status, 200);

  // The kubelet rotates the projected token: the server accepts only the new one.
  server.set_token("rotated-token-with-another-length");
  testing::write_text(sa.file("token"), "rotated-token-with-another-length\n");
  auto second = (*client)->call("GET", "/api/v1/namespaces/gpu/pods");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->status, 200);

  auto outside = in_cluster_config(sa.str(), [](const std::string&) { return std::nullopt; });
  ASSERT_FALSE(outside.ok());
  EXPECT_EQ(outside.error().path, "in-cluster");
}

}  // namespace
}  // namespace userscale::actuate::kube
