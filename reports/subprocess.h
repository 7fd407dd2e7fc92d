// Runs a helper program (Graphviz `dot`) with bounded time: input on stdin, output from
// stdout. The report writers use it so a missing or stuck tool never stalls or fails a run.
#ifndef SHAKEDOWN_REPORTS_SUBPROCESS_H_
#define SHAKEDOWN_REPORTS_SUBPROCESS_H_

#include <string>
#include <string_view>
#include <vector>

#include "engine/base/status.h"

namespace shakedown {

// Runs argv[0] (looked up in PATH) with `input` on stdin; returns its stdout if it exits 0
// within `timeout_ms`. Otherwise (cannot start, killed after the timeout, non-zero exit,
// more than `max_output` bytes of output) an error naming the program and, for a non-zero
// exit, the start of its stderr.
Result<std::string> RunSubprocess(const std::vector<std::string>& argv, std::string_view input,
                                  int timeout_ms, size_t max_output = 256u << 20);

}  // namespace shakedown

#endif  // SHAKEDOWN_REPORTS_SUBPROCESS_H_
