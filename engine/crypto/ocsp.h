// OCSP responses (RFC 6960) for OCSP stapling (RFC 6066 8): a minimal responder that signs
// responses with the test CA, and the client's check of a stapled response.
//
// Botan 2 parses OCSP responses (Botan::OCSP::Response) but cannot produce them, so
// MakeOcspResponse builds the DER itself (RFC 6960 4.2.1) and the tests prove that Botan's
// parser accepts it.
#ifndef SHAKEDOWN_ENGINE_CRYPTO_OCSP_H_
#define SHAKEDOWN_ENGINE_CRYPTO_OCSP_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/status.h"
#include "engine/crypto/pki.h"

namespace shakedown {

// What one SingleResponse says, and how the response is spoiled (for the negative vectors).
struct OcspResponseSpec {
  Bytes issuer_der;  // the CA that issued the leaf and signs
  const Botan::Private_Key* issuer_key = nullptr;
  Bytes leaf_der;             // the certificate the response is about
  bool revoked = false;       // certStatus revoked [1] (else good [0])
  bool other_serial = false;  // certID.serialNumber = the leaf's + 1
  std::chrono::system_clock::time_point this_update;
  std::chrono::system_clock::time_point next_update;
  bool bad_signature = false;  // one bit of the signature flipped
};

// OCSPResponse { responseStatus successful(0), responseBytes [0] EXPLICIT { id-pkix-ocsp-basic,
// OCTET STRING BasicOCSPResponse } } (RFC 6960 4.2.1), the responder identified byKey (SHA-1 of
// the issuer's public key), producedAt = this_update, GeneralizedTime throughout, signed with
// SHA-256 by issuer_key, the issuer's certificate in `certs`; draws only from `rng` (ECDSA
// nonces). Errors: internal_error.
Result<Bytes> MakeOcspResponse(const OcspResponseSpec& spec, Botan::RandomNumberGenerator& rng);

// The responses the test PKI staples, for the scripted peer, the CLI and the vectors.
enum class OcspResponseKind {
  kGood,           // good, thisUpdate/nextUpdate = the leaf's validity
  kRevoked,        // revoked
  kUnknownSerial,  // good, but for another serial number
  kExpired,        // good, nextUpdate one day after the leaf's notBefore (before any clock)
  kBadSignature,   // good, signature corrupted
};
// "good", "revoked", "unknown_serial", "expired", "bad_signature".
std::string Name(OcspResponseKind kind);
std::optional<OcspResponseKind> OcspResponseKindFromName(std::string_view name);
const std::vector<OcspResponseKind>& AllOcspResponseKinds();

// A response about `leaf_der` (a certificate of `pki`) signed by the test CA: deterministic
// (its RNG is seeded from the leaf and the kind), so a run and its replay staple the same
// bytes. Errors: internal_error.
Result<Bytes> MakeTestOcspResponse(const TestPki& pki, ByteView leaf_der, OcspResponseKind kind);

// The first of `candidates` (DER certificates) whose subject is `leaf_der`'s issuer, or nullopt
// (also for unparseable certificates).
std::optional<Bytes> FindIssuer(ByteView leaf_der, const std::vector<Bytes>& candidates);

// RFC 6066 8: "Clients requesting an OCSP response and receiving an OCSP response in a
// "CertificateStatus" message MUST check the OCSP response and abort the handshake if the
// response is not satisfactory with bad_certificate_status_response(113) alert." Satisfactory:
// it parses as an OCSPResponse with responseStatus successful and a BasicOCSPResponse, its
// signature verifies under `issuer_der`'s key, and it holds a SingleResponse for the leaf's
// certID with status good whose thisUpdate <= now <= nextUpdate. Anything else is
// bad_certificate_status_response, naming Botan's verdict.
Status CheckOcspResponse(ByteView response, ByteView leaf_der, ByteView issuer_der,
                         uint64_t now_seconds);

}  // namespace shakedown

#endif  // SHAKEDOWN_ENGINE_CRYPTO_OCSP_H_
