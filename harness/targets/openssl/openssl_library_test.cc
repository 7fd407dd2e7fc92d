#include "harness/targets/openssl/openssl_library.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "harness/runner/runner.h"
#include "harness/runner/target.h"
#include "harness/scenario/loader.h"
#include "harness/targets/library/library.h"
#include "harness/targets/library/library_test_support.h"

namespace shakedown {
namespace {

VectorResult RunPath(const std::string& file) {
  return RunConformanceVector(
      file, [] { return MakeLibraryTarget(MakeOpenSslLibrary(TestResources())); });
}

class OpenSslPasses : public ::testing::TestWithParam<const char*> {};

TEST_P(OpenSslPasses, Vector) {
  VectorResult r = RunPath(GetParam());
  EXPECT_EQ(r.verdict, Verdict::kPass) << Explain(r);
}

INSTANTIATE_TEST_SUITE_P(
    Conformance, OpenSslPasses,
    ::testing::Values(
        // Full handshakes, both roles, ECDHE and RSA key exchange.
        "handshake/server-full-ecdhe-rsa.json", "handshake/server-full-rsa-key-transport.json",
        "handshake/client-full-ecdhe-rsa.json",
        "handshake/client-suite-rsa-aes-128-gcm-sha256.json",
        // Client authentication (no client-auth vector with client_auth "required" ends in a
        // close_notify round trip; this one completes a full handshake with it).
        "client-auth/server-rsa-client-certificate-accepted.json",
        "client-auth/client-rsa-certificate-sent.json",
        // Session-ID resumption, both roles (the server one ends in a close_notify round trip
        // under the resumed keys).
        "resumption/client-session-id.json", "handshake/server-resumption-session-id.json",
        // Negative: a bad Finished must be refused.
        "finished/client-verify-data-first-byte.json", "finished/server-tampered-verify-data.json",
        // target.sni (RFC 6066 3): the alternate certificate by name, a fatal unrecognized_name.
        "sni/server-alternate-name-alternate-certificate.json",
        "sni/server-unknown-name-fatal.json"));

TEST(OpenSslLibrary, NameVersionAndUnsupported) {
  std::unique_ptr<Library> lib = MakeOpenSslLibrary(TestResources());
  EXPECT_EQ(lib->name(), "openssl");
  EXPECT_NE(lib->version().find("OpenSSL 3"), std::string::npos) << lib->version();
  Scenario s = LoadConformanceVector("handshake/server-full-ecdhe-rsa.json");
  EXPECT_FALSE(lib->Unsupported(s).has_value());
  s.target.heartbeat = HeartbeatMode::kPeerAllowedToSend;
  ASSERT_TRUE(lib->Unsupported(s).has_value());
  EXPECT_NE(lib->Unsupported(s)->find("target.heartbeat"), std::string::npos);
  s.target.heartbeat = HeartbeatMode::kOff;
  s.target.record_size_limit = 1024;
  ASSERT_TRUE(lib->Unsupported(s).has_value());
  EXPECT_NE(lib->Unsupported(s)->find("target.record_size_limit"), std::string::npos);
  s.target.record_size_limit = 0;
  s.target.cipher_suites = {0x0018};  // TLS_DH_anon_WITH_RC4_128_MD5: not in OpenSSL 3
  ASSERT_TRUE(lib->Unsupported(s).has_value());
  EXPECT_NE(lib->Unsupported(s)->find("target.cipher_suites"), std::string::npos);
}

// Garbage and an early end of input go through the TargetConnection directly: the library
// answers (an alert, a close or silence), never crashes or hangs.
TEST(OpenSslLibrary, GarbageAndEarlyEofEndTheConnection) {
  std::unique_ptr<Target> target = MakeLibraryTarget(MakeOpenSslLibrary(TestResources()));
  Scenario s = LoadConformanceVector("handshake/server-full-ecdhe-rsa.json");
  {
    Result<std::unique_ptr<TargetConnection>> conn = target->Connect(s, 0);
    ASSERT_TRUE(conn.ok()) << conn.status().message();
    Bytes garbage;
    for (int i = 0; i < 400; ++i) {
      for (uint8_t b : {0x16, 0x03, 0x03, 0xff, 0xff}) garbage.push_back(b);
    }
    (void)(*conn)->Write(garbage);
    ReadResult r = (*conn)->Read(Deadline::AfterMs(100));
    EXPECT_TRUE(r.kind == ReadResult::Kind::kData || r.kind == ReadResult::Kind::kEof ||
                r.kind == ReadResult::Kind::kSilent);
    (void)(*conn)->CloseWrite();
    for (int i = 0; i < 3; ++i) (void)(*conn)->Read(Deadline::AfterMs(100));
    EXPECT_EQ((*conn)->Read(Deadline::AfterMs(100)).kind, ReadResult::Kind::kEof);
    EXPECT_EQ((*conn)->negotiated(), nullptr);
    (*conn)->Close();
  }
  {
    // Half a ClientHello record, then the end of input.
    Result<std::unique_ptr<TargetConnection>> conn = target->Connect(s, 0);
    ASSERT_TRUE(conn.ok()) << conn.status().message();
    const Bytes partial = {0x16, 0x03, 0x01, 0x00, 0x40, 0x01, 0x00};
    ASSERT_TRUE((*conn)->Write(partial).ok());
    EXPECT_EQ((*conn)->Read(Deadline::AfterMs(100)).kind, ReadResult::Kind::kSilent);
    (void)(*conn)->CloseWrite();
    ReadResult r = (*conn)->Read(Deadline::AfterMs(100));
    if (r.kind == ReadResult::Kind::kData) r = (*conn)->Read(Deadline::AfterMs(100));
    EXPECT_EQ(r.kind, ReadResult::Kind::kEof);
    EXPECT_EQ((*conn)->negotiated(), nullptr);
  }
  {
    // A client that gets garbage instead of a ServerHello.
    Scenario c = LoadConformanceVector("handshake/client-full-ecdhe-rsa.json");
    Result<std::unique_ptr<TargetConnection>> conn = target->Connect(c, 0);
    ASSERT_TRUE(conn.ok()) << conn.status().message();
    ReadResult hello = (*conn)->Read(Deadline::AfterMs(100));
    EXPECT_EQ(hello.kind, ReadResult::Kind::kData);  // the ClientHello
    Bytes garbage(2000, 0xff);
    (void)(*conn)->Write(garbage);
    ReadResult r = (*conn)->Read(Deadline::AfterMs(100));
    if (r.kind == ReadResult::Kind::kData) r = (*conn)->Read(Deadline::AfterMs(100));
    EXPECT_EQ(r.kind, ReadResult::Kind::kEof);
  }
}

}  // namespace
}  // namespace shakedown
