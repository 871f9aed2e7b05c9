// Certificates for the fake API server, made at test time with the `openssl` CLI: a CA, the
// server's certificate (SAN IP:127.0.0.1 and localhost), a client certificate (CN admin,
// O system:masters) signed by the same CA, and an unrelated second CA for "wrong CA" tests.
// Also writes kubeconfig files pointing at a server, in the variants clients meet.
#pragma once

#include <string>

namespace userscale::testing {

struct TestCerts {
  std::string dir;
  std::string ca_crt, ca_key;
  std::string server_crt, server_key;
  std::string client_crt, client_key;
  std::string other_ca_crt;  // signs nothing the server shows
};

// Creates the files in `dir` (which exists). Throws on failure: a test cannot go on without.
TestCerts make_test_certs(const std::string& dir);

std::string read_text(const std::string& path);
void write_text(const std::string& path, const std::string& text);
std::string base64(const std::string& bytes);

enum class KubeconfigAuth { Token, TokenFile, ClientCert };

struct KubeconfigSpec {
  std::string server;  // https://127.0.0.1:PORT
  std::string ca_file;
  bool inline_data = false;  // *-data fields (base64) instead of file paths
  KubeconfigAuth auth = KubeconfigAuth::Token;
  std::string token;
  std::string token_file;
  std::string client_crt, client_key;
  std::string namespace_name = "default";
};
std::string kubeconfig_yaml(const KubeconfigSpec& s);

}  // namespace userscale::testing
