// Where a conformance vector lives follows from its id, so that a vector named in a report,
// docs/COVERAGE.md or a bug is found without a search: the vector with id
// `<role>.<topic>.<what>` is the file `vectors/conformance/<topic>/<role>-<what>.json`, with the
// dots of <what> written as dashes (id "server.order.full-rsa.after-server-hello.finished" is
// order/server-full-rsa-after-server-hello-finished.json), and <role> is the target's role.
#ifndef SHAKEDOWN_TOOLS_COVERAGE_VECTOR_PATHS_H_
#define SHAKEDOWN_TOOLS_COVERAGE_VECTOR_PATHS_H_

#include <string>
#include <string_view>

#include "engine/base/status.h"
#include "harness/scenario/scenario.h"

namespace shakedown {

// The file name (without directories) that the id calls for: "server-full-rsa.json" for
// "server.handshake.full-rsa". Empty when the id has fewer than three dot-separated parts.
std::string VectorFileNameForId(std::string_view id);

// Checks that `file` (a path ending in "<topic>/<name>.json") is where the scenario's id puts
// it. The error names the file, the id and the path the id calls for.
Status CheckVectorPath(const std::string& file, const Scenario& scenario);

}  // namespace shakedown

#endif  // SHAKEDOWN_TOOLS_COVERAGE_VECTOR_PATHS_H_
