// The scripted peer's tests: scenarios, steps, field edits and two peers played against each
// other (a Duo: each checks the other as if it were the target). Test-only.
#ifndef SHAKEDOWN_HARNESS_PEER_PEER_DUO_TEST_UTIL_H_
#define SHAKEDOWN_HARNESS_PEER_PEER_DUO_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/wire/handshake.h"
#include "engine/wire/record.h"
#include "harness/peer/scripted_peer.h"
#include "harness/peer/peer_test_util.h"

namespace shakedown {
namespace testing {

inline PeerResources Resources(uint64_t seed = 7) {
  PeerResources r;
  r.pki = std::shared_ptr<const TestPki>(&Pki(), [](const TestPki*) {});
  r.seed = seed;
  return r;
}


inline constexpr char kEcdheRsa[] = "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256";
inline constexpr char kRsa[] = "TLS_RSA_WITH_AES_128_CBC_SHA256";

// role: the target's role; the peer plays the other one.
inline Scenario MakeScenario(Side role, std::vector<uint16_t> suites, size_t connections = 1,
                      std::string id = "test.peer") {
  Scenario s;
  s.id = std::move(id);
  s.role = role;
  s.peer.cipher_suites = std::move(suites);
  s.connections.resize(connections);
  return s;
}

inline std::unique_ptr<ScriptedPeer> MakePeer(const Scenario& s, uint64_t seed = 7) {
  Result<std::unique_ptr<ScriptedPeer>> p = ScriptedPeer::Create(s, Resources(seed));
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  std::unique_ptr<ScriptedPeer> peer = std::move(p).value();
  EXPECT_TRUE(peer->StartConnection(0).ok());
  return peer;
}

inline SendStep SendOf(MessageName m) {
  SendStep s;
  s.message = m;
  return s;
}

inline FieldEdit SetBytes(std::string field, Bytes b) { return {std::move(field), {std::move(b)}}; }
inline FieldEdit SetNumber(std::string field, uint64_t v) { return {std::move(field), {v}}; }
inline FieldEdit SetList(std::string field, std::vector<uint64_t> v) {
  return {std::move(field), {std::move(v)}};
}
inline FieldEdit Delete(std::string field) { return {std::move(field), {std::monostate()}}; }
inline FieldEdit Xor(std::string field, Bytes mask, int64_t at) {
  return {std::move(field), {BytesXor{std::move(mask), at}}};
}

inline Bytes SendOk(ScriptedPeer& peer, const SendStep& step, const SendStep* next = nullptr) {
  Result<Bytes> r = peer.Send(step, next);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : Bytes();
}

inline Bytes SendAll(ScriptedPeer& peer, const std::vector<MessageName>& names) {
  Bytes out;
  for (MessageName m : names) Append(out, SendOk(peer, SendOf(m)));
  return out;
}

inline std::vector<Record> Records(ByteView bytes) {
  Result<std::vector<Record>> r = ParseRecords(bytes, /*is_protected=*/true);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::vector<Record>();
}

// The single handshake message in plaintext `bytes`.
inline Bytes OnlyMessage(ByteView bytes) {
  std::vector<Record> records = Records(bytes);
  Bytes stream;
  for (const Record& r : records) Append(stream, r.fragment);
  return stream;
}

inline ClientHello ParseClientHello(ByteView bytes) {
  Bytes m = OnlyMessage(bytes);
  Result<SplitHandshake> split = SplitHandshakeMessage(m);
  EXPECT_TRUE(split.ok()) << split.status().ToString();
  EXPECT_EQ(split->header.type, HandshakeType::kClientHello);
  Result<ClientHello> ch = ClientHello::Parse(split->body);
  EXPECT_TRUE(ch.ok()) << ch.status().ToString();
  return ch.ok() ? *ch : ClientHello();
}

inline std::vector<MessageName> Kinds(const std::vector<WireItem>& items) {
  std::vector<MessageName> out;
  for (const WireItem& i : items) {
    if (i.kind == WireItem::Kind::kHandshake) out.push_back(i.message);
    if (i.kind == WireItem::Kind::kChangeCipherSpec) out.push_back(MessageName::kChangeCipherSpec);
    if (i.kind == WireItem::Kind::kAlert) out.push_back(MessageName::kAlert);
    if (i.kind == WireItem::Kind::kApplicationData) out.push_back(MessageName::kApplicationData);
    if (i.kind == WireItem::Kind::kUndecodable) {
      ADD_FAILURE() << "undecodable: " << i.summary;
    }
  }
  return out;
}

inline std::string Rules(const std::vector<Violation>& v) {
  std::string out;
  for (const Violation& x : v) {
    out += std::string(ViolationRuleName(x.rule)) + " (" + x.detail + "); ";
  }
  return out;
}

inline bool HasRule(const std::vector<Violation>& v, ViolationRule rule) {
  for (const Violation& x : v) {
    if (x.rule == rule) return true;
  }
  return false;
}

struct Duo {
  std::unique_ptr<ScriptedPeer> client;  // plays against a "server target"
  std::unique_ptr<ScriptedPeer> server;
  Bytes client_wire;  // everything the client sent
  Bytes server_wire;
};

inline Duo MakeDuo(uint16_t suite) {
  Duo d;
  d.client = MakePeer(MakeScenario(Side::kServer, {suite}), 1);
  d.server = MakePeer(MakeScenario(Side::kClient, {suite}), 2);
  return d;
}

inline std::vector<WireItem> ClientSends(Duo& d, const std::vector<MessageName>& names) {
  Bytes b = SendAll(*d.client, names);
  Append(d.client_wire, b);
  return d.server->Receive(b);
}
inline std::vector<WireItem> ServerSends(Duo& d, const std::vector<MessageName>& names) {
  Bytes b = SendAll(*d.server, names);
  Append(d.server_wire, b);
  return d.client->Receive(b);
}

}  // namespace testing
}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_PEER_PEER_DUO_TEST_UTIL_H_
