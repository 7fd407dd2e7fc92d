// Negative tests generated from the legal-order table (engine/state/handshake_table.h): for
// every flow, every point where one side waits for the other, and every message type the table
// does not allow there, a real handshake is driven to that point and the illegal message is
// injected. The connection must answer with exactly one fatal unexpected_message alert and be
// dead: nothing more sent, nothing more processed (RFC 5246 7.3, 7.4; checklists 15, 17-19,
// 38, 39, 43, 44; CVE-2014-0224 for ChangeCipherSpec).
#include <gtest/gtest.h>

#include <cctype>
#include <deque>
#include <string>
#include <vector>

#include "engine/connection/connection.h"
#include "engine/connection/test_support.h"
#include "engine/crypto/ocsp.h"
#include "engine/state/handshake_table.h"

namespace shakedown {
namespace {

using namespace ::shakedown::testing;  // NOLINT

const uint16_t kEcdheSuite = 0xc02f;  // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
const uint16_t kRsaSuite = 0x009c;    // TLS_RSA_WITH_AES_128_GCM_SHA256
// A clock inside the test PKI's validity, where its good OCSP response checks (RFC 6066 8).
constexpr uint64_t kNow = 1767225600;

// The configurations that make the engine follow `flow`.
struct FlowSetup {
  Config client;
  Config server;
  bool abbreviated = false;
};

FlowSetup SetupFor(const HandshakeFlow& flow) {
  const bool ecdhe = flow.flags & kFlagEcdhe;
  const uint16_t suite = ecdhe ? kEcdheSuite : kRsaSuite;
  FlowSetup s{ClientConfig({suite}), ServerConfig({suite})};
  s.abbreviated = !(flow.flags & kFlagFull);
  if (flow.flags & kFlagTicket) {
    s.client.session_tickets = true;
    s.server.session_tickets = true;
  }
  if (flow.flags & kFlagClientAuth) {
    if (flow.flags & kFlagClientCert) {
      s.server.client_auth = ClientAuthMode::kRequired;
      s.client.credentials = {Pki().rsa_client};
    } else {
      s.server.client_auth = ClientAuthMode::kOptional;
    }
  }
  if (flow.flags & kFlagStatus) {
    // RFC 6066 8: the client asks, the server answers and staples.
    s.client.request_ocsp_status = true;
    s.client.trusted_roots = {Pki().ca_der};
    s.server.ocsp_response =
        MakeTestOcspResponse(Pki(), Pki().rsa_server.chain_der[0], OcspResponseKind::kGood).value();
  }
  return s;
}

// One side's output cut into the units the table counts: one plaintext handshake message per
// record, a ChangeCipherSpec record, or one protected record (the Finished).
class UnitSplitter {
 public:
  std::vector<Bytes> Split(ByteView output) {
    std::vector<Bytes> units;
    for (const Record& r : Records(output)) {
      Bytes wire = *SerializeRecord(r);
      if (protected_ || r.is(ContentType::kChangeCipherSpec)) {
        units.push_back(wire);
        if (r.is(ContentType::kChangeCipherSpec)) protected_ = true;
        continue;
      }
      for (const Bytes& m : HandshakeMessagesIn(wire)) units.push_back(HandshakeRecord(m));
    }
    return units;
  }

 private:
  bool protected_ = false;
};

struct Injection {
  std::string name;
  bool ccs;
  uint8_t type;
};

std::vector<Injection> Injections(Side target) {
  std::vector<Injection> out;
  const uint8_t types[] = {0, 1, 2, 4, 11, 12, 13, 14, 15, 16, 20};
  for (uint8_t t : types) {
    // RFC 5246 7.4.1.1: a client ignores HelloRequest during the handshake (checklist 20).
    if (t == 0 && target == Side::kClient) continue;
    out.push_back({Describe(static_cast<HandshakeType>(t)), false, t});
  }
  out.push_back({"change_cipher_spec", true, 0});
  return out;
}

// The steps the target may legally receive at index `i` of `flow`, knowing what it knows
// there: the flags each side learns at ServerHello and at the client's Certificate.
std::vector<FlowStep> LegalAt(const HandshakeFlow& flow, size_t i) {
  HandshakeTracker tracker;
  for (size_t k = 0; k < i; ++k) {
    EXPECT_TRUE(tracker.Advance(flow.steps[k]));
    const FlowStep& step = flow.steps[k];
    if (!step.change_cipher_spec && step.type == HandshakeType::kServerHello) {
      tracker.Learn(kFlagFull, flow.flags & kFlagFull);
      tracker.Learn(kFlagEcdhe, flow.flags & kFlagEcdhe);
      tracker.Learn(kFlagTicket, flow.flags & kFlagTicket);
      tracker.Learn(kFlagStatus, flow.flags & kFlagStatus);
    }
    if (!step.change_cipher_spec && step.sender == Side::kClient &&
        step.type == HandshakeType::kCertificate) {
      tracker.Learn(kFlagClientCert, flow.flags & kFlagClientCert);
    }
  }
  return tracker.LegalNext();
}

// Drives a real handshake of `flow` until `target` waits for step `index` from its peer.
struct Driven {
  World world;
  Endpoint client;
  Endpoint server;
  bool peer_protected = false;  // the peer's ChangeCipherSpec was delivered
};

std::unique_ptr<Driven> DriveTo(const HandshakeFlow& flow, Side target, size_t index,
                                uint64_t seed) {
  auto d = std::make_unique<Driven>();
  d->world.now = kNow;
  FlowSetup setup = SetupFor(flow);
  if (setup.abbreviated) {
    Pair first = Handshake(setup.client, setup.server, &d->world, seed + 7);
    EXPECT_TRUE(first.client->handshake_complete());
    setup.client.resume = first.client->session();
  }
  d->client = MakeEndpoint(setup.client, seed, &d->world);
  d->server = MakeEndpoint(setup.server, seed + 1, &d->world);
  Endpoint& tgt = target == Side::kClient ? d->client : d->server;
  Endpoint& peer = target == Side::kClient ? d->server : d->client;
  const Side peer_sender = target == Side::kClient ? Side::kServer : Side::kClient;
  d->client->Start();
  UnitSplitter splitter;
  std::deque<Bytes> units;
  for (size_t j = 0; j < index; ++j) {
    if (flow.steps[j].sender != peer_sender) continue;  // the target sent it already
    if (units.empty()) {
      Bytes to_peer = tgt.Take();
      if (!to_peer.empty()) peer->ReceiveBytes(to_peer);
      for (Bytes& u : splitter.Split(peer.Take())) units.push_back(std::move(u));
    }
    if (units.empty()) {
      ADD_FAILURE() << "the peer did not produce step " << j << " " << flow.steps[j].ToString();
      return d;
    }
    if (flow.steps[j].change_cipher_spec) d->peer_protected = true;
    tgt->ReceiveBytes(units.front());
    units.pop_front();
    EXPECT_FALSE(tgt->dead()) << "at step " << j << ": " << tgt->state();
  }
  tgt.Take();  // its answers so far; not part of the verdict
  return d;
}

class EveryFlow : public ::testing::TestWithParam<size_t> {};

TEST_P(EveryFlow, EngineFollowsTheFlow) {
  // The setups really produce the flow: otherwise the negative tests below would test nothing.
  const HandshakeFlow& flow = HandshakeFlows()[GetParam()];
  FlowSetup setup = SetupFor(flow);
  World world;
  world.now = kNow;
  if (setup.abbreviated) {
    Pair first = Handshake(setup.client, setup.server, &world, 3);
    setup.client.resume = first.client->session();
  }
  class StepRecorder : public Observer {
   public:
    void OnMessage(Direction d, const FlowStep& step, ByteView, size_t) override {
      if (d == Direction::kSent) steps.push_back(step);
    }
    std::vector<FlowStep> steps;
  };
  StepRecorder client_steps, server_steps;
  Endpoint c = MakeEndpoint(setup.client, 4, &world, &client_steps);
  Endpoint s = MakeEndpoint(setup.server, 5, &world, &server_steps);
  c->Start();
  ASSERT_TRUE(Pump(c, s));
  ASSERT_TRUE(c->handshake_complete()) << flow.name;
  ASSERT_TRUE(s->handshake_complete()) << flow.name;
  std::vector<FlowStep> client_expected, server_expected;
  for (const FlowStep& step : flow.steps) {
    (step.sender == Side::kClient ? client_expected : server_expected).push_back(step);
  }
  EXPECT_EQ(client_steps.steps, client_expected) << flow.name;
  EXPECT_EQ(server_steps.steps, server_expected) << flow.name;
}

TEST_P(EveryFlow, EveryIllegalMessageAtEveryPointIsUnexpectedMessage) {
  const HandshakeFlow& flow = HandshakeFlows()[GetParam()];
  int checked = 0;
  for (Side target : {Side::kClient, Side::kServer}) {
    const Side peer_sender = target == Side::kClient ? Side::kServer : Side::kClient;
    for (size_t i = 0; i < flow.steps.size(); ++i) {
      if (flow.steps[i].sender != peer_sender) continue;
      const std::vector<FlowStep> legal = LegalAt(flow, i);
      for (const Injection& inj : Injections(target)) {
        const FlowStep step = inj.ccs ? FlowStep::Ccs(peer_sender)
                                      : FlowStep::Handshake(peer_sender,
                                                            static_cast<HandshakeType>(inj.type));
        bool is_legal = false;
        for (const FlowStep& l : legal) is_legal = is_legal || l == step;
        if (is_legal) continue;
        SCOPED_TRACE(flow.name + ": " + (target == Side::kClient ? "client" : "server") +
                     " waiting for step " + std::to_string(i) + " (" +
                     flow.steps[i].ToString() + ") gets " + step.ToString());
        std::unique_ptr<Driven> d = DriveTo(flow, target, i, 1000 + i);
        Endpoint& tgt = target == Side::kClient ? d->client : d->server;
        Endpoint& peer = target == Side::kClient ? d->server : d->client;
        ASSERT_FALSE(tgt->dead());
        const ContentType type = inj.ccs ? ContentType::kChangeCipherSpec : ContentType::kHandshake;
        // A minimal body: the table is consulted before the body is parsed.
        const Bytes payload = inj.ccs ? Bytes{1} : RawHandshake(inj.type, Bytes(12, 0));
        Bytes record = d->peer_protected
                           ? SealAsFirstProtected(*peer.conn, target == Side::kClient
                                                                  ? Side::kServer
                                                                  : Side::kClient,
                                                  type, payload)
                           : PlainRecord(type, payload);
        tgt->ReceiveBytes(record);
        Bytes out = tgt.Take();
        ASSERT_TRUE(tgt->dead());
        ASSERT_NE(tgt.AlertSent(), nullptr);
        EXPECT_EQ(tgt.AlertSent()->level, AlertLevel::kFatal);
        EXPECT_EQ(tgt.AlertSent()->alert, AlertDescription::kUnexpectedMessage)
            << tgt.AlertSent()->detail;
        // Exactly one record, the alert, and nothing after it.
        std::vector<Record> records = Records(out);
        ASSERT_EQ(records.size(), 1u);
        EXPECT_TRUE(records[0].is(ContentType::kAlert));
        // Before our ChangeCipherSpec the alert is in the clear: fatal(2), unexpected_message(10).
        if (records[0].fragment.size() == 2) {
          EXPECT_EQ(records[0].fragment, (Bytes{2, 10}));
        }
        tgt->ReceiveBytes(peer.Take());
        tgt->ReceiveBytes(record);
        EXPECT_TRUE(tgt->TakeOutput().empty());
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 0);
  RecordProperty("injections", checked);
}

std::string FlowName(const ::testing::TestParamInfo<size_t>& info) {
  std::string name;
  for (char ch : HandshakeFlows()[info.param].name) {
    if (std::isalnum(static_cast<unsigned char>(ch))) name += ch;
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Table, EveryFlow, ::testing::Range<size_t>(0, HandshakeFlows().size()),
                         FlowName);

}  // namespace
}  // namespace shakedown
