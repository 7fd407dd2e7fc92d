#include "harness/targets/wolfssl/wolfssl_library.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "harness/runner/runner.h"
#include "harness/runner/target.h"
#include "harness/scenario/loader.h"
#include "harness/targets/library/library.h"
#include "harness/targets/library/library_test_support.h"

namespace shakedown {
namespace {

VectorResult Run(const std::string& file) {
  return RunConformanceVector(
      file, [] { return MakeLibraryTarget(MakeWolfSslLibrary(TestResources())); });
}

void ExpectVerdict(const std::string& file, Verdict want) {
  VectorResult v = Run(file);
  EXPECT_EQ(v.verdict, want) << file << "\n" << Explain(v);
}

TEST(WolfSsl, NameAndVersion) {
  std::unique_ptr<Library> lib = MakeWolfSslLibrary(TestResources());
  EXPECT_EQ(lib->name(), "wolfssl");
  EXPECT_EQ(lib->version().rfind("wolfSSL 5.", 0), 0u) << lib->version();
}

TEST(WolfSsl, FullHandshakesBothRoles) {
  ExpectVerdict("handshake/server-full-ecdhe-rsa.json", Verdict::kPass);
  ExpectVerdict("handshake/client-full-ecdhe-rsa.json", Verdict::kPass);
  // RSA key transport (TLS_RSA_*): Debian builds wolfSSL without WOLFSSL_STATIC_RSA, so no
  // static-RSA suite exists in the library; the adapter says so and the vectors are not
  // applicable. (RFC 5246 9 makes TLS_RSA_WITH_AES_128_CBC_SHA mandatory "in the absence of an
  // application profile standard"; wolfSSL leaves static RSA out by default, a build choice.)
  ExpectVerdict("handshake/server-full-rsa-key-transport.json", Verdict::kNotApplicable);
  ExpectVerdict("handshake/client-suite-rsa-aes-128-gcm-sha256.json", Verdict::kNotApplicable);
}

TEST(WolfSsl, ClientAuthentication) {
  ExpectVerdict("client-auth/server-rsa-client-certificate-accepted.json", Verdict::kPass);
  ExpectVerdict("client-auth/client-rsa-certificate-sent.json", Verdict::kPass);
}

TEST(WolfSsl, SessionIdResumption) {
  ExpectVerdict("resumption/client-session-id.json", Verdict::kPass);
  ExpectVerdict("handshake/server-resumption-session-id.json", Verdict::kPass);
}

TEST(WolfSsl, TicketResumptionWithAnEmptySessionId) {
  // wolfSSL's client presents its ticket with an empty session id (RFC 5077 3.4: it MAY send
  // one). The scripted server must still resume under the ticket's keys: a peer that took the
  // empty id for a full handshake sent its Finished in plaintext (wolfSSL: bad_record_mac).
  ExpectVerdict("resumption/client-ticket.json", Verdict::kPass);
}

TEST(WolfSsl, ServerNameSelectsTheCertificate) {
  // target.sni (RFC 6066 3): the alternate certificate by name, a fatal unrecognized_name.
  ExpectVerdict("sni/server-alternate-name-alternate-certificate.json", Verdict::kPass);
  ExpectVerdict("sni/server-unknown-name-fatal.json", Verdict::kPass);
  ExpectVerdict("sni/server-unknown-name-continue-default-certificate.json", Verdict::kPass);
}

TEST(WolfSsl, BadFinishedIsRefused) {
  ExpectVerdict("finished/client-verify-data-first-byte.json", Verdict::kPass);
  ExpectVerdict("finished/server-tampered-verify-data.json", Verdict::kPass);
}

TEST(WolfSsl, UnsupportedFeaturesAreNamed) {
  std::unique_ptr<Library> lib = MakeWolfSslLibrary(TestResources());
  Scenario s = LoadConformanceVector("handshake/server-full-ecdhe-rsa.json");
  EXPECT_FALSE(lib->Unsupported(s).has_value());
  s.target.heartbeat = HeartbeatMode::kPeerAllowedToSend;
  ASSERT_TRUE(lib->Unsupported(s).has_value());
  EXPECT_NE(lib->Unsupported(s)->find("target.heartbeat"), std::string::npos);
  s.target.heartbeat = HeartbeatMode::kOff;
  s.target.renegotiation = RenegotiationPolicy::kAccept;
  ASSERT_TRUE(lib->Unsupported(s).has_value());
  EXPECT_NE(lib->Unsupported(s)->find("HAVE_SECURE_RENEGOTIATION"), std::string::npos);
}

// Garbage and an early end of file through the TargetConnection: a verdict, no crash.
TEST(WolfSsl, GarbageAndEarlyEofEndTheConnection) {
  for (Side role : {Side::kServer, Side::kClient}) {
    Scenario s =
        LoadConformanceVector(role == Side::kServer ? "handshake/server-full-ecdhe-rsa.json"
                                                    : "handshake/client-full-ecdhe-rsa.json");
    std::unique_ptr<Target> target = MakeLibraryTarget(MakeWolfSslLibrary(TestResources()));
    Result<std::unique_ptr<TargetConnection>> conn = target->Connect(s, 0);
    ASSERT_TRUE(conn.ok()) << conn.status().message();
    (*conn)->Read(Deadline::After(std::chrono::milliseconds(10)));  // a client's ClientHello
    Bytes garbage;
    for (int i = 0; i < 400; ++i) {
      for (uint8_t b : {0x16, 0x03, 0x03, 0xff, 0xff}) garbage.push_back(b);
    }
    Status w = (*conn)->Write(garbage);
    (void)w;
    (void)(*conn)->CloseWrite();
    ReadResult r = (*conn)->Read(Deadline::After(std::chrono::milliseconds(10)));
    EXPECT_TRUE(r.kind == ReadResult::Kind::kData || r.kind == ReadResult::Kind::kEof ||
                r.kind == ReadResult::Kind::kSilent);
    EXPECT_EQ((*conn)->negotiated(), nullptr);
    (*conn)->Close();

    // An early end of file alone.
    Result<std::unique_ptr<TargetConnection>> eof = target->Connect(s, 0);
    ASSERT_TRUE(eof.ok());
    (void)(*eof)->CloseWrite();
    ReadResult e = (*eof)->Read(Deadline::After(std::chrono::milliseconds(10)));
    EXPECT_TRUE(e.kind == ReadResult::Kind::kData || e.kind == ReadResult::Kind::kEof);
    EXPECT_EQ((*eof)->negotiated(), nullptr);
  }
}

}  // namespace
}  // namespace shakedown
