#include "harness/targets/openssl/openssl_library.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "harness/runner/runner.h"
#include "harness/runner/target.h"
#include "harness/scenario/loader.h"
#include "harness/targets/library/library.h"

namespace shakedown {
namespace {

std::shared_ptr<const TestPki> Pki() {
  static std::shared_ptr<const TestPki>* pki = [] {
    Result<std::shared_ptr<const TestPki>> r = MakeRunPki(7);
    if (!r.ok()) {
      std::fprintf(stderr, "MakeRunPki: %s\n", r.status().ToString().c_str());
      std::abort();
    }
    return new std::shared_ptr<const TestPki>(*r);
  }();
  return *pki;
}

const PemFiles& Pem() {
  static PemFiles* pem = [] {
    Result<PemFiles> r = WritePkiPemToTempDir(*Pki(), "openssl-library-test");
    if (!r.ok()) {
      std::fprintf(stderr, "WritePkiPemToTempDir: %s\n", r.status().ToString().c_str());
      std::abort();
    }
    return new PemFiles(*r);
  }();
  return *pem;
}

TargetResources Resources() {
  TargetResources r;
  r.pki = Pki();
  r.seed = 7;
  r.pem = Pem();
  return r;
}

RunOptions Options() {
  RunOptions o;
  o.pki = Pki();
  o.seed = 7;
  o.timeout_ms = 200;
  return o;
}

Scenario Load(const std::string& path) {
  Result<Scenario> s = LoadScenarioFile("vectors/conformance/" + path);
  EXPECT_TRUE(s.ok()) << path << ": " << s.status().message();
  return s.ok() ? *s : Scenario();
}

VectorResult RunPath(const std::string& path) {
  std::vector<Scenario> scenarios = {Load(path)};
  RunResult run = RunScenarios(
      scenarios,
      [](int) -> Result<std::unique_ptr<Target>> {
        return MakeLibraryTarget(MakeOpenSslLibrary(Resources()));
      },
      Options());
  EXPECT_EQ(run.vectors.size(), 1u);
  return run.vectors.empty() ? VectorResult() : run.vectors[0];
}

std::string Explain(const VectorResult& r) {
  std::string out = r.rule + ": " + r.message;
  for (const TraceEntry& t : r.trace) out += "\n  " + t.summary;
  return out;
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
  std::unique_ptr<Library> lib = MakeOpenSslLibrary(Resources());
  EXPECT_EQ(lib->name(), "openssl");
  EXPECT_NE(lib->version().find("OpenSSL 3"), std::string::npos) << lib->version();
  Scenario s = Load("handshake/server-full-ecdhe-rsa.json");
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
  std::unique_ptr<Target> target = MakeLibraryTarget(MakeOpenSslLibrary(Resources()));
  Scenario s = Load("handshake/server-full-ecdhe-rsa.json");
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
    Scenario c = Load("handshake/client-full-ecdhe-rsa.json");
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
