#include "engine/crypto/ocsp.h"

#include <botan/asn1_obj.h>
#include <botan/bigint.h>
#include <botan/der_enc.h>
#include <botan/hash.h>
#include <botan/ocsp.h>
#include <botan/pubkey.h>
#include <botan/x509_obj.h>
#include <botan/x509cert.h>

#include <ctime>
#include <exception>
#include <memory>
#include <utility>

#include "engine/crypto/rng.h"

namespace shakedown {
namespace {

Status BadStatusResponse(const std::string& why) {
  return Status::Error(
      AlertDescription::kBadCertificateStatusResponse,
      "CertificateStatus: OCSP response not satisfactory: " + why + " (RFC 6066 8)");
}

// RFC 6960 4.2.1: producedAt, thisUpdate, nextUpdate and revocationTime are GeneralizedTime
// (Botan's X509_Time would pick UTCTime before 2050, which OpenSSL's OCSP parser refuses).
Botan::X509_Time Generalized(std::chrono::system_clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char text[32];
  std::strftime(text, sizeof(text), "%Y%m%d%H%M%SZ", &tm);
  return Botan::X509_Time(text, Botan::GENERALIZED_TIME);
}

// id-pkix-ocsp-basic (RFC 6960 4.2.1).
const char kIdPkixOcspBasic[] = "1.3.6.1.5.5.7.48.1.1";

}  // namespace

Result<Bytes> MakeOcspResponse(const OcspResponseSpec& spec, Botan::RandomNumberGenerator& rng) {
  if (spec.issuer_key == nullptr) return InternalError("OCSP response: no issuer key");
  try {
    const Botan::X509_Certificate issuer(spec.issuer_der.data(), spec.issuer_der.size());
    const Botan::X509_Certificate leaf(spec.leaf_der.data(), spec.leaf_der.size());
    Botan::BigInt serial = Botan::BigInt::decode(leaf.serial_number());
    if (spec.other_serial) serial += 1;
    // CertID { hashAlgorithm sha1, issuerNameHash, issuerKeyHash, serialNumber } (RFC 6960
    // 4.1.1), as Botan computes it.
    const Botan::OCSP::CertID cert_id(issuer, serial);
    // ResponderID byKey [2] EXPLICIT KeyHash: "the SHA-1 hash of the responder's public key
    // (excluding the tag and length fields)" (RFC 6960 4.2.1).
    std::unique_ptr<Botan::HashFunction> sha1 = Botan::HashFunction::create_or_throw("SHA-1");
    sha1->update(issuer.subject_public_key_bitstring());
    const std::vector<uint8_t> key_hash = sha1->final_stdvec();

    std::vector<uint8_t> single_der;
    Botan::DER_Encoder single(single_der);
    single.start_cons(Botan::SEQUENCE).encode(cert_id);
    if (spec.revoked) {
      // revoked [1] IMPLICIT RevokedInfo { revocationTime GeneralizedTime }
      single.start_cons(Botan::ASN1_Tag(1), Botan::CONTEXT_SPECIFIC)
          .encode(Generalized(spec.this_update))
          .end_cons();
    } else {
      // good [0] IMPLICIT NULL
      single.add_object(Botan::ASN1_Tag(0), Botan::CONTEXT_SPECIFIC, nullptr, 0);
    }
    single.encode(Generalized(spec.this_update))
        .start_explicit(0)
        .encode(Generalized(spec.next_update))
        .end_explicit()
        .end_cons();

    // ResponseData { version [0] DEFAULT v1 (omitted), responderID, producedAt, responses }
    std::vector<uint8_t> tbs;
    Botan::DER_Encoder(tbs)
        .start_cons(Botan::SEQUENCE)
        .start_explicit(2)
        .encode(key_hash, Botan::OCTET_STRING)
        .end_explicit()
        .encode(Generalized(spec.this_update))
        .start_cons(Botan::SEQUENCE)
        .raw_bytes(single_der)
        .end_cons()
        .end_cons();

    Botan::AlgorithmIdentifier sig_algo;
    std::unique_ptr<Botan::PK_Signer> signer =
        Botan::X509_Object::choose_sig_format(sig_algo, *spec.issuer_key, rng, "SHA-256", "");
    std::vector<uint8_t> signature = signer->sign_message(tbs, rng);
    if (spec.bad_signature && !signature.empty()) signature[signature.size() / 2] ^= 0x01;

    // BasicOCSPResponse { tbsResponseData, signatureAlgorithm, signature BIT STRING, certs [0]
    // EXPLICIT SEQUENCE OF Certificate }. The CA signs itself, so certs is optional (RFC 6960
    // 4.2.2.2: the responder "MAY include certs to help the client verify the responder's
    // signature"); it carries the CA anyway, because GnuTLS 3.7 looks for the signer only
    // there ("The OCSP response's signer could not be found" otherwise).
    std::vector<uint8_t> basic;
    Botan::DER_Encoder(basic)
        .start_cons(Botan::SEQUENCE)
        .raw_bytes(tbs)
        .encode(sig_algo)
        .encode(signature, Botan::BIT_STRING)
        .start_explicit(0)
        .start_cons(Botan::SEQUENCE)
        .raw_bytes(spec.issuer_der)
        .end_cons()
        .end_explicit()
        .end_cons();
    std::vector<uint8_t> response;
    Botan::DER_Encoder(response)
        .start_cons(Botan::SEQUENCE)
        .encode(size_t{0}, Botan::ENUMERATED, Botan::UNIVERSAL)  // successful(0)
        .start_explicit(0)
        .start_cons(Botan::SEQUENCE)
        .encode(Botan::OID(kIdPkixOcspBasic))
        .encode(basic, Botan::OCTET_STRING)
        .end_cons()
        .end_explicit()
        .end_cons();
    return Bytes(response.begin(), response.end());
  } catch (const std::exception& e) {
    return InternalError(std::string("OCSP response: ") + e.what());
  }
}

std::string Name(OcspResponseKind kind) {
  switch (kind) {
    case OcspResponseKind::kGood:
      return "good";
    case OcspResponseKind::kRevoked:
      return "revoked";
    case OcspResponseKind::kUnknownSerial:
      return "unknown_serial";
    case OcspResponseKind::kExpired:
      return "expired";
    case OcspResponseKind::kBadSignature:
      return "bad_signature";
  }
  return "good";
}

const std::vector<OcspResponseKind>& AllOcspResponseKinds() {
  static const auto* kinds = new std::vector<OcspResponseKind>{
      OcspResponseKind::kGood, OcspResponseKind::kRevoked, OcspResponseKind::kUnknownSerial,
      OcspResponseKind::kExpired, OcspResponseKind::kBadSignature};
  return *kinds;
}

std::optional<OcspResponseKind> OcspResponseKindFromName(std::string_view name) {
  for (OcspResponseKind kind : AllOcspResponseKinds()) {
    if (Name(kind) == name) return kind;
  }
  return std::nullopt;
}

Result<Bytes> MakeTestOcspResponse(const TestPki& pki, ByteView leaf_der, OcspResponseKind kind) {
  try {
    const Botan::X509_Certificate leaf(leaf_der.data(), leaf_der.size());
    OcspResponseSpec spec;
    spec.issuer_der = pki.ca_der;
    spec.issuer_key = pki.ca_key.get();
    spec.leaf_der = leaf_der.ToBytes();
    // The leaf's validity: valid at the reference clock and at the real one alike, so external
    // clients accept the good response too.
    spec.this_update = leaf.not_before().to_std_timepoint();
    spec.next_update = leaf.not_after().to_std_timepoint();
    switch (kind) {
      case OcspResponseKind::kGood:
        break;
      case OcspResponseKind::kRevoked:
        spec.revoked = true;
        break;
      case OcspResponseKind::kUnknownSerial:
        spec.other_serial = true;
        break;
      case OcspResponseKind::kExpired:
        spec.next_update = spec.this_update + std::chrono::hours(24);
        break;
      case OcspResponseKind::kBadSignature:
        spec.bad_signature = true;
        break;
    }
    // Seeded from the leaf's serial and the kind: the same bytes in every run and replay.
    uint64_t seed = 0x6f637370ull ^ static_cast<uint64_t>(kind);
    for (uint8_t b : leaf.serial_number()) seed = seed * 1099511628211ull + b;
    DeterministicRng rng(seed);
    return MakeOcspResponse(spec, rng);
  } catch (const std::exception& e) {
    return InternalError(std::string("OCSP response: ") + e.what());
  }
}

std::optional<Bytes> FindIssuer(ByteView leaf_der, const std::vector<Bytes>& candidates) {
  try {
    const Botan::X509_Certificate leaf(leaf_der.data(), leaf_der.size());
    for (const Bytes& der : candidates) {
      try {
        const Botan::X509_Certificate c(der.data(), der.size());
        if (c.raw_subject_dn() == leaf.raw_issuer_dn()) return der;
      } catch (const std::exception&) {
        continue;
      }
    }
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

Status CheckOcspResponse(ByteView response, ByteView leaf_der, ByteView issuer_der,
                         uint64_t now_seconds) {
  try {
    const Botan::OCSP::Response parsed(response.data(), response.size());
    if (parsed.status() != Botan::OCSP::Response_Status_Code::Successful) {
      return BadStatusResponse("responseStatus " +
                               std::to_string(static_cast<int>(parsed.status())));
    }
    const Botan::X509_Certificate issuer(issuer_der.data(), issuer_der.size());
    const Botan::X509_Certificate leaf(leaf_der.data(), leaf_der.size());
    const Botan::Certificate_Status_Code signature = parsed.verify_signature(issuer);
    if (signature != Botan::Certificate_Status_Code::OCSP_SIGNATURE_OK) {
      return BadStatusResponse(Botan::to_string(signature));
    }
    const Botan::Certificate_Status_Code status = parsed.status_for(
        issuer, leaf, std::chrono::system_clock::time_point(std::chrono::seconds(now_seconds)));
    if (status != Botan::Certificate_Status_Code::OCSP_RESPONSE_GOOD) {
      return BadStatusResponse(Botan::to_string(status));
    }
    return Status::Ok();
  } catch (const std::exception& e) {
    return BadStatusResponse(std::string("not a valid OCSP response: ") + e.what());
  }
}

}  // namespace shakedown
