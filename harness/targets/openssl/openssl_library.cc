// OpenSSL 3.0 in-process target: libssl over two memory BIOs (the peer's bytes go into the
// read BIO, what OpenSSL writes is drained from the write BIO into LibraryIo::outbound).
// Kept in one file (over ~800 lines) on purpose: the adapter is one translation of the target
// block onto one library's API, read top to bottom beside that library's manual; splitting it
// would scatter each setting between files.
//
// Determinism (what is and is not a pure function of the run seed):
//  - Randomness: a process-wide legacy RAND_METHOD (RAND_set_rand_method, deprecated in 3.0
//    but honoured by RAND_bytes_ex / RAND_priv_bytes_ex, which libssl and the default
//    provider's key generation, ECDSA nonces, RSA padding and blinding all use) draws from a
//    thread-local DeterministicRng that Open() reseeds from (run seed, vector id, connection
//    index). So hello randoms, session ids, ephemeral keys, signatures, IVs and ticket IVs
//    repeat from run to run, whatever the number of worker threads.
//  - Clock: certificate and OCSP checks use kLibraryClock (X509_VERIFY_PARAM_set_time, and the
//    OCSP thisUpdate/nextUpdate check is done here against it). NOT fixed: OpenSSL's session
//    timestamps (SSL_SESSION time, session cache timeouts) read the wall clock (time(NULL));
//    libssl has no clock hook. That time is sealed inside the session tickets the server
//    issues, so ticket bytes differ between runs (nothing else on the wire depends on it).
//  - Contexts are cached per worker, so what a context draws when it is created (OpenSSL's
//    own random ticket keys, replaced here by a fixed key) depends on vector order; nothing
//    of it reaches the wire.
//  - The RAND_METHOD is process-wide: once an OpenSSL target exists, every libcrypto user in
//    the process draws from these seeded generators (no other shakedown code uses libcrypto).
//
// Configuration choices beyond the target block (each said where it is made):
//  - OpenSSL reads the system openssl.cnf (Debian: SECLEVEL=2), its defaults as deployed.
//  - DHE servers use RFC 7919 ffdhe2048 as fixed parameters (OpenSSL 3.0 does not negotiate
//    FFDHE groups in TLS 1.2; its automatic choice would be an RFC 3526 group).
//  - A target block whose suites are all AEAD turns encrypt_then_mac off (RFC 7366 3).
//  - A client verifies the server chain against the run's CA and the name it sends in SNI;
//    a server with client_auth verifies client chains against the same CA.
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include "harness/targets/openssl/openssl_library.h"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/opensslv.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "engine/base/alert.h"
#include "engine/base/bytes.h"
#include "engine/base/status.h"
#include "engine/connection/connection.h"
#include "engine/crypto/rng.h"
#include "engine/wire/registry.h"

namespace shakedown {
namespace {

constexpr int kMaxSteps = 10000;
constexpr const char kSessionIdContext[] = "shakedown";

// ---- Deterministic randomness ----

// The generator of the connection this thread is running (reseeded by Open()).
thread_local std::unique_ptr<DeterministicRng> t_rng;
uint64_t g_fallback_seed = 1;  // before any Open() on a thread

DeterministicRng& ThreadRng() {
  if (!t_rng) t_rng = std::make_unique<DeterministicRng>(g_fallback_seed ^ 0x6f70656e73736cull);
  return *t_rng;
}

int RandBytes(unsigned char* buf, int num) {
  if (num <= 0) return 1;
  ThreadRng().randomize(buf, static_cast<size_t>(num));
  return 1;
}
int RandSeed(const void*, int) { return 1; }
int RandAdd(const void*, int, double) { return 1; }
int RandStatus() { return 1; }

const RAND_METHOD kRandMethod = {
    RandSeed, RandBytes, nullptr, RandAdd, RandBytes, RandStatus,
};

// Installs the seeded method once per process; false when OpenSSL refused it.
bool InstallDeterministicRand(uint64_t seed) {
  static std::once_flag once;
  static bool installed = false;
  std::call_once(once, [&] {
    g_fallback_seed = seed;
    installed = RAND_set_rand_method(&kRandMethod) == 1;
  });
  return installed;
}

// ---- Small helpers ----

struct SslCtxFree {
  void operator()(SSL_CTX* p) const { SSL_CTX_free(p); }
};
struct SslFree {
  void operator()(SSL* p) const { SSL_free(p); }
};
struct SessionFree {
  void operator()(SSL_SESSION* p) const { SSL_SESSION_free(p); }
};
struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
struct StoreFree {
  void operator()(X509_STORE* p) const { X509_STORE_free(p); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxFree>;
using SslPtr = std::unique_ptr<SSL, SslFree>;
using SessionPtr = std::shared_ptr<SSL_SESSION>;

// The OpenSSL error queue as text ("; "-separated), emptied.
std::string DrainErrors() {
  std::string out;
  while (unsigned long code = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof(buffer));
    if (!out.empty()) out += "; ";
    out += buffer;
  }
  return out;
}

Status OpenSslError(const std::string& what) {
  std::string errors = DrainErrors();
  return InternalError("openssl: " + what + (errors.empty() ? "" : ": " + errors));
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InternalError("cannot read " + path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// OpenSSL's name of an IANA group, or nullopt when OpenSSL cannot use it in TLS 1.2.
std::optional<std::string> GroupName(NamedGroup g) {
  switch (g) {
    case NamedGroup::kSecp256r1:
      return std::string("P-256");
    case NamedGroup::kSecp384r1:
      return std::string("P-384");
    case NamedGroup::kSecp521r1:
      return std::string("P-521");
    case NamedGroup::kX25519:
      return std::string("X25519");
    case NamedGroup::kX448:
      return std::string("X448");
    case NamedGroup::kSecp224r1:
      return std::string("P-224");
    case NamedGroup::kSecp192r1:
      return std::string("P-192");
    default:
      return std::nullopt;  // FFDHE: OpenSSL 3.0 negotiates RFC 7919 groups only in TLS 1.3
  }
}

std::string GroupLabel(NamedGroup g) { return std::to_string(static_cast<uint16_t>(g)); }

std::string SuiteLabel(uint16_t id) {
  const CipherSuiteInfo* info = FindCipherSuite(id);
  if (info != nullptr) return std::string(info->name);
  char buffer[16];
  std::snprintf(buffer, sizeof(buffer), "0x%04x", id);
  return buffer;
}

std::string AlertLabel(int value) {
  std::optional<std::string_view> name = AlertName(static_cast<uint8_t>(value & 0xff));
  return name ? std::string(*name) : "alert " + std::to_string(value & 0xff);
}

// ---- Which suites OpenSSL can use in TLS 1.2 ----

// IANA id -> OpenSSL name of every suite this libssl enables in TLS 1.2 at its (system)
// security level, as a client would offer them with every suite turned on.
const std::map<uint16_t, std::string>& UsableSuites() {
  static const std::map<uint16_t, std::string>* suites = [] {
    auto* out = new std::map<uint16_t, std::string>();
    SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
    if (!ctx) return out;
    SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(ctx.get(), TLS1_2_VERSION);
    SSL_CTX_set_cipher_list(ctx.get(), "ALL:COMPLEMENTOFALL");
    SslPtr ssl(SSL_new(ctx.get()));
    if (!ssl) return out;
    STACK_OF(SSL_CIPHER)* list = SSL_get1_supported_ciphers(ssl.get());
    for (int i = 0; list != nullptr && i < sk_SSL_CIPHER_num(list); ++i) {
      const SSL_CIPHER* c = sk_SSL_CIPHER_value(list, i);
      (*out)[static_cast<uint16_t>(SSL_CIPHER_get_protocol_id(c))] = SSL_CIPHER_get_name(c);
    }
    sk_SSL_CIPHER_free(list);
    ERR_clear_error();
    return out;
  }();
  return *suites;
}

// Whether libssl knows the suite at all (it may still be disabled by the security level).
bool KnownSuite(uint16_t id) {
  static SslCtxPtr* ctx = new SslCtxPtr(SSL_CTX_new(TLS_method()));
  static SslPtr* ssl = new SslPtr(*ctx ? SSL_new(ctx->get()) : nullptr);
  if (!*ssl) return false;
  const unsigned char bytes[2] = {static_cast<unsigned char>(id >> 8),
                                  static_cast<unsigned char>(id & 0xff)};
  return SSL_CIPHER_find(ssl->get(), bytes) != nullptr;
}

struct SuitePlan {
  std::vector<uint16_t> usable;
  std::vector<uint16_t> dropped;
  std::string cipher_list;  // OpenSSL names, ':'-separated
};

SuitePlan PlanSuites(const std::vector<uint16_t>& suites) {
  SuitePlan plan;
  const std::map<uint16_t, std::string>& usable = UsableSuites();
  for (uint16_t id : suites) {
    auto it = usable.find(id);
    if (it == usable.end()) {
      plan.dropped.push_back(id);
      continue;
    }
    plan.usable.push_back(id);
    if (!plan.cipher_list.empty()) plan.cipher_list += ":";
    plan.cipher_list += it->second;
  }
  return plan;
}

std::string DroppedReason(uint16_t id) {
  return SuiteLabel(id) + (KnownSuite(id) ? " (disabled in TLS 1.2 at OpenSSL's security level)"
                                          : " (not implemented by OpenSSL 3.0)");
}

struct GroupPlan {
  std::vector<NamedGroup> usable;
  std::vector<NamedGroup> dropped;
  std::string list;
};

GroupPlan PlanGroups(const std::vector<NamedGroup>& groups) {
  GroupPlan plan;
  for (NamedGroup g : groups) {
    std::optional<std::string> name = GroupName(g);
    if (!name) {
      plan.dropped.push_back(g);
      continue;
    }
    plan.usable.push_back(g);
    if (!plan.list.empty()) plan.list += ":";
    plan.list += *name;
  }
  return plan;
}

// Everything of the target block an SSL_CTX depends on.
std::string ContextKey(const Scenario& s) {
  const TargetConfig& t = s.target;
  std::string key = s.role == Side::kServer ? "S|" : "C|";
  key += std::string(ConfigName(t.certificate)) + "|" + std::string(ConfigName(t.client_auth)) +
         "|" + std::string(ConfigName(t.extended_master_secret)) + "|" +
         std::string(ConfigName(t.renegotiation)) + (t.session_tickets ? "|t|" : "|-|") +
         std::to_string(t.max_fragment_length) + (t.ocsp ? "|ocsp|" : "|-|") + t.sni + "|";
  for (uint16_t suite : t.cipher_suites) key += std::to_string(suite) + ",";
  key += "|";
  for (NamedGroup g : t.groups) key += GroupLabel(g) + ",";
  return key;
}

// ---- Context-level state the callbacks reach through ex_data ----

// What a context's callbacks need (owned by the library, one per context).
struct ContextState {
  Side role = Side::kServer;
  bool ocsp = false;
  std::string ocsp_response;                          // server: the DER response it staples
  std::unique_ptr<X509_STORE, StoreFree> ocsp_store;  // client: the CA, at kLibraryClock
  // Server, target.sni (RFC 6066 3): the alternate credential for `sni_name`, and whether a
  // name neither certificate carries is refused (fatal) or served the default (continue).
  std::string sni;
  std::string sni_name, sni_cert, sni_key, default_name;
};

int g_ssl_index = -1;  // SSL ex_data: the OpenSslConnection

class OpenSslConnection;
OpenSslConnection* ConnectionOf(const SSL* ssl);

// ---- One connection ----

class OpenSslConnection final : public LibraryConnection {
 public:
  OpenSslConnection(const Scenario& scenario, size_t index, SSL_CTX* ctx, const ContextState* state,
                    SessionPtr* client_session)
      : role_(scenario.role),
        policy_(scenario.target.renegotiation),
        state_(state),
        client_session_(client_session) {
    (void)index;
    ssl_.reset(SSL_new(ctx));
    if (!ssl_) {
      setup_error_ = "SSL_new: " + DrainErrors();
      return;
    }
    rbio_ = BIO_new(BIO_s_mem());
    wbio_ = BIO_new(BIO_s_mem());
    if (rbio_ == nullptr || wbio_ == nullptr) {
      BIO_free(rbio_);
      BIO_free(wbio_);
      rbio_ = wbio_ = nullptr;
      setup_error_ = "BIO_new: " + DrainErrors();
      return;
    }
    BIO_set_mem_eof_return(rbio_, -1);
    SSL_set_bio(ssl_.get(), rbio_, wbio_);  // the SSL owns both
    SSL_set_ex_data(ssl_.get(), g_ssl_index, this);
    SSL_set_info_callback(ssl_.get(), &OpenSslConnection::InfoCallback);
    SSL_set_msg_callback(ssl_.get(), &OpenSslConnection::MsgCallback);
    if (role_ == Side::kServer) {
      SSL_set_accept_state(ssl_.get());
    } else {
      SSL_set_connect_state(ssl_.get());
      const std::string& name = scenario.peer.server_name;
      if (!name.empty()) {
        // The client sends SNI and checks the server's certificate against the name (as the
        // reference target: RFC 6066 3, RFC 6125).
        if (SSL_set_tlsext_host_name(ssl_.get(), name.c_str()) != 1 ||
            SSL_set1_host(ssl_.get(), name.c_str()) != 1) {
          setup_error_ = "setting the server name: " + DrainErrors();
          return;
        }
      }
      if (state_->ocsp) SSL_set_tlsext_status_type(ssl_.get(), TLSEXT_STATUSTYPE_ocsp);
      if (index < scenario.connections.size() && scenario.connections[index].resume &&
          *client_session_) {
        if (SSL_set_session(ssl_.get(), client_session_->get()) != 1) {
          setup_error_ = "SSL_set_session: " + DrainErrors();
          return;
        }
      }
    }
  }

  const std::string& setup_error() const { return setup_error_; }

  void Drive(LibraryIo& io) override {
    if (finished_ || !ssl_) return;
    io_ = &io;
    uint8_t buffer[16384];
    while (size_t n = io.Read(buffer, sizeof(buffer))) {
      BIO_write(rbio_, buffer, static_cast<int>(n));
    }
    // The peer closed its side: once the buffered bytes are read, reads report end of file.
    BIO_set_mem_eof_return(rbio_, io.eof ? 0 : -1);
    for (int step = 0; step < kMaxSteps; ++step) {
      ERR_clear_error();
      const bool in_first_handshake = completed_ == 0;
      int rc;
      if (in_first_handshake) {
        rc = SSL_do_handshake(ssl_.get());
      } else if (start_renegotiation_) {
        start_renegotiation_ = false;
        if (SSL_renegotiate(ssl_.get()) != 1) {
          io.Note("openssl: SSL_renegotiate refused: " + DrainErrors());
          continue;
        }
        io.Note("openssl: starting a renegotiation (target.renegotiation initiate)");
        rc = SSL_do_handshake(ssl_.get());
      } else {
        rc = SSL_read(ssl_.get(), buffer, sizeof(buffer));
      }
      Flush(io);
      if (rc > 0) {
        if (in_first_handshake && completed_ > 0 && policy_ == RenegotiationPolicy::kInitiate &&
            !renegotiation_started_) {
          renegotiation_started_ = true;
          start_renegotiation_ = true;
        }
        continue;  // application data is read and discarded
      }
      const int error = SSL_get_error(ssl_.get(), rc);
      switch (error) {
        case SSL_ERROR_WANT_READ:
          if (io.eof && BIO_ctrl_pending(rbio_) == 0) {
            io.Note("openssl: still wants input after the peer closed; stopped");
            Finish(io);
          }
          return;
        case SSL_ERROR_WANT_WRITE:
          continue;  // a memory BIO takes everything: try again
        case SSL_ERROR_ZERO_RETURN: {
          io.Note("openssl: close_notify received, answering with close_notify");
          ERR_clear_error();
          if (SSL_shutdown(ssl_.get()) < 0) {
            // OpenSSL refuses to send close_notify in the middle of a handshake.
            io.Note("openssl: SSL_shutdown sent no close_notify: " + DrainErrors());
          }
          Flush(io);
          Finish(io);
          return;
        }
        case SSL_ERROR_SYSCALL:
        case SSL_ERROR_SSL: {
          std::string errors = DrainErrors();
          if (error == SSL_ERROR_SYSCALL && errors.empty()) {
            errors = "end of input without close_notify (SSL_ERROR_SYSCALL)";
          }
          io.Note("openssl: error: " + (errors.empty() ? "SSL_ERROR_SSL" : errors));
          failed_ = true;
          Flush(io);
          Finish(io);
          return;
        }
        default:
          io.Note("openssl: SSL_get_error " + std::to_string(error) + ": " + DrainErrors());
          failed_ = true;
          Flush(io);
          Finish(io);
          return;
      }
    }
    io.Note("openssl: still busy after " + std::to_string(kMaxSteps) + " steps, stopped");
    Finish(io);
  }

  bool finished() const override { return finished_; }

  const Negotiated* negotiated() const override { return completed_ > 0 ? &negotiated_ : nullptr; }

  void Close(LibraryIo& io) override {
    io_ = &io;
    if (role_ != Side::kClient || client_session_ == nullptr || !ssl_) return;
    if (failed_) {
      // RFC 5246 7.2.2: a session that ended in a fatal alert is not resumed.
      client_session_->reset();
    } else if (completed_ > 0) {
      SSL_SESSION* s = SSL_get1_session(ssl_.get());
      if (s != nullptr) *client_session_ = SessionPtr(s, SessionFree());
    }
  }

  void Note(const std::string& line) {
    if (io_ != nullptr) io_->Note(line);
  }

 private:
  void Flush(LibraryIo& io) {
    char buffer[16384];
    while (BIO_ctrl_pending(wbio_) > 0) {
      int n = BIO_read(wbio_, buffer, sizeof(buffer));
      if (n <= 0) break;
      io.Write(reinterpret_cast<const uint8_t*>(buffer), static_cast<size_t>(n));
    }
  }

  void Finish(LibraryIo& io) {
    Flush(io);
    finished_ = true;
  }

  static void InfoCallback(const SSL* ssl, int where, int ret) {
    OpenSslConnection* self = ConnectionOf(ssl);
    if (self == nullptr) return;
    if (where & SSL_CB_ALERT) {
      const bool sent = (where & SSL_CB_WRITE) != 0;
      const int level = (ret >> 8) & 0xff;
      std::string line = std::string("openssl: ") + (sent ? "sent" : "received") + " alert " +
                         (level == 2   ? "fatal "
                          : level == 1 ? "warning "
                                       : "") +
                         AlertLabel(ret);
      if (sent) {
        unsigned long code = ERR_peek_last_error();
        if (code != 0) {
          char buffer[256];
          ERR_error_string_n(code, buffer, sizeof(buffer));
          line += std::string(": ") + buffer;
        }
      }
      if (level == 2) self->failed_ = true;
      self->Note(line);
    }
    if (where & SSL_CB_HANDSHAKE_DONE) self->HandshakeDone();
  }

  static void MsgCallback(int write_p, int version, int content_type, const void* buf, size_t len,
                          SSL* ssl, void* arg) {
    (void)version;
    (void)arg;
    OpenSslConnection* self = ConnectionOf(ssl);
    if (self == nullptr || content_type != SSL3_RT_HANDSHAKE || len < 4) return;
    const uint8_t* p = static_cast<const uint8_t*>(buf);
    switch (p[0]) {
      case SSL3_MT_SERVER_HELLO:
        self->ParseServerHello(p + 4, len - 4);
        break;
      case SSL3_MT_FINISHED:
        (write_p ? self->finished_sent_ : self->finished_received_) = true;
        break;
      case SSL3_MT_NEWSESSION_TICKET:
        // lifetime hint (4), ticket<0..2^16-1>: issued when the ticket is not empty.
        if (len >= 10 && ((p[8] << 8) | p[9]) > 0) self->ticket_issued_ = true;
        break;
      default:
        break;
    }
  }

  // ServerHello: version, random, session_id, suite, compression, extensions. Keeps what the
  // engine's Negotiated says and OpenSSL does not tell: the session id as sent (OpenSSL's
  // client session gets a made-up id with tickets) and encrypt_then_mac.
  void ParseServerHello(const uint8_t* p, size_t n) {
    hello_session_id_.clear();
    hello_etm_ = false;
    hello_ems_ = false;
    if (n < 35) return;
    size_t at = 34;
    const size_t sid_len = p[at++];
    if (at + sid_len > n) return;
    hello_session_id_.assign(p + at, p + at + sid_len);
    at += sid_len + 3;  // suite, compression
    if (at + 2 > n) return;
    size_t ext_end = at + 2 + ((p[at] << 8) | p[at + 1]);
    at += 2;
    ext_end = std::min(ext_end, n);
    while (at + 4 <= ext_end) {
      const uint16_t type = static_cast<uint16_t>((p[at] << 8) | p[at + 1]);
      const size_t ext_len = (p[at + 2] << 8) | p[at + 3];
      if (type == 22) hello_etm_ = true;  // encrypt_then_mac, RFC 7366
      if (type == 23) hello_ems_ = true;  // extended_master_secret, RFC 7627
      at += 4 + ext_len;
    }
  }

  void HandshakeDone() {
    // OpenSSL also says "done" after a server merely sent HelloRequest: a handshake completed
    // only once a Finished went each way.
    if (!(finished_sent_ && finished_received_)) return;
    finished_sent_ = finished_received_ = false;
    SSL* ssl = ssl_.get();
    Negotiated n;
    n.version = static_cast<ProtocolVersion>(SSL_version(ssl));
    const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl);
    std::string suite_name = "?";
    if (cipher != nullptr) {
      n.suite = FindCipherSuite(static_cast<uint16_t>(SSL_CIPHER_get_protocol_id(cipher)));
      suite_name = SSL_CIPHER_standard_name(cipher) ? SSL_CIPHER_standard_name(cipher)
                                                    : SSL_CIPHER_get_name(cipher);
    }
    n.session_id = hello_session_id_;
    n.resumed = SSL_session_reused(ssl) == 1;
    // SSL_get_extms_support() still says -1 inside the handshake-done callback: the
    // ServerHello's extension is what both sides used (RFC 7627 5.1, also when resuming).
    n.extended_master_secret = hello_ems_;
    n.encrypt_then_mac =
        hello_etm_ && n.suite != nullptr && n.suite->cipher_type == CipherType::kBlock;
    n.secure_renegotiation = SSL_get_secure_renegotiation_support(ssl) == 1;
    n.renegotiations = completed_;
    n.client_random.resize(SSL3_RANDOM_SIZE);
    n.client_random.resize(SSL_get_client_random(ssl, n.client_random.data(), SSL3_RANDOM_SIZE));
    n.server_random.resize(SSL3_RANDOM_SIZE);
    n.server_random.resize(SSL_get_server_random(ssl, n.server_random.data(), SSL3_RANDOM_SIZE));
    if (SSL_SESSION* session = SSL_get_session(ssl)) {
      n.master_secret.resize(SSL_MAX_MASTER_KEY_LENGTH);
      n.master_secret.resize(
          SSL_SESSION_get_master_key(session, n.master_secret.data(), n.master_secret.size()));
      const uint8_t mfl = SSL_SESSION_get_max_fragment_length(session);
      if (mfl >= 1 && mfl <= 4) n.max_fragment_length = size_t{256} << mfl;
    }
    if (const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name)) {
      n.server_name = name;
    }
    n.client_authenticated = role_ == Side::kServer && SSL_get0_peer_certificate(ssl) != nullptr &&
                             SSL_get_verify_result(ssl) == X509_V_OK;
    n.ticket_issued = ticket_issued_;
    ticket_issued_ = false;
    negotiated_ = std::move(n);
    ++completed_;
    Note(std::string("openssl: handshake complete") +
         (completed_ > 1 ? " (renegotiation " + std::to_string(completed_ - 1) + ")" : "") + ": " +
         suite_name + (negotiated_.resumed ? ", resumed" : ", full") +
         (negotiated_.extended_master_secret ? ", EMS" : ""));
  }

  const Side role_;
  const RenegotiationPolicy policy_;
  const ContextState* state_;
  SessionPtr* client_session_;
  SslPtr ssl_;
  BIO* rbio_ = nullptr;  // owned by ssl_
  BIO* wbio_ = nullptr;  // owned by ssl_
  std::string setup_error_;
  LibraryIo* io_ = nullptr;
  bool finished_ = false;
  bool failed_ = false;
  int completed_ = 0;  // handshakes completed (1: the first; 2: one renegotiation; ...)
  bool renegotiation_started_ = false;
  bool start_renegotiation_ = false;
  bool finished_sent_ = false;
  bool finished_received_ = false;
  bool ticket_issued_ = false;
  Bytes hello_session_id_;
  bool hello_etm_ = false;
  bool hello_ems_ = false;
  Negotiated negotiated_;
};

OpenSslConnection* ConnectionOf(const SSL* ssl) {
  if (g_ssl_index < 0) return nullptr;
  return static_cast<OpenSslConnection*>(SSL_get_ex_data(ssl, g_ssl_index));
}

// ---- OCSP callbacks ----

int g_ctx_index = -1;  // SSL_CTX ex_data: the ContextState

const ContextState* StateOf(SSL* ssl) {
  return static_cast<const ContextState*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), g_ctx_index));
}

// Server, target.sni: the alternate certificate for its name, the default for the default
// name or no name, and for any other name the default ("continue") or a fatal
// unrecognized_name ("fatal"), as RFC 6066 3 allows either.
int ServerNameCallback(SSL* ssl, int* alert, void*) {
  const ContextState* state = StateOf(ssl);
  const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
  if (state == nullptr || state->sni.empty() || name == nullptr) return SSL_TLSEXT_ERR_OK;
  if (state->sni_name == name) {
    if (SSL_use_certificate_chain_file(ssl, state->sni_cert.c_str()) != 1 ||
        SSL_use_PrivateKey_file(ssl, state->sni_key.c_str(), SSL_FILETYPE_PEM) != 1) {
      *alert = SSL_AD_INTERNAL_ERROR;
      return SSL_TLSEXT_ERR_ALERT_FATAL;
    }
    return SSL_TLSEXT_ERR_OK;
  }
  if (state->default_name == name || state->sni != "fatal") return SSL_TLSEXT_ERR_OK;
  *alert = SSL_AD_UNRECOGNIZED_NAME;
  return SSL_TLSEXT_ERR_ALERT_FATAL;
}

// Server: staple the run's good response (RFC 6066 8) when the client asked for one.
int ServerStatusCallback(SSL* ssl, void*) {
  const ContextState* state = StateOf(ssl);
  if (state == nullptr || state->ocsp_response.empty()) return SSL_TLSEXT_ERR_NOACK;
  auto* copy = static_cast<unsigned char*>(OPENSSL_malloc(state->ocsp_response.size()));
  if (copy == nullptr) return SSL_TLSEXT_ERR_ALERT_FATAL;
  std::memcpy(copy, state->ocsp_response.data(), state->ocsp_response.size());
  SSL_set_tlsext_status_ocsp_resp(ssl, copy, static_cast<long>(state->ocsp_response.size()));
  return SSL_TLSEXT_ERR_OK;
}

// Client: any stapled response must be a successful basic response signed for the CA, "good"
// for the server's leaf and current at kLibraryClock; else the handshake fails with
// bad_certificate_status_response (what OpenSSL sends when this returns 0).
int ClientStatusCallback(SSL* ssl, void*) {
  const ContextState* state = StateOf(ssl);
  OpenSslConnection* conn = ConnectionOf(ssl);
  auto note = [&](const std::string& why) {
    if (conn != nullptr) conn->Note("openssl: stapled OCSP response refused: " + why);
  };
  const unsigned char* resp = nullptr;
  long len = SSL_get_tlsext_status_ocsp_resp(ssl, &resp);
  if (resp == nullptr || len <= 0) return 1;  // nothing stapled: the RFC's MAY
  OCSP_RESPONSE* response = d2i_OCSP_RESPONSE(nullptr, &resp, len);
  if (response == nullptr) {
    note("OCSP response does not parse");
    return 0;
  }
  int ok = 0;
  OCSP_BASICRESP* basic = nullptr;
  OCSP_CERTID* id = nullptr;
  do {
    if (OCSP_response_status(response) != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
      note("OCSP response status not successful");
      break;
    }
    basic = OCSP_response_get1_basic(response);
    if (basic == nullptr) {
      note("OCSP response is not a basic response");
      break;
    }
    STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl);
    X509* leaf = SSL_get0_peer_certificate(ssl);
    if (leaf == nullptr || state == nullptr || !state->ocsp_store) {
      note("no peer certificate to check the OCSP response for");
      break;
    }
    if (OCSP_basic_verify(basic, chain, state->ocsp_store.get(), 0) <= 0) {
      note("OCSP response signature does not verify");
      break;
    }
    // The issuer: the chain's next certificate, else the CA in the store.
    X509* issuer = nullptr;
    for (int i = 0; chain != nullptr && i < sk_X509_num(chain); ++i) {
      X509* c = sk_X509_value(chain, i);
      if (X509_check_issued(c, leaf) == X509_V_OK) issuer = c;
    }
    if (issuer == nullptr) {
      STACK_OF(X509_OBJECT)* objects = X509_STORE_get0_objects(state->ocsp_store.get());
      for (int i = 0; i < sk_X509_OBJECT_num(objects); ++i) {
        X509* c = X509_OBJECT_get0_X509(sk_X509_OBJECT_value(objects, i));
        if (c != nullptr && X509_check_issued(c, leaf) == X509_V_OK) issuer = c;
      }
    }
    if (issuer == nullptr) {
      note("no issuer for the OCSP check");
      break;
    }
    id = OCSP_cert_to_id(nullptr, leaf, issuer);
    int status = -1;
    int reason = 0;
    ASN1_GENERALIZEDTIME* this_update = nullptr;
    ASN1_GENERALIZEDTIME* next_update = nullptr;
    if (id == nullptr || OCSP_resp_find_status(basic, id, &status, &reason, nullptr, &this_update,
                                               &next_update) != 1) {
      note("OCSP response has no status for the server certificate");
      break;
    }
    if (status != V_OCSP_CERTSTATUS_GOOD) {
      note(std::string("OCSP status ") + OCSP_cert_status_str(status));
      break;
    }
    time_t now = static_cast<time_t>(kLibraryClock);
    if (this_update == nullptr || X509_cmp_time(this_update, &now) > 0) {
      note("OCSP response thisUpdate is in the future");
      break;
    }
    if (next_update != nullptr && X509_cmp_time(next_update, &now) < 0) {
      note("OCSP response has expired (nextUpdate passed)");
      break;
    }
    ok = 1;
  } while (false);
  OCSP_CERTID_free(id);
  OCSP_BASICRESP_free(basic);
  OCSP_RESPONSE_free(response);
  return ok;
}

// The RFC 7919 ffdhe2048 group as a server's fixed DHE parameters.
Status SetFfdhe2048(SSL_CTX* ctx) {
  EVP_PKEY_CTX* pctx = EVP_PKEY_CTX_new_from_name(nullptr, "DH", nullptr);
  EVP_PKEY* params = nullptr;
  const bool ok = pctx != nullptr && EVP_PKEY_paramgen_init(pctx) == 1 &&
                  EVP_PKEY_CTX_set_group_name(pctx, "ffdhe2048") == 1 &&
                  EVP_PKEY_paramgen(pctx, &params) == 1;
  EVP_PKEY_CTX_free(pctx);
  if (!ok) {
    EVP_PKEY_free(params);
    return OpenSslError("making the ffdhe2048 parameters");
  }
  if (SSL_CTX_set0_tmp_dh_pkey(ctx, params) != 1) {  // takes ownership on success
    EVP_PKEY_free(params);
    return OpenSslError("SSL_CTX_set0_tmp_dh_pkey");
  }
  return Status::Ok();
}

// ---- The library ----

class OpenSslLibrary final : public Library {
 public:
  bool selects_certificate_by_name() const override { return true; }
  explicit OpenSslLibrary(const TargetResources& resources)
      : resources_(resources), deterministic_(InstallDeterministicRand(resources.seed)) {
    static std::once_flag once;
    std::call_once(once, [] {
      g_ssl_index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
      g_ctx_index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    });
  }

  std::string name() const override { return "openssl"; }

  std::string version() const override { return OpenSSL_version(OPENSSL_VERSION); }

  std::optional<std::string> Unsupported(const Scenario& s) const override {
    const TargetConfig& t = s.target;
    if (t.heartbeat != HeartbeatMode::kOff) {
      return "target.heartbeat \"" + std::string(ConfigName(t.heartbeat)) +
             "\": OpenSSL 3 has no Heartbeat (RFC 6520; removed in 1.1.0)";
    }
    if (t.record_size_limit != 0) {
      return std::string(
          "target.record_size_limit: OpenSSL 3.0 does not implement RFC 8449 record_size_limit");
    }
    if (t.extended_master_secret == EmsPolicy::kRequired) {
      return std::string(
          "target.extended_master_secret \"required\": OpenSSL 3.0 cannot require the "
          "extended master secret (only offer/accept it, or disable it with "
          "SSL_OP_NO_EXTENDED_MASTER_SECRET)");
    }
    if (!t.versions.empty() && !(t.versions.size() == 1 && t.versions[0] == 0x0303)) {
      return std::string("target.versions: this adapter enables TLS 1.2 only");
    }
    if (!t.cipher_suites.empty()) {
      SuitePlan plan = PlanSuites(t.cipher_suites);
      if (plan.usable.empty()) {
        std::string why;
        for (uint16_t id : plan.dropped) why += (why.empty() ? "" : ", ") + DroppedReason(id);
        return "target.cipher_suites: none usable by OpenSSL 3.0 in TLS 1.2: " + why;
      }
    }
    if (!t.groups.empty() && PlanGroups(t.groups).usable.empty()) {
      return std::string(
          "target.groups: none usable by OpenSSL 3.0 in TLS 1.2 (FFDHE groups are negotiated "
          "in TLS 1.3 only)");
    }
    if (t.ocsp && s.role == Side::kServer && t.certificate != CertificateKey::kRsa &&
        t.certificate != CertificateKey::kEcdsa) {
      return "target.ocsp with certificate \"" + std::string(ConfigName(t.certificate)) +
             "\": the run has no OCSP response for that certificate";
    }
    return std::nullopt;
  }

  Result<std::unique_ptr<LibraryConnection>> Open(const Scenario& s, size_t index) override {
    if (index == 0) {
      // A new vector: no session of an earlier vector may be resumed.
      client_session_.reset();
      for (auto& entry : contexts_) {
        if (entry.second.state->role == Side::kServer) {
          SSL_CTX_flush_sessions(entry.second.ctx.get(), 0);
        }
      }
    }
    SD_ASSIGN_OR_RETURN(Context * context, ContextFor(s));
    std::vector<std::string> notes;
    if (!deterministic_) {
      notes.push_back("openssl: RAND_set_rand_method refused: randomness is not seeded");
    }
    if (!s.target.cipher_suites.empty()) {
      SuitePlan plan = PlanSuites(s.target.cipher_suites);
      for (uint16_t id : plan.dropped)
        notes.push_back("openssl: dropped suite " + DroppedReason(id));
    }
    if (!s.target.groups.empty()) {
      for (NamedGroup g : PlanGroups(s.target.groups).dropped) {
        notes.push_back("openssl: dropped group " + GroupLabel(g) +
                        " (OpenSSL 3.0 uses FFDHE groups in TLS 1.3 only)");
      }
    }
    const uint64_t salt = SeedFromName(s.id) ^ (0x9e3779b97f4a7c15ull * (index + 1));
    const uint64_t seed = resources_.seed ^ salt ^ 0x6f70656e73736cull;
    // Every draw of this connection comes from this generator (the thread runs one connection
    // at a time: the runner plays a vector's connections one after another).
    t_rng = std::make_unique<DeterministicRng>(seed);
    auto conn = std::make_unique<OpenSslConnection>(s, index, context->ctx.get(),
                                                    context->state.get(), &client_session_);
    if (!conn->setup_error().empty()) return InternalError("openssl: " + conn->setup_error());
    if (!notes.empty()) {
      return std::unique_ptr<LibraryConnection>(
          new NotingConnection(std::move(conn), std::move(notes)));
    }
    return std::unique_ptr<LibraryConnection>(std::move(conn));
  }

 private:
  struct Context {
    SslCtxPtr ctx;
    std::unique_ptr<ContextState> state;
  };

  // Adds configuration notes (dropped suites) to the trace on the first Drive.
  class NotingConnection final : public LibraryConnection {
   public:
    NotingConnection(std::unique_ptr<LibraryConnection> inner, std::vector<std::string> notes)
        : inner_(std::move(inner)), notes_(std::move(notes)) {}
    void Drive(LibraryIo& io) override {
      for (std::string& n : notes_) io.Note(std::move(n));
      notes_.clear();
      inner_->Drive(io);
    }
    bool finished() const override { return inner_->finished(); }
    const Negotiated* negotiated() const override { return inner_->negotiated(); }
    void Close(LibraryIo& io) override { inner_->Close(io); }

   private:
    std::unique_ptr<LibraryConnection> inner_;
    std::vector<std::string> notes_;
  };

  Result<Context*> ContextFor(const Scenario& s) {
    const std::string key = ContextKey(s);
    auto it = contexts_.find(key);
    if (it != contexts_.end()) return &it->second;
    SD_ASSIGN_OR_RETURN(Context context, MakeContext(s));
    Context& stored = contexts_[key];
    stored = std::move(context);
    return &stored;
  }

  Result<Context> MakeContext(const Scenario& s) {
    const TargetConfig& t = s.target;
    const bool server = s.role == Side::kServer;
    Context c;
    c.ctx.reset(SSL_CTX_new(server ? TLS_server_method() : TLS_client_method()));
    if (!c.ctx) return OpenSslError("SSL_CTX_new");
    SSL_CTX* ctx = c.ctx.get();
    c.state = std::make_unique<ContextState>();
    c.state->role = s.role;
    c.state->ocsp = t.ocsp;
    SSL_CTX_set_ex_data(ctx, g_ctx_index, c.state.get());

    if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
        SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION) != 1) {
      return OpenSslError("setting TLS 1.2 only");
    }
    if (!t.cipher_suites.empty()) {
      SuitePlan plan = PlanSuites(t.cipher_suites);
      if (SSL_CTX_set_cipher_list(ctx, plan.cipher_list.c_str()) != 1) {
        return OpenSslError("SSL_CTX_set_cipher_list(\"" + plan.cipher_list + "\")");
      }
    }
    if (!t.groups.empty()) {
      GroupPlan plan = PlanGroups(t.groups);
      if (SSL_CTX_set1_groups_list(ctx, plan.list.c_str()) != 1) {
        return OpenSslError("SSL_CTX_set1_groups_list(\"" + plan.list + "\")");
      }
    }
    uint64_t options = 0;
    if (!t.session_tickets) options |= SSL_OP_NO_TICKET;
    if (!t.cipher_suites.empty()) {
      // RFC 7366 applies to CBC suites only: without one enabled, encrypt_then_mac is neither
      // offered nor accepted (OpenSSL would otherwise offer it with AEAD suites alone).
      bool cbc = false;
      for (uint16_t id : PlanSuites(t.cipher_suites).usable) {
        const CipherSuiteInfo* info = FindCipherSuite(id);
        cbc = cbc || info == nullptr || info->cipher_type == CipherType::kBlock;
      }
      if (!cbc) options |= SSL_OP_NO_ENCRYPT_THEN_MAC;
    }
    if (t.extended_master_secret == EmsPolicy::kDisabled) {
      options |= SSL_OP_NO_EXTENDED_MASTER_SECRET;
    }
    if (t.renegotiation == RenegotiationPolicy::kRefuse) {
      options |= SSL_OP_NO_RENEGOTIATION;
    } else if (server) {
      options |= SSL_OP_ALLOW_CLIENT_RENEGOTIATION;  // 3.0 servers refuse it by default
    }
    SSL_CTX_set_options(ctx, options);
    SSL_CTX_clear_options(ctx, SSL_OP_LEGACY_SERVER_CONNECT);  // RFC 5746 4.2 secure only
    if (SSL_CTX_set_session_id_context(ctx,
                                       reinterpret_cast<const unsigned char*>(kSessionIdContext),
                                       sizeof(kSessionIdContext) - 1) != 1) {
      return OpenSslError("SSL_CTX_set_session_id_context");
    }

    // The clock of certificate checks.
    X509_VERIFY_PARAM_set_time(SSL_CTX_get0_param(ctx), static_cast<time_t>(kLibraryClock));
    if (SSL_CTX_load_verify_locations(ctx, resources_.pem.ca.c_str(), nullptr) != 1) {
      return OpenSslError("loading the CA " + resources_.pem.ca);
    }

    SD_ASSIGN_OR_RETURN(std::optional<PemCredential> credential,
                        CredentialFiles(s, resources_.pem));
    if (credential) {
      if (SSL_CTX_use_certificate_chain_file(ctx, credential->chain.c_str()) != 1 ||
          SSL_CTX_use_PrivateKey_file(ctx, credential->key.c_str(), SSL_FILETYPE_PEM) != 1 ||
          SSL_CTX_check_private_key(ctx) != 1) {
        return OpenSslError("loading the credential " + credential->chain);
      }
    }

    if (server && !t.sni.empty()) {
      c.state->sni = t.sni;
      c.state->sni_name = resources_.pem.sni_name;
      c.state->sni_cert = resources_.pem.sni_cert;
      c.state->sni_key = resources_.pem.sni_key;
      c.state->default_name = TestPkiOptions().server_name;  // the default certificate's name
      SSL_CTX_set_tlsext_servername_callback(ctx, ServerNameCallback);
    }
    if (server) {
      SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
      // DHE: OpenSSL 3.0 does not negotiate RFC 7919 groups in TLS 1.2 (its automatic choice
      // is an RFC 3526 MODP group). It is given ffdhe2048 (RFC 7919 A.1), the reference's
      // default group, as fixed parameters: a common deployment, and the group the DHE
      // vectors' Yc checks are relative to. It uses that group whatever the client offers.
      SD_RETURN_IF_ERROR(SetFfdhe2048(ctx));
      if (t.session_tickets) {
        // A fixed ticket key: a ticket of one connection of a vector opens in the next.
        unsigned char keys[80];
        std::memset(keys, 0x5d, sizeof(keys));
        if (SSL_CTX_set_tlsext_ticket_keys(ctx, keys, sizeof(keys)) != 1) {
          return OpenSslError("SSL_CTX_set_tlsext_ticket_keys");
        }
      }
      if (t.client_auth != ClientAuthMode::kNone) {
        int mode = SSL_VERIFY_PEER;
        if (t.client_auth == ClientAuthMode::kRequired) mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
        SSL_CTX_set_verify(ctx, mode, nullptr);
        STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(resources_.pem.ca.c_str());
        if (names != nullptr) SSL_CTX_set_client_CA_list(ctx, names);
      } else {
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
      }
      if (t.ocsp) {
        const std::string& file = t.certificate == CertificateKey::kEcdsa
                                      ? resources_.pem.ecdsa_ocsp
                                      : resources_.pem.ocsp;
        SD_ASSIGN_OR_RETURN(c.state->ocsp_response, ReadFile(file));
        SSL_CTX_set_tlsext_status_cb(ctx, ServerStatusCallback);
      }
    } else {
      SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
      SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
      if (t.max_fragment_length != 0) {
        uint8_t mode = 0;
        switch (t.max_fragment_length) {
          case 512:
            mode = TLSEXT_max_fragment_length_512;
            break;
          case 1024:
            mode = TLSEXT_max_fragment_length_1024;
            break;
          case 2048:
            mode = TLSEXT_max_fragment_length_2048;
            break;
          case 4096:
            mode = TLSEXT_max_fragment_length_4096;
            break;
          default:
            return InternalError("target.max_fragment_length " +
                                 std::to_string(t.max_fragment_length) + ": not an RFC 6066 value");
        }
        if (SSL_CTX_set_tlsext_max_fragment_length(ctx, mode) != 1) {
          return OpenSslError("SSL_CTX_set_tlsext_max_fragment_length");
        }
      }
      if (t.ocsp) {
        c.state->ocsp_store.reset(X509_STORE_new());
        if (!c.state->ocsp_store ||
            X509_STORE_load_file(c.state->ocsp_store.get(), resources_.pem.ca.c_str()) != 1) {
          return OpenSslError("loading the CA for OCSP");
        }
        X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(c.state->ocsp_store.get()),
                                   static_cast<time_t>(kLibraryClock));
        SSL_CTX_set_tlsext_status_cb(ctx, ClientStatusCallback);
      }
    }
    ERR_clear_error();
    return c;
  }

  TargetResources resources_;
  const bool deterministic_;
  std::map<std::string, Context> contexts_;
  SessionPtr client_session_;
};

}  // namespace

std::unique_ptr<Library> MakeOpenSslLibrary(const TargetResources& resources) {
  return std::make_unique<OpenSslLibrary>(resources);
}

}  // namespace shakedown
