// Where a conformance vector lives follows from its id, so that a vector named in a report,
// docs/COVERAGE.md or a bug is found without a search: the vector with id
// `<role>.<topic>.<what>` is the file `vectors/conformance/<topic>/<role>-<what>.json`, with the
// dots of <what> written as dashes (id "server.order.full-rsa.after-server-hello.finished" is
// order/server-full-rsa-after-server-hello-finished.json), and <role> is the target's role.
//
// Regressions (fuzz findings written by `shakedown export`) follow the same idea under
// vectors/regressions/: the vector with id `regressions.<role>.<what>` is the file
// `vectors/regressions/<role>/<what>.json`, dots of <what> written as dashes.
#ifndef SHAKEDOWN_TOOLS_COVERAGE_VECTOR_PATHS_H_
#define SHAKEDOWN_TOOLS_COVERAGE_VECTOR_PATHS_H_

#include <string>
#include <string_view>

#include "engine/base/side.h"
#include "engine/base/status.h"
#include "harness/scenario/scenario.h"

namespace shakedown {

// The file name (without directories) that the id calls for: "server-full-rsa.json" for
// "server.handshake.full-rsa". Empty when the id has fewer than three dot-separated parts.
std::string VectorFileNameForId(std::string_view id);

// The path under vectors/regressions/ that a regression id calls for: "server/foo-bar.json" for
// "regressions.server.foo.bar". Empty when the id is not `regressions.<role>.<what>`.
std::string RegressionFileForId(std::string_view id);

// Checks that `id` is a regression id for a target in `role`: `regressions.<role>.<what>`.
// The error names the id and the form it must have.
Status CheckRegressionId(std::string_view id, Side role);

// Checks that `file` (a path ending in "<topic>/<name>.json", or in
// "regressions/<role>/<name>.json") is where the scenario's id puts it. The error names the
// file, the id and the path the id calls for.
Status CheckVectorPath(const std::string& file, const Scenario& scenario);

}  // namespace shakedown

#endif  // SHAKEDOWN_TOOLS_COVERAGE_VECTOR_PATHS_H_
