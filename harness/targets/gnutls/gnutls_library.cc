// GnuTLS 3.7 (Debian libgnutls28) as an in-process target.
// Kept in one file (over ~800 lines) on purpose: the adapter is one translation of the target
// block onto one library's API, read top to bottom beside that library's manual; splitting it
// would scatter each setting between files.
//
// How the target block maps onto GnuTLS:
//   versions            "NORMAL:-VERS-ALL:+VERS-TLS1.2" (the runner judges target.versions)
//   cipher_suites       IANA ids -> (kx, cipher, mac) through gnutls_cipher_suite_info; the
//                       priority string enables exactly those kx, cipher and mac algorithms
//                       (GnuTLS 3.7 has no per-suite switch: a list whose product holds more
//                       suites than listed enables those too, and a note says so)
//   groups              -GROUP-ALL:+GROUP-<name>...
//   certificate         gnutls_certificate_set_x509_key_file (CredentialFiles)
//   client_auth         gnutls_certificate_server_set_request(REQUEST | REQUIRE), verified by
//                       gnutls_session_set_verify_cert(session, NULL, 0) against pem.ca
//   session_tickets     server: gnutls_session_ticket_enable_server with a fixed 64-byte key;
//                       off: GNUTLS_NO_TICKETS (both roles)
//   extended_master_secret  disabled: %NO_SESSION_HASH; required: Unsupported (GnuTLS 3.7
//                       cannot refuse a peer without EMS outside FIPS mode)
//   renegotiation       refuse: GNUTLS_E_REHANDSHAKE answered with a warning no_renegotiation;
//                       accept: gnutls_handshake() again; initiate: also gnutls_rehandshake()
//                       (server) / gnutls_handshake() (client) right after the first handshake.
//                       GnuTLS's default %PARTIAL_RENEGOTIATION refuses legacy renegotiation.
//   max_fragment_length client: gnutls_record_set_max_size (sends max_fragment_length and
//                       record_size_limit); a GnuTLS server honours requests by default
//   record_size_limit   gnutls_record_set_max_recv_size (%ALLOW_SMALL_RECORDS below 512)
//   heartbeat           gnutls_heartbeat_enable(PEER_ALLOWED_TO_SEND | PEER_NOT_ALLOWED_TO_SEND)
//   ocsp                server: gnutls_certificate_set_ocsp_status_request_file (pem.ocsp /
//                       pem.ecdsa_ocsp); client: gnutls_ocsp_status_request_enable_client, and
//                       the stapled response is checked by the certificate verification
//
// Alerts: GnuTLS sends few alerts by itself on a failed handshake or record; applications are
// expected to call gnutls_alert_send_appropriate(session, error) (as gnutls-serv and
// gnutls-cli do). The adapter does the same after every fatal error, unless the library
// already wrote an alert record in that call (its own record_overflow, ...) or the error is
// the peer's end of file (a closed socket gets no alert).
//
// Determinism: what could NOT be made deterministic, and why:
//   - randomness: GnuTLS 3.7 has no public hook for its RNG (gnutls_rnd is internal; the
//     gnutls_crypto_rnd_register of 2.x is gone), so server randoms, session ids, ECDHE/DHE
//     keys, RSA-PSS salts, CBC IVs and ticket IVs come from GnuTLS's own DRBG seeded by the
//     OS. Only the client random of a full handshake is set, from the seed
//     (gnutls_handshake_set_random; not on resumption, which GnuTLS documents it is not for,
//     nor on the server, whose random GnuTLS may stamp with the RFC 8446 4.1.3 downgrade
//     sentinel). Traces differ run to run in the other bytes; verdicts do not depend on them.
//   - the clock IS fixed: gnutls_global_set_time_function returns kLibraryClock (certificate
//     and OCSP validity, session and ticket lifetimes, ticket key rotation). The handshake
//     timeout, which uses a monotonic clock, is disabled (gnutls_handshake_set_timeout 0).
#include "harness/targets/gnutls/gnutls_library.h"

#include <errno.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "engine/base/alert.h"
#include "engine/crypto/pki.h"
#include "engine/wire/registry.h"

namespace shakedown {
namespace {

constexpr int kMaxSteps = 10000;
constexpr char kNoteTag[] = "gnutls: ";

time_t FixedTime(time_t* t) {
  const time_t now = static_cast<time_t>(kLibraryClock);
  if (t != nullptr) *t = now;
  return now;
}

std::string ErrorText(int err) {
  const char* s = gnutls_strerror(err);
  const char* name = gnutls_strerror_name(err);
  return std::string(s ? s : "?") + " (" + (name ? name : std::to_string(err)) + ")";
}

std::string AlertText(int description) {
  std::optional<std::string_view> n = AlertName(static_cast<uint8_t>(description));
  if (n.has_value()) return std::string(*n);
  const char* g = gnutls_alert_get_name(static_cast<gnutls_alert_description_t>(description));
  return g ? g : std::to_string(description);
}

// ---- IANA ids <-> GnuTLS algorithms ----

struct SuiteAlgorithms {
  gnutls_kx_algorithm_t kx;
  gnutls_cipher_algorithm_t cipher;
  gnutls_mac_algorithm_t mac;
};

// Every TLS 1.2 suite this GnuTLS implements, by IANA id.
const std::map<uint16_t, SuiteAlgorithms>& GnuTlsSuites() {
  static const std::map<uint16_t, SuiteAlgorithms>* suites = [] {
    auto* m = new std::map<uint16_t, SuiteAlgorithms>();
    unsigned char id[2];
    gnutls_kx_algorithm_t kx;
    gnutls_cipher_algorithm_t cipher;
    gnutls_mac_algorithm_t mac;
    gnutls_protocol_t min_version;
    for (size_t i = 0;; ++i) {
      const char* name = gnutls_cipher_suite_info(i, id, &kx, &cipher, &mac, &min_version);
      if (name == nullptr) break;
      if (kx == GNUTLS_KX_UNKNOWN) continue;  // TLS 1.3 suites
      if (min_version > GNUTLS_TLS1_2) continue;
      const uint16_t iana = static_cast<uint16_t>((id[0] << 8) | id[1]);
      m->emplace(iana, SuiteAlgorithms{kx, cipher, mac});
    }
    return m;
  }();
  return *suites;
}

std::optional<uint16_t> SuiteIdOf(gnutls_kx_algorithm_t kx, gnutls_cipher_algorithm_t cipher,
                                  gnutls_mac_algorithm_t mac) {
  for (const auto& [id, a] : GnuTlsSuites()) {
    if (a.kx == kx && a.cipher == cipher && a.mac == mac) return id;
  }
  return std::nullopt;
}

// IANA NamedGroup -> the GnuTLS priority keyword's name ("SECP256R1").
std::optional<std::string> GroupName(NamedGroup g) {
  gnutls_group_t id = GNUTLS_GROUP_INVALID;
  switch (g) {
    case NamedGroup::kSecp192r1:
      id = GNUTLS_GROUP_SECP192R1;
      break;
    case NamedGroup::kSecp224r1:
      id = GNUTLS_GROUP_SECP224R1;
      break;
    case NamedGroup::kSecp256r1:
      id = GNUTLS_GROUP_SECP256R1;
      break;
    case NamedGroup::kSecp384r1:
      id = GNUTLS_GROUP_SECP384R1;
      break;
    case NamedGroup::kSecp521r1:
      id = GNUTLS_GROUP_SECP521R1;
      break;
    case NamedGroup::kX25519:
      id = GNUTLS_GROUP_X25519;
      break;
    case NamedGroup::kX448:
      id = GNUTLS_GROUP_X448;
      break;
    case NamedGroup::kFfdhe2048:
      id = GNUTLS_GROUP_FFDHE2048;
      break;
    case NamedGroup::kFfdhe3072:
      id = GNUTLS_GROUP_FFDHE3072;
      break;
    case NamedGroup::kFfdhe4096:
      id = GNUTLS_GROUP_FFDHE4096;
      break;
    case NamedGroup::kFfdhe6144:
      id = GNUTLS_GROUP_FFDHE6144;
      break;
    case NamedGroup::kFfdhe8192:
      id = GNUTLS_GROUP_FFDHE8192;
      break;
  }
  if (id == GNUTLS_GROUP_INVALID) return std::nullopt;
  // Only groups this build enables for TLS.
  const gnutls_group_t* list = gnutls_group_list();
  bool known = false;
  for (size_t i = 0; list != nullptr && list[i] != 0; ++i) known = known || list[i] == id;
  if (!known) return std::nullopt;
  const char* name = gnutls_group_get_name(id);
  if (name == nullptr) return std::nullopt;
  return std::string(name);
}

std::optional<NamedGroup> IanaGroup(gnutls_group_t g) {
  switch (g) {
    case GNUTLS_GROUP_SECP192R1:
      return NamedGroup::kSecp192r1;
    case GNUTLS_GROUP_SECP224R1:
      return NamedGroup::kSecp224r1;
    case GNUTLS_GROUP_SECP256R1:
      return NamedGroup::kSecp256r1;
    case GNUTLS_GROUP_SECP384R1:
      return NamedGroup::kSecp384r1;
    case GNUTLS_GROUP_SECP521R1:
      return NamedGroup::kSecp521r1;
    case GNUTLS_GROUP_X25519:
      return NamedGroup::kX25519;
    case GNUTLS_GROUP_X448:
      return NamedGroup::kX448;
    case GNUTLS_GROUP_FFDHE2048:
      return NamedGroup::kFfdhe2048;
    case GNUTLS_GROUP_FFDHE3072:
      return NamedGroup::kFfdhe3072;
    case GNUTLS_GROUP_FFDHE4096:
      return NamedGroup::kFfdhe4096;
    case GNUTLS_GROUP_FFDHE6144:
      return NamedGroup::kFfdhe6144;
    case GNUTLS_GROUP_FFDHE8192:
      return NamedGroup::kFfdhe8192;
    default:
      return std::nullopt;
  }
}

std::string SuiteLabel(uint16_t id) {
  const CipherSuiteInfo* s = FindCipherSuite(id);
  if (s != nullptr) return std::string(s->name);
  char buf[16];
  std::snprintf(buf, sizeof(buf), "0x%04x", id);
  return buf;
}

// The priority string for a target block, and notes on what was dropped.
struct PriorityPlan {
  std::string priority;
  std::vector<std::string> notes;
  std::optional<std::string> unsupported;
};

PriorityPlan PlanPriority(const Scenario& s) {
  const TargetConfig& t = s.target;
  PriorityPlan p;
  p.priority = "NORMAL:-VERS-ALL:+VERS-TLS1.2";
  if (!t.cipher_suites.empty()) {
    std::vector<std::string> kxs, ciphers, macs, dropped;
    std::set<uint16_t> wanted;
    auto add = [](std::vector<std::string>& v, const char* name) {
      if (name != nullptr && std::find(v.begin(), v.end(), name) == v.end()) v.push_back(name);
    };
    for (uint16_t id : t.cipher_suites) {
      auto it = GnuTlsSuites().find(id);
      if (it == GnuTlsSuites().end()) {
        dropped.push_back(SuiteLabel(id));
        continue;
      }
      wanted.insert(id);
      add(kxs, gnutls_kx_get_name(it->second.kx));
      add(ciphers, gnutls_cipher_get_name(it->second.cipher));
      add(macs, gnutls_mac_get_name(it->second.mac));
    }
    if (wanted.empty()) {
      std::string list;
      for (const std::string& d : dropped) list += (list.empty() ? "" : ", ") + d;
      p.unsupported = "target.cipher_suites: GnuTLS " + std::string(gnutls_check_version(nullptr)) +
                      " implements none of the listed suites (" + list + ")";
      return p;
    }
    if (!dropped.empty()) {
      std::string list;
      for (const std::string& d : dropped) list += (list.empty() ? "" : ", ") + d;
      p.notes.push_back(std::string(kNoteTag) +
                        "suites GnuTLS does not implement, dropped: " + list);
    }
    p.priority += ":-KX-ALL:-CIPHER-ALL:-MAC-ALL";
    for (const std::string& c : ciphers) p.priority += ":+" + c;
    for (const std::string& m : macs) p.priority += ":+" + m;
    for (const std::string& k : kxs) p.priority += ":+" + k;
    // GnuTLS enables suites per algorithm: list what the product adds beyond the list.
    std::vector<std::string> extra;
    for (const auto& [id, a] : GnuTlsSuites()) {
      if (wanted.count(id)) continue;
      const char* kn = gnutls_kx_get_name(a.kx);
      const char* cn = gnutls_cipher_get_name(a.cipher);
      const char* mn = gnutls_mac_get_name(a.mac);
      if (!kn || !cn || !mn) continue;
      if (std::find(kxs.begin(), kxs.end(), kn) != kxs.end() &&
          std::find(ciphers.begin(), ciphers.end(), cn) != ciphers.end() &&
          std::find(macs.begin(), macs.end(), mn) != macs.end()) {
        extra.push_back(SuiteLabel(id));
      }
    }
    if (!extra.empty()) {
      std::string list;
      for (const std::string& d : extra) list += (list.empty() ? "" : ", ") + d;
      p.notes.push_back(std::string(kNoteTag) +
                        "GnuTLS enables suites by algorithm, so these are enabled too: " + list);
    }
  }
  if (!t.groups.empty()) {
    std::vector<std::string> names, dropped;
    for (NamedGroup g : t.groups) {
      std::optional<std::string> n = GroupName(g);
      if (n.has_value()) {
        names.push_back(*n);
      } else {
        dropped.push_back(std::to_string(static_cast<uint16_t>(g)));
      }
    }
    if (names.empty()) {
      p.unsupported = "target.groups: GnuTLS implements none of the listed groups";
      return p;
    }
    if (!dropped.empty()) {
      std::string list;
      for (const std::string& d : dropped) list += (list.empty() ? "" : ", ") + d;
      p.notes.push_back(std::string(kNoteTag) +
                        "groups GnuTLS does not implement, dropped: " + list);
    }
    p.priority += ":-GROUP-ALL";
    for (const std::string& n : names) p.priority += ":+GROUP-" + n;
  }
  if (t.extended_master_secret == EmsPolicy::kDisabled) p.priority += ":%NO_SESSION_HASH";
  if (!t.session_tickets) p.priority += ":%NO_TICKETS";
  if (t.record_size_limit != 0 && t.record_size_limit < 512) {
    p.priority += ":%ALLOW_SMALL_RECORDS";
  }
  return p;
}

// ---- Per-library state ----

struct Credentials {
  gnutls_certificate_credentials_t cred = nullptr;
  ~Credentials() {
    if (cred != nullptr) gnutls_certificate_free_credentials(cred);
  }
};

struct Priority {
  gnutls_priority_t prio = nullptr;
  ~Priority() {
    if (prio != nullptr) gnutls_priority_deinit(prio);
  }
};

// The server's session cache of one vector (gnutls_db_set_* callbacks).
using SessionDb = std::map<Bytes, Bytes>;

int DbStore(void* ptr, gnutls_datum_t key, gnutls_datum_t data) {
  auto* db = static_cast<SessionDb*>(ptr);
  if (db->size() >= 64) db->erase(db->begin());
  (*db)[Bytes(key.data, key.data + key.size)] = Bytes(data.data, data.data + data.size);
  return 0;
}

gnutls_datum_t DbRetrieve(void* ptr, gnutls_datum_t key) {
  auto* db = static_cast<SessionDb*>(ptr);
  gnutls_datum_t out = {nullptr, 0};
  auto it = db->find(Bytes(key.data, key.data + key.size));
  if (it == db->end() || it->second.empty()) return out;
  out.data = static_cast<unsigned char*>(gnutls_malloc(it->second.size()));
  if (out.data == nullptr) return out;
  std::memcpy(out.data, it->second.data(), it->second.size());
  out.size = static_cast<unsigned int>(it->second.size());
  return out;
}

int DbRemove(void* ptr, gnutls_datum_t key) {
  auto* db = static_cast<SessionDb*>(ptr);
  return db->erase(Bytes(key.data, key.data + key.size)) > 0 ? 0 : -1;
}

// What a connection hands back to its library when it closes.
struct ClientSessionSlot {
  std::optional<Bytes> data;  // gnutls_session_get_data2 of the last completed connection
};

// client_auth "optional": no certificate is fine; a certificate must verify against pem.ca.
int VerifyOptionalClient(gnutls_session_t session) {
  unsigned int count = 0;
  if (gnutls_certificate_get_peers(session, &count) == nullptr || count == 0) return 0;
  unsigned int status = 0;
  if (gnutls_certificate_verify_peers3(session, nullptr, &status) < 0) return -1;
  return status == 0 ? 0 : -1;
}

// ---- One connection ----

class GnuTlsConnection final : public LibraryConnection {
 public:
  GnuTlsConnection(const Scenario& scenario, gnutls_session_t session,
                   ClientSessionSlot* client_slot, std::vector<std::string> notes)
      : role_(scenario.role),
        renegotiation_(scenario.target.renegotiation),
        session_(session),
        client_slot_(client_slot),
        pending_notes_(std::move(notes)) {
    gnutls_transport_set_ptr(session_, this);
    gnutls_transport_set_push_function(session_, &GnuTlsConnection::Push);
    gnutls_transport_set_pull_function(session_, &GnuTlsConnection::Pull);
    gnutls_transport_set_pull_timeout_function(session_, &GnuTlsConnection::PullTimeout);
    // The session id of the ServerHello: a GnuTLS client that receives a ticket replaces its
    // session id with a random one of its own afterwards (RFC 5077 3.4), which
    // gnutls_session_get_id2 then returns; the peer's view is the ServerHello's.
    gnutls_session_set_ptr(session_, this);
    gnutls_handshake_set_hook_function(session_, GNUTLS_HANDSHAKE_SERVER_HELLO, GNUTLS_HOOK_POST,
                                       &GnuTlsConnection::ServerHelloHook);
    if (role_ == Side::kClient) server_name_ = scenario.peer.server_name;
    if (role_ == Side::kServer && scenario.target.sni == "fatal") {
      // target.sni "fatal" (RFC 6066 3): a name neither certificate carries is refused; GnuTLS
      // itself would go on with its first certificate.
      gnutls_handshake_set_post_client_hello_function(session_, &GnuTlsConnection::CheckName);
    }
  }
  ~GnuTlsConnection() override { gnutls_deinit(session_); }

  void Drive(LibraryIo& io) override {
    io_ = &io;
    for (const std::string& n : pending_notes_) io.Note(n);
    pending_notes_.clear();
    int steps = 0;
    while (!finished_) {
      if (++steps > kMaxSteps) {
        io.Note(std::string(kNoteTag) + "still busy after " + std::to_string(kMaxSteps) +
                " steps, stopped");
        finished_ = true;
        break;
      }
      if (!Step()) break;
    }
    io_ = nullptr;
  }

  // gnutls_session_set_verify_cert keeps the pointer: the name lives as long as the session.
  void VerifyServer(std::string host) {
    verify_host_ = std::move(host);
    gnutls_session_set_verify_cert(session_, verify_host_.c_str(), 0);
  }

  bool finished() const override { return finished_; }
  const Negotiated* negotiated() const override {
    return negotiated_.has_value() ? &*negotiated_ : nullptr;
  }

  void Close(LibraryIo& io) override {
    if (role_ != Side::kClient || client_slot_ == nullptr) return;
    if (fatal_) {
      // RFC 5246 7.2.2: a session that ended in a fatal alert must not be resumed.
      client_slot_->data.reset();
    } else if (session_data_.has_value()) {
      client_slot_->data = session_data_;
    }
  }

 private:
  enum class Phase { kHandshake, kData };

  static ssize_t Push(gnutls_transport_ptr_t ptr, const void* data, size_t n) {
    auto* self = static_cast<GnuTlsConnection*>(ptr);
    if (self->io_ == nullptr) {
      gnutls_transport_set_errno(self->session_, EAGAIN);
      return -1;
    }
    self->io_->Write(static_cast<const uint8_t*>(data), n);
    return static_cast<ssize_t>(n);
  }

  static ssize_t Pull(gnutls_transport_ptr_t ptr, void* data, size_t n) {
    auto* self = static_cast<GnuTlsConnection*>(ptr);
    LibraryIo* io = self->io_;
    if (io == nullptr) {
      gnutls_transport_set_errno(self->session_, EAGAIN);
      return -1;
    }
    if (io->unread() > 0) {
      const size_t got = io->Read(static_cast<uint8_t*>(data), n);
      self->consumed_ += got;
      return static_cast<ssize_t>(got);
    }
    if (io->eof) return 0;  // the peer closed its side: end of file, as a socket
    gnutls_transport_set_errno(self->session_, EAGAIN);
    return -1;
  }

  static int CheckName(gnutls_session_t session) {
    char name[256];
    size_t size = sizeof(name);
    unsigned int type = 0;
    if (gnutls_server_name_get(session, name, &size, &type, 0) != 0) return 0;  // no name
    const TestPkiOptions names;
    if (name == names.server_name || name == names.alternate_server_name) return 0;
    return GNUTLS_E_UNRECOGNIZED_NAME;  // gnutls_alert_send_appropriate: unrecognized_name
  }

  // The ServerHello body (without the handshake header): version, random, session_id.
  static int ServerHelloHook(gnutls_session_t session, unsigned int, unsigned, unsigned int,
                             const gnutls_datum_t* msg) {
    auto* self = static_cast<GnuTlsConnection*>(gnutls_session_get_ptr(session));
    if (self == nullptr || msg == nullptr || msg->data == nullptr || msg->size < 35) return 0;
    const size_t len = msg->data[34];
    if (len <= 32 && 35 + len <= msg->size) {
      self->server_hello_session_id_ = Bytes(msg->data + 35, msg->data + 35 + len);
    }
    return 0;
  }

  static int PullTimeout(gnutls_transport_ptr_t ptr, unsigned int) {
    auto* self = static_cast<GnuTlsConnection*>(ptr);
    LibraryIo* io = self->io_;
    if (io == nullptr) return 0;
    return (io->unread() > 0 || io->eof) ? 1 : 0;
  }

  // After GNUTLS_E_AGAIN: GnuTLS also returns it after consuming a record that did not
  // complete a handshake message (one-byte records, fragments), with more input unread. Call
  // again while it makes progress; stop when it has read everything it was given.
  bool WantsInput() {
    const bool progressed = consumed_ > 0;
    if (io_->unread() == 0 && !io_->eof) return false;
    if (progressed) {
      idle_retries_ = 0;
      return true;
    }
    return ++idle_retries_ <= 3;
  }

  // One library call. Returns false when the library waits for input (or is finished).
  bool Step() {
    consumed_ = 0;
    const size_t out_before = io_->outbound.size();
    if (phase_ == Phase::kHandshake) {
      const int r = gnutls_handshake(session_);
      if (r == GNUTLS_E_SUCCESS) {
        HandshakeDone();
        return true;
      }
      if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) return WantsInput();
      if (r == GNUTLS_E_WARNING_ALERT_RECEIVED) {
        const int a = gnutls_alert_get(session_);
        io_->Note(std::string(kNoteTag) + "received warning alert " + AlertText(a));
        if (a == GNUTLS_A_CLOSE_NOTIFY) {
          SendCloseNotify();
          return false;
        }
        if (a == GNUTLS_A_NO_RENEGOTIATION && negotiated_.has_value()) {
          // The peer refused the renegotiation we started: go on under the current keys.
          io_->Note(std::string(kNoteTag) + "renegotiation refused by the peer, continuing");
          phase_ = Phase::kData;
        }
        return true;
      }
      if (r == GNUTLS_E_SESSION_EOF) {
        // GnuTLS's report of a close_notify received during the handshake.
        io_->Note(std::string(kNoteTag) +
                  "received close_notify during the handshake: " + ErrorText(r));
        fatal_ = true;  // the handshake did not complete: nothing to resume
        SendCloseNotify();
        return false;
      }
      if (r == GNUTLS_E_GOT_APPLICATION_DATA) {
        // During a renegotiation the peer sent data: read it, then go on with the handshake.
        read_then_handshake_ = true;
        phase_ = Phase::kData;
        return true;
      }
      if (gnutls_error_is_fatal(r) == 0) {
        io_->Note(std::string(kNoteTag) + "handshake: " + ErrorText(r));
        return true;
      }
      Fail(r, "handshake", out_before);
      return false;
    }

    uint8_t buf[32768];
    const ssize_t n = gnutls_record_recv(session_, buf, sizeof(buf));
    if (n > 0) {
      if (read_then_handshake_) {
        read_then_handshake_ = false;
        phase_ = Phase::kHandshake;
      }
      return true;  // application data, discarded
    }
    if (n == 0) {
      io_->Note(std::string(kNoteTag) + "received close_notify");
      SendCloseNotify();
      return false;
    }
    const int r = static_cast<int>(n);
    if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) return WantsInput();
    if (r == GNUTLS_E_REHANDSHAKE) {
      if (renegotiation_ == RenegotiationPolicy::kRefuse) {
        const int s = gnutls_alert_send(session_, GNUTLS_AL_WARNING, GNUTLS_A_NO_RENEGOTIATION);
        io_->Note(
            std::string(kNoteTag) + "renegotiation refused (policy): " +
            (s == 0 ? "sent warning alert no_renegotiation" : "alert not sent: " + ErrorText(s)));
        // A server's gnutls_record_recv keeps the refused ClientHello in its record buffer
        // and drops it on the next call with GNUTLS_E_UNEXPECTED_PACKET: expected, not fatal.
        if (role_ == Side::kServer) refused_hello_queued_ = true;
      } else {
        io_->Note(std::string(kNoteTag) + "renegotiation started by the peer");
        phase_ = Phase::kHandshake;
      }
      return true;
    }
    if (r == GNUTLS_E_UNEXPECTED_PACKET && refused_hello_queued_) {
      refused_hello_queued_ = false;
      io_->Note(std::string(kNoteTag) + "dropped the refused ClientHello");
      return true;
    }
    refused_hello_queued_ = false;
    if (r == GNUTLS_E_WARNING_ALERT_RECEIVED) {
      io_->Note(std::string(kNoteTag) + "received warning alert " +
                AlertText(gnutls_alert_get(session_)));
      return true;
    }
    if (r == GNUTLS_E_HEARTBEAT_PING_RECEIVED) {
      const int s = gnutls_heartbeat_pong(session_, 0);
      io_->Note(std::string(kNoteTag) + "heartbeat request answered" +
                (s == 0 ? "" : ": " + ErrorText(s)));
      return true;
    }
    if (r == GNUTLS_E_HEARTBEAT_PONG_RECEIVED) return true;
    if (gnutls_error_is_fatal(r) == 0) {
      io_->Note(std::string(kNoteTag) + "record: " + ErrorText(r));
      return true;
    }
    Fail(r, "record", out_before);
    return false;
  }

  void SendCloseNotify() {
    const int s = gnutls_bye(session_, GNUTLS_SHUT_WR);
    io_->Note(std::string(kNoteTag) +
              (s == 0 ? "sent close_notify" : "close_notify not sent: " + ErrorText(s)));
    finished_ = true;
  }

  // Whether the library wrote an alert record since `from`; its description when plaintext.
  std::optional<int> AlertWrittenSince(size_t from, bool* found) const {
    *found = false;
    std::optional<int> description;
    const Bytes& out = io_->outbound;
    size_t i = from;
    while (i + 5 <= out.size()) {
      const size_t len = (static_cast<size_t>(out[i + 3]) << 8) | out[i + 4];
      if (out[i] == 21) {
        *found = true;
        description =
            (len == 2 && i + 7 <= out.size()) ? std::optional<int>(out[i + 6]) : std::nullopt;
      }
      i += 5 + len;
    }
    return description;
  }

  void Fail(int err, const char* where, size_t out_before) {
    finished_ = true;
    if (role_ == Side::kServer && err != GNUTLS_E_PREMATURE_TERMINATION) {
      // RFC 5246 7.2.2: no resumption of a session whose connection failed. GnuTLS leaves
      // this to the application ("gnutls_db_remove_session ... should be called if a session
      // was terminated abnormally").
      gnutls_db_remove_session(session_);
    }
    if (err == GNUTLS_E_FATAL_ALERT_RECEIVED) {
      fatal_ = true;
      io_->Note(std::string(kNoteTag) + "received fatal alert " +
                AlertText(gnutls_alert_get(session_)) + " (" + where + ")");
      return;
    }
    if (err == GNUTLS_E_PREMATURE_TERMINATION ||
        (io_->eof && io_->unread() == 0 && err == GNUTLS_E_UNEXPECTED_PACKET_LENGTH)) {
      // The peer closed without close_notify: as a socket at end of file, no alert.
      io_->Note(std::string(kNoteTag) + where + ": " + ErrorText(err));
      if (!negotiated_.has_value() || phase_ == Phase::kHandshake) fatal_ = true;
      return;
    }
    fatal_ = true;
    bool found = false;
    std::optional<int> own = AlertWrittenSince(out_before, &found);
    if (found) {
      io_->Note(std::string(kNoteTag) + "sent alert " + (own ? AlertText(*own) : "(encrypted)") +
                ": " + where + ": " + ErrorText(err));
      return;
    }
    // GnuTLS leaves the alert to the application: the documented gnutls_alert_send_appropriate.
    int level = 0;
    const int alert = gnutls_error_to_alert(err, &level);
    const int s = gnutls_alert_send_appropriate(session_, err);
    if (alert >= 0 && s == 0) {
      io_->Note(std::string(kNoteTag) + "sent " +
                (level == GNUTLS_AL_WARNING ? "warning" : "fatal") + " alert " + AlertText(alert) +
                ": " + where + ": " + ErrorText(err));
    } else {
      io_->Note(std::string(kNoteTag) + where + " failed, no alert: " + ErrorText(err) +
                (s != 0 ? " (alert send: " + ErrorText(s) + ")" : ""));
    }
  }

  void HandshakeDone() {
    const bool first = !negotiated_.has_value();
    Negotiated n;
    if (!first) n.renegotiations = negotiated_->renegotiations + 1;
    const gnutls_protocol_t v = gnutls_protocol_get_version(session_);
    switch (v) {
      case GNUTLS_TLS1_0:
        n.version = ProtocolVersion::kTls10;
        break;
      case GNUTLS_TLS1_1:
        n.version = ProtocolVersion::kTls11;
        break;
      case GNUTLS_TLS1_3:
        n.version = ProtocolVersion::kTls13;
        break;
      default:
        n.version = ProtocolVersion::kTls12;
        break;
    }
    std::optional<uint16_t> id =
        SuiteIdOf(gnutls_kx_get(session_), gnutls_cipher_get(session_), gnutls_mac_get(session_));
    if (id.has_value()) n.suite = FindCipherSuite(*id);
    if (n.suite == nullptr) {
      const char* name = gnutls_ciphersuite_get(session_);
      if (name != nullptr) n.suite = FindCipherSuite(std::string_view(name));
    }
    n.group = IanaGroup(gnutls_group_get(session_));
    if (server_hello_session_id_.has_value()) {
      n.session_id = *server_hello_session_id_;
    } else {
      gnutls_datum_t sid = {nullptr, 0};
      if (gnutls_session_get_id2(session_, &sid) == 0 && sid.data != nullptr) {
        n.session_id.assign(sid.data, sid.data + sid.size);
      }
    }
    n.resumed = gnutls_session_is_resumed(session_) != 0;
    n.extended_master_secret = gnutls_session_ext_master_secret_status(session_) != 0;
    n.encrypt_then_mac = gnutls_session_etm_status(session_) != 0;
    n.secure_renegotiation = gnutls_safe_renegotiation_status(session_) != 0;
    const unsigned flags = gnutls_session_get_flags(session_);
    if (flags & GNUTLS_SFLAGS_HB_PEER_SEND) {
      n.peer_heartbeat = HeartbeatMode::kPeerAllowedToSend;
    } else if (flags & GNUTLS_SFLAGS_HB_LOCAL_SEND) {
      n.peer_heartbeat = HeartbeatMode::kPeerNotAllowedToSend;
    }
    gnutls_datum_t cr = {nullptr, 0}, sr = {nullptr, 0};
    gnutls_session_get_random(session_, &cr, &sr);
    if (cr.data) n.client_random.assign(cr.data, cr.data + cr.size);
    if (sr.data) n.server_random.assign(sr.data, sr.data + sr.size);
    gnutls_datum_t ms = {nullptr, 0};
    gnutls_session_get_master_secret(session_, &ms);
    if (ms.data) n.master_secret.assign(ms.data, ms.data + ms.size);
    n.server_name = server_name_;
    n.client_authenticated =
        role_ == Side::kServer && gnutls_certificate_get_peers(session_, nullptr) != nullptr;
    n.max_fragment_length = 0;
    negotiated_ = std::move(n);

    io_->Note(std::string(kNoteTag) +
              (first ? "handshake complete: " : "renegotiation complete: ") +
              (negotiated_->suite ? std::string(negotiated_->suite->name) : "?") +
              (negotiated_->resumed ? ", resumed" : ", full") +
              (negotiated_->extended_master_secret ? ", EMS" : ""));

    if (role_ == Side::kClient) {
      gnutls_datum_t data = {nullptr, 0};
      if (gnutls_session_get_data2(session_, &data) == 0 && data.data != nullptr) {
        session_data_ = Bytes(data.data, data.data + data.size);
        gnutls_free(data.data);
      }
    }
    phase_ = Phase::kData;
    if (first && renegotiation_ == RenegotiationPolicy::kInitiate) {
      if (role_ == Side::kServer) {
        const int r = gnutls_rehandshake(session_);
        if (r != 0 && r != GNUTLS_E_AGAIN) {
          io_->Note(std::string(kNoteTag) + "HelloRequest not sent: " + ErrorText(r));
          return;
        }
        io_->Note(std::string(kNoteTag) + "sent HelloRequest (renegotiation: initiate)");
      } else {
        io_->Note(std::string(kNoteTag) + "starting a renegotiation (renegotiation: initiate)");
      }
      phase_ = Phase::kHandshake;
    }
  }

  const Side role_;
  const RenegotiationPolicy renegotiation_;
  gnutls_session_t session_;
  ClientSessionSlot* client_slot_;
  std::vector<std::string> pending_notes_;
  std::string server_name_;
  std::string verify_host_;
  LibraryIo* io_ = nullptr;
  Phase phase_ = Phase::kHandshake;
  bool read_then_handshake_ = false;
  bool refused_hello_queued_ = false;
  size_t consumed_ = 0;   // bytes the library read during the current call
  int idle_retries_ = 0;  // calls in a row that read nothing while input was unread
  bool finished_ = false;
  bool fatal_ = false;
  std::optional<Negotiated> negotiated_;
  std::optional<Bytes> session_data_;
  std::optional<Bytes> server_hello_session_id_;
};

// ---- The library ----

// 32 bytes from (seed, connection index) by splitmix64: a test client's random needs only to
// be the same in every run, not unpredictable.
Bytes ClientRandom(uint64_t seed, size_t index) {
  uint64_t x = seed * 0x9E3779B97F4A7C15ull + index + 1;
  Bytes out;
  while (out.size() < 32) {
    uint64_t z = (x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(z >> (8 * i)));
  }
  return out;
}

class GnuTlsLibrary final : public Library {
 public:
  bool selects_certificate_by_name() const override { return true; }
  explicit GnuTlsLibrary(const TargetResources& resources) : resources_(resources) {
    static const bool once = [] {
      gnutls_global_set_time_function(&FixedTime);
      return true;
    }();
    (void)once;
    ticket_key_data_.assign(64, 0x5d);
  }

  std::string name() const override { return "gnutls"; }
  std::string version() const override {
    return std::string("GnuTLS ") + gnutls_check_version(nullptr);
  }

  std::optional<std::string> Unsupported(const Scenario& s) const override {
    const TargetConfig& t = s.target;
    const std::string lib = "GnuTLS " + std::string(gnutls_check_version(nullptr));
    if (t.extended_master_secret == EmsPolicy::kRequired) {
      return "target.extended_master_secret \"required\": " + lib +
             " cannot refuse a peer without the extended master secret (no priority keyword "
             "for it; only its FIPS mode requires RFC 7627)";
    }
    if (t.ocsp && s.role == Side::kServer &&
        (t.certificate == CertificateKey::kEcdsaP384 ||
         t.certificate == CertificateKey::kEcdsaP521)) {
      return "target.ocsp with certificate \"" + std::string(ConfigName(t.certificate)) +
             "\": the run's PEM files hold no OCSP response for that certificate";
    }
    if (t.max_fragment_length != 0 && s.role == Side::kClient && t.max_fragment_length != 512 &&
        t.max_fragment_length != 1024 && t.max_fragment_length != 2048 &&
        t.max_fragment_length != 4096) {
      return "target.max_fragment_length: not an RFC 6066 length";
    }
    if (s.role == Side::kClient && t.max_fragment_length != 0 && t.record_size_limit != 0 &&
        t.max_fragment_length != t.record_size_limit) {
      return "target.max_fragment_length with target.record_size_limit: " + lib +
             " derives both extensions from one size (gnutls_record_set_max_size and "
             "gnutls_record_set_max_recv_size set the same limit), so it cannot request " +
             std::to_string(t.max_fragment_length) + " and advertise " +
             std::to_string(t.record_size_limit);
    }
    PriorityPlan plan = PlanPriority(s);
    if (plan.unsupported.has_value()) return plan.unsupported;
    return std::nullopt;
  }

  Result<std::unique_ptr<LibraryConnection>> Open(const Scenario& s, size_t index) override {
    if (index == 0) {
      db_.clear();
      client_slot_.data.reset();
    }
    const TargetConfig& t = s.target;
    PriorityPlan plan = PlanPriority(s);
    if (plan.unsupported.has_value()) return InternalError(*plan.unsupported);
    SD_ASSIGN_OR_RETURN(gnutls_priority_t prio, PriorityFor(plan.priority));
    SD_ASSIGN_OR_RETURN(gnutls_certificate_credentials_t cred, CredentialsFor(s));

    const bool server = s.role == Side::kServer;
    unsigned flags = (server ? GNUTLS_SERVER : GNUTLS_CLIENT) | GNUTLS_NONBLOCK;
    if (!t.session_tickets) flags |= GNUTLS_NO_TICKETS;
    gnutls_session_t session = nullptr;
    int r = gnutls_init(&session, flags);
    if (r != 0) return InternalError("gnutls_init: " + ErrorText(r));
    auto fail = [&](const char* what, int err) -> Status {
      gnutls_deinit(session);
      return InternalError(std::string(what) + ": " + ErrorText(err));
    };
    if ((r = gnutls_priority_set(session, prio)) != 0) return fail("gnutls_priority_set", r);
    if ((r = gnutls_credentials_set(session, GNUTLS_CRD_CERTIFICATE, cred)) != 0) {
      return fail("gnutls_credentials_set", r);
    }
    gnutls_handshake_set_timeout(session, 0);
    std::vector<std::string> notes = plan.notes;
    if (server) {
      if (t.client_auth != ClientAuthMode::kNone) {
        gnutls_certificate_server_set_request(session, t.client_auth == ClientAuthMode::kRequired
                                                           ? GNUTLS_CERT_REQUIRE
                                                           : GNUTLS_CERT_REQUEST);
        if (t.client_auth == ClientAuthMode::kRequired) {
          gnutls_session_set_verify_cert(session, nullptr, 0);
        } else {
          // gnutls_session_set_verify_cert fails a handshake without a client certificate
          // (GNUTLS_E_NO_CERTIFICATE_FOUND): "optional" verifies only a certificate sent.
          gnutls_session_set_verify_function(session, &VerifyOptionalClient);
        }
      }
      gnutls_db_set_ptr(session, &db_);
      gnutls_db_set_store_function(session, &DbStore);
      gnutls_db_set_retrieve_function(session, &DbRetrieve);
      gnutls_db_set_remove_function(session, &DbRemove);
      if (t.session_tickets) {
        gnutls_datum_t key = {ticket_key_data_.data(),
                              static_cast<unsigned int>(ticket_key_data_.size())};
        if ((r = gnutls_session_ticket_enable_server(session, &key)) != 0) {
          return fail("gnutls_session_ticket_enable_server", r);
        }
      }
    } else {
      const std::string& host = s.peer.server_name;
      if (!host.empty()) {
        if ((r = gnutls_server_name_set(session, GNUTLS_NAME_DNS, host.data(), host.size())) != 0) {
          return fail("gnutls_server_name_set", r);
        }
      }
      if (t.ocsp) {
        if ((r = gnutls_ocsp_status_request_enable_client(session, nullptr, 0, nullptr)) != 0) {
          return fail("gnutls_ocsp_status_request_enable_client", r);
        }
      }
      if (t.max_fragment_length != 0) {
        if ((r = static_cast<int>(gnutls_record_set_max_size(session, t.max_fragment_length))) <
            0) {
          return fail("gnutls_record_set_max_size", r);
        }
      }
      bool resuming = false;
      if (index < s.connections.size() && s.connections[index].resume &&
          client_slot_.data.has_value()) {
        const Bytes& d = *client_slot_.data;
        if ((r = gnutls_session_set_data(session, d.data(), d.size())) != 0) {
          notes.push_back(std::string(kNoteTag) + "session not offered: " + ErrorText(r));
        } else {
          resuming = true;
        }
      }
      // The client random from the run's seed and the connection's index (GnuTLS documents
      // gnutls_handshake_set_random as not for resumption: left to GnuTLS there). A fixed
      // random makes the peer's ServerKeyExchange signature, whose input it is, the same in
      // every vector, so the peer's memo reuses it (docs/TARGETS.md "Determinism").
      if (!resuming) {
        Bytes random = ClientRandom(resources_.seed, index);
        gnutls_datum_t datum = {random.data(), static_cast<unsigned int>(random.size())};
        if ((r = gnutls_handshake_set_random(session, &datum)) != 0) {
          return fail("gnutls_handshake_set_random", r);
        }
      }
    }
    if (t.record_size_limit != 0) {
      if ((r = static_cast<int>(gnutls_record_set_max_recv_size(session, t.record_size_limit))) <
          0) {
        return fail("gnutls_record_set_max_recv_size", r);
      }
    }
    if (t.heartbeat != HeartbeatMode::kOff) {
      gnutls_heartbeat_enable(session, t.heartbeat == HeartbeatMode::kPeerAllowedToSend
                                           ? GNUTLS_HB_PEER_ALLOWED_TO_SEND
                                           : GNUTLS_HB_PEER_NOT_ALLOWED_TO_SEND);
    }
    auto conn = std::make_unique<GnuTlsConnection>(s, session, server ? nullptr : &client_slot_,
                                                   std::move(notes));
    if (!server) {
      // The certificates are for "localhost": verify against the name the client sends.
      conn->VerifyServer(s.peer.server_name.empty() ? "localhost" : s.peer.server_name);
    }
    return std::unique_ptr<LibraryConnection>(std::move(conn));
  }

 private:
  Result<gnutls_priority_t> PriorityFor(const std::string& text) {
    auto it = priorities_.find(text);
    if (it != priorities_.end()) return it->second->prio;
    auto p = std::make_unique<Priority>();
    const char* err_pos = nullptr;
    int r = gnutls_priority_init(&p->prio, text.c_str(), &err_pos);
    if (r != 0) {
      p->prio = nullptr;
      return InternalError("gnutls_priority_init(\"" + text + "\"): " + ErrorText(r) +
                           (err_pos ? std::string(" at \"") + err_pos + "\"" : ""));
    }
    gnutls_priority_t prio = p->prio;
    priorities_[text] = std::move(p);
    return prio;
  }

  // Loaded certificates per (role, certificate, ocsp): loading keys costs more than a handshake.
  Result<gnutls_certificate_credentials_t> CredentialsFor(const Scenario& s) {
    const bool server = s.role == Side::kServer;
    const std::string key = std::string(server ? "S|" : "C|") +
                            std::string(ConfigName(s.target.certificate)) +
                            (s.target.ocsp && server ? "|ocsp" : "|-") +
                            (server && !s.target.sni.empty() ? "|sni" : "|-");
    auto it = credentials_.find(key);
    if (it != credentials_.end()) return it->second->cred;
    const PemFiles& pem = resources_.pem;
    SD_ASSIGN_OR_RETURN(std::optional<PemCredential> files, CredentialFiles(s, pem));
    auto c = std::make_unique<Credentials>();
    int r = gnutls_certificate_allocate_credentials(&c->cred);
    if (r != 0) {
      c->cred = nullptr;
      return InternalError("gnutls_certificate_allocate_credentials: " + ErrorText(r));
    }
    r = gnutls_certificate_set_x509_trust_file(c->cred, pem.ca.c_str(), GNUTLS_X509_FMT_PEM);
    if (r < 0) return InternalError("trust file " + pem.ca + ": " + ErrorText(r));
    if (files.has_value()) {
      r = gnutls_certificate_set_x509_key_file(c->cred, files->chain.c_str(), files->key.c_str(),
                                               GNUTLS_X509_FMT_PEM);
      if (r < 0) return InternalError("key file " + files->chain + ": " + ErrorText(r));
      if (server && s.target.ocsp) {
        const std::string& ocsp =
            s.target.certificate == CertificateKey::kEcdsa ? pem.ecdsa_ocsp : pem.ocsp;
        r = gnutls_certificate_set_ocsp_status_request_file(c->cred, ocsp.c_str(), 0);
        if (r < 0) return InternalError("OCSP response " + ocsp + ": " + ErrorText(r));
      }
      if (server && !s.target.sni.empty()) {
        // target.sni: a second key pair; GnuTLS serves the certificate whose names match the
        // client's server_name, and its first (the default) when none does.
        r = gnutls_certificate_set_x509_key_file(c->cred, pem.sni_cert.c_str(), pem.sni_key.c_str(),
                                                 GNUTLS_X509_FMT_PEM);
        if (r < 0) return InternalError("key file " + pem.sni_cert + ": " + ErrorText(r));
      }
    }
    if (server) {
      // DHE suites with a client that names no FFDHE group: RFC 7919's ffdhe2048 (a 2048-bit
      // group), as the reference does.
      gnutls_certificate_set_known_dh_params(c->cred, GNUTLS_SEC_PARAM_MEDIUM);
    }
    gnutls_certificate_credentials_t cred = c->cred;
    credentials_[key] = std::move(c);
    return cred;
  }

  TargetResources resources_;
  std::map<std::string, std::unique_ptr<Priority>> priorities_;
  std::map<std::string, std::unique_ptr<Credentials>> credentials_;
  SessionDb db_;
  ClientSessionSlot client_slot_;
  Bytes ticket_key_data_;
};

}  // namespace

std::unique_ptr<Library> MakeGnuTlsLibrary(const TargetResources& resources) {
  return std::make_unique<GnuTlsLibrary>(resources);
}

}  // namespace shakedown
