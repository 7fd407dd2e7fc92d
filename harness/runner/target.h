// Targets: the implementation under test behind one interface, so the runner plays a vector
// the same way against the in-process reference engine, a TCP server or client that is
// already running, or a command shakedown starts itself.
//
//   reference        the engine's Connection in-process, configured from scenario.target
//   tcp:HOST:PORT    server targets: connect to HOST:PORT per connection; client targets:
//                    shakedown listens on PORT and accepts the client's connection
//   exec:COMMAND     shakedown starts COMMAND with {port} (and {cert}, {key}, {ca}, ...)
//                    substituted: a server once and reused while it lives; a client once per
//                    connection, against shakedown listening on {port}. A client's {session}
//                    is a file for its session across processes: it holds what the previous
//                    connection of the vector stored there, and is removed before a
//                    connection that the vector does not resume
#ifndef SHAKEDOWN_HARNESS_RUNNER_TARGET_H_
#define SHAKEDOWN_HARNESS_RUNNER_TARGET_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/status.h"
#include "engine/connection/connection.h"
#include "engine/crypto/pki.h"
#include "harness/net/socket.h"
#include "harness/scenario/scenario.h"

namespace shakedown {

// What one Read gave.
struct ReadResult {
  enum class Kind {
    kData,    // `data` holds the bytes
    kEof,     // the target closed the connection (or reset it: `error` says so)
    kSilent,  // nothing arrived before the deadline (reference: the target waits for input)
  };
  Kind kind = Kind::kSilent;
  Bytes data;
  std::string error;
};

// One TCP connection (or its in-process equivalent) with the target.
class TargetConnection {
 public:
  virtual ~TargetConnection() = default;

  // Errors: the target is gone (closed, reset). The runner notes it and goes on reading what
  // the target already said.
  virtual Status Write(ByteView data) = 0;
  // Whatever is available, waiting until `deadline` for something to arrive.
  virtual ReadResult Read(Deadline deadline) = 0;
  virtual void Close() = 0;
  // The peer closes its side (a `Close` step): TCP half-close, or the end of an in-process
  // target's input. The target may still send; Read then reports what it does.
  virtual Status CloseWrite() { return InternalError("this target cannot half-close"); }

  // True when Read never waits: silence is decided at once (the reference target).
  virtual bool instant() const { return false; }
  // In-process targets: what the target negotiated, once its handshake completed; else null.
  virtual const Negotiated* negotiated() const { return nullptr; }
  // Lines for the trace that explain the target's side (why it sent an alert, ...), since
  // the last call.
  virtual std::vector<std::string> TakeNotes() { return {}; }
  // Set when the target process died: "target died: killed by signal 11; stderr: ...".
  virtual std::optional<std::string> Died() { return std::nullopt; }
};

class Target {
 public:
  virtual ~Target() = default;

  // Opens connection `connection_index` of `scenario`. Index 0 starts a new vector (state
  // that lives for one vector, such as the reference server's session cache, is reset).
  // Errors mean the vector cannot run (the target did not start, refused the connection).
  virtual Result<std::unique_ptr<TargetConnection>> Connect(const Scenario& scenario,
                                                            size_t connection_index) = 0;
  // Called after each vector: a target process that died during it is reported here (then
  // restarted for the next vector). `hung`: the vector timed out waiting for the target;
  // `failed`: it failed after the target closed a connection (a process that crashed may
  // take a moment to be reaped).
  virtual std::optional<std::string> AfterVector(bool hung, bool failed) { return std::nullopt; }
  // Why this target cannot be configured as `scenario`'s target block says (an in-process
  // library whose API lacks a feature the block asks for), or nullopt. The vector is then
  // not_applicable with this reason (rule "premise: target cannot be configured").
  virtual std::optional<std::string> Unsupported(const Scenario& scenario) {
    return std::nullopt;
  }
  // "reference", "tcp:127.0.0.1:4433", "exec:openssl s_server ...", "openssl in-process (...)"
  virtual std::string describe() const = 0;
};

// ---- Specs ----

struct TargetSpec {
  // kLibrary: a TLS library in-process (harness/targets/<library>/), made by
  // harness/targets:registry's MakeAnyTarget, not by MakeTarget below.
  enum class Kind { kReference, kTcp, kExec, kLibrary };
  Kind kind = Kind::kReference;
  std::string host;     // kTcp
  uint16_t port = 0;    // kTcp
  std::string command;  // kExec: the template, with {port} and friends
  std::string library;  // kLibrary: "openssl", "gnutls", ...
  // kLibrary "openssl:server": only the vectors where the target plays this role.
  std::optional<Side> role;

  std::string ToString() const;
};

// "reference" | "tcp:HOST:PORT" | "tcp:[V6]:PORT" | "exec:COMMAND" (COMMAND must contain
// {port}) | "LIBRARY" | "LIBRARY:server" | "LIBRARY:client" for a LIBRARY in `libraries`.
// Errors say what a valid spec looks like.
Result<TargetSpec> ParseTargetSpec(std::string_view spec,
                                   const std::vector<std::string>& libraries = {});

// The run's test PKI as PEM files, for external targets: the same certificates the scripted
// peer and the reference target use.
struct PemFiles {
  std::string dir;
  std::string ca;          // {ca}
  std::string cert;        // {cert}: RSA server chain
  std::string key;         // {key}
  std::string ecdsa_cert;  // {ecdsa_cert}
  std::string ecdsa_key;   // {ecdsa_key}
  std::string ecdsa_p384_cert;  // {ecdsa_p384_cert}: ECDSA P-384 server chain
  std::string ecdsa_p384_key;   // {ecdsa_p384_key}
  std::string ecdsa_p521_cert;  // {ecdsa_p521_cert}: ECDSA P-521 server chain
  std::string ecdsa_p521_key;   // {ecdsa_p521_key}
  std::string client_cert; // {client_cert}: RSA client chain
  std::string client_key;  // {client_key}
  std::string ecdsa_client_cert;  // {ecdsa_client_cert}
  std::string ecdsa_client_key;   // {ecdsa_client_key}
  // RFC 6066 3 (target.sni): the alternate RSA server chain and key, and the name they are for.
  std::string sni_cert;  // {sni_cert}
  std::string sni_key;   // {sni_key}
  std::string sni_name;  // {sni_name}: not a file, the host name ("alternate.example")
  std::string server_name;  // not a file: the default server certificate's name ("localhost")
  // RFC 6066 8: good DER OCSP responses from the CA for the RSA and ECDSA server certificates.
  std::string ocsp;        // {ocsp}
  std::string ecdsa_ocsp;  // {ecdsa_ocsp}
};
Result<PemFiles> WritePkiPem(const TestPki& pki, const std::string& dir);
// The same in a fresh temporary directory named after `prefix` (PemFiles::dir), which the
// caller removes (RemoveTree) when the run ends.
Result<PemFiles> WritePkiPemToTempDir(const TestPki& pki, const std::string& prefix);

// Replaces {port}, {host}, {cert}, {key}, {ca}, {ecdsa_cert}, {ecdsa_key}, {ecdsa_p384_cert},
// {ecdsa_p384_key}, {ecdsa_p521_cert}, {ecdsa_p521_key}, {client_cert},
// {client_key}, {ecdsa_client_cert}, {ecdsa_client_key}, {ocsp}, {ecdsa_ocsp}, {sni_cert},
// {sni_key}, {sni_name} and {session} in `command`. Errors: an
// unknown {name}.
Result<std::string> ExpandCommand(const std::string& command, uint16_t port, const PemFiles& pem,
                                  const std::string& session_file = "");

// What every target of a run shares.
struct TargetResources {
  std::shared_ptr<const TestPki> pki;
  uint64_t seed = 1;
  PemFiles pem;                    // exec targets (written by the caller when needed)
  int connect_timeout_ms = 5000;   // connect / accept per connection
  int start_timeout_ms = 10000;    // an exec server until it listens
};

// A fresh target for `spec` (one per worker thread). Targets are not thread-safe.
Result<std::unique_ptr<Target>> MakeTarget(const TargetSpec& spec,
                                           const TargetResources& resources);

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_RUNNER_TARGET_H_
