// The peer tools the interop tests run, as one table: for each command-line tool (OpenSSL,
// GnuTLS, Botan; client or server), how it is started, which cases it supports, and what it
// prints when a case succeeds. The per-case tests (peer_tools_test.cc), the conformance
// vectors against exec: targets (conformance_test.cc) and docs/INTEROP.md (checked by
// docs_test.cc) all read it, so a tool's command line is written once.
//
// Command lines are templates, split on spaces; a word may hold placeholders:
//   {port}                         the port the engine or the peer listens on
//   {ca} {ca_dir}                  the test CA (PEM file; a directory holding only it)
//   {cert} {key}                   the server certificate and key (RSA, or ECDSA for the
//                                  ECDSA suite)
//   {client_cert} {client_key}     the client certificate and key (PeerTool::client_credential)
//   {botan_policy}                 a Botan policy file that allows RSA key transport and DHE
//   {session}                      a per-test file or directory for saved sessions
// exec: target commands (conformance) use the runner's placeholders ({port} {cert} {key}
// {ca} ..., harness/runner/target.h).
#ifndef SHAKEDOWN_INTEROP_PEER_TOOLS_H_
#define SHAKEDOWN_INTEROP_PEER_TOOLS_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/side.h"
#include "engine/wire/registry.h"

namespace shakedown {
namespace interop {

// The suites the cases force (the engine offers or accepts only the one under test).
// kEcdheEcdsaCcm: AES-CCM (RFC 7251); kEcdheRsaCbc: a CBC suite, with encrypt-then-MAC (RFC
// 7366), which every tool offers and answers by default.
enum class InteropSuite { kEcdheRsa, kRsa, kEcdheEcdsa, kDheRsa, kEcdheEcdsaCcm, kEcdheRsaCbc };
const char* SuiteName(InteropSuite suite);  // the IANA name
const char* SuiteLabel(InteropSuite suite);  // "EcdheRsa", for test names
bool UsesEcdsaCertificate(InteropSuite suite);
inline constexpr InteropSuite kAllSuites[] = {
    InteropSuite::kEcdheRsa,   InteropSuite::kRsa,           InteropSuite::kEcdheEcdsa,
    InteropSuite::kDheRsa,     InteropSuite::kEcdheEcdsaCcm, InteropSuite::kEcdheRsaCbc};

// TLS features beyond the suite that a tool is asked to use with its `feature_args`; the engine
// is configured to match (interop/peer_tools_test.cc, the *Feature* cases) and both sides must
// end up with the feature negotiated.
enum class InteropFeature {
  kMaxFragmentLength,  // RFC 6066 4: the client asks 512
  kRecordSizeLimit,    // RFC 8449: both sides advertise a limit
  kHeartbeat,          // RFC 6520: both hellos carry peer_allowed_to_send
  kRenegotiation,      // RFC 5746: the client renegotiates once, securely
};
const char* FeatureLabel(InteropFeature feature);  // "MaxFragmentLength", for test names

// A vector a tool is known to fail as an exec: target, with the rule it fails and why:
// asserted, so a fix in the tool (or a regression in shakedown) shows up.
struct KnownFailure {
  std::string id;
  std::string rule;
  std::string why;
};

// Where a tool reports what it negotiated: on its own stdout, or (a server) in the page it
// answers the engine's request with.
enum class ReportsIn { kStdout, kResponse };

struct PeerTool {
  std::string library;     // "openssl", "gnutls", "botan"
  std::string executable;  // looked up on PATH
  std::string package;     // the Debian package that provides it
  Side side;               // the side the tool plays against the engine

  // ---- interop cases (interop/peer_tools_test.cc) ----
  std::string command;  // the basic run; extra arguments go at {extra} (default: the end)
  // Arguments a suite needs (RSA key transport and DHE are off in some defaults); a suite
  // without an entry needs none.
  std::map<InteropSuite, std::string> suite_args;
  // Arguments to present (client) or require and verify (server) a client certificate;
  // empty: the tool cannot (those cases are not run for it).
  std::string client_auth;
  std::string client_credential = "rsa";  // "rsa" or "ecdsa": {client_cert}/{client_key}
  // Resumption: one argument list per run. Two runs: the second resumes the first's session
  // (saved in {session}); one run: the tool reconnects and resumes by itself.
  std::vector<std::string> resume_runs;
  bool echo = false;          // a server that echoes lines instead of answering HTTP
  // A server's DHE group for a client that offers ffdhe2048 first: the RFC 7919 group, or
  // nullopt for one of its own (2048 bits either way).
  std::optional<NamedGroup> dhe_group = NamedGroup::kFfdhe2048;
  bool checks_ems = false;    // offers RFC 7627 extended master secret (asserted)
  ReportsIn reports_in = ReportsIn::kStdout;
  // What the tool prints: per suite, once it completed a handshake with it.
  std::map<InteropSuite, std::vector<std::string>> suite_reports;
  std::vector<std::string> verified_reports;  // a client validated the engine's chain
  std::vector<std::string> client_auth_reports;  // the client certificate was sent / seen
  std::vector<std::string> client_auth_absent;   // ... and these never appear
  // A second (resumed) handshake: printed, with {session_id} the id in upper-case hex,
  // `resumed_report_count` times over the tool's whole output (0: at least once).
  std::string resumed_report;
  int resumed_report_count = 0;
  std::string absent_on_resume;  // printed for a full handshake only
  // Refusing a handshake without the required client certificate: for a client tool, its
  // stderr then holds this; empty: the case is not run.
  std::string refused_report;
  // The alert a server tool sends then (empty: any fatal alert).
  std::string refused_alert;

  // Arguments that make the tool use a feature; a feature without an entry is not run.
  std::map<InteropFeature, std::string> feature_args;
  // What the tool prints once it used the feature (may be none).
  std::map<InteropFeature, std::vector<std::string>> feature_reports;
  // A known deviation of the tool in a feature case: the engine's connection fails with this
  // text in its error (asserted, so a fix in the tool shows up).
  std::map<InteropFeature, std::string> feature_deviations;

  // ---- conformance vectors against the tool as an exec: target (conformance_test.cc) ----
  std::string conformance;              // empty: not used as a target
  std::string conformance_client_auth;  // a server that requires client certificates
  std::vector<KnownFailure> known_failures;
};

const std::vector<PeerTool>& PeerTools();
// The rows for `side` with `keep(row)`: the parameters of one test case.
std::vector<PeerTool> PeerToolsWhere(Side side, bool (*keep)(const PeerTool&));
// "openssl_client", for test names.
std::string PeerToolLabel(const PeerTool& tool);

// `command` with `extra` at {extra} (or at the end), split on spaces, every {name} replaced
// by vars[name]. Unknown placeholders are left as they are.
std::vector<std::string> ExpandToolCommand(const std::string& command, const std::string& extra,
                                       const std::map<std::string, std::string>& vars);

// The "Peer command lines" section of docs/INTEROP.md, generated from the table.
std::string PeerCommandLinesMarkdown();

}  // namespace interop
}  // namespace shakedown

#endif  // SHAKEDOWN_INTEROP_PEER_TOOLS_H_
