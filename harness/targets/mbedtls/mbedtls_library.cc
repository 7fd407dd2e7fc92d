// The mbedTLS adapter: mbedTLS 2.28 (Debian's build, /usr/include/mbedtls/config.h) driven in
// process over memory I/O, TLS 1.2 only.
//
// Mapping of the target block (harness/scenario/scenario.h TargetConfig):
//   certificate      -> mbedtls_ssl_conf_own_cert (chain + key from CredentialFiles)
//   client_auth      -> mbedtls_ssl_conf_authmode NONE / OPTIONAL / REQUIRED (server). mbedTLS's
//                       OPTIONAL goes on after a client certificate that fails verification and
//                       leaves the check to the application (mbedtls_ssl_get_verify_result); the
//                       adapter does that check as soon as the client Certificate has been
//                       parsed and ends the handshake with the alert mbedTLS itself sends in
//                       REQUIRED mode for the same flags.
//   cipher_suites    -> mbedtls_ssl_conf_ciphersuites (IANA ids are mbedTLS ids)
//   groups           -> mbedtls_ssl_conf_curves (FFDHE groups: mbedTLS 2.28 has no RFC 7919)
//   session_tickets  -> mbedtls_ssl_conf_session_tickets (client), ticket callbacks with a
//                       per-vector mbedtls_ssl_ticket_context (server)
//   extended_master_secret -> mbedtls_ssl_conf_extended_master_secret (no "required" in 2.28)
//   renegotiation    -> mbedtls_ssl_conf_renegotiation (+ mbedtls_ssl_renegotiate: initiate);
//                       legacy renegotiation stays refused (the library default)
//   max_fragment_length -> mbedtls_ssl_conf_max_frag_len (client; a server honours requests)
//   record_size_limit, heartbeat, ocsp -> Unsupported (not in mbedTLS 2.28)
//
// Determinism: the library's randomness is a SHA-256 counter generator (mbedtls_ssl_conf_rng,
// the ticket context's rng) seeded from the run seed, the vector id and the connection index,
// so key shares, session ids, ticket keys/IVs and nonces repeat from run to run. What is NOT
// deterministic: mbedTLS's clock. Debian builds mbedTLS with MBEDTLS_HAVE_TIME but without
// MBEDTLS_PLATFORM_TIME_ALT (or MBEDTLS_PLATFORM_TIME_MACRO), so mbedtls_time() is libc's
// time() and cannot be set to kLibraryClock: the first 4 bytes of the ClientHello/ServerHello
// random (gmt_unix_time), session start times (cache and ticket lifetimes) and the certificate
// validity checks use the real clock. The test PKI is valid for 20 years, so validity does not
// change verdicts; the randoms differ in those 4 bytes between runs.
#include "harness/targets/mbedtls/mbedtls_library.h"

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/debug.h>
#include <mbedtls/ecp.h>
#include <mbedtls/error.h>
#include <mbedtls/pk.h>
#include <mbedtls/sha256.h>
#include <mbedtls/ssl.h>
#include <mbedtls/ssl_cache.h>
#include <mbedtls/ssl_ciphersuites.h>
#include <mbedtls/ssl_internal.h>
#include <mbedtls/ssl_ticket.h>
#include <mbedtls/version.h>
#include <mbedtls/x509_crt.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/base/alert.h"
#include "engine/wire/registry.h"

#if !defined(MBEDTLS_SSL_EXPORT_KEYS) || !defined(MBEDTLS_SSL_RENEGOTIATION) ||      \
    !defined(MBEDTLS_SSL_SESSION_TICKETS) || !defined(MBEDTLS_SSL_TICKET_C) ||       \
    !defined(MBEDTLS_SSL_CACHE_C) || !defined(MBEDTLS_SSL_EXTENDED_MASTER_SECRET) || \
    !defined(MBEDTLS_SSL_MAX_FRAGMENT_LENGTH) || !defined(MBEDTLS_SSL_SERVER_NAME_INDICATION)
#error "this adapter expects Debian's mbedTLS 2.28 configuration (see config.h)"
#endif

namespace shakedown {
namespace {

constexpr int kMaxSteps = 10000;
constexpr char kPrefix[] = "mbedtls: ";

uint64_t Fnv(std::string_view s) {
  uint64_t h = 14695981039346656037ull;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

std::string ErrorString(int ret) {
  char buf[256];
  mbedtls_strerror(ret, buf, sizeof buf);
  char code[32];
  std::snprintf(code, sizeof code, "-0x%04x", static_cast<unsigned>(-ret));
  return std::string(code) + " (" + buf + ")";
}

std::string AlertText(unsigned level, unsigned description) {
  std::optional<std::string_view> name = AlertName(static_cast<uint8_t>(description));
  std::string d = name ? std::string(*name) : std::to_string(description);
  return std::string(level == MBEDTLS_SSL_ALERT_LEVEL_FATAL ? "fatal "
                     : level == MBEDTLS_SSL_ALERT_LEVEL_WARNING
                         ? "warning "
                         : "level " + std::to_string(level) + " ") +
         d;
}

// A deterministic generator: SHA-256(seed || counter) blocks.
class DetRng {
 public:
  void Seed(uint64_t seed) {
    seed_ = seed;
    counter_ = 0;
    avail_ = 0;
  }
  static int Fill(void* self, unsigned char* out, size_t n) {
    static_cast<DetRng*>(self)->Generate(out, n);
    return 0;
  }
  void Generate(unsigned char* out, size_t n) {
    while (n > 0) {
      if (avail_ == 0) {
        unsigned char in[16];
        for (int i = 0; i < 8; ++i) in[i] = static_cast<unsigned char>(seed_ >> (8 * i));
        for (int i = 0; i < 8; ++i) in[8 + i] = static_cast<unsigned char>(counter_ >> (8 * i));
        ++counter_;
        mbedtls_sha256_ret(in, sizeof in, block_, 0);
        avail_ = sizeof block_;
      }
      size_t take = std::min(n, avail_);
      std::memcpy(out, block_ + (sizeof block_ - avail_), take);
      avail_ -= take;
      out += take;
      n -= take;
    }
  }

 private:
  uint64_t seed_ = 0;
  uint64_t counter_ = 0;
  unsigned char block_[32];
  size_t avail_ = 0;
};

// A loaded chain and key (loading keys per connection is slow: cached per file).
struct Credential;

// target.sni: what the server does for each server_name (RFC 6066 3).
struct SniChoice {
  Credential* alternate;
  std::string alternate_name;
  std::string default_name;
  bool refuse_unknown;
};
int SelectByName(void* p, mbedtls_ssl_context* ssl, const unsigned char* name, size_t len);

struct Credential {
  mbedtls_x509_crt chain;
  mbedtls_pk_context key;
  Credential() {
    mbedtls_x509_crt_init(&chain);
    mbedtls_pk_init(&key);
  }
  ~Credential() {
    mbedtls_x509_crt_free(&chain);
    mbedtls_pk_free(&key);
  }
  Credential(const Credential&) = delete;
  Credential& operator=(const Credential&) = delete;
};

int SelectByName(void* p, mbedtls_ssl_context* ssl, const unsigned char* name, size_t len) {
  const auto* choice = static_cast<const SniChoice*>(p);
  const std::string host(reinterpret_cast<const char*>(name), len);
  if (host == choice->alternate_name) {
    return mbedtls_ssl_set_hs_own_cert(ssl, &choice->alternate->chain, &choice->alternate->key);
  }
  if (host == choice->default_name || !choice->refuse_unknown) return 0;
  return -1;  // mbedTLS sends a fatal unrecognized_name
}

// What the connections of one vector share (reset when a vector starts).
struct VectorState {
  bool ticket_ready = false;
  mbedtls_ssl_ticket_context ticket;
  mbedtls_ssl_cache_context cache;
  bool have_client_session = false;
  mbedtls_ssl_session client_session;
  DetRng ticket_rng;

  VectorState() {
    mbedtls_ssl_ticket_init(&ticket);
    mbedtls_ssl_cache_init(&cache);
    mbedtls_ssl_session_init(&client_session);
  }
  ~VectorState() { Clear(); }
  void Clear() {
    mbedtls_ssl_ticket_free(&ticket);
    mbedtls_ssl_ticket_init(&ticket);
    ticket_ready = false;
    mbedtls_ssl_cache_free(&cache);
    mbedtls_ssl_cache_init(&cache);
    ClearClientSession();
  }
  void ClearClientSession() {
    mbedtls_ssl_session_free(&client_session);
    mbedtls_ssl_session_init(&client_session);
    have_client_session = false;
  }
};

// The suites of `wanted` mbedTLS implements (for TLS 1.2), and the others.
void SplitSuites(const std::vector<uint16_t>& wanted, std::vector<int>* have,
                 std::vector<uint16_t>* missing) {
  for (uint16_t id : wanted) {
    const mbedtls_ssl_ciphersuite_t* info = mbedtls_ssl_ciphersuite_from_id(id);
    if (info != nullptr && info->max_minor_ver >= MBEDTLS_SSL_MINOR_VERSION_3 &&
        info->min_minor_ver <= MBEDTLS_SSL_MINOR_VERSION_3) {
      have->push_back(id);
    } else {
      missing->push_back(id);
    }
  }
}

void SplitGroups(const std::vector<NamedGroup>& wanted, std::vector<mbedtls_ecp_group_id>* have,
                 std::vector<uint16_t>* missing) {
  for (NamedGroup g : wanted) {
    const mbedtls_ecp_curve_info* info =
        mbedtls_ecp_curve_info_from_tls_id(static_cast<uint16_t>(g));
    if (info != nullptr) {
      have->push_back(info->grp_id);
    } else {
      missing->push_back(static_cast<uint16_t>(g));
    }
  }
}

std::string SuiteName(uint16_t id) {
  const CipherSuiteInfo* s = FindCipherSuite(id);
  char hex[16];
  std::snprintf(hex, sizeof hex, "0x%04x", id);
  return s ? std::string(s->name) : std::string(hex);
}

std::string GroupName(uint16_t id) {
  std::optional<std::string_view> n = NameOf(Registry::kNamedGroup, id);
  char hex[16];
  std::snprintf(hex, sizeof hex, "0x%04x", id);
  return n ? std::string(*n) : std::string(hex);
}

class MbedTlsLibrary;

class MbedTlsConnection final : public LibraryConnection {
 public:
  MbedTlsConnection(const Scenario& scenario, size_t index, VectorState* vector, DetRng* rng)
      : role_(scenario.role),
        renegotiation_(scenario.target.renegotiation),
        optional_client_auth_(scenario.role == Side::kServer &&
                              scenario.target.client_auth == ClientAuthMode::kOptional),
        vector_(vector),
        rng_(rng) {
    (void)index;
    mbedtls_ssl_config_init(&conf_);
    mbedtls_ssl_init(&ssl_);
  }
  ~MbedTlsConnection() override {
    mbedtls_ssl_free(&ssl_);
    mbedtls_ssl_config_free(&conf_);
  }

  mbedtls_ssl_config* conf() { return &conf_; }
  mbedtls_ssl_context* ssl() { return &ssl_; }
  std::vector<int>& suites() { return suites_; }
  std::vector<mbedtls_ecp_group_id>& curves() { return curves_; }
  void AddSetupNote(std::string n) { setup_notes_.push_back(std::move(n)); }

  // After the configuration is complete.
  Status Start(const std::string& hostname, bool resume) {
    mbedtls_ssl_conf_dbg(&conf_, &MbedTlsConnection::Debug, this);
    mbedtls_ssl_conf_export_keys_ext_cb(&conf_, &MbedTlsConnection::ExportKeys, this);
    int ret = mbedtls_ssl_setup(&ssl_, &conf_);
    if (ret != 0) return InternalError("mbedtls_ssl_setup: " + ErrorString(ret));
    mbedtls_ssl_set_bio(&ssl_, this, &MbedTlsConnection::Send, &MbedTlsConnection::Recv, nullptr);
    if (role_ == Side::kClient) {
      ret = mbedtls_ssl_set_hostname(&ssl_, hostname.empty() ? nullptr : hostname.c_str());
      if (ret != 0) return InternalError("mbedtls_ssl_set_hostname: " + ErrorString(ret));
      if (resume && vector_->have_client_session) {
        ret = mbedtls_ssl_set_session(&ssl_, &vector_->client_session);
        if (ret != 0) {
          setup_notes_.push_back(std::string(kPrefix) +
                                 "mbedtls_ssl_set_session failed: " + ErrorString(ret));
        } else {
          setup_notes_.push_back(std::string(kPrefix) + "offering the previous session");
        }
      } else if (resume) {
        setup_notes_.push_back(std::string(kPrefix) +
                               "no session to resume (no earlier connection completed)");
      }
    }
    return Status::Ok();
  }

  void Drive(LibraryIo& io) override {
    io_ = &io;
    for (std::string& n : setup_notes_) io.Note(std::move(n));
    setup_notes_.clear();
    for (int steps = 0; !finished_; ++steps) {
      if (steps >= kMaxSteps) {
        io.Note(std::string(kPrefix) + "still busy after " + std::to_string(kMaxSteps) +
                " steps, stopped");
        finished_ = true;
        break;
      }
      int ret;
      if (ssl_.state != MBEDTLS_SSL_HANDSHAKE_OVER) {
        const int before = ssl_.state;
        ret = mbedtls_ssl_handshake_step(&ssl_);
        if (ret == 0 && optional_client_auth_ && before == MBEDTLS_SSL_CLIENT_CERTIFICATE &&
            ssl_.state != MBEDTLS_SSL_CLIENT_CERTIFICATE && CheckOptionalClientCert()) {
          break;
        }
      } else if (renegotiation_ == RenegotiationPolicy::kInitiate && !renegotiation_started_ &&
                 completed_ > 0) {
        renegotiation_started_ = true;
        io.Note(std::string(kPrefix) +
                "starting a renegotiation (target.renegotiation "
                "initiate)");
        ret = mbedtls_ssl_renegotiate(&ssl_);
      } else {
        unsigned char buf[4096];
        ret = mbedtls_ssl_read(&ssl_, buf, sizeof buf);
        if (ret > 0) {
          app_bytes_ += static_cast<size_t>(ret);
          continue;
        }
        if (ret == 0) {
          // Read end closed without close_notify (mbedtls_ssl_read's "0").
          io.Note(std::string(kPrefix) + "the peer closed the connection (end of file)");
          finished_ = true;
          break;
        }
      }
      Commit();
      if (ret == 0) continue;
      if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
        // mbedTLS returns WANT_READ after some records it handled (a HelloRequest refused):
        // go on while there is input it has not seen, or an end of file it has not seen.
        if (io.unread() > 0 || mbedtls_ssl_check_pending(&ssl_) || (io.eof && !eof_seen_)) {
          continue;
        }
        break;
      }
      HandleError(ret);
    }
    io_ = nullptr;
  }

  bool finished() const override { return finished_; }

  const Negotiated* negotiated() const override { return completed_ > 0 ? &negotiated_ : nullptr; }

  void Close(LibraryIo& io) override {
    if (role_ != Side::kClient) return;
    if (failed_) {
      // RFC 5246 7.2.2: a session that ended in a fatal alert is not resumed.
      vector_->ClearClientSession();
      return;
    }
    if (completed_ == 0) return;
    vector_->ClearClientSession();
    int ret = mbedtls_ssl_get_session(&ssl_, &vector_->client_session);
    if (ret == 0) {
      vector_->have_client_session = true;
    } else {
      io.Note(std::string(kPrefix) + "mbedtls_ssl_get_session: " + ErrorString(ret));
      vector_->ClearClientSession();
    }
  }

 private:
  static int Send(void* self, const unsigned char* buf, size_t len) {
    auto* c = static_cast<MbedTlsConnection*>(self);
    if (c->io_ == nullptr) return MBEDTLS_ERR_SSL_INTERNAL_ERROR;
    c->io_->Write(buf, len);
    return static_cast<int>(len);
  }

  static int Recv(void* self, unsigned char* buf, size_t len) {
    auto* c = static_cast<MbedTlsConnection*>(self);
    if (c->io_ == nullptr) return MBEDTLS_ERR_SSL_WANT_READ;
    size_t n = c->io_->Read(buf, len);
    if (n > 0) return static_cast<int>(n);
    if (c->io_->eof) {
      c->eof_seen_ = true;
      return 0;
    }
    return MBEDTLS_ERR_SSL_WANT_READ;
  }

  static void Debug(void* self, int level, const char* file, int line, const char* msg) {
    (void)level;
    (void)file;
    (void)line;
    auto* c = static_cast<MbedTlsConnection*>(self);
    if (c->io_ == nullptr) return;
    unsigned a = 0, b = 0;
    if (std::strncmp(msg, "send alert level=", 17) == 0 &&
        std::sscanf(msg, "send alert level=%u message=%u", &a, &b) == 2) {
      c->io_->Note(std::string(kPrefix) + "sent alert " + AlertText(a, b));
      if (a == MBEDTLS_SSL_ALERT_LEVEL_FATAL) c->failed_ = true;
    } else if (std::strncmp(msg, "got an alert message, type: [", 29) == 0 &&
               std::sscanf(msg, "got an alert message, type: [%u:%u]", &a, &b) == 2) {
      c->io_->Note(std::string(kPrefix) + "received alert " + AlertText(a, b));
    }
  }

  static int ExportKeys(void* self, const unsigned char* ms, const unsigned char* kb, size_t maclen,
                        size_t keylen, size_t ivlen, const unsigned char client_random[32],
                        const unsigned char server_random[32], mbedtls_tls_prf_types tls_prf_type) {
    (void)kb;
    (void)maclen;
    (void)keylen;
    (void)ivlen;
    (void)tls_prf_type;
    auto* c = static_cast<MbedTlsConnection*>(self);
    Negotiated& p = c->pending_;
    p = Negotiated();
    p.master_secret.assign(ms, ms + 48);
    p.client_random.assign(client_random, client_random + 32);
    p.server_random.assign(server_random, server_random + 32);
    // The ServerHello's session id, taken now: a client that then receives a NewSessionTicket
    // discards it (RFC 5077 3.4, mbedTLS does), but it is the id both sides negotiated.
    if (c->ssl_.session_negotiate != nullptr) {
      p.session_id.assign(c->ssl_.session_negotiate->id,
                          c->ssl_.session_negotiate->id + c->ssl_.session_negotiate->id_len);
    }
    if (c->ssl_.handshake != nullptr) {
      p.resumed = c->ssl_.handshake->resume != 0;
      p.extended_master_secret = c->ssl_.handshake->extended_ms == MBEDTLS_SSL_EXTENDED_MS_ENABLED;
    }
    c->have_pending_ = true;
    return 0;
  }

  // A handshake that just completed: what it negotiated.
  void Commit() {
    if (!have_pending_ || ssl_.state != MBEDTLS_SSL_HANDSHAKE_OVER || ssl_.session == nullptr) {
      return;
    }
    have_pending_ = false;
    Negotiated n = std::move(pending_);
    n.version = static_cast<ProtocolVersion>(0x0300 | ssl_.minor_ver);
    const uint16_t suite = static_cast<uint16_t>(ssl_.session->ciphersuite);
    n.suite = FindCipherSuite(suite);
    if (n.session_id.empty()) {
      n.session_id.assign(ssl_.session->id, ssl_.session->id + ssl_.session->id_len);
    }
    n.encrypt_then_mac = ssl_.session->encrypt_then_mac != 0;
    n.secure_renegotiation = ssl_.secure_renegotiation == MBEDTLS_SSL_SECURE_RENEGOTIATION;
    n.renegotiations = completed_;
    if (ssl_.hostname != nullptr) n.server_name = ssl_.hostname;
    n.client_authenticated = role_ == Side::kServer && ssl_.session->peer_cert != nullptr &&
                             ssl_.session->verify_result == 0;
    negotiated_ = std::move(n);
    ++completed_;
    io_->Note(std::string(kPrefix) + (completed_ > 1 ? "renegotiation" : "handshake") +
              " complete: " + SuiteName(suite) + (negotiated_.resumed ? ", resumed" : ", full") +
              (negotiated_.extended_master_secret ? ", EMS" : ""));
  }

  // Server, client_auth optional, after the client Certificate: a certificate that fails
  // verification ends the handshake (see the top of the file). True if it did.
  bool CheckOptionalClientCert() {
    const mbedtls_ssl_session* s = ssl_.session_negotiate;
    if (s == nullptr || s->peer_cert == nullptr || s->verify_result == 0) return false;
    const uint32_t flags = s->verify_result;
    unsigned char alert = MBEDTLS_SSL_ALERT_MSG_BAD_CERT;
    if (flags & MBEDTLS_X509_BADCERT_OTHER) {
      alert = MBEDTLS_SSL_ALERT_MSG_ACCESS_DENIED;
    } else if (flags & MBEDTLS_X509_BADCERT_CN_MISMATCH) {
      alert = MBEDTLS_SSL_ALERT_MSG_BAD_CERT;
    } else if (flags & (MBEDTLS_X509_BADCERT_KEY_USAGE | MBEDTLS_X509_BADCERT_EXT_KEY_USAGE |
                        MBEDTLS_X509_BADCERT_NS_CERT_TYPE | MBEDTLS_X509_BADCERT_BAD_PK |
                        MBEDTLS_X509_BADCERT_BAD_KEY)) {
      alert = MBEDTLS_SSL_ALERT_MSG_UNSUPPORTED_CERT;
    } else if (flags & MBEDTLS_X509_BADCERT_EXPIRED) {
      alert = MBEDTLS_SSL_ALERT_MSG_CERT_EXPIRED;
    } else if (flags & MBEDTLS_X509_BADCERT_REVOKED) {
      alert = MBEDTLS_SSL_ALERT_MSG_CERT_REVOKED;
    } else if (flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED) {
      alert = MBEDTLS_SSL_ALERT_MSG_UNKNOWN_CA;
    }
    char info[512];
    mbedtls_x509_crt_verify_info(info, sizeof info, "", flags);
    std::string why(info);
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    for (char& ch : why) {
      if (ch == '\n') ch = ';';
    }
    io_->Note(std::string(kPrefix) +
              "client certificate failed verification (authmode optional; the adapter checks "
              "mbedtls_ssl_get_verify_result): " +
              why);
    mbedtls_ssl_send_alert_message(&ssl_, MBEDTLS_SSL_ALERT_LEVEL_FATAL, alert);
    failed_ = true;
    finished_ = true;
    return true;
  }

  void HandleError(int ret) {
    LibraryIo& io = *io_;
    if (ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) {
      io.Note(std::string(kPrefix) + "received close_notify, answering with close_notify");
      int r = mbedtls_ssl_close_notify(&ssl_);
      if (r != 0) io.Note(std::string(kPrefix) + "mbedtls_ssl_close_notify: " + ErrorString(r));
      finished_ = true;
      return;
    }
    if (ret == MBEDTLS_ERR_SSL_CONN_EOF) {
      io.Note(std::string(kPrefix) + "the peer closed the connection (end of file)");
      finished_ = true;
      return;
    }
    if (ret == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE) {
      failed_ = true;
      io.Note(std::string(kPrefix) + "error " + ErrorString(ret) + ": received fatal alert " +
              AlertText(MBEDTLS_SSL_ALERT_LEVEL_FATAL, ssl_.in_msg ? ssl_.in_msg[1] : 0));
      finished_ = true;
      return;
    }
    failed_ = true;
    io.Note(std::string(kPrefix) + "error " + ErrorString(ret) +
            (ssl_.state != MBEDTLS_SSL_HANDSHAKE_OVER
                 ? " in handshake state " + std::to_string(ssl_.state)
                 : std::string()));
    finished_ = true;
  }

  Side role_;
  RenegotiationPolicy renegotiation_;
  bool optional_client_auth_;
  VectorState* vector_;
  DetRng* rng_;
  mbedtls_ssl_config conf_;
  mbedtls_ssl_context ssl_;
  std::vector<int> suites_;
  std::vector<mbedtls_ecp_group_id> curves_;
  std::vector<std::string> setup_notes_;
  LibraryIo* io_ = nullptr;
  bool finished_ = false;
  bool failed_ = false;
  bool eof_seen_ = false;
  bool renegotiation_started_ = false;
  bool have_pending_ = false;
  Negotiated pending_;
  Negotiated negotiated_;
  int completed_ = 0;
  size_t app_bytes_ = 0;
};

class MbedTlsLibrary final : public Library {
 public:
  bool selects_certificate_by_name() const override { return true; }
  explicit MbedTlsLibrary(const TargetResources& resources) : resources_(resources) {
    // The alerts mbedTLS sends are only told at debug level 3 ("send alert level=..").
    mbedtls_debug_set_threshold(3);
  }

  std::string name() const override { return "mbedtls"; }

  std::string version() const override {
    char buf[64] = {0};
    mbedtls_version_get_string_full(buf);
    return buf;
  }

  std::optional<std::string> Unsupported(const Scenario& scenario) const override {
    const TargetConfig& t = scenario.target;
    if (t.record_size_limit != 0) {
      return "target.record_size_limit: mbedTLS 2.28 has no record_size_limit (RFC 8449)";
    }
    if (t.heartbeat != HeartbeatMode::kOff) {
      return "target.heartbeat: mbedTLS 2.28 has no Heartbeat (RFC 6520)";
    }
    if (t.ocsp) {
      return "target.ocsp: mbedTLS 2.28 has no OCSP stapling (RFC 6066 8 status_request)";
    }
    if (t.extended_master_secret == EmsPolicy::kRequired) {
      return "target.extended_master_secret required: mbedTLS 2.28 can enable or disable EMS "
             "but not refuse peers without it";
    }
    if (!t.cipher_suites.empty()) {
      std::vector<int> have;
      std::vector<uint16_t> missing;
      SplitSuites(t.cipher_suites, &have, &missing);
      if (have.empty()) {
        std::string names;
        for (uint16_t id : missing) names += (names.empty() ? "" : ", ") + SuiteName(id);
        return "target.cipher_suites: mbedTLS 2.28 (Debian build) implements none of " + names;
      }
    }
    if (!t.groups.empty()) {
      std::vector<mbedtls_ecp_group_id> have;
      std::vector<uint16_t> missing;
      SplitGroups(t.groups, &have, &missing);
      if (have.empty()) {
        std::string names;
        for (uint16_t id : missing) names += (names.empty() ? "" : ", ") + GroupName(id);
        return "target.groups: mbedTLS 2.28 negotiates none of " + names +
               " (no RFC 7919 FFDHE group negotiation)";
      }
    }
    if (scenario.role == Side::kClient && t.client_auth != ClientAuthMode::kNone) {
      // Not a client setting: ignored, as the reference does.
    }
    return std::nullopt;
  }

  Result<std::unique_ptr<LibraryConnection>> Open(const Scenario& scenario, size_t index) override {
    if (index == 0) vector_.Clear();
    const TargetConfig& t = scenario.target;
    rng_.Seed(resources_.seed ^ Fnv(scenario.id) ^ (0x9e3779b97f4a7c15ull * (index + 1)) ^
              0x6d626564746c7300ull);
    auto conn = std::make_unique<MbedTlsConnection>(scenario, index, &vector_, &rng_);
    mbedtls_ssl_config* conf = conn->conf();
    const bool server = scenario.role == Side::kServer;
    int ret =
        mbedtls_ssl_config_defaults(conf, server ? MBEDTLS_SSL_IS_SERVER : MBEDTLS_SSL_IS_CLIENT,
                                    MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
    if (ret != 0) return InternalError("mbedtls_ssl_config_defaults: " + ErrorString(ret));
    mbedtls_ssl_conf_min_version(conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
    mbedtls_ssl_conf_max_version(conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
    mbedtls_ssl_conf_rng(conf, &DetRng::Fill, &rng_);

    // Trust: the test CA (server chains; client chains with client_auth).
    SD_ASSIGN_OR_RETURN(const Credential* ca, LoadCa());
    mbedtls_ssl_conf_ca_chain(conf, const_cast<mbedtls_x509_crt*>(&ca->chain), nullptr);

    // Own certificate.
    SD_ASSIGN_OR_RETURN(std::optional<PemCredential> files,
                        CredentialFiles(scenario, resources_.pem));
    if (files.has_value()) {
      SD_ASSIGN_OR_RETURN(Credential * cred, LoadCredential(*files));
      ret = mbedtls_ssl_conf_own_cert(conf, &cred->chain, &cred->key);
      if (ret != 0) return InternalError("mbedtls_ssl_conf_own_cert: " + ErrorString(ret));
    }
    if (server && !t.sni.empty()) {
      // target.sni (RFC 6066 3): the alternate credential for its name; under "fatal" a name
      // neither certificate carries makes the callback fail, which mbedTLS answers with a
      // fatal unrecognized_name.
      SD_ASSIGN_OR_RETURN(Credential * alt,
                          LoadCredential({resources_.pem.sni_cert, resources_.pem.sni_key}));
      std::unique_ptr<SniChoice>& choice = sni_[t.sni];
      if (!choice) {
        choice = std::make_unique<SniChoice>(
            SniChoice{alt, resources_.pem.sni_name, resources_.pem.server_name, t.sni == "fatal"});
      }
      mbedtls_ssl_conf_sni(conf, &SelectByName, choice.get());
    }

    if (server) {
      switch (t.client_auth) {
        case ClientAuthMode::kNone:
          mbedtls_ssl_conf_authmode(conf, MBEDTLS_SSL_VERIFY_NONE);
          break;
        case ClientAuthMode::kOptional:
          mbedtls_ssl_conf_authmode(conf, MBEDTLS_SSL_VERIFY_OPTIONAL);
          break;
        case ClientAuthMode::kRequired:
          mbedtls_ssl_conf_authmode(conf, MBEDTLS_SSL_VERIFY_REQUIRED);
          break;
      }
    } else {
      mbedtls_ssl_conf_authmode(conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    }

    // Cipher suites.
    if (!t.cipher_suites.empty()) {
      std::vector<int>& suites = conn->suites();
      std::vector<uint16_t> missing;
      SplitSuites(t.cipher_suites, &suites, &missing);
      if (suites.empty()) return InternalError("target.cipher_suites: none implemented");
      if (!missing.empty()) {
        std::string names;
        for (uint16_t id : missing) names += (names.empty() ? "" : ", ") + SuiteName(id);
        conn->AddSetupNote(std::string(kPrefix) +
                           "target.cipher_suites: not implemented, "
                           "dropped: " +
                           names);
      }
      suites.push_back(0);
      mbedtls_ssl_conf_ciphersuites(conf, suites.data());
    }
    // Groups.
    if (!t.groups.empty()) {
      std::vector<mbedtls_ecp_group_id>& curves = conn->curves();
      std::vector<uint16_t> missing;
      SplitGroups(t.groups, &curves, &missing);
      if (!missing.empty()) {
        std::string names;
        for (uint16_t id : missing) names += (names.empty() ? "" : ", ") + GroupName(id);
        conn->AddSetupNote(std::string(kPrefix) +
                           "target.groups: not negotiable, dropped: " + names);
      }
      curves.push_back(MBEDTLS_ECP_DP_NONE);
      mbedtls_ssl_conf_curves(conf, curves.data());
    }

    mbedtls_ssl_conf_extended_master_secret(conf, t.extended_master_secret == EmsPolicy::kDisabled
                                                      ? MBEDTLS_SSL_EXTENDED_MS_DISABLED
                                                      : MBEDTLS_SSL_EXTENDED_MS_ENABLED);
    mbedtls_ssl_conf_renegotiation(conf, t.renegotiation == RenegotiationPolicy::kRefuse
                                             ? MBEDTLS_SSL_RENEGOTIATION_DISABLED
                                             : MBEDTLS_SSL_RENEGOTIATION_ENABLED);
    mbedtls_ssl_conf_legacy_renegotiation(conf, MBEDTLS_SSL_LEGACY_NO_RENEGOTIATION);

    if (server) {
      mbedtls_ssl_conf_session_cache(conf, &vector_.cache, mbedtls_ssl_cache_get,
                                     mbedtls_ssl_cache_set);
      if (t.session_tickets) {
        if (!vector_.ticket_ready) {
          // A fixed ticket key per run: tickets of one connection open in the next.
          vector_.ticket_rng.Seed(resources_.seed ^ 0x7469636b65747300ull);
          ret = mbedtls_ssl_ticket_setup(&vector_.ticket, &DetRng::Fill, &vector_.ticket_rng,
                                         MBEDTLS_CIPHER_AES_256_GCM, 86400);
          if (ret != 0) return InternalError("mbedtls_ssl_ticket_setup: " + ErrorString(ret));
          vector_.ticket_ready = true;
        }
        mbedtls_ssl_conf_session_tickets_cb(conf, mbedtls_ssl_ticket_write,
                                            mbedtls_ssl_ticket_parse, &vector_.ticket);
      }
    } else {
      mbedtls_ssl_conf_session_tickets(conf, t.session_tickets
                                                 ? MBEDTLS_SSL_SESSION_TICKETS_ENABLED
                                                 : MBEDTLS_SSL_SESSION_TICKETS_DISABLED);
      if (t.max_fragment_length != 0) {
        unsigned char code = MBEDTLS_SSL_MAX_FRAG_LEN_NONE;
        switch (t.max_fragment_length) {
          case 512:
            code = MBEDTLS_SSL_MAX_FRAG_LEN_512;
            break;
          case 1024:
            code = MBEDTLS_SSL_MAX_FRAG_LEN_1024;
            break;
          case 2048:
            code = MBEDTLS_SSL_MAX_FRAG_LEN_2048;
            break;
          case 4096:
            code = MBEDTLS_SSL_MAX_FRAG_LEN_4096;
            break;
          default:
            return InternalError("target.max_fragment_length " +
                                 std::to_string(t.max_fragment_length) +
                                 ": not an RFC 6066 length");
        }
        ret = mbedtls_ssl_conf_max_frag_len(conf, code);
        if (ret != 0) return InternalError("mbedtls_ssl_conf_max_frag_len: " + ErrorString(ret));
      }
    }

    const bool resume =
        !server && index < scenario.connections.size() && scenario.connections[index].resume;
    SD_RETURN_IF_ERROR(conn->Start(scenario.peer.server_name, resume));
    return std::unique_ptr<LibraryConnection>(std::move(conn));
  }

 private:
  Result<const Credential*> LoadCa() {
    auto it = creds_.find("ca|" + resources_.pem.ca);
    if (it != creds_.end()) return static_cast<const Credential*>(it->second.get());
    auto c = std::make_unique<Credential>();
    int ret = mbedtls_x509_crt_parse_file(&c->chain, resources_.pem.ca.c_str());
    if (ret != 0) {
      return InternalError("loading the CA " + resources_.pem.ca + ": " + ErrorString(ret));
    }
    const Credential* p = c.get();
    creds_["ca|" + resources_.pem.ca] = std::move(c);
    return p;
  }

  Result<Credential*> LoadCredential(const PemCredential& files) {
    const std::string key = files.chain + "|" + files.key;
    auto it = creds_.find(key);
    if (it != creds_.end()) return it->second.get();
    auto c = std::make_unique<Credential>();
    int ret = mbedtls_x509_crt_parse_file(&c->chain, files.chain.c_str());
    if (ret != 0) return InternalError("loading " + files.chain + ": " + ErrorString(ret));
    ret = mbedtls_pk_parse_keyfile(&c->key, files.key.c_str(), nullptr);
    if (ret != 0) return InternalError("loading " + files.key + ": " + ErrorString(ret));
    Credential* p = c.get();
    creds_[key] = std::move(c);
    return p;
  }

  TargetResources resources_;
  std::map<std::string, std::unique_ptr<Credential>> creds_;
  std::map<std::string, std::unique_ptr<SniChoice>> sni_;  // by target.sni policy
  VectorState vector_;
  DetRng rng_;
};

}  // namespace

std::unique_ptr<Library> MakeMbedTlsLibrary(const TargetResources& resources) {
  return std::make_unique<MbedTlsLibrary>(resources);
}

}  // namespace shakedown
