// Targets on real sockets: a TCP server or client that is already running (tcp:HOST:PORT),
// and one that shakedown starts itself (exec:COMMAND). Every wait ends at a deadline, and a
// target process that dies is reported with how it ended and the end of its stderr.
#ifndef SHAKEDOWN_HARNESS_RUNNER_NET_TARGET_H_
#define SHAKEDOWN_HARNESS_RUNNER_NET_TARGET_H_

#include <memory>
#include <string>

#include "engine/base/status.h"
#include "harness/runner/target.h"

namespace shakedown {

// Server targets: connects to host:port per connection. Client targets: listens on `port`
// (created on the first client vector) and accepts the client's connection.
std::unique_ptr<Target> MakeTcpTarget(const std::string& host, uint16_t port,
                                      const TargetResources& resources);

// Server targets: starts `command` on a free port, waits until it listens, and reuses it
// while it lives (restarting it after it died or hung). Client targets: listens on a free
// port and starts `command` per connection. The process is killed when the target is
// destroyed.
std::unique_ptr<Target> MakeExecTarget(const std::string& command,
                                       const TargetResources& resources);

// The last `lines` lines of `text` (for "target died" messages).
std::string LastLines(const std::string& text, size_t lines);

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_RUNNER_NET_TARGET_H_
