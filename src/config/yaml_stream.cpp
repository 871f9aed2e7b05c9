#include "config/yaml_stream.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <sstream>
#include <string>

namespace userscale::config {
namespace {

// Receives a document's events and keeps none of them.
class DiscardEvents : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

}  // namespace

bool yaml_documents_end(std::string_view text) {
  std::istringstream in{std::string(text)};
  YAML::Parser parser(in);
  DiscardEvents events;
  std::size_t documents = 0;
  try {
    while (parser.HandleNextDocument(events)) {
      if (++documents > text.size() + 1) return false;
    }
  } catch (const YAML::Exception&) {
    return true;  // LoadAll reports the same syntax error
  }
  return true;
}

}  // namespace userscale::config
