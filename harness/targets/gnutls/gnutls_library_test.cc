#include "harness/targets/gnutls/gnutls_library.h"

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

VectorResult RunFile(const std::string& file) {
  return RunConformanceVector(file,
                              [] { return MakeLibraryTarget(MakeGnuTlsLibrary(TestResources())); });
}

#define EXPECT_PASS(file)                                               \
  do {                                                                  \
    VectorResult v = RunFile(file);                                     \
    EXPECT_EQ(v.verdict, Verdict::kPass) << file << "\n" << Explain(v); \
  } while (0)

TEST(GnuTls, NameAndVersion) {
  std::unique_ptr<Library> lib = MakeGnuTlsLibrary(TestResources());
  EXPECT_EQ(lib->name(), "gnutls");
  EXPECT_EQ(lib->version().rfind("GnuTLS 3.", 0), 0u) << lib->version();
}

TEST(GnuTls, FullHandshakes) {
  EXPECT_PASS("handshake/server-full-ecdhe-rsa.json");
  EXPECT_PASS("handshake/server-full-rsa-key-transport.json");
  EXPECT_PASS("handshake/client-full-ecdhe-rsa.json");
  EXPECT_PASS("handshake/client-suite-rsa-aes-128-gcm-sha256.json");
}

TEST(GnuTls, ClientAuthentication) {
  // No client_auth "required" vector has a close_notify round trip: this one completes the
  // full handshake with a verified RSA client certificate.
  EXPECT_PASS("client-auth/server-rsa-client-certificate-accepted.json");
  EXPECT_PASS("client-auth/client-rsa-certificate-sent.json");
}

TEST(GnuTls, SessionIdResumption) {
  EXPECT_PASS("resumption/client-session-id.json");
  EXPECT_PASS("handshake/server-resumption-session-id.json");
}

TEST(GnuTls, BadFinishedIsRefused) {
  EXPECT_PASS("finished/client-verify-data-first-byte.json");
  EXPECT_PASS("finished/server-tampered-verify-data.json");
}

TEST(GnuTls, ServerNameSelectsTheCertificate) {
  // target.sni (RFC 6066 3): the alternate certificate by name, a fatal unrecognized_name.
  EXPECT_PASS("sni/server-alternate-name-alternate-certificate.json");
  EXPECT_PASS("sni/server-unknown-name-fatal.json");
  EXPECT_PASS("sni/server-unknown-name-continue-default-certificate.json");
}

TEST(GnuTls, UnsupportedSaysWhy) {
  Result<Scenario> s = LoadScenarioFile("vectors/conformance/handshake/server-full-ecdhe-rsa.json");
  ASSERT_TRUE(s.ok());
  std::unique_ptr<Library> lib = MakeGnuTlsLibrary(TestResources());
  EXPECT_FALSE(lib->Unsupported(*s).has_value());
  s->target.extended_master_secret = EmsPolicy::kRequired;
  std::optional<std::string> why = lib->Unsupported(*s);
  ASSERT_TRUE(why.has_value());
  EXPECT_NE(why->find("target.extended_master_secret"), std::string::npos) << *why;
  s->target.extended_master_secret = EmsPolicy::kEnabled;
  s->target.cipher_suites = {0x0000};  // TLS_NULL_WITH_NULL_NULL
  why = lib->Unsupported(*s);
  ASSERT_TRUE(why.has_value());
  EXPECT_NE(why->find("target.cipher_suites"), std::string::npos) << *why;
}

// Garbage and an early end of file through the TargetConnection: a verdict, no crash.
TEST(GnuTls, GarbageAndEarlyEof) {
  ExpectGarbageAndEarlyEofEnd([] { return MakeGnuTlsLibrary(TestResources()); });
}

}  // namespace
}  // namespace shakedown
