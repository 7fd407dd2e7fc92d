// The engine settings `serve` and `connect` share: suites, groups, extended master secret,
// encrypt-then-MAC, the DH group floor, renegotiation, heartbeat, record size limits and
// tickets. They are what a vector's `target` block configures, so the reference driven through
// its own CLI as an `exec:` target can be given any profile of the suite (docs/TARGETS.md).
#ifndef SHAKEDOWN_CLI_ENGINE_FLAGS_H_
#define SHAKEDOWN_CLI_ENGINE_FLAGS_H_

#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/connection/connection.h"

namespace CLI {
class App;
}

namespace shakedown {

struct EngineFlags {
  std::vector<std::string> suites;  // IANA names in preference order; empty: the defaults
  std::vector<std::string> groups;  // IANA names in preference order; empty: the defaults
  std::string ems = "enabled";      // enabled | required | disabled (RFC 7627)
  bool tickets = false;             // RFC 5077: the server issues, the client asks
  bool no_etm = false;              // RFC 7366 off
  bool sha1_signatures = false;     // also rsa_pkcs1_sha1 and ecdsa_sha1 (off: RFC 9155)
  size_t min_dh_bits = 2048;        // client: the smallest server-chosen DH group accepted
  std::string renegotiation = "refuse";  // refuse | accept | initiate (RFC 5746)
  // off | peer_allowed_to_send | peer_not_allowed_to_send (RFC 6520 2)
  std::string heartbeat = "off";
  uint16_t max_fragment_length = 0;  // client: request it (RFC 6066 4); 0: none
  uint16_t record_size_limit = 0;    // advertise it (RFC 8449); 0: none
};

// Registers --suites, --groups, --ems, --no-encrypt-then-mac, --sha1-signatures, --min-dh-bits,
// --renegotiation, --heartbeat, --max-fragment-length, --record-size-limit and --tickets. `tickets_help` says
// what the flag does in this role.
void AddEngineFlags(CLI::App* app, EngineFlags* flags, const std::string& tickets_help);

// Fills `config`. Errors name the flag and the value ("--groups: unknown group 'x'...").
Status ApplyEngineFlags(const EngineFlags& flags, Config& config);

}  // namespace shakedown

#endif  // SHAKEDOWN_CLI_ENGINE_FLAGS_H_
