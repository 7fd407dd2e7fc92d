// The handler tables of client.cc and server.cc against the legal-order table: every step the
// peer takes in some flow has a handler, no handler is for a step the table never allows, and
// a step the table allows but no handler takes is an internal_error (an engine bug), never an
// unexpected_message that would blame the peer.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "engine/connection/connection_internal.h"
#include "engine/connection/test_support.h"
#include "engine/crypto/ocsp.h"
#include "engine/state/handshake_table.h"

namespace shakedown {
namespace {

using namespace ::shakedown::testing;  // NOLINT

const uint16_t kEcdheSuite = 0xc02f;  // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
// Inside the test PKI's validity, where the stapled OCSP response is good.
constexpr uint64_t kNow = 1767225600;

// Every step `sender` takes in any flow of the table, deduplicated.
std::vector<FlowStep> TableStepsOf(Side sender) {
  std::vector<FlowStep> out;
  for (const HandshakeFlow& flow : HandshakeFlows()) {
    for (const FlowStep& step : flow.steps) {
      if (step.sender != sender) continue;
      bool seen = false;
      for (const FlowStep& o : out) seen = seen || o == step;
      if (!seen) out.push_back(step);
    }
  }
  return out;
}

ConnectionBase* Base(Endpoint& e) { return static_cast<ConnectionBase*>(e.conn.get()); }

// Full ECDHE with a client certificate, a ticket and a stapled OCSP response (RFC 6066 8):
// every step of both sides but the abbreviated ordering.
struct FullestFlow {
  Config client = ClientConfig({kEcdheSuite});
  Config server = ServerConfig({kEcdheSuite});
  FullestFlow() {
    client.session_tickets = server.session_tickets = true;
    server.client_auth = ClientAuthMode::kRequired;
    client.credentials = {Pki().rsa_client};
    client.request_ocsp_status = true;
    client.trusted_roots = {Pki().ca_der};
    server.ocsp_response =
        MakeTestOcspResponse(Pki(), Pki().rsa_server.chain_der[0], OcspResponseKind::kGood).value();
  }
};

TEST(HandlerTable, EachRoleHandlesExactlyThePeerStepsOfTheTable) {
  FullestFlow f;
  Endpoint client = MakeEndpoint(f.client, 1, nullptr);
  Endpoint server = MakeEndpoint(f.server, 2, nullptr);
  for (Endpoint* e : {&client, &server}) {
    const Side peer = e == &client ? Side::kServer : Side::kClient;
    const std::vector<FlowStep> table = TableStepsOf(peer);
    const std::vector<FlowStep> handled = Base(*e)->HandledSteps();
    for (const FlowStep& step : table) {
      EXPECT_EQ(std::count(handled.begin(), handled.end(), step), 1) << step.ToString();
    }
    EXPECT_EQ(handled.size(), table.size()) << SideName(peer) << " steps";
  }
}

TEST(HandlerTable, FullestFlowCompletes) {
  FullestFlow f;
  World world;
  world.now = kNow;
  Pair p = Handshake(f.client, f.server, &world);
  ASSERT_TRUE(p.client->handshake_complete()) << p.client->state();
  ASSERT_TRUE(p.server->handshake_complete()) << p.server->state();
  EXPECT_TRUE(p.client->negotiated().ticket_issued);
  EXPECT_TRUE(p.client->negotiated().client_authenticated);
  EXPECT_EQ(p.client->negotiated().ocsp_response, f.server.ocsp_response);
}

TEST(HandlerTable, MissingRowIsInternalErrorNotUnexpectedMessage) {
  for (Side role : {Side::kClient, Side::kServer}) {
    const Side peer = role == Side::kClient ? Side::kServer : Side::kClient;
    for (const FlowStep& step : TableStepsOf(peer)) {
      SCOPED_TRACE(std::string(SideName(role)) + " without a handler for " + step.ToString());
      FullestFlow f;
      World world;
      world.now = kNow;
      Endpoint client = MakeEndpoint(f.client, 1, &world);
      Endpoint server = MakeEndpoint(f.server, 2, &world);
      Endpoint& target = role == Side::kClient ? client : server;
      Base(target)->RemoveHandlerForTesting(step);
      client->Start();
      Pump(client, server);
      ASSERT_TRUE(target->dead());
      ASSERT_TRUE(target->failure().has_value());
      EXPECT_EQ(target->failure()->alert(), AlertDescription::kInternalError)
          << target->failure()->message();
      EXPECT_NE(target->failure()->message().find("no handler"), std::string::npos);
      const Event* sent = target.AlertSent();
      ASSERT_NE(sent, nullptr);
      EXPECT_EQ(sent->alert, AlertDescription::kInternalError);
      EXPECT_EQ(sent->level, AlertLevel::kFatal);
    }
  }
}

}  // namespace
}  // namespace shakedown
