// The reference engine against each command-line peer in interop/peer_tools.h over loopback
// TCP, both directions: the tool as client against the engine's server, the engine's client
// against the tool as server. One test per case, instantiated for every tool (and suite)
// that supports it.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "interop/interop_support.h"
#include "interop/peer_tools.h"

namespace shakedown {
namespace interop {
namespace {

constexpr char kHttpGet[] = "GET / HTTP/1.0\r\nHost: localhost\r\n\r\n";
constexpr char kEchoLine[] = "ping from shakedown\n";

struct Case {
  PeerTool tool;
  InteropSuite suite = InteropSuite::kEcdheRsa;
};

std::vector<Case> WithEverySuite(const std::vector<PeerTool>& tools) {
  std::vector<Case> cases;
  for (const PeerTool& tool : tools) {
    for (InteropSuite suite : kAllSuites) cases.push_back({tool, suite});
  }
  return cases;
}

std::vector<Case> WithEcdheRsa(const std::vector<PeerTool>& tools) {
  std::vector<Case> cases;
  for (const PeerTool& tool : tools) cases.push_back({tool, InteropSuite::kEcdheRsa});
  return cases;
}

std::string CaseName(const ::testing::TestParamInfo<Case>& info) {
  return PeerToolLabel(info.param.tool) + "_" + SuiteLabel(info.param.suite);
}

bool HasClientAuth(const PeerTool& tool) { return !tool.client_auth.empty(); }
bool HasRefusal(const PeerTool& tool) { return !tool.refused_report.empty(); }
bool HasResumption(const PeerTool& tool) { return !tool.resume_runs.empty(); }

const Credential& ServerCredential(InteropSuite suite) {
  return UsesEcdsaCertificate(suite) ? Pki().ecdsa_server : Pki().rsa_server;
}

const Credential& ClientCredential(const PeerTool& tool) {
  return tool.client_credential == "ecdsa" ? Pki().ecdsa_client : Pki().rsa_client;
}

class PeerToolTest : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    const PeerTool& tool = GetParam().tool;
    ASSERT_FALSE(Tool(tool.executable).empty())
        << tool.executable << " not found on PATH (Debian package: " << tool.package << ")";
    ASSERT_FALSE(Files().dir.empty());
    Result<std::string> dir = MakeTempDir("interop-session");
    ASSERT_TRUE(dir.ok()) << dir.status().ToString();
    session_dir_ = *dir;
  }
  void TearDown() override {
    if (!session_dir_.empty()) RemoveTree(session_dir_);
  }

  const PeerTool& tool() const { return GetParam().tool; }
  InteropSuite suite() const { return GetParam().suite; }

  std::map<std::string, std::string> Vars(uint16_t port) const {
    const bool ecdsa = UsesEcdsaCertificate(suite());
    const bool ecdsa_client = tool().client_credential == "ecdsa";
    return {
        {"port", std::to_string(port)},
        {"ca", Files().ca},
        {"ca_dir", Files().ca_dir},
        {"cert", ecdsa ? Files().ecdsa_server_cert : Files().rsa_server_cert},
        {"key", ecdsa ? Files().ecdsa_server_key : Files().rsa_server_key},
        {"client_cert", ecdsa_client ? Files().ecdsa_client_cert : Files().rsa_client_cert},
        {"client_key", ecdsa_client ? Files().ecdsa_client_key : Files().rsa_client_key},
        {"botan_policy", Files().botan_policy},
        {"session", session_dir_},
    };
  }
  // The suite's arguments plus `extra`.
  std::string Extra(const std::string& extra = "") const {
    auto it = tool().suite_args.find(suite());
    std::string args = it != tool().suite_args.end() ? it->second : "";
    return args.empty() ? extra : extra.empty() ? args : args + " " + extra;
  }
  std::vector<std::string> ClientArgv(uint16_t port, const std::string& extra = "") const {
    return ExpandToolCommand(tool().command, Extra(extra), Vars(port));
  }
  Result<std::unique_ptr<Subprocess>> StartServer(const std::string& extra, uint16_t* port) {
    return StartPeerServer(
        [&](uint16_t p) { return ExpandToolCommand(tool().command, Extra(extra), Vars(p)); }, port);
  }

  // The engine's server restricted to the case's suite.
  ServerOptions EngineServer(bool require_client_certificate) const {
    ServerOptions options = EngineServerOptions(SuiteName(suite()), {ServerCredential(suite())});
    if (require_client_certificate) {
      options.config.client_auth = ClientAuthMode::kRequired;
      options.config.trusted_roots = {Pki().ca_der};
    }
    return options;
  }
  // The engine's client: a GET for HTTP servers, a line for echo servers.
  ClientOptions EngineClient() const {
    ClientOptions options = tool().echo
                                ? EngineClientOptions(SuiteName(suite()), kEchoLine, kEchoLine)
                                : EngineClientOptions(SuiteName(suite()), kHttpGet);
    options.config.trusted_roots = {Pki().ca_der};  // the engine validates the chain too
    return options;
  }
  void ExpectAnswered(const ClientResult& result) const {
    if (tool().echo) EXPECT_EQ(result.response, kEchoLine) << Describe(result);
  }

  // A server tool reported `text`: in its answer to the request or in its log.
  static bool ServerSaw(const ClientResult& result, const Subprocess& peer,
                        const std::string& text) {
    return result.response.find(text) != std::string::npos || WaitForStdout(peer, text);
  }
  static bool ServerSawNow(const ClientResult& result, const Subprocess& peer,
                           const std::string& text) {
    return result.response.find(text) != std::string::npos ||
           peer.Stdout().find(text) != std::string::npos;
  }

  void ExpectPageServed(const PeerRun& run, const ServedConnection& served,
                        bool full_handshake) const {
    EXPECT_EQ(served.request.rfind("GET / HTTP/1.0\r\n", 0), 0u) << served.Summary();
    EXPECT_TRUE(served.answered) << served.Summary();
    EXPECT_NE(run.out.find(kStatusPageTitle), std::string::npos) << run.Describe();
    if (!full_handshake && !tool().absent_on_resume.empty()) return;
    for (const std::string& report : tool().verified_reports) {
      EXPECT_NE(run.out.find(report), std::string::npos) << report << "\n" << run.Describe();
    }
  }

  // What the tool prints for a resumed handshake of session `id`.
  std::string ResumedReport(const Bytes& id) const {
    std::string report = tool().resumed_report;
    const std::string placeholder = "{session_id}";
    if (size_t at = report.find(placeholder); at != std::string::npos) {
      report.replace(at, placeholder.size(), ToUpperHex(id));
    }
    return report;
  }

  std::string session_dir_;
};

// ---- the tool as client -> the engine's server ----

using ClientToEngine = PeerToolTest;

TEST_P(ClientToEngine, Handshake) {
  interop::EngineServer server(EngineServer(false));
  ASSERT_TRUE(server.status().ok()) << server.status().ToString();
  // The tools offer their defaults (OpenSSL and GnuTLS also TLS 1.3): the engine answers
  // with TLS 1.2 and the tool must accept it.
  PeerRun run = RunPeerClient(ClientArgv(server.port()), kHttpGet);
  ASSERT_TRUE(run.status.ok() && run.exit.success()) << run.Describe() << server.Log();
  ServedConnection served = ExpectServed(server, 1, SuiteName(suite()));
  EXPECT_FALSE(served.negotiated.resumed);
  if (tool().checks_ems) EXPECT_TRUE(served.negotiated.extended_master_secret);
  if (suite() == InteropSuite::kRsa) EXPECT_FALSE(served.negotiated.group.has_value());
  // Every tool offers RFC 7366 encrypt-then-MAC by default.
  EXPECT_EQ(served.negotiated.encrypt_then_mac, suite() == InteropSuite::kEcdheRsaCbc);
  // DHE: ffdhe2048, the engine's first group (RFC 7919 4), named or sent as explicit params.
  if (suite() == InteropSuite::kDheRsa) {
    EXPECT_EQ(served.negotiated.group, NamedGroup::kFfdhe2048);
  }
  for (const std::string& report : tool().suite_reports.at(suite())) {
    EXPECT_NE(run.out.find(report), std::string::npos) << report << "\n" << run.Describe();
  }
  ExpectPageServed(run, served, true);
}

INSTANTIATE_TEST_SUITE_P(Tools, ClientToEngine,
                         ::testing::ValuesIn(WithEverySuite(PeerToolsWhere(Side::kClient,
                                                                           nullptr))),
                         CaseName);

using ClientWithCertificateToEngine = PeerToolTest;

TEST_P(ClientWithCertificateToEngine, IsAuthenticated) {
  interop::EngineServer server(EngineServer(true));
  ASSERT_TRUE(server.status().ok()) << server.status().ToString();
  PeerRun run = RunPeerClient(ClientArgv(server.port(), tool().client_auth), kHttpGet);
  ASSERT_TRUE(run.status.ok() && run.exit.success()) << run.Describe() << server.Log();
  ServedConnection served = ExpectServed(server, 1, SuiteName(suite()));
  EXPECT_TRUE(served.negotiated.client_authenticated) << served.Summary();
  ASSERT_FALSE(served.negotiated.peer_chain.empty());
  EXPECT_EQ(served.negotiated.peer_chain[0], ClientCredential(tool()).chain_der[0]);
  for (const std::string& report : tool().client_auth_reports) {
    EXPECT_NE(run.out.find(report), std::string::npos) << report << "\n" << run.Describe();
  }
  EXPECT_NE(run.out.find("client certificate: verified"), std::string::npos) << run.Describe();
  ExpectPageServed(run, served, true);
}

INSTANTIATE_TEST_SUITE_P(Tools, ClientWithCertificateToEngine,
                         ::testing::ValuesIn(WithEcdheRsa(PeerToolsWhere(Side::kClient,
                                                                         HasClientAuth))),
                         CaseName);

using ClientWithoutCertificateToEngine = PeerToolTest;

TEST_P(ClientWithoutCertificateToEngine, IsRefused) {
  interop::EngineServer server(EngineServer(true));
  ASSERT_TRUE(server.status().ok()) << server.status().ToString();
  PeerRun run = RunPeerClient(ClientArgv(server.port()), kHttpGet);
  ASSERT_TRUE(run.status.ok()) << run.Describe();  // it exits (with an error), never hangs
  std::optional<ServedConnection> served = server.WaitServed(1, std::chrono::seconds(5));
  ASSERT_TRUE(served.has_value()) << server.Log();
  // RFC 5246 7.4.6 (checklist 43): an empty client Certificate -> handshake_failure.
  EXPECT_FALSE(served->status.ok());
  EXPECT_EQ(served->status.alert(), AlertDescription::kHandshakeFailure) << served->Summary();
  EXPECT_NE(run.err.find(tool().refused_report), std::string::npos) << run.Describe();
  EXPECT_EQ(run.out.find(kStatusPageTitle), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Tools, ClientWithoutCertificateToEngine,
                         ::testing::ValuesIn(WithEcdheRsa(PeerToolsWhere(Side::kClient,
                                                                         HasRefusal))),
                         CaseName);

using ClientResumesEngineSession = PeerToolTest;

TEST_P(ClientResumesEngineSession, Resumes) {
  interop::EngineServer server(EngineServer(false));
  ASSERT_TRUE(server.status().ok()) << server.status().ToString();
  std::vector<PeerRun> runs;
  for (const std::string& args : tool().resume_runs) {
    runs.push_back(RunPeerClient(ClientArgv(server.port(), args), kHttpGet));
    const PeerRun& run = runs.back();
    ASSERT_TRUE(run.status.ok() && run.exit.success()) << run.Describe() << server.Log();
  }
  ServedConnection full = ExpectServed(server, 1, SuiteName(suite()));
  ServedConnection resumed = ExpectServed(server, 2, SuiteName(suite()));
  EXPECT_FALSE(full.negotiated.resumed);
  EXPECT_TRUE(resumed.negotiated.resumed) << server.Log();
  EXPECT_EQ(resumed.negotiated.session_id, full.negotiated.session_id);
  const PeerRun& last = runs.back();
  const std::string resumed_report = ResumedReport(full.negotiated.session_id);
  EXPECT_NE(last.out.find(resumed_report), std::string::npos)
      << resumed_report << "\n" << last.Describe();
  if (runs.size() > 1 && !tool().absent_on_resume.empty()) {
    EXPECT_EQ(last.out.find(tool().absent_on_resume), std::string::npos) << last.Describe();
  }
  EXPECT_NE(last.out.find("session: resumed"), std::string::npos) << last.Describe();
}

INSTANTIATE_TEST_SUITE_P(Tools, ClientResumesEngineSession,
                         ::testing::ValuesIn(WithEcdheRsa(PeerToolsWhere(Side::kClient,
                                                                         HasResumption))),
                         CaseName);

// ---- the engine's client -> the tool as server ----

using EngineToServer = PeerToolTest;

TEST_P(EngineToServer, Handshake) {
  uint16_t port = 0;
  auto peer = StartServer("", &port);
  ASSERT_TRUE(peer.ok()) << peer.status().ToString();
  ClientResult result = EngineConnect(port, EngineClient());
  ASSERT_TRUE(result.status.ok()) << Describe(result) << (*peer)->Describe();
  EXPECT_EQ(result.negotiated.suite->name, SuiteName(suite()));
  if (tool().checks_ems) EXPECT_TRUE(result.negotiated.extended_master_secret);
  EXPECT_EQ(result.negotiated.peer_chain.at(0), ServerCredential(suite()).chain_der[0]);
  EXPECT_EQ(result.negotiated.encrypt_then_mac, suite() == InteropSuite::kEcdheRsaCbc);
  // DHE: the RFC 7919 group the engine offered first, or the tool's own 2048-bit group.
  if (suite() == InteropSuite::kDheRsa) {
    EXPECT_EQ(result.negotiated.group, tool().dhe_group);
    EXPECT_EQ(result.negotiated.dh_bits, 2048u);
  }
  ExpectAnswered(result);
  for (const std::string& report : tool().suite_reports.at(suite())) {
    EXPECT_TRUE(ServerSaw(result, **peer, report))
        << report << "\n" << Describe(result) << (*peer)->Describe();
  }
}

INSTANTIATE_TEST_SUITE_P(Tools, EngineToServer,
                         ::testing::ValuesIn(WithEverySuite(PeerToolsWhere(Side::kServer,
                                                                           nullptr))),
                         CaseName);

using EngineWithCertificateToServer = PeerToolTest;

TEST_P(EngineWithCertificateToServer, IsAuthenticated) {
  uint16_t port = 0;
  auto peer = StartServer(tool().client_auth, &port);
  ASSERT_TRUE(peer.ok()) << peer.status().ToString();
  ClientOptions options = EngineClient();
  options.config.credentials = {ClientCredential(tool())};
  ClientResult result = EngineConnect(port, options);
  ASSERT_TRUE(result.status.ok()) << Describe(result) << (*peer)->Describe();
  ExpectAnswered(result);
  for (const std::string& report : tool().client_auth_reports) {
    EXPECT_TRUE(ServerSaw(result, **peer, report))
        << report << "\n" << Describe(result) << (*peer)->Describe();
  }
  for (const std::string& absent : tool().client_auth_absent) {
    EXPECT_FALSE(ServerSawNow(result, **peer, absent))
        << absent << "\n" << Describe(result) << (*peer)->Describe();
  }
}

INSTANTIATE_TEST_SUITE_P(Tools, EngineWithCertificateToServer,
                         ::testing::ValuesIn(WithEcdheRsa(PeerToolsWhere(Side::kServer,
                                                                         HasClientAuth))),
                         CaseName);

using EngineWithoutCertificateToServer = PeerToolTest;

TEST_P(EngineWithoutCertificateToServer, IsRefused) {
  uint16_t port = 0;
  auto peer = StartServer(tool().client_auth, &port);
  ASSERT_TRUE(peer.ok()) << peer.status().ToString();
  ClientResult result = EngineConnect(port, EngineClient());
  ASSERT_FALSE(result.status.ok()) << Describe(result);
  EXPECT_FALSE(result.status.timed_out()) << Describe(result);
  const std::string received = "received fatal " + tool().refused_alert;
  EXPECT_NE(result.status.message().find(received), std::string::npos) << Describe(result);
  if (tool().refused_alert == "handshake_failure") {
    EXPECT_EQ(result.status.alert(), AlertDescription::kHandshakeFailure) << Describe(result);
  }
}

INSTANTIATE_TEST_SUITE_P(Tools, EngineWithoutCertificateToServer,
                         ::testing::ValuesIn(WithEcdheRsa(PeerToolsWhere(Side::kServer,
                                                                         HasClientAuth))),
                         CaseName);

using EngineResumesServerSession = PeerToolTest;

TEST_P(EngineResumesServerSession, Resumes) {
  uint16_t port = 0;
  auto peer = StartServer("", &port);
  ASSERT_TRUE(peer.ok()) << peer.status().ToString();
  ClientOptions options = EngineClient();
  ClientResult first = EngineConnect(port, options);
  ASSERT_TRUE(first.status.ok()) << Describe(first) << (*peer)->Describe();
  ASSERT_TRUE(first.session.has_value());
  ASSERT_FALSE(first.session->session_id.empty());
  options.config.resume = first.session;
  ClientResult second = EngineConnect(port, options);
  ASSERT_TRUE(second.status.ok()) << Describe(second) << (*peer)->Describe();
  EXPECT_FALSE(first.negotiated.resumed);
  EXPECT_TRUE(second.negotiated.resumed) << Describe(second) << (*peer)->Describe();
  EXPECT_EQ(second.negotiated.session_id, first.negotiated.session_id);
  EXPECT_EQ(second.negotiated.master_secret, first.negotiated.master_secret);
  ExpectAnswered(second);
  if (tool().resumed_report.empty()) return;
  const std::string report = ResumedReport(first.negotiated.session_id);
  if (tool().resumed_report_count == 0) {
    EXPECT_TRUE(ServerSaw(second, **peer, report)) << report << "\n" << Describe(second);
    return;
  }
  // The log of the second handshake may lag behind the engine's view of it.
  Deadline deadline = Deadline::AfterMs(5000);
  while (Count((*peer)->Stdout(), report) < static_cast<size_t>(tool().resumed_report_count) &&
         !deadline.expired()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(Count((*peer)->Stdout(), report), static_cast<size_t>(tool().resumed_report_count))
      << (*peer)->Describe();
}

INSTANTIATE_TEST_SUITE_P(Tools, EngineResumesServerSession,
                         ::testing::ValuesIn(WithEcdheRsa(PeerToolsWhere(Side::kServer,
                                                                         nullptr))),
                         CaseName);

// ---- features beyond the suite, both directions (ECDHE-RSA) ----

struct FeatureCase {
  PeerTool tool;
  InteropFeature feature;
};

std::vector<FeatureCase> WithFeatures(Side side) {
  std::vector<FeatureCase> cases;
  for (const PeerTool& tool : PeerToolsWhere(side, nullptr)) {
    for (const auto& [feature, args] : tool.feature_args) cases.push_back({tool, feature});
  }
  return cases;
}

std::string FeatureCaseName(const ::testing::TestParamInfo<FeatureCase>& info) {
  return PeerToolLabel(info.param.tool) + "_" + FeatureLabel(info.param.feature);
}

// The engine's side of a feature. Server: answers what the tool asks (max_fragment_length
// needs nothing: honoured by default) and advertises record_size_limit 1024. Client: asks
// max_fragment_length 512, advertises record_size_limit 512 (GnuTLS ignores less), renegotiates
// once right after the first handshake.
void ConfigureEngine(InteropFeature feature, Side engine_side, Config* config) {
  const bool server = engine_side == Side::kServer;
  switch (feature) {
    case InteropFeature::kMaxFragmentLength:
      if (!server) config->max_fragment_length = 512;
      break;
    case InteropFeature::kRecordSizeLimit:
      config->record_size_limit = server ? 1024 : 512;
      break;
    case InteropFeature::kHeartbeat:
      config->heartbeat = HeartbeatMode::kPeerAllowedToSend;
      break;
    case InteropFeature::kRenegotiation:
      config->renegotiation = server ? RenegotiationPolicy::kAccept : RenegotiationPolicy::kInitiate;
      break;
  }
}

// The feature was negotiated, as the engine saw it at the end of the connection.
void ExpectNegotiated(InteropFeature feature, const Negotiated& n, const std::string& context) {
  switch (feature) {
    case InteropFeature::kMaxFragmentLength:
      EXPECT_EQ(n.max_fragment_length, 512u) << context;
      EXPECT_EQ(n.record_size_limit, 0u) << context;
      break;
    case InteropFeature::kRecordSizeLimit:
      EXPECT_NE(n.record_size_limit, 0u) << context;
      EXPECT_NE(n.peer_record_size_limit, 0u) << context;
      // RFC 8449 5: with record_size_limit, max_fragment_length is ignored.
      EXPECT_EQ(n.max_fragment_length, 0u) << context;
      break;
    case InteropFeature::kHeartbeat:
      EXPECT_EQ(n.peer_heartbeat, HeartbeatMode::kPeerAllowedToSend) << context;
      break;
    case InteropFeature::kRenegotiation:
      EXPECT_TRUE(n.secure_renegotiation) << context;
      EXPECT_EQ(n.renegotiations, 1) << context;
      break;
  }
}

class FeatureTest : public ::testing::TestWithParam<FeatureCase> {
 protected:
  void SetUp() override {
    ASSERT_FALSE(Tool(tool().executable).empty())
        << tool().executable << " not found on PATH (Debian package: " << tool().package << ")";
  }
  const PeerTool& tool() const { return GetParam().tool; }
  InteropFeature feature() const { return GetParam().feature; }
  std::string Args() const { return tool().feature_args.at(feature()); }
  std::map<std::string, std::string> Vars(uint16_t port) const {
    return {{"port", std::to_string(port)},        {"ca", Files().ca},
            {"ca_dir", Files().ca_dir},             {"cert", Files().rsa_server_cert},
            {"key", Files().rsa_server_key},        {"botan_policy", Files().botan_policy}};
  }
  void ExpectReported(const std::string& out, const std::string& context) const {
    auto it = tool().feature_reports.find(feature());
    if (it == tool().feature_reports.end()) return;
    for (const std::string& report : it->second) {
      EXPECT_NE(out.find(report), std::string::npos) << report << "\n" << context;
    }
  }
};

using ClientFeatureToEngine = FeatureTest;

TEST_P(ClientFeatureToEngine, Negotiated) {
  const char* suite = SuiteName(InteropSuite::kEcdheRsa);
  ServerOptions options = EngineServerOptions(suite, {Pki().rsa_server});
  ConfigureEngine(feature(), Side::kServer, &options.config);
  interop::EngineServer server(options);
  ASSERT_TRUE(server.status().ok()) << server.status().ToString();
  PeerRun run = RunPeerClient(ExpandToolCommand(tool().command, Args(), Vars(server.port())),
                              kHttpGet);
  ASSERT_TRUE(run.status.ok() && run.exit.success()) << run.Describe() << server.Log();
  ServedConnection served = ExpectServed(server, 1, suite);
  EXPECT_TRUE(served.answered) << served.Summary();
  EXPECT_NE(run.out.find(kStatusPageTitle), std::string::npos) << run.Describe();
  ExpectNegotiated(feature(), served.negotiated, served.Summary() + "\n" + run.Describe());
  ExpectReported(run.out, run.Describe());
}

INSTANTIATE_TEST_SUITE_P(Tools, ClientFeatureToEngine,
                         ::testing::ValuesIn(WithFeatures(Side::kClient)), FeatureCaseName);

using EngineFeatureToServer = FeatureTest;

TEST_P(EngineFeatureToServer, Negotiated) {
  uint16_t port = 0;
  auto peer = StartPeerServer(
      [&](uint16_t p) { return ExpandToolCommand(tool().command, Args(), Vars(p)); }, &port);
  ASSERT_TRUE(peer.ok()) << peer.status().ToString();
  const char* suite = SuiteName(InteropSuite::kEcdheRsa);
  ClientOptions options = tool().echo ? EngineClientOptions(suite, kEchoLine, kEchoLine)
                                      : EngineClientOptions(suite, kHttpGet);
  ConfigureEngine(feature(), Side::kClient, &options.config);
  ClientResult result = EngineConnect(port, options);
  if (auto deviation = tool().feature_deviations.find(feature());
      deviation != tool().feature_deviations.end()) {
    EXPECT_NE(result.status.message().find(deviation->second), std::string::npos)
        << "the known deviation is gone: " << Describe(result) << (*peer)->Describe();
    return;
  }
  ASSERT_TRUE(result.status.ok()) << Describe(result) << (*peer)->Describe();
  if (tool().echo) EXPECT_EQ(result.response, kEchoLine) << Describe(result);
  ExpectNegotiated(feature(), result.negotiated, Describe(result) + (*peer)->Describe());
  ExpectReported(result.response + (*peer)->Stdout(), Describe(result) + (*peer)->Describe());
}

INSTANTIATE_TEST_SUITE_P(Tools, EngineFeatureToServer,
                         ::testing::ValuesIn(WithFeatures(Side::kServer)), FeatureCaseName);

}  // namespace
}  // namespace interop
}  // namespace shakedown
