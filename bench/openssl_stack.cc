// OpenSSL 3's client and server over a BIO pair. One SSL_CTX per role for the whole run (it
// holds the parsed certificate and key); SSL_new per handshake.
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

#include "bench/handshake_bench.h"

namespace shakedown {
namespace {

constexpr int kMaxFlights = 16;

struct SslCtxFree {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
struct SslFree {
  void operator()(SSL* ssl) const { SSL_free(ssl); }
};
struct SessionFree {
  void operator()(SSL_SESSION* session) const { SSL_SESSION_free(session); }
};
struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Free {
  void operator()(X509* x509) const { X509_free(x509); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* pkey) const { EVP_PKEY_free(pkey); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxFree>;
using SslPtr = std::unique_ptr<SSL, SslFree>;
using SessionPtr = std::unique_ptr<SSL_SESSION, SessionFree>;

// The OpenSSL error queue as text (emptied), after `what`.
Status OpenSslError(const std::string& what) {
  std::string message = what;
  while (unsigned long code = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof(buffer));
    message += std::string("; ") + buffer;
  }
  return InternalError("openssl: " + message);
}

// The same negotiation as the other stacks: TLS 1.2 only, one suite, x25519 (DHE: OpenSSL's
// automatic 2048-bit group, as it does not negotiate RFC 7919 groups in TLS 1.2),
// rsa_pkcs1_sha256 or ecdsa_secp256r1_sha256, no tickets (resumption by session id).
Result<SslCtxPtr> MakeContext(bool server, BenchSuite suite, HandshakeMode mode) {
  SslCtxPtr ctx(SSL_CTX_new(server ? TLS_server_method() : TLS_client_method()));
  if (!ctx) return OpenSslError("SSL_CTX_new");
  const BenchSuiteInfo& info = InfoOf(suite);
  const std::string ciphers(info.openssl_cipher);
  if (SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_max_proto_version(ctx.get(), TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(ctx.get(), ciphers.c_str()) != 1 ||
      // RFC 8422 5.1: an ECDSA certificate's curve must be one the client lists too.
      SSL_CTX_set1_groups_list(ctx.get(), info.ecdsa ? "X25519:P-256" : "X25519") != 1 ||
      SSL_CTX_set1_sigalgs_list(ctx.get(), info.ecdsa ? "ECDSA+SHA256" : "RSA+SHA256") != 1 ||
      (server && info.key_exchange == BenchKeyExchange::kDhe &&
       SSL_CTX_set_dh_auto(ctx.get(), 1) != 1)) {
    return OpenSslError("configuring the context");
  }
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_TICKET);
  // Full handshakes run with the cache off, like the other stacks' full measurements.
  SSL_CTX_set_session_cache_mode(ctx.get(), server && mode == HandshakeMode::kResumed
                                                ? SSL_SESS_CACHE_SERVER
                                                : SSL_SESS_CACHE_OFF);
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
  return ctx;
}

Status LoadCredential(SSL_CTX* ctx, const BenchFixture& fixture, BenchSuite suite) {
  const std::string& cert_pem = fixture.CertPemFor(suite);
  const std::string& key_pem = fixture.KeyPemFor(suite);
  std::unique_ptr<BIO, BioFree> cert_bio(
      BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size())));
  std::unique_ptr<X509, X509Free> cert(
      PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
  std::unique_ptr<BIO, BioFree> key_bio(
      BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())));
  std::unique_ptr<EVP_PKEY, PkeyFree> key(
      PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  if (!cert || !key) return OpenSslError("reading the PEM credential");
  if (SSL_CTX_use_certificate(ctx, cert.get()) != 1 ||
      SSL_CTX_use_PrivateKey(ctx, key.get()) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
    return OpenSslError("installing the credential");
  }
  return Status::Ok();
}

// SSL_do_handshake's result: done, waiting for the peer, or an error.
Result<bool> Step(SSL* ssl, const char* side) {
  int rc = SSL_do_handshake(ssl);
  if (rc == 1) return true;
  int error = SSL_get_error(ssl, rc);
  if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) return false;
  return OpenSslError(std::string(side) + " handshake failed (SSL_get_error " +
                      std::to_string(error) + ")");
}

class OpenSslBench {
 public:
  OpenSslBench(BenchSuite suite, HandshakeMode mode) : suite_(suite), mode_(mode) {}

  Status Init(const BenchFixture& fixture) {
    SD_ASSIGN_OR_RETURN(client_ctx_, MakeContext(/*server=*/false, suite_, mode_));
    SD_ASSIGN_OR_RETURN(server_ctx_, MakeContext(/*server=*/true, suite_, mode_));
    SD_RETURN_IF_ERROR(LoadCredential(server_ctx_.get(), fixture, suite_));
    if (mode_ == HandshakeMode::kResumed) {
      // The session every timed handshake resumes comes from one full handshake.
      SD_RETURN_IF_ERROR(Handshake(/*expect_resumed=*/false, /*keep_session=*/true));
    }
    return Status::Ok();
  }

  Status Next() { return Handshake(mode_ == HandshakeMode::kResumed, false); }

 private:
  Status Handshake(bool expect_resumed, bool keep_session) {
    SslPtr client(SSL_new(client_ctx_.get()));
    SslPtr server(SSL_new(server_ctx_.get()));
    if (!client || !server) return OpenSslError("SSL_new");
    BIO* client_bio = nullptr;
    BIO* server_bio = nullptr;
    if (BIO_new_bio_pair(&client_bio, 0, &server_bio, 0) != 1) {
      return OpenSslError("BIO_new_bio_pair");
    }
    SSL_set_bio(client.get(), client_bio, client_bio);  // each SSL now owns its end
    SSL_set_bio(server.get(), server_bio, server_bio);
    SSL_set_connect_state(client.get());
    SSL_set_accept_state(server.get());
    if (expect_resumed && SSL_set_session(client.get(), session_.get()) != 1) {
      return OpenSslError("SSL_set_session");
    }
    bool client_done = false;
    bool server_done = false;
    for (int flight = 0; flight < kMaxFlights && !(client_done && server_done); ++flight) {
      SD_ASSIGN_OR_RETURN(client_done, Step(client.get(), "client"));
      SD_ASSIGN_OR_RETURN(server_done, Step(server.get(), "server"));
    }
    if (!(client_done && server_done)) return InternalError("openssl: handshake stalled");
    const SSL_CIPHER* cipher = SSL_get_current_cipher(client.get());
    if (cipher == nullptr || SSL_CIPHER_get_protocol_id(cipher) != SuiteId(suite_)) {
      return InternalError("openssl: negotiated a different cipher suite");
    }
    if ((SSL_session_reused(client.get()) == 1) != expect_resumed ||
        (SSL_session_reused(server.get()) == 1) != expect_resumed) {
      return InternalError(std::string("openssl: expected a ") +
                           (expect_resumed ? "resumed" : "full") + " handshake");
    }
    if (keep_session) session_.reset(SSL_get1_session(client.get()));
    // SSL_free drops from the cache any session whose connection did not shut down; these
    // connections are done, not failed (the other stacks send no close_notify either).
    SSL_set_shutdown(client.get(), SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    SSL_set_shutdown(server.get(), SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    return Status::Ok();
  }

  BenchSuite suite_;
  HandshakeMode mode_;
  SslCtxPtr client_ctx_;
  SslCtxPtr server_ctx_;
  SessionPtr session_;
};

}  // namespace

Result<StackResult> RunOpenSslStack(const BenchFixture& fixture, BenchSuite suite,
                                    HandshakeMode mode, const BenchLimits& limits) {
  OpenSslBench bench(suite, mode);
  SD_RETURN_IF_ERROR(bench.Init(fixture));
  Result<StackResult> result = TimeHandshakes(limits, [&bench] { return bench.Next(); });
  if (!result.ok()) return result.status().WithContext("openssl");
  result->stack = "openssl";
  result->suite = std::string(SuiteName(suite));
  result->mode = std::string(ModeName(mode));
  return result;
}

}  // namespace shakedown
