#include "support/fake_apiserver_certs.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace userscale::testing {

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

std::string base64(const std::string& in) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned acc = 0;
  int bits = 0;
  for (unsigned char c : in) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(k[(acc >> bits) & 63]);
    }
  }
  if (bits > 0) out.push_back(k[(acc << (6 - bits)) & 63]);
  while (out.size() % 4) out.push_back('=');
  return out;
}

TestCerts make_test_certs(const std::string& dir) {
  TestCerts c;
  c.dir = dir;
  c.ca_crt = dir + "/ca.crt";
  c.ca_key = dir + "/ca.key";
  c.server_crt = dir + "/server.crt";
  c.server_key = dir + "/server.key";
  c.client_crt = dir + "/client.crt";
  c.client_key = dir + "/client.key";
  c.other_ca_crt = dir + "/other-ca.crt";
  write_text(dir + "/server.ext", "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  write_text(dir + "/client.ext", "extendedKeyUsage=clientAuth\n");
  const std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes ";
  const std::string script =
      "set -e; cd '" + dir + "'; exec 2>openssl.log\n" +  //
      "openssl req -x509" + ec + "-keyout ca.key -out ca.crt -days 2 -subj /CN=fake-ca\n" +
      "openssl req -x509" + ec +
      "-keyout other-ca.key -out other-ca.crt -days 2 -subj /CN=other\n" + "openssl req" + ec +
      "-keyout server.key -out server.csr -subj /CN=fake-apiserver\n" +
      "openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt "
      "-days 2 -extfile server.ext\n" +
      "openssl req" + ec + "-keyout client.key -out client.csr -subj /O=system:masters/CN=admin\n" +
      "openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out client.crt "
      "-days 2 -extfile client.ext\n";
  write_text(dir + "/make-certs.sh", script);
  if (std::system(("sh '" + dir + "/make-certs.sh'").c_str()) != 0) {
    throw std::runtime_error("openssl failed: " + read_text(dir + "/openssl.log"));
  }
  return c;
}

std::string kubeconfig_yaml(const KubeconfigSpec& s) {
  std::ostringstream y;
  y << "apiVersion: v1\nkind: Config\ncurrent-context: fake\n"
    << "preferences: {}\n"
    << "clusters:\n- name: fake-cluster\n  cluster:\n    server: " << s.server << "\n";
  if (s.inline_data) {
    y << "    certificate-authority-data: " << base64(read_text(s.ca_file)) << "\n";
  } else {
    y << "    certificate-authority: " << s.ca_file << "\n";
  }
  y << "contexts:\n- name: other\n  context:\n    cluster: nowhere\n    user: nobody\n"
    << "- name: fake\n  context:\n    cluster: fake-cluster\n    user: fake-user\n"
    << "    namespace: " << s.namespace_name << "\n"
    << "users:\n- name: fake-user\n  user:\n";
  switch (s.auth) {
    case KubeconfigAuth::Token:
      y << "    token: " << s.token << "\n";
      break;
    case KubeconfigAuth::TokenFile:
      y << "    tokenFile: " << s.token_file << "\n";
      break;
    case KubeconfigAuth::ClientCert:
      if (s.inline_data) {
        y << "    client-certificate-data: " << base64(read_text(s.client_crt)) << "\n"
          << "    client-key-data: " << base64(read_text(s.client_key)) << "\n";
      } else {
        y << "    client-certificate: " << s.client_crt << "\n"
          << "    client-key: " << s.client_key << "\n";
      }
      break;
  }
  return y.str();
}

}  // namespace userscale::testing
