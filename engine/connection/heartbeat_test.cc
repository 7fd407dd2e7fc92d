// Heartbeat (RFC 6520) between two engines: negotiated only when both sides have it on,
// requests answered with an exact copy of the payload, and every message the RFC says to
// drop dropped without a word while the connection goes on.
#include "engine/wire/heartbeat.h"

#include <gtest/gtest.h>

#include "engine/connection/connection_internal.h"
#include "engine/connection/test_support.h"
#include "engine/wire/handshake.h"

namespace shakedown {
namespace testing {
namespace {

const uint16_t kGcm = 0xc02f;  // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
constexpr uint8_t kHeartbeatRecord = 24;

Config With(Config config, HeartbeatMode mode) {
  config.heartbeat = mode;
  return config;
}

Pair Negotiated(HeartbeatMode client, HeartbeatMode server, World* world, uint64_t seed = 1) {
  return Handshake(With(ClientConfig({kGcm}), client), With(ServerConfig({kGcm}), server), world,
                   seed);
}

void ExpectDataBothWays(Pair& p) {
  ASSERT_TRUE(p.client->SendApplicationData(Bytes{'p', 'i', 'n', 'g'}).ok());
  ASSERT_TRUE(p.server->SendApplicationData(Bytes{'p', 'o', 'n', 'g'}).ok());
  ASSERT_TRUE(Pump(p.client, p.server));
  EXPECT_EQ(p.server.Received(), "ping");
  EXPECT_EQ(p.client.Received(), "pong");
  EXPECT_FALSE(p.client->dead() || p.server->dead());
}

Bytes Encode(const HeartbeatMessage& m) { return *SerializeToBytes(m); }

// The client sends `message` in a protected heartbeat record; returns what the server said.
Bytes ServerAnswers(Pair& p, ByteView message) {
  auto* raw = static_cast<ConnectionBase*>(p.client.conn.get());
  EXPECT_TRUE(raw->SendRawRecordForTesting(kHeartbeatRecord, message).ok());
  p.server->ReceiveBytes(p.client.Take());
  return p.server.Take();
}

TEST(HeartbeatTest, NegotiatedRequestIsEchoed) {
  World world;
  Pair p = Negotiated(HeartbeatMode::kPeerAllowedToSend, HeartbeatMode::kPeerAllowedToSend, &world);
  ASSERT_TRUE(p.client->handshake_complete());
  EXPECT_EQ(p.client->negotiated().peer_heartbeat, HeartbeatMode::kPeerAllowedToSend);
  EXPECT_EQ(p.server->negotiated().peer_heartbeat, HeartbeatMode::kPeerAllowedToSend);
  const Bytes payload = {'h', 'e', 'l', 'l', 'o'};
  ASSERT_TRUE(p.client->SendHeartbeatRequest(payload).ok());
  // RFC 6520 3: one request in flight at a time.
  EXPECT_FALSE(p.client->SendHeartbeatRequest(payload).ok());
  ASSERT_TRUE(Pump(p.client, p.server));
  ASSERT_TRUE(p.client.HasEvent(EventType::kHeartbeatResponse));
  for (const Event& e : p.client.events) {
    if (e.type == EventType::kHeartbeatResponse) EXPECT_EQ(e.data, payload);
  }
  // The server can ask too.
  ASSERT_TRUE(p.server->SendHeartbeatRequest(Bytes(300, 7)).ok());
  ASSERT_TRUE(Pump(p.client, p.server));
  EXPECT_TRUE(p.server.HasEvent(EventType::kHeartbeatResponse));
  ExpectDataBothWays(p);
}

TEST(HeartbeatTest, ResponseIsOneRecordWithTheExactPayloadAndSixteenBytesOfPadding) {
  World world;
  Pair p = Negotiated(HeartbeatMode::kPeerAllowedToSend, HeartbeatMode::kPeerAllowedToSend, &world);
  const Bytes request = Encode(
      HeartbeatMessage::Make(HeartbeatMessageType::kRequest, Bytes(100, 0xab), Bytes(40, 0)));
  const Bytes answer = ServerAnswers(p, request);
  std::vector<Record> records = Records(answer);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].type, kHeartbeatRecord);
  // Sealed: AES-GCM adds an 8-byte explicit nonce and a 16-byte tag to 1 + 2 + 100 + 16.
  EXPECT_EQ(records[0].fragment.size(), 8u + 3 + 100 + 16 + 16);
  // The client asked for nothing: it drops the response (and keeps its sequence numbers).
  p.client->ReceiveBytes(answer);
  p.client.Take();
  EXPECT_FALSE(p.client.HasEvent(EventType::kHeartbeatResponse));
  ExpectDataBothWays(p);
}

TEST(HeartbeatTest, HeartbleedRequestIsDiscardedAndTheConnectionGoesOn) {
  World world;
  Pair p = Negotiated(HeartbeatMode::kPeerAllowedToSend, HeartbeatMode::kPeerAllowedToSend, &world);
  // RFC 6520 4: payload_length 16384 with three bytes of payload: "too large", discarded.
  EXPECT_TRUE(ServerAnswers(p, Bytes{1, 0x40, 0x00, 'a', 'b', 'c'}).empty());
  // One byte too large: the payload would need the record's last byte and one more.
  Bytes one_over = Encode(HeartbeatMessage::Make(HeartbeatMessageType::kRequest, Bytes(20, 1), {}));
  one_over[2] = 21;
  EXPECT_TRUE(ServerAnswers(p, one_over).empty());
  // Padding of 15 leaves payload_length one byte larger than a well-formed message has.
  EXPECT_TRUE(ServerAnswers(p, Encode(HeartbeatMessage::Make(HeartbeatMessageType::kRequest,
                                                             Bytes(4, 2), Bytes(15, 0))))
                  .empty());
  // Too short for payload_length at all.
  EXPECT_TRUE(ServerAnswers(p, Bytes{1, 0}).empty());
  EXPECT_FALSE(p.server->dead());
  ExpectDataBothWays(p);
}

TEST(HeartbeatTest, NotNegotiatedIsAnUnexpectedRecord) {
  World world;
  // The client has it on, the server off: no extension in the ServerHello.
  Pair p = Negotiated(HeartbeatMode::kPeerAllowedToSend, HeartbeatMode::kOff, &world);
  ASSERT_TRUE(p.client->handshake_complete());
  EXPECT_EQ(p.client->negotiated().peer_heartbeat, HeartbeatMode::kOff);
  EXPECT_EQ(p.server->negotiated().peer_heartbeat, HeartbeatMode::kOff);
  EXPECT_FALSE(p.client->SendHeartbeatRequest(Bytes{1}).ok());
  ServerAnswers(
      p, Encode(HeartbeatMessage::Make(HeartbeatMessageType::kRequest, Bytes{1}, Bytes(16, 0))));
  const Event* alert = p.server.AlertSent();
  ASSERT_NE(alert, nullptr);
  EXPECT_EQ(alert->alert, AlertDescription::kUnexpectedMessage);  // RFC 5246 6
  EXPECT_TRUE(p.server->dead());
}

TEST(HeartbeatTest, PeerNotAllowedToSendDropsRequests) {
  World world;
  Pair p =
      Negotiated(HeartbeatMode::kPeerAllowedToSend, HeartbeatMode::kPeerNotAllowedToSend, &world);
  EXPECT_EQ(p.client->negotiated().peer_heartbeat, HeartbeatMode::kPeerNotAllowedToSend);
  // RFC 6520 2: "HeartbeatRequest messages MUST NOT be sent to a peer indicating
  // peer_not_allowed_to_send" ...
  EXPECT_FALSE(p.client->SendHeartbeatRequest(Bytes{1}).ok());
  // ... and such a peer "SHOULD drop the message silently".
  EXPECT_TRUE(ServerAnswers(p, Encode(HeartbeatMessage::Make(HeartbeatMessageType::kRequest,
                                                             Bytes{1}, Bytes(16, 0))))
                  .empty());
  // The server may still ask the client, which allowed it.
  ASSERT_TRUE(p.server->SendHeartbeatRequest(Bytes{9}).ok());
  ASSERT_TRUE(Pump(p.client, p.server));
  EXPECT_TRUE(p.server.HasEvent(EventType::kHeartbeatResponse));
  ExpectDataBothWays(p);
}

TEST(HeartbeatTest, ResponsesAndUnknownTypesAreNeverAnswered) {
  World world;
  Pair p = Negotiated(HeartbeatMode::kPeerAllowedToSend, HeartbeatMode::kPeerAllowedToSend, &world);
  // A response nobody asked for (RFC 6520 4: without the expected payload, discarded).
  EXPECT_TRUE(ServerAnswers(p, Encode(HeartbeatMessage::Make(HeartbeatMessageType::kResponse,
                                                             Bytes{1}, Bytes(16, 0))))
                  .empty());
  EXPECT_FALSE(p.server.HasEvent(EventType::kHeartbeatResponse));
  HeartbeatMessage unknown =
      HeartbeatMessage::Make(HeartbeatMessageType::kRequest, Bytes{1}, Bytes(16, 0));
  unknown.type = 9;
  EXPECT_TRUE(ServerAnswers(p, Encode(unknown)).empty());
  ExpectDataBothWays(p);
}

TEST(HeartbeatTest, RequestDuringTheHandshakeIsDiscarded) {
  World world;
  Endpoint client =
      MakeEndpoint(With(ClientConfig({kGcm}), HeartbeatMode::kPeerAllowedToSend), 1, &world);
  Endpoint server =
      MakeEndpoint(With(ServerConfig({kGcm}), HeartbeatMode::kPeerAllowedToSend), 1001, &world);
  client->Start();
  server->ReceiveBytes(client.Take());
  client->ReceiveBytes(server.Take());  // ServerHello ... ServerHelloDone: negotiated
  const Bytes flight = client.Take();   // ClientKeyExchange, ChangeCipherSpec, Finished
  // RFC 6520 3: "The receiving peer SHOULD discard the message silently, if it arrives during
  // the handshake."
  server->ReceiveBytes(PlainRecord(
      kHeartbeatRecord,
      Encode(HeartbeatMessage::Make(HeartbeatMessageType::kRequest, Bytes{1, 2}, Bytes(16, 0)))));
  EXPECT_TRUE(server.Take().empty());
  EXPECT_FALSE(server->dead());
  server->ReceiveBytes(flight);
  client->ReceiveBytes(server.Take());
  EXPECT_TRUE(client->handshake_complete() && server->handshake_complete());
}

// The server's first flight with its ServerHello's extensions replaced by `edit`'s.
Bytes EditServerHello(ByteView flight, void (*edit)(Extensions*)) {
  Bytes out;
  for (const Bytes& m : HandshakeMessagesIn(flight)) {
    if (m[0] != static_cast<uint8_t>(HandshakeType::kServerHello)) {
      Append(out, HandshakeRecord(m));
      continue;
    }
    Result<ServerHello> sh = ServerHello::Parse(ByteView(m).subview(kHandshakeHeaderLength));
    EXPECT_TRUE(sh.ok());
    if (!sh->extensions) sh->extensions = Extensions();
    edit(&*sh->extensions);
    Append(out, HandshakeRecord(*SerializeHandshake(*sh)));
  }
  return out;
}

TEST(HeartbeatTest, UnsolicitedServerHelloExtensionIsUnsupported) {
  World world;
  Endpoint client = MakeEndpoint(ClientConfig({kGcm}), 1, &world);  // heartbeat off
  Endpoint server =
      MakeEndpoint(With(ServerConfig({kGcm}), HeartbeatMode::kPeerAllowedToSend), 1001, &world);
  client->Start();
  server->ReceiveBytes(client.Take());
  const Bytes flight = server.Take();
  // The server did not answer what was not offered ...
  for (const Bytes& m : HandshakeMessagesIn(flight)) {
    if (m[0] != static_cast<uint8_t>(HandshakeType::kServerHello)) continue;
    Result<ServerHello> sh = ServerHello::Parse(ByteView(m).subview(kHandshakeHeaderLength));
    ASSERT_TRUE(sh.ok() && sh->extensions.has_value());
    EXPECT_FALSE(sh->extensions->Has(ExtensionType::kHeartbeat));
  }
  // ... and a ServerHello that does is refused (RFC 5246 7.4.1.4).
  client->ReceiveBytes(EditServerHello(flight, [](Extensions* e) {
    e->SetRaw(static_cast<uint16_t>(ExtensionType::kHeartbeat), Bytes{1});
  }));
  client.Take();
  const Event* alert = client.AlertSent();
  ASSERT_NE(alert, nullptr);
  EXPECT_EQ(alert->alert, AlertDescription::kUnsupportedExtension);
}

TEST(HeartbeatTest, UnknownModeIsIllegalParameter) {
  World world;
  Endpoint client =
      MakeEndpoint(With(ClientConfig({kGcm}), HeartbeatMode::kPeerAllowedToSend), 1, &world);
  Endpoint server =
      MakeEndpoint(With(ServerConfig({kGcm}), HeartbeatMode::kPeerAllowedToSend), 1001, &world);
  client->Start();
  server->ReceiveBytes(client.Take());
  // RFC 6520 2: "Upon reception of an unknown mode, an error Alert message using
  // illegal_parameter as its AlertDescription MUST be sent in response."
  client->ReceiveBytes(EditServerHello(server.Take(), [](Extensions* e) {
    e->SetRaw(static_cast<uint16_t>(ExtensionType::kHeartbeat), Bytes{3});
  }));
  client.Take();
  const Event* alert = client.AlertSent();
  ASSERT_NE(alert, nullptr);
  EXPECT_EQ(alert->alert, AlertDescription::kIllegalParameter);
}

}  // namespace
}  // namespace testing
}  // namespace shakedown
