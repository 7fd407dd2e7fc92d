// In-process library targets: a real TLS library (OpenSSL, GnuTLS, Botan, wolfSSL, mbedTLS)
// driven through memory I/O in this process, behind the runner's Target interface. Each
// library is an adapter in its own package (harness/targets/<library>/) implementing the two
// small interfaces below; everything they share (the memory I/O, the runner's TargetConnection,
// per-vector state, notes) lives here once, so a new library costs one package.
//
// Data flow for one connection:
//   runner Write(bytes) -> LibraryIo::inbound -> Drive(): the library's read callback takes
//   them, it writes into LibraryIo::outbound -> runner Read() takes them.
// Drive() runs the library until it needs more input, so the target is "instant": what it
// has not said after Drive() it will not say without more input (as the reference target).
#ifndef SHAKEDOWN_HARNESS_TARGETS_LIBRARY_LIBRARY_H_
#define SHAKEDOWN_HARNESS_TARGETS_LIBRARY_LIBRARY_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/status.h"
#include "engine/connection/connection.h"
#include "harness/runner/target.h"
#include "harness/scenario/scenario.h"

namespace shakedown {

// The fixed clock the adapters give a library where it takes one (2026-01-01T00:00:00Z, the
// reference target's): inside the test PKI's validity, the same for every run.
inline constexpr uint64_t kLibraryClock = 1767225600;

// What the peer sent that the library has not read yet, and what the library wrote.
struct LibraryIo {
  Bytes inbound;
  size_t read_pos = 0;
  bool eof = false;  // the peer closed its side: reads after the last byte report end of file
  Bytes outbound;
  std::vector<std::string> notes;  // lines for the trace ("openssl: alert sent: ...")

  size_t unread() const { return inbound.size() - read_pos; }
  // Copies up to `n` unread bytes into `out`; returns how many (0: nothing unread; check eof).
  size_t Read(uint8_t* out, size_t n);
  void Write(const uint8_t* data, size_t n);
  void Note(std::string line) { notes.push_back(std::move(line)); }
};

// One connection of the library. Adapters implement it.
class LibraryConnection {
 public:
  virtual ~LibraryConnection() = default;
  // Runs the library on io's unread input until it waits for more or is finished: the
  // handshake, then reading (and discarding) application data, a renegotiation the peer
  // starts, answering a close_notify with its own. Must return: a library that would loop
  // is stopped after a bounded number of steps (with a note).
  virtual void Drive(LibraryIo& io) = 0;
  // True once the library will neither read nor write again (a fatal error, closed).
  virtual bool finished() const = 0;
  // What the library negotiated once its (last) handshake completed; null before. Adapters
  // fill at least version, suite, session_id, resumed, extended_master_secret, the randoms and
  // the master secret (the runner's agreement oracle compares them with the peer's view).
  virtual const Negotiated* negotiated() const = 0;
  // The runner is done with the connection: keep what a later connection of the same vector
  // resumes (a client's session), unless the connection failed (RFC 5246 7.2.2).
  virtual void Close(LibraryIo& io) {}
};

// One library, one worker thread (a factory per adapter: Make<Name>Library(const
// TargetResources&), the run's PKI as PEM files in resources.pem and its seed). Adapters
// implement it.
class Library {
 public:
  virtual ~Library() = default;
  // "openssl": the name in --target and in ledger file names.
  virtual std::string name() const = 0;
  // The library's own version string at run time ("OpenSSL 3.0.19 27 Jan 2026").
  virtual std::string version() const = 0;
  // Why this library cannot be configured as `scenario`'s target block says (a feature its
  // API lacks), or nullopt. The vector is then not_applicable with this reason, never passed.
  virtual std::optional<std::string> Unsupported(const Scenario& scenario) const = 0;
  // Whether the adapter maps target.sni (a second certificate for TargetResources' sni_name,
  // selected by server_name, and the unrecognized_name policy). Otherwise such vectors are
  // not applicable.
  virtual bool selects_certificate_by_name() const { return false; }
  // A new connection for connection `index` of `scenario`; index 0 starts a vector (drop
  // sessions and caches of the previous one). The adapter may write into `io` at once (a
  // client's ClientHello is sent by the first Drive()). Errors: the library refused the
  // configuration (the vector is an error of the run, with the library's message).
  virtual Result<std::unique_ptr<LibraryConnection>> Open(const Scenario& scenario,
                                                          size_t index) = 0;
};

// The PEM chain and key files for a target block's `certificate` in `role` (server: rsa,
// ecdsa, ecdsa_p384, ecdsa_p521; client: rsa, ecdsa, none -> nullopt). Errors: a server
// without a certificate.
struct PemCredential {
  std::string chain;
  std::string key;
};
Result<std::optional<PemCredential>> CredentialFiles(const Scenario& scenario,
                                                     const PemFiles& pem);

// The Target that plays vectors against `library`.
std::unique_ptr<Target> MakeLibraryTarget(std::unique_ptr<Library> library);

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_TARGETS_LIBRARY_LIBRARY_H_
