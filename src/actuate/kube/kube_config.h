// Where the API server is and how to prove who we are: from a kubeconfig file (the current
// context or a named one; cluster server, certificate-authority file or -data, client
// certificate and key file or -data, token or tokenFile, insecure-skip-tls-verify) or from
// inside a pod (KUBERNETES_SERVICE_HOST/PORT and the service account folder: token, ca.crt,
// namespace). Errors name the kubeconfig field path.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "actuate/kube/http_connection.h"
#include "core/result.h"

namespace userscale::actuate::kube {

inline constexpr const char* kServiceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount";

struct KubeConfig {
  std::string scheme = "https";
  std::string host;
  std::string port;
  std::string base_path;  // a server URL's path ("" or "/prefix"), put before every API path
  TlsSettings tls;
  std::string token;                 // a fixed bearer token
  std::filesystem::path token_file;  // re-read when it changes (service account rotation)
  std::string namespace_name;        // the context's (or the pod's) namespace; may be empty
  std::string source;                // "kubeconfig FILE (context C)" or "in-cluster", for logs
  // Settings that work but weaken security (insecure-skip-tls-verify), one line each naming
  // the field; the caller logs them (loading stays free of output).
  std::vector<std::string> warnings;
};

// Decodes standard base64 (the *-data fields); nullopt when it is not base64.
std::optional<std::string> base64_decode(std::string_view text);

// `context` empty: the file's current-context. Relative file paths are relative to the file.
Result<KubeConfig> load_kubeconfig(const std::filesystem::path& file,
                                   const std::string& context = "");

// The environment is read through `getenv` so that tests can give their own.
using Getenv = std::function<std::optional<std::string>(const std::string&)>;
Result<KubeConfig> in_cluster_config(const std::filesystem::path& service_account_dir,
                                     const Getenv& getenv);
Result<KubeConfig> in_cluster_config();  // the real environment and kServiceAccountDir

// "https://host:port/path" into the config's scheme, host, port and base path.
Status set_server(KubeConfig& c, const std::string& server, const std::string& field);

}  // namespace userscale::actuate::kube
