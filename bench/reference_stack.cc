// The reference engine's client and server, pumping bytes between them in memory. Each side
// keeps one rng and one SharedContext for the whole run, as a long-running process would, so
// the per-handshake cost is the handshake's own work.
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "bench/handshake_bench.h"
#include "engine/connection/connection.h"
#include "engine/connection/session.h"
#include "engine/connection/shared_context.h"
#include "engine/crypto/rng.h"

namespace shakedown {
namespace {

// Enough for a full handshake (three flights each way) with room to spare; a handshake that
// needs more is stuck.
constexpr int kMaxFlights = 16;

Status FailureOf(const char* side, const Connection& connection) {
  std::optional<Status> failure = connection.failure();
  std::string why = failure ? failure->ToString() : "no failure recorded";
  return InternalError(std::string(side) + " failed in state " +
                       std::string(connection.state()) + ": " + why);
}

// Runs one handshake to completion on both sides.
Status Pump(Connection& client, Connection& server) {
  client.Start();
  server.Start();
  for (int flight = 0; flight < kMaxFlights; ++flight) {
    Bytes to_server = client.TakeOutput();
    if (!to_server.empty()) server.ReceiveBytes(to_server);
    Bytes to_client = server.TakeOutput();
    if (!to_client.empty()) client.ReceiveBytes(to_client);
    if (client.dead()) return FailureOf("client", client);
    if (server.dead()) return FailureOf("server", server);
    if (client.handshake_complete() && server.handshake_complete()) return Status::Ok();
    if (to_server.empty() && to_client.empty()) {
      return InternalError("handshake stalled: client in " + std::string(client.state()) +
                           ", server in " + std::string(server.state()));
    }
  }
  return InternalError("handshake did not finish in " + std::to_string(kMaxFlights) +
                       " flights");
}

class ReferenceBench {
 public:
  ReferenceBench(const BenchFixture& fixture, BenchSuite suite, HandshakeMode mode)
      : suite_(suite),
        mode_(mode),
        client_rng_(101),
        server_rng_(102),
        cache_(/*capacity=*/1024, /*lifetime_seconds=*/7200) {
    client_config_.role = Side::kClient;
    client_config_.cipher_suites = {SuiteId(suite)};
    const BenchSuiteInfo& info = InfoOf(suite);
    client_config_.groups = {info.key_exchange == BenchKeyExchange::kDhe ? NamedGroup::kFfdhe2048
                                                                          : NamedGroup::kX25519};
    // RFC 8422 5.1: the certificate's curve is one the client lists too.
    if (info.ecdsa) client_config_.groups.push_back(NamedGroup::kSecp256r1);
    client_config_.signature_schemes = {info.ecdsa ? SignatureScheme::kEcdsaSecp256r1Sha256
                                                   : SignatureScheme::kRsaPkcs1Sha256};
    client_config_.server_name = "localhost";
    server_config_ = client_config_;
    server_config_.role = Side::kServer;
    server_config_.server_name.clear();
    server_config_.credentials = {fixture.ServerFor(suite)};
  }

  Status Init() {
    SD_ASSIGN_OR_RETURN(client_shared_, SharedContext::Create(client_config_, client_rng_));
    SD_ASSIGN_OR_RETURN(server_shared_, SharedContext::Create(server_config_, server_rng_));
    if (mode_ == HandshakeMode::kResumed) {
      // The session every timed handshake resumes comes from one full handshake.
      SD_RETURN_IF_ERROR(Handshake(/*offer=*/std::nullopt, /*expect_resumed=*/false, &session_));
      if (!session_) return InternalError("the first handshake produced no session");
    }
    return Status::Ok();
  }

  Status Next() {
    return mode_ == HandshakeMode::kFull ? Handshake(std::nullopt, false, nullptr)
                                         : Handshake(session_, true, nullptr);
  }

 private:
  Status Handshake(const std::optional<Session>& offer, bool expect_resumed,
                   std::optional<Session>* session_out) {
    Config client_config = client_config_;
    client_config.resume = offer;
    Environment client_env;
    client_env.rng = &client_rng_;
    client_env.shared = client_shared_;
    Environment server_env;
    server_env.rng = &server_rng_;
    server_env.shared = server_shared_;
    // Full handshakes run with the cache off, like the other stacks' full measurements.
    server_env.session_cache = mode_ == HandshakeMode::kResumed ? &cache_ : nullptr;

    SD_ASSIGN_OR_RETURN(std::unique_ptr<Connection> client,
                        Connection::Create(std::move(client_config), std::move(client_env)));
    SD_ASSIGN_OR_RETURN(std::unique_ptr<Connection> server,
                        Connection::Create(server_config_, std::move(server_env)));
    SD_RETURN_IF_ERROR(Pump(*client, *server));

    const Negotiated& c = client->negotiated();
    const Negotiated& s = server->negotiated();
    if (c.suite == nullptr || c.suite->id != SuiteId(suite_) || s.suite == nullptr ||
        s.suite->id != SuiteId(suite_)) {
      return InternalError("negotiated a different cipher suite");
    }
    if (c.resumed != expect_resumed || s.resumed != expect_resumed) {
      return InternalError(std::string("expected a ") + (expect_resumed ? "resumed" : "full") +
                           " handshake, client resumed=" + (c.resumed ? "yes" : "no") +
                           ", server resumed=" + (s.resumed ? "yes" : "no"));
    }
    if (session_out != nullptr) *session_out = client->session();
    return Status::Ok();
  }

  BenchSuite suite_;
  HandshakeMode mode_;
  DeterministicRng client_rng_;
  DeterministicRng server_rng_;
  InMemorySessionCache cache_;
  Config client_config_;
  Config server_config_;
  std::shared_ptr<SharedContext> client_shared_;
  std::shared_ptr<SharedContext> server_shared_;
  std::optional<Session> session_;
};

}  // namespace

Result<StackResult> RunReferenceStack(const BenchFixture& fixture, BenchSuite suite,
                                      HandshakeMode mode, const BenchLimits& limits) {
  ReferenceBench bench(fixture, suite, mode);
  SD_RETURN_IF_ERROR(bench.Init().WithContext("reference"));
  Result<StackResult> result = TimeHandshakes(limits, [&bench] { return bench.Next(); });
  if (!result.ok()) return result.status().WithContext("reference");
  result->stack = "reference";
  result->suite = std::string(SuiteName(suite));
  result->mode = std::string(ModeName(mode));
  return result;
}

}  // namespace shakedown
