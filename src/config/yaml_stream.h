// A guard for YAML::LoadAll. The yaml-cpp of Debian bookworm (0.7) never returns from LoadAll on
// some malformed streams — a lone "," is enough: the parser yields empty documents forever and
// allocates for each (jbeder/yaml-cpp#1040, fixed upstream by #1319 after 0.7). Found by
// tests/fuzz/gpu_autoscaler: `userscale validate` on such a file hung until memory ran out.
#pragma once

#include <string_view>

namespace userscale::config {

// False when the stream yields more documents than it has bytes: a parser that makes progress
// consumes at least one byte per document, so that stream is the endless case. True otherwise,
// including for a syntax error (LoadAll then throws it as usual). Walks the events without
// building nodes, so the check holds no memory.
bool yaml_documents_end(std::string_view text);

}  // namespace userscale::config
