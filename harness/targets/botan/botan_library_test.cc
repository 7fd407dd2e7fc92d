#include "harness/targets/botan/botan_library.h"

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

VectorResult Run(const std::string& file) {
  return RunConformanceVector(file,
                              [] { return MakeLibraryTarget(MakeBotanLibrary(TestResources())); });
}

void ExpectPass(const std::string& file) {
  VectorResult v = Run(file);
  EXPECT_EQ(v.verdict, Verdict::kPass) << Explain(v);
}

TEST(BotanLibrary, NameAndVersion) {
  std::unique_ptr<Library> lib = MakeBotanLibrary(TestResources());
  EXPECT_EQ(lib->name(), "botan");
  EXPECT_NE(lib->version().find("2."), std::string::npos) << lib->version();
}

TEST(BotanLibrary, FullHandshakes) {
  ExpectPass("handshake/server-full-ecdhe-rsa.json");
  ExpectPass("handshake/server-full-rsa-key-transport.json");
  ExpectPass("handshake/client-full-ecdhe-rsa.json");
  ExpectPass("handshake/client-suite-rsa-aes-128-gcm-sha256.json");
}

TEST(BotanLibrary, ClientAuth) {
  ExpectPass("client-auth/server-rsa-client-certificate-accepted.json");
  ExpectPass("client-auth/client-rsa-certificate-sent.json");
}

TEST(BotanLibrary, SessionIdResumption) {
  ExpectPass("resumption/client-session-id.json");
  ExpectPass("handshake/server-resumption-session-id.json");
}

TEST(BotanLibrary, BadFinishedRejected) {
  ExpectPass("finished/client-verify-data-first-byte.json");
  ExpectPass("finished/server-tampered-verify-data.json");
}

TEST(BotanLibrary, ServerNameSelectsTheCertificate) {
  // target.sni (RFC 6066 3): the alternate certificate by name, a fatal unrecognized_name.
  ExpectPass("sni/server-alternate-name-alternate-certificate.json");
  ExpectPass("sni/server-unknown-name-fatal.json");
  ExpectPass("sni/server-unknown-name-continue-default-certificate.json");
}

TEST(BotanLibrary, UnsupportedBlocksAreNamed) {
  std::unique_ptr<Library> lib = MakeBotanLibrary(TestResources());
  Scenario s;
  s.id = "x";
  s.role = Side::kServer;
  EXPECT_FALSE(lib->Unsupported(s).has_value());
  s.target.heartbeat = HeartbeatMode::kPeerAllowedToSend;
  ASSERT_TRUE(lib->Unsupported(s).has_value());
  EXPECT_NE(lib->Unsupported(s)->find("target.heartbeat"), std::string::npos);
  s.target.heartbeat = HeartbeatMode::kOff;
  s.target.extended_master_secret = EmsPolicy::kDisabled;
  ASSERT_TRUE(lib->Unsupported(s).has_value());
  EXPECT_NE(lib->Unsupported(s)->find("target.extended_master_secret"), std::string::npos);
  s.target.extended_master_secret = EmsPolicy::kEnabled;
  s.target.cipher_suites = {0xc0ff};  // no such suite
  ASSERT_TRUE(lib->Unsupported(s).has_value());
  EXPECT_NE(lib->Unsupported(s)->find("target.cipher_suites"), std::string::npos);
  s.target.cipher_suites.clear();
  // A Botan 2 server never asks for a client certificate under RSA key transport.
  s.target.client_auth = ClientAuthMode::kRequired;
  s.peer.cipher_suites = {0x009c};  // TLS_RSA_WITH_AES_128_GCM_SHA256
  ASSERT_TRUE(lib->Unsupported(s).has_value());
  EXPECT_NE(lib->Unsupported(s)->find("target.client_auth"), std::string::npos);
  s.peer.cipher_suites = {0x009c, 0xc02f};  // ... unless the peer also offers ECDHE_RSA
  EXPECT_FALSE(lib->Unsupported(s).has_value());
}

// Garbage and an early end of file straight through the TargetConnection: a verdict (finished
// or silent), no crash, no hang.
void Robustness(Side role) {
  Result<Scenario> s = LoadScenarioFile(
      role == Side::kServer ? "vectors/conformance/handshake/server-full-ecdhe-rsa.json"
                            : "vectors/conformance/handshake/client-full-ecdhe-rsa.json");
  ASSERT_TRUE(s.ok()) << s.status().message();
  std::unique_ptr<Target> target = MakeLibraryTarget(MakeBotanLibrary(TestResources()));
  for (int round = 0; round < 2; ++round) {
    Result<std::unique_ptr<TargetConnection>> conn = target->Connect(*s, 0);
    ASSERT_TRUE(conn.ok()) << conn.status().message();
    TargetConnection& c = **conn;
    ReadResult first = c.Read(Deadline::AfterMs(100));
    if (role == Side::kClient) {
      EXPECT_EQ(first.kind, ReadResult::Kind::kData);  // the ClientHello
    }
    if (round == 0) {
      Bytes garbage;
      for (int i = 0; i < 400; ++i) {
        garbage.insert(garbage.end(), {0x16, 0x03, 0x03, 0xff, 0xff});
      }
      Status st = c.Write(garbage);
      (void)st;
    }
    EXPECT_TRUE(c.CloseWrite().ok());
    bool done = false;
    for (int i = 0; i < 10 && !done; ++i) {
      ReadResult r = c.Read(Deadline::AfterMs(100));
      if (r.kind == ReadResult::Kind::kEof || r.kind == ReadResult::Kind::kSilent) done = true;
    }
    EXPECT_TRUE(done);
    c.Close();
    (void)c.TakeNotes();
  }
}

TEST(BotanLibrary, GarbageAndEarlyEofServer) { Robustness(Side::kServer); }
TEST(BotanLibrary, GarbageAndEarlyEofClient) { Robustness(Side::kClient); }

}  // namespace
}  // namespace shakedown
