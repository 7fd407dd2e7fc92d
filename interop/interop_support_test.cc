// The interop harness itself: a peer that fails or hangs is reported with its output, fast.
#include "interop/interop_support.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>

namespace shakedown {
namespace interop {
namespace {

using Clock = std::chrono::steady_clock;

TEST(InteropSupportTest, PeerServerThatExitsIsReportedWithItsStderr) {
  std::string openssl = Tool("openssl");
  ASSERT_FALSE(openssl.empty()) << "openssl not found on PATH";
  uint16_t port = 0;
  auto start = Clock::now();
  auto peer = StartPeerServer(
      [&](uint16_t p) {
        return std::vector<std::string>{openssl, "s_server", "-accept", std::to_string(p),
                                        "-no-such-option"};
      },
      &port, std::chrono::seconds(10));
  ASSERT_FALSE(peer.ok());
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(8));
  EXPECT_NE(peer.status().message().find("exited before listening"), std::string::npos)
      << peer.status().message();
  EXPECT_NE(peer.status().message().find("-no-such-option"), std::string::npos)
      << peer.status().message();  // the command line and openssl's complaint
}

TEST(InteropSupportTest, HangingPeerClientIsKilledAtTheDeadline) {
  auto start = Clock::now();
  PeerRun run = RunPeerClient({"sleep", "100"}, "ignored\n", std::chrono::milliseconds(300));
  EXPECT_TRUE(run.status.timed_out()) << run.Describe();
  EXPECT_FALSE(run.exit.exited);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(3));
  EXPECT_NE(run.Describe().find("command: sleep 100"), std::string::npos) << run.Describe();
}

TEST(InteropSupportTest, MissingToolIsEmpty) {
  EXPECT_EQ(Tool("shakedown-no-such-tool"), "");
  PeerRun run = RunPeerClient({"shakedown-no-such-tool"}, "");
  EXPECT_FALSE(run.status.ok());
  EXPECT_NE(run.Describe().find("not found"), std::string::npos) << run.Describe();
}

TEST(InteropSupportTest, PkiFilesAreWritten) {
  const PkiFiles& files = Files();
  for (const std::string& path :
       {files.ca, files.rsa_server_cert, files.rsa_server_key, files.ecdsa_server_cert,
        files.ecdsa_server_key, files.rsa_client_cert, files.rsa_client_key,
        files.ecdsa_client_cert, files.ecdsa_client_key, files.botan_policy,
        files.ca_dir + "/ca.pem"}) {
    Result<std::vector<Bytes>> loaded = LoadCertificateChainPem(path);
    bool is_cert = path.size() > 4 && path.substr(path.size() - 4) == ".pem";
    if (is_cert) {
      ASSERT_TRUE(loaded.ok()) << path << ": " << loaded.status().ToString();
    } else {
      EXPECT_TRUE(std::ifstream(path).good()) << path;
    }
  }
  Result<std::vector<Bytes>> ca = LoadCertificateChainPem(files.ca);
  ASSERT_TRUE(ca.ok());
  EXPECT_EQ(ca->at(0), Pki().ca_der);
}

TEST(InteropSupportTest, UpperHexAndCount) {
  EXPECT_EQ(ToUpperHex(Bytes{0x0a, 0xbc}), "0ABC");
  EXPECT_EQ(Count("a-b-a-b-a", "a"), 3u);
  EXPECT_EQ(Count("aaaa", "aa"), 2u);
  EXPECT_EQ(Count("", "a"), 0u);
}

}  // namespace
}  // namespace interop
}  // namespace shakedown
