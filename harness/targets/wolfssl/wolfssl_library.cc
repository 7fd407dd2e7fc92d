// wolfSSL as an in-process library target.
// Kept in one file (over ~800 lines) on purpose: the adapter is one translation of the target
// block onto one library's API, read top to bottom beside that library's manual.
//
// The build: Debian's libwolfssl 5.5.4 (configure --enable-all minus a few, see
// /usr/include/wolfssl/options.h, included first below as wolfSSL requires). What that build
// lacks decides Unsupported(): no HAVE_SECURE_RENEGOTIATION (only
// HAVE_SERVER_RENEGOTIATION_INFO: the RFC 5746 indication, never a renegotiation), no
// Heartbeat, no record_size_limit, no way to require EMS. Everything else of a vector's target
// block maps onto the native wolfSSL_* API (no OpenSSL compatibility headers: they clash).
//
// What negotiated() reports: version, suite, session id, resumed, the randoms and master
// secret from wolfSSL itself (wolfSSL_KeepArrays + wolfSSL_get_keys). wolfSSL 5.5.4 has no
// getter for "EMS negotiated" nor "encrypt-then-MAC negotiated", so those two come from the
// plaintext ServerHello the library sent (server) or accepted (client): its extensions 23
// (extended_master_secret) and 22 (encrypt_then_mac), which RFC 7627 5.1 / RFC 7366 2 make
// the negotiation's outcome.
//
// Determinism (what could and could not be made deterministic):
// - Randomness: every WC_RNG of a WOLFSSL draws through wolfCrypt's crypto-callback device
//   (WOLF_CRYPTO_CB is compiled in): the contexts get devId kRngDevId, so wc_RNG_GenerateBlock
//   asks our callback first, which serves bytes from a per-connection DeterministicRng seeded
//   from the run seed, the vector id and the connection index (ServerHello/ClientHello randoms,
//   session ids, ECDHE/DHE private keys, RSA PKCS#1 padding, ECDSA nonces, CBC IVs).
// - NOT deterministic: the session ticket key (wolfSSL's default ticket callback draws its
//   keys from its own DRBG seeded by the OS when a context first issues a ticket), so ticket
//   bytes differ between runs; RSA blinding values come from the WC_RNG and are deterministic,
//   but any DRBG wolfSSL creates outside a WOLFSSL (context-level) reads /dev/urandom.
// - The clock: wolfSSL reads time() directly (XTIME, LowResTimer) for certificate validity,
//   session lifetimes and ticket ages; wc_SetTimeCb only affects wc_Time, which the TLS
//   layer does not use. kLibraryClock cannot be imposed. The test PKI is valid 2024-2044, so
//   the real clock gives the same verdicts.
#include "harness/targets/wolfssl/wolfssl_library.h"

#include <wolfssl/options.h>  // first: the build's feature macros
#include <wolfssl/ssl.h>
#include <wolfssl/wolfcrypt/cryptocb.h>
#include <wolfssl/wolfcrypt/error-crypt.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/base/alert.h"
#include "engine/crypto/rng.h"
#include "engine/wire/registry.h"

namespace shakedown {
namespace {

constexpr int kMaxSteps = 10000;
// Our crypto-callback device: only answers RNG requests (see the top of the file).
constexpr int kRngDevId = 0x5d5d;

// ---------------------------------------------------------------------------------------------
// Deterministic randomness through the crypto callback.

thread_local DeterministicRng* g_current_rng = nullptr;

// Makes the connection's generator the one the callback serves from while wolfSSL runs.
class RngScope {
 public:
  explicit RngScope(DeterministicRng* rng) : saved_(g_current_rng) { g_current_rng = rng; }
  ~RngScope() { g_current_rng = saved_; }

 private:
  DeterministicRng* saved_;
};

int CryptoCallback(int devId, wc_CryptoInfo* info, void* ctx) {
  (void)devId;
  (void)ctx;
  if (info == nullptr || g_current_rng == nullptr) return CRYPTOCB_UNAVAILABLE;
  if (info->algo_type == WC_ALGO_TYPE_RNG) {
    g_current_rng->randomize(info->rng.out, info->rng.sz);
    return 0;
  }
  if (info->algo_type == WC_ALGO_TYPE_SEED) {
    g_current_rng->randomize(info->seed.seed, info->seed.sz);
    return 0;
  }
  return CRYPTOCB_UNAVAILABLE;
}

void InitWolfSslOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    wolfSSL_Init();
    wc_CryptoCb_RegisterDevice(kRngDevId, CryptoCallback, nullptr);
  });
}

// ---------------------------------------------------------------------------------------------
// What the build implements.

std::string ErrorString(int err) {
  char buf[WOLFSSL_MAX_ERROR_SZ];
  std::memset(buf, 0, sizeof(buf));
  wolfSSL_ERR_error_string_n(static_cast<unsigned long>(err), buf, sizeof(buf));
  return std::to_string(err) + " (" + buf + ")";
}

// wolfSSL's own name of an IANA suite that this build can negotiate in TLS 1.2, or "".
std::string WolfSuiteName(uint16_t id) {
  static const std::set<std::string>* compiled = [] {
    auto* names = new std::set<std::string>;
    for (int i = 0;; ++i) {
      const char* n = wolfSSL_get_cipher_list(i);
      if (n == nullptr) break;
      names->insert(n);
    }
    return names;
  }();
  const char* name = wolfSSL_get_cipher_name_from_suite(static_cast<unsigned char>(id >> 8),
                                                        static_cast<unsigned char>(id & 0xff));
  if (name == nullptr) return "";
  std::string s(name);
  if (s == "None" || s.rfind("TLS13", 0) == 0 || compiled->count(s) == 0) return "";
  return s;
}

bool GroupSupported(NamedGroup g) {
  switch (g) {
    case NamedGroup::kSecp256r1:
    case NamedGroup::kSecp384r1:
    case NamedGroup::kSecp521r1:
    case NamedGroup::kX25519:
    case NamedGroup::kX448:
    case NamedGroup::kFfdhe2048:
    case NamedGroup::kFfdhe3072:
      return true;
    default:
      return false;  // secp192r1/224r1 are not in this build's TLS curve list; no ffdhe4096+
  }
}

std::string SuiteLabel(uint16_t id) {
  const CipherSuiteInfo* s = FindCipherSuite(id);
  if (s != nullptr) return std::string(s->name);
  char buf[16];
  std::snprintf(buf, sizeof(buf), "0x%04x", id);
  return buf;
}

std::string AlertLabel(int code) {
  if (code < 0 || code > 255) return std::to_string(code);
  std::optional<std::string_view> n = AlertName(static_cast<uint8_t>(code));
  return n ? std::string(*n) : std::to_string(code);
}

Result<Bytes> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InternalError("cannot read " + path);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// ---------------------------------------------------------------------------------------------
// The plaintext ServerHello of one direction: what the library sent or accepted.

struct HelloSeen {
  Bytes session_id;
  uint16_t suite = 0;
  bool ems = false;
  bool etm = false;
};

class ServerHelloScanner {
 public:
  void Feed(const uint8_t* data, size_t n) {
    if (stopped_ || n == 0) return;
    records_.insert(records_.end(), data, data + n);
    while (!stopped_ && records_.size() >= 5) {
      const uint8_t type = records_[0];
      const size_t len = (size_t{records_[3]} << 8) | records_[4];
      if (records_.size() < 5 + len) break;
      if (type == 20) {
        stopped_ = true;  // ChangeCipherSpec: what follows is protected
      } else if (type == 22) {
        handshake_.insert(handshake_.end(), records_.begin() + 5, records_.begin() + 5 + len);
        ScanHandshake();
      }
      records_.erase(records_.begin(), records_.begin() + 5 + len);
    }
    if (records_.size() > (1u << 20) || handshake_.size() > (1u << 20)) stopped_ = true;
  }
  const std::optional<HelloSeen>& hello() const { return hello_; }

 private:
  void ScanHandshake() {
    while (!stopped_ && handshake_.size() >= 4) {
      const size_t len =
          (size_t{handshake_[1]} << 16) | (size_t{handshake_[2]} << 8) | handshake_[3];
      if (handshake_.size() < 4 + len) return;
      if (handshake_[0] == 2 && !hello_.has_value()) {
        hello_ = ParseServerHello(ByteView(handshake_.data() + 4, len));
      }
      handshake_.erase(handshake_.begin(), handshake_.begin() + 4 + len);
    }
  }

  static std::optional<HelloSeen> ParseServerHello(ByteView b) {
    HelloSeen h;
    size_t p = 2 + 32;
    if (b.size() < p + 1) return std::nullopt;
    const size_t sid = b[p++];
    if (b.size() < p + sid + 3) return std::nullopt;
    h.session_id.assign(b.begin() + p, b.begin() + p + sid);
    p += sid;
    h.suite = static_cast<uint16_t>((b[p] << 8) | b[p + 1]);
    p += 3;
    if (b.size() < p + 2) return h;
    size_t ext_end = p + 2 + ((size_t{b[p]} << 8) | b[p + 1]);
    p += 2;
    if (ext_end > b.size()) ext_end = b.size();
    while (p + 4 <= ext_end) {
      const uint16_t type = static_cast<uint16_t>((b[p] << 8) | b[p + 1]);
      const size_t len = (size_t{b[p + 2]} << 8) | b[p + 3];
      p += 4 + len;
      if (type == 23) h.ems = true;
      if (type == 22) h.etm = true;
    }
    return h;
  }

  Bytes records_;
  Bytes handshake_;
  bool stopped_ = false;
  std::optional<HelloSeen> hello_;
};

// ---------------------------------------------------------------------------------------------

// A client's resumable session for the connections of one vector.
struct ClientSessionSlot {
  WOLFSSL_SESSION* session = nullptr;
  void Reset(WOLFSSL_SESSION* s = nullptr) {
    if (session != nullptr) wolfSSL_SESSION_free(session);
    session = s;
  }
  ~ClientSessionSlot() { Reset(); }
};

struct ContextEntry {
  WOLFSSL_CTX* ctx = nullptr;
  Bytes ocsp_response;             // server: stapled when a client asks (ocsp: true)
  std::vector<std::string> notes;  // suites or groups dropped from the block
  ~ContextEntry() {
    if (ctx != nullptr) wolfSSL_CTX_free(ctx);
  }
};

// RFC 6066 8, server: staple the run's good OCSP response for our certificate.
int StatusCallback(WOLFSSL* ssl, void* arg) {
  const Bytes* response = static_cast<const Bytes*>(arg);
  if (response == nullptr || response->empty()) return 3;  // SSL_TLSEXT_ERR_NOACK
  // wolfSSL takes ownership and frees it with XFREE (free()).
  auto* copy = static_cast<unsigned char*>(std::malloc(response->size()));
  if (copy == nullptr) return 2;  // SSL_TLSEXT_ERR_ALERT_FATAL
  std::memcpy(copy, response->data(), response->size());
  wolfSSL_set_tlsext_status_ocsp_resp(ssl, copy, static_cast<int>(response->size()));
  return 0;  // SSL_TLSEXT_ERR_OK
}

class WolfSslConnection final : public LibraryConnection {
 public:
  WolfSslConnection(WOLFSSL* ssl, Side role, std::unique_ptr<DeterministicRng> rng,
                    std::shared_ptr<ClientSessionSlot> slot, std::vector<std::string> notes)
      : ssl_(ssl),
        role_(role),
        rng_(std::move(rng)),
        slot_(std::move(slot)),
        pending_notes_(std::move(notes)) {
    wolfSSL_SetIOReadCtx(ssl_, this);
    wolfSSL_SetIOWriteCtx(ssl_, this);
    wolfSSL_get_alert_history(ssl_, &alerts_);
  }
  ~WolfSslConnection() override {
    RngScope scope(rng_.get());
    wolfSSL_free(ssl_);
  }

  static int Recv(WOLFSSL* ssl, char* buf, int sz, void* ctx) {
    (void)ssl;
    auto* self = static_cast<WolfSslConnection*>(ctx);
    if (self == nullptr || self->io_ == nullptr || sz <= 0) return WOLFSSL_CBIO_ERR_WANT_READ;
    LibraryIo& io = *self->io_;
    const size_t n = io.Read(reinterpret_cast<uint8_t*>(buf), static_cast<size_t>(sz));
    if (n > 0) {
      if (self->role_ == Side::kClient) {
        self->scanner_.Feed(reinterpret_cast<const uint8_t*>(buf), n);
      }
      return static_cast<int>(n);
    }
    if (io.eof) return WOLFSSL_CBIO_ERR_CONN_CLOSE;
    return WOLFSSL_CBIO_ERR_WANT_READ;
  }

  static int Send(WOLFSSL* ssl, char* buf, int sz, void* ctx) {
    (void)ssl;
    auto* self = static_cast<WolfSslConnection*>(ctx);
    if (self == nullptr || self->io_ == nullptr) return WOLFSSL_CBIO_ERR_GENERAL;
    if (sz <= 0) return 0;
    self->io_->Write(reinterpret_cast<const uint8_t*>(buf), static_cast<size_t>(sz));
    if (self->role_ == Side::kServer) {
      self->scanner_.Feed(reinterpret_cast<const uint8_t*>(buf), static_cast<size_t>(sz));
    }
    return sz;
  }

  void Drive(LibraryIo& io) override {
    io_ = &io;
    RngScope scope(rng_.get());
    for (std::string& n : pending_notes_) io.Note(std::move(n));
    pending_notes_.clear();
    for (int step = 0; !finished_; ++step) {
      if (step >= kMaxSteps) {
        io.Note("wolfssl: still busy after " + std::to_string(kMaxSteps) + " steps, stopped");
        finished_ = true;
        break;
      }
      if (!handshake_done_) {
        const int ret = wolfSSL_negotiate(ssl_);
        NoteAlerts();
        if (ret == WOLFSSL_SUCCESS) {
          handshake_done_ = true;
          FillNegotiated();
          continue;
        }
        const int err = wolfSSL_get_error(ssl_, ret);
        if (err == WOLFSSL_ERROR_WANT_READ || err == WOLFSSL_ERROR_WANT_WRITE) break;
        if (err == WOLFSSL_ERROR_ZERO_RETURN) {
          AnswerCloseNotify();
          break;
        }
        Fail("handshake", err);
        break;
      }
      uint8_t buf[16384];
      const int n = wolfSSL_read(ssl_, buf, sizeof(buf));
      NoteAlerts();
      if (n > 0) continue;  // application data: read and discarded
      const int err = wolfSSL_get_error(ssl_, n);
      if (err == WOLFSSL_ERROR_WANT_READ || err == WOLFSSL_ERROR_WANT_WRITE) break;
      if (err == WOLFSSL_ERROR_ZERO_RETURN) {
        AnswerCloseNotify();
        break;
      }
      Fail("read", err);
      break;
    }
    io_ = nullptr;
  }

  bool finished() const override { return finished_; }
  const Negotiated* negotiated() const override {
    return negotiated_.has_value() ? &*negotiated_ : nullptr;
  }

  void Close(LibraryIo& io) override {
    (void)io;
    if (role_ != Side::kClient || slot_ == nullptr) return;
    if (failed_) {
      slot_->Reset();  // RFC 5246 7.2.2: no resumption after a fatal error
    } else if (handshake_done_) {
      WOLFSSL_SESSION* s = wolfSSL_get1_session(ssl_);
      if (s != nullptr) slot_->Reset(s);
    }
  }

 private:
  void AnswerCloseNotify() {
    io_->Note("wolfssl: received close_notify, answering with close_notify");
    wolfSSL_shutdown(ssl_);
    NoteAlerts();
    finished_ = true;
  }

  void Fail(const char* phase, int err) {
    std::string line = std::string("wolfssl: ") + phase + " failed: error " + ErrorString(err);
    if (err == SOCKET_PEER_CLOSED_E || err == SOCKET_ERROR_E) {
      line += io_->eof ? " (the peer closed its side)" : "";
    }
    io_->Note(line);
    failed_ = true;
    finished_ = true;
  }

  // wolfSSL keeps the last alert sent and received: note what changed.
  void NoteAlerts() {
    WOLFSSL_ALERT_HISTORY h;
    std::memset(&h, 0, sizeof(h));
    if (wolfSSL_get_alert_history(ssl_, &h) != WOLFSSL_SUCCESS) return;
    auto level = [](int l) { return l == 2 ? "fatal" : (l == 1 ? "warning" : "?"); };
    if (h.last_tx.code != alerts_.last_tx.code || h.last_tx.level != alerts_.last_tx.level) {
      if (h.last_tx.code >= 0) {
        io_->Note(std::string("wolfssl: sent alert ") + level(h.last_tx.level) + " " +
                  AlertLabel(h.last_tx.code));
      }
    }
    if (h.last_rx.code != alerts_.last_rx.code || h.last_rx.level != alerts_.last_rx.level) {
      if (h.last_rx.code >= 0) {
        io_->Note(std::string("wolfssl: received alert ") + level(h.last_rx.level) + " " +
                  AlertLabel(h.last_rx.code));
      }
    }
    alerts_ = h;
  }

  void FillNegotiated() {
    Negotiated n;
    n.version = static_cast<ProtocolVersion>(wolfSSL_version(ssl_));
    const uint16_t suite = static_cast<uint16_t>(wolfSSL_get_current_cipher_suite(ssl_));
    n.suite = FindCipherSuite(suite);
    WOLFSSL_SESSION* session = wolfSSL_get_session(ssl_);
    if (session != nullptr) {
      unsigned int len = 0;
      const unsigned char* id = wolfSSL_SESSION_get_id(session, &len);
      if (id != nullptr && len > 0) n.session_id.assign(id, id + len);
    }
    n.resumed = wolfSSL_session_reused(ssl_) == 1;
    // The session id is the ServerHello's (RFC 5246 7.4.1.3). On a client resuming with a
    // ticket, wolfSSL's session object keeps another id (the one its ticket carries,
    // WOLFSSL_TICKET_HAVE_ID) than the ServerHello echoed; the wire value is the session's.
    if (const std::optional<HelloSeen>& hello = scanner_.hello()) n.session_id = hello->session_id;
    unsigned char* ms = nullptr;
    unsigned char* sr = nullptr;
    unsigned char* cr = nullptr;
    unsigned int ms_len = 0, sr_len = 0, cr_len = 0;
    if (wolfSSL_get_keys(ssl_, &ms, &ms_len, &sr, &sr_len, &cr, &cr_len) == WOLFSSL_SUCCESS) {
      n.master_secret.assign(ms, ms + ms_len);
      n.server_random.assign(sr, sr + sr_len);
      n.client_random.assign(cr, cr + cr_len);
    } else if (session != nullptr) {
      uint8_t buf[48];
      const int len = wolfSSL_SESSION_get_master_key(session, buf, sizeof(buf));
      if (len > 0) n.master_secret.assign(buf, buf + len);
    }
    if (const std::optional<HelloSeen>& hello = scanner_.hello()) {
      n.extended_master_secret = hello->ems;
      n.encrypt_then_mac =
          hello->etm && n.suite != nullptr && n.suite->cipher_type == CipherType::kBlock;
    }
    n.renegotiations = 0;
    io_->Note("wolfssl: handshake complete: " + SuiteLabel(suite) +
              (n.resumed ? ", resumed" : ", full") + (n.extended_master_secret ? ", EMS" : ""));
    negotiated_ = std::move(n);
  }

  WOLFSSL* ssl_;
  Side role_;
  std::unique_ptr<DeterministicRng> rng_;
  std::shared_ptr<ClientSessionSlot> slot_;
  std::vector<std::string> pending_notes_;
  LibraryIo* io_ = nullptr;
  ServerHelloScanner scanner_;
  WOLFSSL_ALERT_HISTORY alerts_{};
  bool handshake_done_ = false;
  bool finished_ = false;
  bool failed_ = false;
  std::optional<Negotiated> negotiated_;
};

// Everything a WOLFSSL_CTX depends on.
std::string ContextKey(const Scenario& s) {
  const TargetConfig& t = s.target;
  std::string key = s.role == Side::kServer ? "S|" : "C|";
  key += std::string(ConfigName(t.certificate)) + "|" + std::string(ConfigName(t.client_auth)) +
         "|" + std::string(ConfigName(t.extended_master_secret)) +
         (t.session_tickets ? "|t|" : "|-|") + (t.ocsp ? "o|" : "-|") + t.sni + "|";
  for (uint16_t suite : t.cipher_suites) key += std::to_string(suite) + ",";
  key += "|";
  for (NamedGroup g : t.groups) key += std::to_string(static_cast<uint16_t>(g)) + ",";
  return key;
}

// target.sni: what the server does for each server_name (RFC 6066 3).
struct SniChoice {
  std::string alternate_name, alternate_chain, alternate_key;
  std::string default_name;
  bool refuse_unknown = false;
};

// The alternate chain for its name; under "fatal" a fatal unrecognized_name for a name neither
// certificate carries.
int SelectByName(WOLFSSL* ssl, int* alert, void* arg) {
  const auto* choice = static_cast<const SniChoice*>(arg);
  const char* name = wolfSSL_get_servername(ssl, WOLFSSL_SNI_HOST_NAME);
  if (choice == nullptr || name == nullptr || *name == '\0') return 0;
  if (choice->alternate_name == name) {
    if (wolfSSL_use_certificate_chain_file(ssl, choice->alternate_chain.c_str()) !=
            WOLFSSL_SUCCESS ||
        wolfSSL_use_PrivateKey_file(ssl, choice->alternate_key.c_str(), WOLFSSL_FILETYPE_PEM) !=
            WOLFSSL_SUCCESS) {
      *alert = internal_error;
      return fatal_return;
    }
    return 0;
  }
  if (choice->default_name == name || !choice->refuse_unknown) return 0;
  *alert = unrecognized_name;
  return fatal_return;
}

std::optional<int> MaxFragmentCode(uint16_t length) {
  switch (length) {
    case 512:
      return WOLFSSL_MFL_2_9;
    case 1024:
      return WOLFSSL_MFL_2_10;
    case 2048:
      return WOLFSSL_MFL_2_11;
    case 4096:
      return WOLFSSL_MFL_2_12;
    default:
      return std::nullopt;
  }
}

class WolfSslLibrary final : public Library {
 public:
  bool selects_certificate_by_name() const override { return true; }
  explicit WolfSslLibrary(const TargetResources& resources)
      : resources_(resources), slot_(std::make_shared<ClientSessionSlot>()) {
    InitWolfSslOnce();
  }

  std::string name() const override { return "wolfssl"; }
  std::string version() const override { return std::string("wolfSSL ") + wolfSSL_lib_version(); }

  std::optional<std::string> Unsupported(const Scenario& scenario) const override {
    const TargetConfig& t = scenario.target;
    if (!t.versions.empty() && t.versions != std::vector<uint16_t>{0x0303}) {
      return std::string("target.versions: the wolfssl adapter enables TLS 1.2 only");
    }
    if (t.heartbeat != HeartbeatMode::kOff) {
      return std::string("target.heartbeat: wolfSSL 5.5.4 has no Heartbeat (RFC 6520)");
    }
    if (t.record_size_limit != 0) {
      return std::string(
          "target.record_size_limit: wolfSSL 5.5.4 has no record_size_limit (RFC 8449)");
    }
    if (t.renegotiation != RenegotiationPolicy::kRefuse) {
      return "target.renegotiation " + std::string(ConfigName(t.renegotiation)) +
             ": Debian's wolfSSL 5.5.4 is built without HAVE_SECURE_RENEGOTIATION (only "
             "HAVE_SERVER_RENEGOTIATION_INFO, the RFC 5746 indication): it cannot renegotiate";
    }
    if (t.extended_master_secret == EmsPolicy::kRequired) {
      return std::string(
          "target.extended_master_secret required: wolfSSL 5.5.4 cannot refuse a peer "
          "without the extended master secret (only wolfSSL_DisableExtendedMasterSecret)");
    }
    if (scenario.role == Side::kClient && t.max_fragment_length != 0 &&
        !MaxFragmentCode(t.max_fragment_length)) {
      return "target.max_fragment_length " + std::to_string(t.max_fragment_length) +
             ": not an RFC 6066 length";
    }
    if (!t.cipher_suites.empty()) {
      bool any = false;
      for (uint16_t id : t.cipher_suites) any = any || !WolfSuiteName(id).empty();
      if (!any) {
        std::string names;
        for (uint16_t id : t.cipher_suites) names += (names.empty() ? "" : ", ") + SuiteLabel(id);
        bool rsa_transport = false;
        for (uint16_t id : t.cipher_suites) {
          const CipherSuiteInfo* info = FindCipherSuite(id);
          rsa_transport =
              rsa_transport || (info != nullptr && info->key_exchange == KeyExchange::kRsa);
        }
        return "target.cipher_suites: Debian's wolfSSL 5.5.4 build implements none of " + names +
               (rsa_transport ? " (RSA key transport needs WOLFSSL_STATIC_RSA, which the build "
                                "does not define)"
                              : "");
      }
    }
    // The vector's premise is a suite the peer insists on (every suite it offers or accepts is
    // one a conforming stack may negotiate) and the target block leaves to the library's
    // defaults (or lists): when the build has none of them, no handshake can follow.
    if (!scenario.peer.cipher_suites.empty()) {
      bool needed = true, any = false, rsa_transport = false;
      for (uint16_t id : scenario.peer.cipher_suites) {
        const CipherSuiteInfo* info = FindCipherSuite(id);
        if (info == nullptr || !info->engine_supported) needed = false;
        if (!t.cipher_suites.empty() && std::find(t.cipher_suites.begin(), t.cipher_suites.end(),
                                                  id) == t.cipher_suites.end()) {
          needed = false;
        }
        if (info != nullptr && info->key_exchange == KeyExchange::kRsa) rsa_transport = true;
        any = any || !WolfSuiteName(id).empty();
      }
      if (needed && !any) {
        std::string names;
        for (uint16_t id : scenario.peer.cipher_suites) {
          names += (names.empty() ? "" : ", ") + SuiteLabel(id);
        }
        return "peer.cipher_suites: the vector needs " + names +
               ", which Debian's wolfSSL 5.5.4 build does not implement" +
               (rsa_transport ? " (RSA key transport needs WOLFSSL_STATIC_RSA, not defined)" : "");
      }
    }
    if (!t.groups.empty()) {
      bool any = false;
      for (NamedGroup g : t.groups) any = any || GroupSupported(g);
      if (!any) return std::string("target.groups: wolfSSL 5.5.4 implements none of them");
    }
    if (t.ocsp && scenario.role == Side::kServer && t.certificate != CertificateKey::kRsa &&
        t.certificate != CertificateKey::kEcdsa) {
      return std::string("target.ocsp: the run's PKI has no OCSP response for this certificate");
    }
    return std::nullopt;
  }

  Result<std::unique_ptr<LibraryConnection>> Open(const Scenario& scenario, size_t index) override {
    if (index == 0) {
      // Sessions live for one vector: a new session-id context for the server's cache (the
      // cache itself is wolfSSL's global one), and no client session.
      vector_token_ = "sd-wolfssl-" + std::to_string(next_token_.fetch_add(1));
      slot_->Reset();
    }
    SD_ASSIGN_OR_RETURN(ContextEntry * entry, ContextFor(scenario));

    const uint64_t salt =
        SeedFromName(scenario.id) ^ (0x9e3779b97f4a7c15ull * (index + 1)) ^ 0x776f6c6600000000ull;
    auto rng = std::make_unique<DeterministicRng>(resources_.seed ^ salt);
    RngScope scope(rng.get());

    WOLFSSL* ssl = wolfSSL_new(entry->ctx);
    if (ssl == nullptr) return InternalError("wolfSSL_new failed");
    wolfSSL_KeepArrays(ssl);  // the randoms and master secret stay readable
    const TargetConfig& t = scenario.target;
    std::vector<std::string> notes = entry->notes;
    if (scenario.role == Side::kServer) {
      wolfSSL_set_session_id_context(ssl,
                                     reinterpret_cast<const unsigned char*>(vector_token_.data()),
                                     static_cast<unsigned int>(vector_token_.size()));
    } else {
      const std::string& host = scenario.peer.server_name;
      if (!host.empty()) {
        if (wolfSSL_UseSNI(ssl, WOLFSSL_SNI_HOST_NAME, host.data(),
                           static_cast<unsigned short>(host.size())) != WOLFSSL_SUCCESS ||
            wolfSSL_check_domain_name(ssl, host.c_str()) != WOLFSSL_SUCCESS) {
          wolfSSL_free(ssl);
          return InternalError("wolfSSL_UseSNI / wolfSSL_check_domain_name failed");
        }
      }
      // RFC 5746 3.5: a client offers the renegotiation_info extension. wolfSSL sends it
      // only when asked (this build has the indication, HAVE_SERVER_RENEGOTIATION_INFO, but
      // no renegotiation: a HelloRequest is still refused).
      if (wolfSSL_UseSecureRenegotiation(ssl) != WOLFSSL_SUCCESS) {
        wolfSSL_free(ssl);
        return InternalError("wolfSSL_UseSecureRenegotiation failed");
      }
      if (t.session_tickets && wolfSSL_UseSessionTicket(ssl) != WOLFSSL_SUCCESS) {
        wolfSSL_free(ssl);
        return InternalError("wolfSSL_UseSessionTicket failed");
      }
      if (t.max_fragment_length != 0) {
        std::optional<int> code = MaxFragmentCode(t.max_fragment_length);
        if (!code ||
            wolfSSL_UseMaxFragment(ssl, static_cast<unsigned char>(*code)) != WOLFSSL_SUCCESS) {
          wolfSSL_free(ssl);
          return InternalError("wolfSSL_UseMaxFragment failed");
        }
      }
      if (t.ocsp && wolfSSL_UseOCSPStapling(ssl, WOLFSSL_CSR_OCSP, 0) != WOLFSSL_SUCCESS) {
        wolfSSL_free(ssl);
        return InternalError("wolfSSL_UseOCSPStapling failed");
      }
      if (index < scenario.connections.size() && scenario.connections[index].resume &&
          slot_->session != nullptr) {
        if (wolfSSL_set_session(ssl, slot_->session) != WOLFSSL_SUCCESS) {
          notes.push_back("wolfssl: wolfSSL_set_session refused the stored session");
        }
      }
    }
    return std::unique_ptr<LibraryConnection>(
        new WolfSslConnection(ssl, scenario.role, std::move(rng), slot_, std::move(notes)));
  }

 private:
  Result<ContextEntry*> ContextFor(const Scenario& scenario) {
    const std::string key = ContextKey(scenario);
    auto it = contexts_.find(key);
    if (it != contexts_.end()) return it->second.get();
    SD_ASSIGN_OR_RETURN(std::unique_ptr<ContextEntry> entry, MakeContext(scenario));
    ContextEntry* raw = entry.get();
    contexts_[key] = std::move(entry);
    return raw;
  }

  Result<std::unique_ptr<ContextEntry>> MakeContext(const Scenario& scenario) {
    const TargetConfig& t = scenario.target;
    const bool server = scenario.role == Side::kServer;
    auto entry = std::make_unique<ContextEntry>();
    entry->ctx =
        wolfSSL_CTX_new(server ? wolfTLSv1_2_server_method() : wolfTLSv1_2_client_method());
    WOLFSSL_CTX* ctx = entry->ctx;
    if (ctx == nullptr) return InternalError("wolfSSL_CTX_new failed");
    auto check = [](int rc, const std::string& what) -> Status {
      if (rc == WOLFSSL_SUCCESS) return Status::Ok();
      return InternalError(what + " failed: " + ErrorString(rc));
    };
    // TLS 1.2 only: the TLSv1_2 methods enable no other version; say it twice.
    SD_RETURN_IF_ERROR(
        check(wolfSSL_CTX_SetMinVersion(ctx, WOLFSSL_TLSV1_2), "wolfSSL_CTX_SetMinVersion"));
    SD_RETURN_IF_ERROR(check(wolfSSL_CTX_SetDevId(ctx, kRngDevId), "wolfSSL_CTX_SetDevId"));
    wolfSSL_CTX_SetIORecv(ctx, &WolfSslConnection::Recv);
    wolfSSL_CTX_SetIOSend(ctx, &WolfSslConnection::Send);

    const PemFiles& pem = resources_.pem;
    SD_ASSIGN_OR_RETURN(std::optional<PemCredential> cred, CredentialFiles(scenario, pem));
    if (cred.has_value()) {
      SD_RETURN_IF_ERROR(check(wolfSSL_CTX_use_certificate_chain_file(ctx, cred->chain.c_str()),
                               "wolfSSL_CTX_use_certificate_chain_file " + cred->chain));
      SD_RETURN_IF_ERROR(
          check(wolfSSL_CTX_use_PrivateKey_file(ctx, cred->key.c_str(), WOLFSSL_FILETYPE_PEM),
                "wolfSSL_CTX_use_PrivateKey_file " + cred->key));
    }
    SD_RETURN_IF_ERROR(check(wolfSSL_CTX_load_verify_locations(ctx, pem.ca.c_str(), nullptr),
                             "wolfSSL_CTX_load_verify_locations " + pem.ca));
    if (server && !scenario.target.sni.empty()) {
      std::unique_ptr<SniChoice>& choice = sni_[scenario.target.sni];
      if (!choice) {
        choice =
            std::make_unique<SniChoice>(SniChoice{pem.sni_name, pem.sni_cert, pem.sni_key,
                                                  pem.server_name, scenario.target.sni == "fatal"});
      }
      wolfSSL_CTX_set_servername_callback(ctx, &SelectByName);
      wolfSSL_CTX_set_servername_arg(ctx, choice.get());
    }
    if (server) {
      int mode = WOLFSSL_VERIFY_NONE;
      if (t.client_auth == ClientAuthMode::kOptional) mode = WOLFSSL_VERIFY_PEER;
      if (t.client_auth == ClientAuthMode::kRequired) {
        mode = WOLFSSL_VERIFY_PEER | WOLFSSL_VERIFY_FAIL_IF_NO_PEER_CERT;
      }
      wolfSSL_CTX_set_verify(ctx, mode, nullptr);
    } else {
      wolfSSL_CTX_set_verify(ctx, WOLFSSL_VERIFY_PEER, nullptr);
    }

    if (!t.cipher_suites.empty()) {
      std::string list;
      std::vector<std::string> dropped;
      for (uint16_t id : t.cipher_suites) {
        const std::string name = WolfSuiteName(id);
        if (name.empty()) {
          dropped.push_back(SuiteLabel(id));
          continue;
        }
        list += (list.empty() ? "" : ":") + name;
      }
      SD_RETURN_IF_ERROR(check(wolfSSL_CTX_set_cipher_list(ctx, list.c_str()),
                               "wolfSSL_CTX_set_cipher_list " + list));
      if (!dropped.empty()) {
        std::string line = "wolfssl: suites not in this build, dropped:";
        for (const std::string& d : dropped) line += " " + d;
        entry->notes.push_back(line);
      }
    }
    if (!t.groups.empty()) {
      std::vector<std::string> dropped;
      for (NamedGroup g : t.groups) {
        const uint16_t id = static_cast<uint16_t>(g);
        if (!GroupSupported(g) || wolfSSL_CTX_UseSupportedCurve(ctx, id) != WOLFSSL_SUCCESS) {
          dropped.push_back(std::to_string(id));
        }
      }
      if (!dropped.empty()) {
        std::string line = "wolfssl: groups not in this build, dropped:";
        for (const std::string& d : dropped) line += " " + d;
        entry->notes.push_back(line);
      }
    }
    if (t.extended_master_secret == EmsPolicy::kDisabled) {
      SD_RETURN_IF_ERROR(check(wolfSSL_CTX_DisableExtendedMasterSecret(ctx),
                               "wolfSSL_CTX_DisableExtendedMasterSecret"));
    }
    if (server) {
      if (!t.session_tickets) {
        SD_RETURN_IF_ERROR(check(wolfSSL_CTX_NoTicketTLSv12(ctx), "wolfSSL_CTX_NoTicketTLSv12"));
      }
      if (t.ocsp) {
        SD_ASSIGN_OR_RETURN(
            entry->ocsp_response,
            ReadFile(t.certificate == CertificateKey::kEcdsa ? pem.ecdsa_ocsp : pem.ocsp));
        SD_RETURN_IF_ERROR(
            check(wolfSSL_CTX_EnableOCSPStapling(ctx), "wolfSSL_CTX_EnableOCSPStapling"));
        SD_RETURN_IF_ERROR(
            check(static_cast<int>(wolfSSL_CTX_set_tlsext_status_cb(ctx, StatusCallback)),
                  "wolfSSL_CTX_set_tlsext_status_cb"));
        SD_RETURN_IF_ERROR(
            check(static_cast<int>(wolfSSL_CTX_set_tlsext_status_arg(ctx, &entry->ocsp_response)),
                  "wolfSSL_CTX_set_tlsext_status_arg"));
      }
    } else if (t.ocsp) {
      SD_RETURN_IF_ERROR(
          check(wolfSSL_CTX_EnableOCSPStapling(ctx), "wolfSSL_CTX_EnableOCSPStapling"));
    }
    return entry;
  }

  static std::atomic<uint64_t> next_token_;
  TargetResources resources_;
  std::map<std::string, std::unique_ptr<ContextEntry>> contexts_;
  std::map<std::string, std::unique_ptr<SniChoice>> sni_;  // by target.sni policy
  std::shared_ptr<ClientSessionSlot> slot_;
  std::string vector_token_ = "sd-wolfssl";
};

std::atomic<uint64_t> WolfSslLibrary::next_token_{0};

}  // namespace

std::unique_ptr<Library> MakeWolfSslLibrary(const TargetResources& resources) {
  return std::make_unique<WolfSslLibrary>(resources);
}

}  // namespace shakedown
