#include "actuate/kube/kube_config.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace userscale::actuate::kube {
namespace {

std::optional<std::string> read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Finds the entry named `name` in a list of {name, KEY: {...}} (clusters, users, contexts).
std::optional<YAML::Node> named(const YAML::Node& list, const std::string& name, const char* key) {
  if (!list || !list.IsSequence()) return std::nullopt;
  for (const auto& entry : list) {
    if (entry["name"] && entry["name"].IsScalar() && entry["name"].as<std::string>() == name &&
        entry[key] && entry[key].IsMap()) {
      return entry[key];
    }
  }
  return std::nullopt;
}

std::string text(const YAML::Node& n, const char* key) {
  return n && n[key] && n[key].IsScalar() ? n[key].as<std::string>() : std::string();
}

// A PEM from FIELD-data (base64) or FIELD (a file path, relative to the kubeconfig).
Result<std::string> pem(const YAML::Node& n, const std::string& field, const std::string& path,
                        const std::filesystem::path& dir) {
  if (const std::string data = text(n, (field + "-data").c_str()); !data.empty()) {
    auto decoded = base64_decode(data);
    if (!decoded) return Error{path + "." + field + "-data", "not valid base64"};
    return *decoded;
  }
  if (std::string file = text(n, field.c_str()); !file.empty()) {
    std::filesystem::path p(file);
    if (p.is_relative()) p = dir / p;
    auto content = read_file(p);
    if (!content) return Error{path + "." + field, "cannot read " + p.string()};
    return *content;
  }
  return std::string();
}

}  // namespace

std::optional<std::string> base64_decode(std::string_view in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  unsigned acc = 0;
  int bits = 0;
  bool padding = false;
  for (char c : in) {
    if (c == '\n' || c == '\r' || c == ' ') continue;
    if (c == '=') {
      padding = true;
      continue;
    }
    const int v = value(c);
    if (v < 0 || padding) return std::nullopt;
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

Status set_server(KubeConfig& c, const std::string& server, const std::string& field) {
  std::string_view rest = server;
  if (rest.starts_with("https://")) {
    c.scheme = "https";
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    c.scheme = "http";
    rest.remove_prefix(7);
  } else {
    return Error{field, "expected https://HOST[:PORT], got \"" + server + "\""};
  }
  const std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  c.base_path = slash == std::string_view::npos ? "" : std::string(rest.substr(slash));
  while (!c.base_path.empty() && c.base_path.back() == '/') c.base_path.pop_back();
  if (!authority.empty() && authority.front() == '[') {  // [IPv6]:port
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return Error{field, "unclosed [ in \"" + server + "\""};
    c.host = std::string(authority.substr(1, close - 1));
    authority.remove_prefix(close + 1);
    c.port = authority.starts_with(":") ? std::string(authority.substr(1)) : "";
  } else {
    const std::size_t colon = authority.rfind(':');
    c.host = std::string(authority.substr(0, colon));
    c.port = colon == std::string_view::npos ? "" : std::string(authority.substr(colon + 1));
  }
  if (c.port.empty()) c.port = c.scheme == "https" ? "443" : "80";
  if (c.host.empty()) return Error{field, "no host in \"" + server + "\""};
  for (char ch : c.port) {
    if (ch < '0' || ch > '9') return Error{field, "port \"" + c.port + "\" is not a number"};
  }
  return ok_status();
}

Result<KubeConfig> load_kubeconfig(const std::filesystem::path& file, const std::string& context) {
  auto content = read_file(file);
  if (!content) return Error{file.string(), "cannot read the kubeconfig"};
  YAML::Node root;
  try {
    root = YAML::Load(*content);
  } catch (const YAML::Exception& e) {
    return Error{file.string(), std::string("not YAML: ") + e.what()};
  }
  if (!root.IsMap()) return Error{file.string(), "a kubeconfig is a mapping"};
  const std::string ctx_name = context.empty() ? text(root, "current-context") : context;
  if (ctx_name.empty()) return Error{"current-context", "not set and no --context given"};
  const auto found_ctx = named(root["contexts"], ctx_name, "context");
  if (!found_ctx) return Error{"contexts", "no context named \"" + ctx_name + "\""};
  const YAML::Node ctx = *found_ctx;
  const std::string cluster_name = text(ctx, "cluster");
  const auto found_cluster = named(root["clusters"], cluster_name, "cluster");
  if (!found_cluster) {
    return Error{"contexts[" + ctx_name + "].cluster", "no cluster \"" + cluster_name + "\""};
  }
  const YAML::Node cluster = *found_cluster;
  const std::string user_name = text(ctx, "user");
  const auto found_user = named(root["users"], user_name, "user");
  if (!user_name.empty() && !found_user) {
    return Error{"contexts[" + ctx_name + "].user", "no user \"" + user_name + "\""};
  }
  const std::filesystem::path dir = file.parent_path();
  KubeConfig c;
  c.source = "kubeconfig " + file.string() + " (context " + ctx_name + ")";
  c.namespace_name = text(ctx, "namespace");
  const std::string cpath = "clusters[" + cluster_name + "]";
  const std::string server = text(cluster, "server");
  if (server.empty()) return Error{cpath + ".server", "missing"};
  if (auto st = set_server(c, server, cpath + ".server"); !st.ok()) return st.error();
  c.tls.insecure_skip_verify = text(cluster, "insecure-skip-tls-verify") == "true";
  if (c.tls.insecure_skip_verify) {
    // kubectl accepts this silently; a controller that PATCHes workloads should not.
    c.warnings.push_back(cpath +
                         ".insecure-skip-tls-verify is true: the API server's certificate is "
                         "not verified, so anyone on the path can impersonate it");
  }
  auto ca = pem(cluster, "certificate-authority", cpath, dir);
  if (!ca.ok()) return ca.error();
  c.tls.ca_pem = *ca;
  if (found_user) {
    const YAML::Node user = *found_user;
    const std::string upath = "users[" + user_name + "]";
    auto cert = pem(user, "client-certificate", upath, dir);
    if (!cert.ok()) return cert.error();
    auto key = pem(user, "client-key", upath, dir);
    if (!key.ok()) return key.error();
    c.tls.client_cert_pem = *cert;
    c.tls.client_key_pem = *key;
    c.token = text(user, "token");
    if (std::string tf = text(user, "tokenFile"); !tf.empty()) {
      c.token_file = std::filesystem::path(tf).is_relative() ? dir / tf : std::filesystem::path(tf);
    }
    if (user["exec"] || user["auth-provider"]) {
      return Error{upath,
                   "exec and auth-provider credentials are not supported; use a token, "
                   "a token file or a client certificate"};
    }
  }
  return c;
}

Result<KubeConfig> in_cluster_config(const std::filesystem::path& sa, const Getenv& getenv) {
  const auto host = getenv("KUBERNETES_SERVICE_HOST");
  const auto port = getenv("KUBERNETES_SERVICE_PORT");
  if (!host || host->empty() || !port || port->empty()) {
    return Error{"in-cluster",
                 "KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set (not in a pod?)"};
  }
  KubeConfig c;
  c.source = "in-cluster";
  const bool v6 = host->find(':') != std::string::npos;
  if (auto st = set_server(c, "https://" + (v6 ? "[" + *host + "]" : *host) + ":" + *port,
                           "KUBERNETES_SERVICE_HOST");
      !st.ok()) {
    return st.error();
  }
  c.token_file = sa / "token";
  if (!read_file(c.token_file)) return Error{c.token_file.string(), "cannot read the token"};
  auto ca = read_file(sa / "ca.crt");
  if (!ca) return Error{(sa / "ca.crt").string(), "cannot read the CA"};
  c.tls.ca_pem = *ca;
  if (auto ns = read_file(sa / "namespace")) {
    c.namespace_name = *ns;
    while (!c.namespace_name.empty() &&
           std::isspace(static_cast<unsigned char>(c.namespace_name.back())))
      c.namespace_name.pop_back();
  }
  return c;
}

Result<KubeConfig> in_cluster_config() {
  return in_cluster_config(kServiceAccountDir, [](const std::string& name) {
    const char* v = std::getenv(name.c_str());
    return v ? std::optional<std::string>(v) : std::nullopt;
  });
}

}  // namespace userscale::actuate::kube
