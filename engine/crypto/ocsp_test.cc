// The OCSP responses the test CA makes, read back by Botan's own OCSP client code
// (Botan::OCSP::Response, check_signature, status_for) and by CheckOcspResponse.
#include "engine/crypto/ocsp.h"

#include <botan/certstor.h>
#include <botan/ocsp.h>
#include <botan/x509cert.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>

#include "engine/crypto/rng.h"

namespace shakedown {
namespace {

// 2026-01-01T00:00:00Z, the reference target's clock.
constexpr uint64_t kNow = 1767225600;

const TestPki& Pki() {
  static const TestPki* pki = [] {
    DeterministicRng rng(7);
    TestPkiOptions options;
    options.rsa_bits = 1024;
    Result<TestPki> made = GenerateTestPki(rng, options);
    EXPECT_TRUE(made.ok()) << made.status().ToString();
    return new TestPki(std::move(made).value());
  }();
  return *pki;
}

Bytes Leaf() { return Pki().rsa_server.chain_der[0]; }

Bytes Response(OcspResponseKind kind) {
  Result<Bytes> r = MakeTestOcspResponse(Pki(), Leaf(), kind);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : Bytes();
}

Botan::Certificate_Status_Code BotanStatus(const Bytes& der) {
  const Botan::OCSP::Response parsed(der.data(), der.size());
  const Botan::X509_Certificate ca(Pki().ca_der.data(), Pki().ca_der.size());
  const Botan::X509_Certificate leaf(Leaf().data(), Leaf().size());
  return parsed.status_for(ca, leaf,
                           std::chrono::system_clock::time_point(std::chrono::seconds(kNow)));
}

Botan::Certificate_Status_Code BotanSignature(const Bytes& der) {
  const Botan::OCSP::Response parsed(der.data(), der.size());
  Botan::Certificate_Store_In_Memory roots;
  roots.add_certificate(Botan::X509_Certificate(Pki().ca_der.data(), Pki().ca_der.size()));
  return parsed.check_signature({&roots});
}

TEST(OcspResponse, GoodParsesInBotanAndVerifies) {
  const Bytes der = Response(OcspResponseKind::kGood);
  const Botan::OCSP::Response parsed(der.data(), der.size());
  EXPECT_EQ(parsed.status(), Botan::OCSP::Response_Status_Code::Successful);
  // byKey: SHA-1 of the CA's public key (20 bytes), no byName.
  EXPECT_EQ(parsed.signer_key_hash().size(), 20u);
  EXPECT_TRUE(parsed.signer_name().empty());
  // certs holds the CA (RFC 6960 4.2.1), which GnuTLS needs to find the signer.
  ASSERT_EQ(parsed.certificates().size(), 1u);
  EXPECT_EQ(parsed.certificates()[0].BER_encode(), Pki().ca_der);
  EXPECT_EQ(BotanSignature(der), Botan::Certificate_Status_Code::OCSP_SIGNATURE_OK);
  EXPECT_EQ(BotanStatus(der), Botan::Certificate_Status_Code::OCSP_RESPONSE_GOOD);
  EXPECT_TRUE(CheckOcspResponse(der, Leaf(), Pki().ca_der, kNow).ok());
  // GeneralizedTime (tag 0x18) for producedAt, as RFC 6960 4.2.1 says.
  const Bytes marker = {0x18, 0x0f, '2', '0'};
  EXPECT_NE(std::search(der.begin(), der.end(), marker.begin(), marker.end()), der.end());
}

TEST(OcspResponse, Deterministic) {
  EXPECT_EQ(Response(OcspResponseKind::kGood), Response(OcspResponseKind::kGood));
  EXPECT_NE(Response(OcspResponseKind::kGood), Response(OcspResponseKind::kRevoked));
}

TEST(OcspResponse, RevokedIsRevoked) {
  const Bytes der = Response(OcspResponseKind::kRevoked);
  EXPECT_EQ(BotanSignature(der), Botan::Certificate_Status_Code::OCSP_SIGNATURE_OK);
  EXPECT_EQ(BotanStatus(der), Botan::Certificate_Status_Code::CERT_IS_REVOKED);
  Status s = CheckOcspResponse(der, Leaf(), Pki().ca_der, kNow);
  EXPECT_EQ(s.alert(), AlertDescription::kBadCertificateStatusResponse) << s.ToString();
}

TEST(OcspResponse, UnknownSerialIsNotListed) {
  const Bytes der = Response(OcspResponseKind::kUnknownSerial);
  EXPECT_EQ(BotanSignature(der), Botan::Certificate_Status_Code::OCSP_SIGNATURE_OK);
  EXPECT_EQ(BotanStatus(der), Botan::Certificate_Status_Code::OCSP_CERT_NOT_LISTED);
  EXPECT_EQ(CheckOcspResponse(der, Leaf(), Pki().ca_der, kNow).alert(),
            AlertDescription::kBadCertificateStatusResponse);
}

TEST(OcspResponse, ExpiredHasExpired) {
  const Bytes der = Response(OcspResponseKind::kExpired);
  EXPECT_EQ(BotanStatus(der), Botan::Certificate_Status_Code::OCSP_HAS_EXPIRED);
  EXPECT_EQ(CheckOcspResponse(der, Leaf(), Pki().ca_der, kNow).alert(),
            AlertDescription::kBadCertificateStatusResponse);
}

TEST(OcspResponse, BadSignatureFailsVerification) {
  const Bytes der = Response(OcspResponseKind::kBadSignature);
  EXPECT_EQ(BotanSignature(der), Botan::Certificate_Status_Code::OCSP_SIGNATURE_ERROR);
  EXPECT_EQ(CheckOcspResponse(der, Leaf(), Pki().ca_der, kNow).alert(),
            AlertDescription::kBadCertificateStatusResponse);
}

TEST(OcspResponse, GoodIsNotYetValidBeforeThisUpdateAndWrongIssuerFails) {
  const Bytes der = Response(OcspResponseKind::kGood);
  // Before the leaf's notBefore (2024-01-01): thisUpdate is in the future.
  EXPECT_EQ(CheckOcspResponse(der, Leaf(), Pki().ca_der, 1600000000).alert(),
            AlertDescription::kBadCertificateStatusResponse);
  // Verified under another CA's key.
  EXPECT_EQ(CheckOcspResponse(der, Leaf(), Pki().other_ca_der, kNow).alert(),
            AlertDescription::kBadCertificateStatusResponse);
  // About another leaf (the ECDSA server's serial is not listed).
  EXPECT_EQ(CheckOcspResponse(der, Pki().ecdsa_server.chain_der[0], Pki().ca_der, kNow).alert(),
            AlertDescription::kBadCertificateStatusResponse);
}

TEST(OcspResponse, GarbageAndNonSuccessfulAreBadStatusResponse) {
  EXPECT_EQ(CheckOcspResponse(Bytes{0x30, 0x00}, Leaf(), Pki().ca_der, kNow).alert(),
            AlertDescription::kBadCertificateStatusResponse);
  EXPECT_EQ(CheckOcspResponse(Bytes{0x01}, Leaf(), Pki().ca_der, kNow).alert(),
            AlertDescription::kBadCertificateStatusResponse);
  // OCSPResponse { responseStatus tryLater(3) } (RFC 6960 4.2.1), no responseBytes.
  const Bytes try_later = {0x30, 0x03, 0x0a, 0x01, 0x03};
  EXPECT_EQ(CheckOcspResponse(try_later, Leaf(), Pki().ca_der, kNow).alert(),
            AlertDescription::kBadCertificateStatusResponse);
}

TEST(OcspResponse, KindNames) {
  for (OcspResponseKind kind : AllOcspResponseKinds()) {
    EXPECT_EQ(OcspResponseKindFromName(Name(kind)), kind);
  }
  EXPECT_FALSE(OcspResponseKindFromName("fine").has_value());
}

}  // namespace
}  // namespace shakedown
