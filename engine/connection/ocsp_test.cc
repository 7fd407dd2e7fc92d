// OCSP stapling (RFC 6066 8) between two engines: the server answers an ocsp status_request
// with an empty extension and staples its configured response in CertificateStatus right
// after Certificate; the client checks the response under the test CA at its clock and aborts
// with bad_certificate_status_response when it is not satisfactory.
#include "engine/crypto/ocsp.h"

#include <gtest/gtest.h>

#include "engine/connection/test_support.h"
#include "engine/wire/handshake.h"

namespace shakedown {
namespace testing {
namespace {

const uint16_t kGcm = 0xc02f;  // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
// 2026-01-01: inside the test PKI's validity and the good response's thisUpdate..nextUpdate.
constexpr uint64_t kNow = 1767225600;

Bytes ResponseFor(OcspResponseKind kind) {
  Result<Bytes> r = MakeTestOcspResponse(Pki(), Pki().rsa_server.chain_der[0], kind);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : Bytes();
}

Config Client(bool request) {
  Config c = ClientConfig({kGcm});
  c.request_ocsp_status = request;
  c.trusted_roots = {Pki().ca_der};
  return c;
}

Config Server(Bytes response) {
  Config c = ServerConfig({kGcm});
  c.credentials = {Pki().rsa_server};
  c.ocsp_response = std::move(response);
  return c;
}

std::vector<uint8_t> TypesIn(const Endpoint& e) {
  std::vector<uint8_t> out;
  for (const Bytes& m : HandshakeMessagesIn(e.all_output)) out.push_back(m[0]);
  return out;
}

bool ServerHelloHasStatusRequest(const Endpoint& server) {
  for (const Bytes& m : HandshakeMessagesIn(server.all_output)) {
    if (m[0] != static_cast<uint8_t>(HandshakeType::kServerHello)) continue;
    Result<ServerHello> sh = ServerHello::Parse(ByteView(m).subview(4));
    EXPECT_TRUE(sh.ok());
    if (!sh.ok() || !sh->extensions.has_value()) return false;
    const Extension* e =
        sh->extensions->FindRaw(static_cast<uint16_t>(ExtensionType::kStatusRequest));
    // RFC 6066 8: "with empty "extension_data"".
    if (e != nullptr) EXPECT_TRUE(e->body.empty());
    return e != nullptr;
  }
  return false;
}

TEST(OcspStaplingTest, ServerStaplesRightAfterCertificateAndClientAccepts) {
  World world;
  world.now = kNow;
  const Bytes good = ResponseFor(OcspResponseKind::kGood);
  Pair p = Handshake(Client(true), Server(good), &world);
  ASSERT_TRUE(p.client->handshake_complete());
  ASSERT_TRUE(p.server->handshake_complete());
  EXPECT_TRUE(ServerHelloHasStatusRequest(p.server));
  EXPECT_TRUE(p.client->negotiated().status_request);
  EXPECT_EQ(p.client->negotiated().ocsp_response, good);
  EXPECT_EQ(p.server->negotiated().ocsp_response, good);
  const std::vector<uint8_t> expected = {2, 11, 22, 12, 14};  // SH, Certificate, Status, SKE, SHD
  EXPECT_EQ(TypesIn(p.server), expected);
}

TEST(OcspStaplingTest, NoStatusRequestNoStaple) {
  World world;
  world.now = kNow;
  Pair p = Handshake(Client(false), Server(ResponseFor(OcspResponseKind::kGood)), &world);
  ASSERT_TRUE(p.client->handshake_complete());
  EXPECT_FALSE(ServerHelloHasStatusRequest(p.server));
  const std::vector<uint8_t> expected = {2, 11, 12, 14};
  EXPECT_EQ(TypesIn(p.server), expected);
  EXPECT_TRUE(p.client->negotiated().ocsp_response.empty());
}

TEST(OcspStaplingTest, NothingToStapleLeavesTheRequestUnanswered) {
  World world;
  world.now = kNow;
  Pair p = Handshake(Client(true), Server(Bytes()), &world);
  ASSERT_TRUE(p.client->handshake_complete());
  EXPECT_FALSE(ServerHelloHasStatusRequest(p.server));
  EXPECT_FALSE(p.client->negotiated().status_request);
  EXPECT_TRUE(p.client->negotiated().ocsp_response.empty());
}

TEST(OcspStaplingTest, UnsatisfactoryResponsesAbortWithBadCertificateStatusResponse) {
  for (OcspResponseKind kind : {OcspResponseKind::kRevoked, OcspResponseKind::kUnknownSerial,
                                OcspResponseKind::kExpired, OcspResponseKind::kBadSignature}) {
    World world;
    world.now = kNow;
    Pair p = Handshake(Client(true), Server(ResponseFor(kind)), &world);
    EXPECT_FALSE(p.client->handshake_complete()) << Name(kind);
    const Event* alert = p.client.AlertSent();
    ASSERT_NE(alert, nullptr) << Name(kind);
    EXPECT_EQ(alert->alert, AlertDescription::kBadCertificateStatusResponse) << Name(kind);
  }
}

TEST(OcspStaplingTest, GarbageResponseIsBadCertificateStatusResponse) {
  World world;
  world.now = kNow;
  Pair p = Handshake(Client(true), Server(Bytes{0x30, 0x03, 0x0a, 0x01, 0x03}), &world);
  const Event* alert = p.client.AlertSent();
  ASSERT_NE(alert, nullptr);
  EXPECT_EQ(alert->alert, AlertDescription::kBadCertificateStatusResponse);
}

TEST(OcspStaplingTest, ClientWithoutTheIssuerCannotCheck) {
  World world;
  world.now = kNow;
  Config client = Client(true);
  client.trusted_roots.clear();  // the leaf's issuer is nowhere: nothing to verify with
  Pair p = Handshake(client, Server(ResponseFor(OcspResponseKind::kGood)), &world);
  const Event* alert = p.client.AlertSent();
  ASSERT_NE(alert, nullptr);
  EXPECT_EQ(alert->alert, AlertDescription::kBadCertificateStatusResponse);
}

}  // namespace
}  // namespace testing
}  // namespace shakedown
