// Tests of the scripted peer, alone and as a duo (two peers playing against each other, one
// standing in for a target). Over 800 lines on purpose: the duo fixtures serve every test here,
// and splitting the file would copy them.
#include "harness/peer/scripted_peer.h"

#include <botan/pk_keys.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <utility>

#include "engine/crypto/key_schedule.h"
#include "engine/crypto/record_protection.h"
#include "engine/crypto/rng.h"
#include "engine/crypto/signature.h"
#include "engine/crypto/transcript.h"
#include "engine/wire/handshake.h"
#include "engine/wire/handshake_framer.h"
#include "engine/wire/record.h"
#include "harness/peer/field_edits.h"
#include "harness/peer/peer_duo_test_util.h"
#include "harness/peer/peer_test_util.h"

namespace shakedown {
namespace {

using namespace ::shakedown::testing;  // NOLINT: the peer's test helpers (peer_duo_test_util.h)

using M = MessageName;

// ---- ClientHello from the peer configuration ----

TEST(ScriptedPeerClientHello, FollowsThePeerConfiguration) {
  Scenario s = MakeScenario(Side::kServer, {Suite(kEcdheRsa), Suite(kRsa)});
  s.peer.groups = {NamedGroup::kSecp256r1};
  s.peer.signature_schemes = {SignatureScheme::kRsaPkcs1Sha256};
  s.peer.server_name = "example.test";
  auto peer = MakePeer(s);
  Bytes wire = SendOk(*peer, SendOf(M::kClientHello));
  std::vector<Record> records = Records(wire);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].type, 22);
  EXPECT_EQ(records[0].version, 0x0303);
  ClientHello ch = ParseClientHello(wire);
  EXPECT_EQ(ch.client_version, ProtocolVersion::kTls12);
  EXPECT_EQ(ch.cipher_suites, (std::vector<uint16_t>{Suite(kEcdheRsa), Suite(kRsa)}));
  EXPECT_EQ(ch.compression_methods, Bytes{0});
  EXPECT_TRUE(ch.session_id.empty());
  ASSERT_TRUE(ch.extensions.has_value());
  const Extensions& ext = *ch.extensions;
  EXPECT_EQ(ext.Find<ServerNameExt>()->value().host_names,
            std::vector<std::string>{"example.test"});
  EXPECT_EQ(ext.Find<SupportedGroupsExt>()->value().groups,
            std::vector<NamedGroup>{NamedGroup::kSecp256r1});
  EXPECT_EQ(ext.Find<SignatureAlgorithmsExt>()->value().schemes,
            std::vector<SignatureScheme>{SignatureScheme::kRsaPkcs1Sha256});
  // RFC 7627 5.1: empty body; RFC 5746 3.4: ff 01 00 01 00.
  ASSERT_NE(ext.FindRaw(0x0017), nullptr);
  EXPECT_TRUE(ext.FindRaw(0x0017)->body.empty());
  ASSERT_NE(ext.FindRaw(0xff01), nullptr);
  EXPECT_EQ(ext.FindRaw(0xff01)->body, Bytes{0x00});
  EXPECT_FALSE(ext.Has(ExtensionType::kSessionTicket));
}

TEST(ScriptedPeerClientHello, ConfigSwitchesOffExtensions) {
  Scenario s = MakeScenario(Side::kServer, {Suite(kRsa)});
  s.peer.extended_master_secret = false;
  s.peer.renegotiation_info = false;
  s.peer.session_ticket = true;
  s.peer.server_name = "";
  ClientHello ch = ParseClientHello(SendOk(*MakePeer(s), SendOf(M::kClientHello)));
  EXPECT_FALSE(ch.extensions->Has(ExtensionType::kExtendedMasterSecret));
  EXPECT_FALSE(ch.extensions->Has(ExtensionType::kRenegotiationInfo));
  EXPECT_FALSE(ch.extensions->Has(ExtensionType::kServerName));
  ASSERT_TRUE(ch.extensions->Has(ExtensionType::kSessionTicket));
  EXPECT_TRUE(ch.extensions->FindRaw(35)->body.empty());
}

TEST(ScriptedPeerClientHello, DeterministicPerSeedAndScenario) {
  Scenario s = MakeScenario(Side::kServer, {Suite(kEcdheRsa)});
  Bytes a = SendOk(*MakePeer(s, 5), SendOf(M::kClientHello));
  Bytes b = SendOk(*MakePeer(s, 5), SendOf(M::kClientHello));
  EXPECT_EQ(a, b);
  Bytes c = SendOk(*MakePeer(s, 6), SendOf(M::kClientHello));
  EXPECT_NE(a, c);
  Scenario other = MakeScenario(Side::kServer, {Suite(kEcdheRsa)}, 1, "test.other");
  EXPECT_NE(a, SendOk(*MakePeer(other, 5), SendOf(M::kClientHello)));
}

// ---- Deviations, byte by byte ----

TEST(ScriptedPeerDeviations, SetFieldsOnClientHello) {
  Scenario s = MakeScenario(Side::kServer, {Suite(kEcdheRsa)});
  SendStep step = SendOf(M::kClientHello);
  step.set = {SetList("cipher_suites", {0x0a0a, Suite(kRsa)}), SetNumber("client_version", 0x0304),
              Delete("extensions.extended_master_secret"), SetBytes("extensions.0x1234", {0xab}),
              SetBytes("session_id", Bytes(32, 0x11))};
  ClientHello ch = ParseClientHello(SendOk(*MakePeer(s), step));
  EXPECT_EQ(ch.cipher_suites, (std::vector<uint16_t>{0x0a0a, Suite(kRsa)}));
  EXPECT_EQ(ch.client_version, static_cast<ProtocolVersion>(0x0304));
  EXPECT_FALSE(ch.extensions->Has(ExtensionType::kExtendedMasterSecret));
  ASSERT_NE(ch.extensions->FindRaw(0x1234), nullptr);
  EXPECT_EQ(ch.extensions->FindRaw(0x1234)->body, Bytes{0xab});
  EXPECT_EQ(ch.session_id, Bytes(32, 0x11));
}

TEST(ScriptedPeerDeviations, DropTheExtensionBlock) {
  Scenario s = MakeScenario(Side::kServer, {Suite(kEcdheRsa)});
  SendStep step = SendOf(M::kClientHello);
  step.set = {Delete("extensions")};
  ClientHello ch = ParseClientHello(SendOk(*MakePeer(s), step));
  EXPECT_FALSE(ch.extensions.has_value());
}

TEST(ScriptedPeerDeviations, ExtensionListAsHex) {
  Scenario s = MakeScenario(Side::kServer, {Suite(kEcdheRsa)});
  SendStep step = SendOf(M::kClientHello);
  // Two extended_master_secret extensions: a duplicate Extensions::Parse would refuse.
  step.set = {SetBytes("extensions", {0x00, 0x17, 0x00, 0x00, 0x00, 0x17, 0x00, 0x00})};
  Bytes m = OnlyMessage(SendOk(*MakePeer(s), step));
  Bytes tail(m.end() - 10, m.end());
  EXPECT_EQ(tail, (Bytes{0x00, 0x08, 0x00, 0x17, 0x00, 0x00, 0x00, 0x17, 0x00, 0x00}));
}

TEST(ScriptedPeerDeviations, BadEditsAreErrors) {
  Scenario s = MakeScenario(Side::kServer, {Suite(kEcdheRsa)});
  auto peer = MakePeer(s);
  SendStep step = SendOf(M::kClientHello);
  step.set = {SetNumber("no_such_field", 1)};
  EXPECT_FALSE(peer->Send(step, nullptr).ok());
  step.set = {Xor("random", {0xff}, 32)};  // one past the end
  EXPECT_FALSE(peer->Send(step, nullptr).ok());
  step.set = {SetBytes("random", Bytes(31, 0))};
  EXPECT_FALSE(peer->Send(step, nullptr).ok());
}

TEST(ScriptedPeerDeviations, FragmentIntoOneByteRecords) {
  Scenario s = MakeScenario(Side::kServer, {Suite(kEcdheRsa)});
  Bytes whole = OnlyMessage(SendOk(*MakePeer(s), SendOf(M::kClientHello)));
  SendStep step = SendOf(M::kClientHello);
  step.record.fragment = 1;
  std::vector<Record> records = Records(SendOk(*MakePeer(s), step));
  ASSERT_EQ(records.size(), whole.size());
  Bytes joined;
  for (const Record& r : records) {
    EXPECT_EQ(r.fragment.size(), 1u);
    EXPECT_EQ(r.type, 22);
    Append(joined, r.fragment);
  }
  EXPECT_EQ(joined, whole);
}

TEST(ScriptedPeerDeviations, RecordTypeAndVersionOverride) {
  Scenario s = MakeScenario(Side::kServer, {Suite(kEcdheRsa)});
  Bytes whole = OnlyMessage(SendOk(*MakePeer(s), SendOf(M::kClientHello)));
  SendStep step = SendOf(M::kClientHello);
  step.record.content_type = 0x19;
  step.record.version = 0x0301;
  Bytes wire = SendOk(*MakePeer(s), step);
  ASSERT_GE(wire.size(), 5u);
  EXPECT_EQ(wire[0], 0x19);
  EXPECT_EQ(wire[1], 0x03);
  EXPECT_EQ(wire[2], 0x01);
  EXPECT_EQ(Bytes(wire.begin() + 5, wire.end()), whole);
}

TEST(ScriptedPeerDeviations, CorruptXorTruncateAppend) {
  Scenario s = MakeScenario(Side::kServer, {Suite(kEcdheRsa)});
  Bytes whole = OnlyMessage(SendOk(*MakePeer(s), SendOf(M::kClientHello)));
  SendStep step = SendOf(M::kClientHello);
  step.corrupt.xor_bytes = BytesXor{{0xff}, -1};
  step.corrupt.truncate = 10;
  step.corrupt.append = {0xde, 0xad};
  Bytes got = OnlyMessage(SendOk(*MakePeer(s), step));
  Bytes expected(whole.begin(), whole.begin() + 10);
  expected.push_back(0xde);
  expected.push_back(0xad);
  EXPECT_EQ(got, expected);
  // xor alone: exactly one byte differs, the last one.
  step.corrupt = Corruption();
  step.corrupt.xor_bytes = BytesXor{{0x0f}, -1};
  got = OnlyMessage(SendOk(*MakePeer(s), step));
  ASSERT_EQ(got.size(), whole.size());
  EXPECT_EQ(got.back(), whole.back() ^ 0x0f);
  EXPECT_TRUE(std::equal(got.begin(), got.end() - 1, whole.begin()));
}

TEST(ScriptedPeerDeviations, RepeatSendsIdenticalCopies) {
  Scenario s = MakeScenario(Side::kServer, {Suite(kEcdheRsa)});
  SendStep step = SendOf(M::kClientHello);
  step.repeat = 3;
  std::vector<Record> records = Records(SendOk(*MakePeer(s), step));
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0], records[1]);
  EXPECT_EQ(records[1], records[2]);
}

TEST(ScriptedPeerDeviations, CcsAlertAppDataAndRaw) {
  Scenario s = MakeScenario(Side::kServer, {Suite(kEcdheRsa)});
  auto peer = MakePeer(s);
  EXPECT_EQ(SendOk(*peer, SendOf(M::kChangeCipherSpec)), (Bytes{20, 3, 3, 0, 1, 1}));
  SendStep ccs = SendOf(M::kChangeCipherSpec);
  ccs.set = {SetBytes("value", {1, 1})};  // checklist 16: a 2-byte CCS
  EXPECT_EQ(SendOk(*peer, ccs), (Bytes{20, 3, 3, 0, 2, 1, 1}));
  SendStep alert = SendOf(M::kAlert);
  alert.set = {SetNumber("level", 2), SetNumber("description", 40)};
  EXPECT_EQ(SendOk(*peer, alert), (Bytes{21, 3, 3, 0, 2, 2, 40}));
  EXPECT_EQ(SendOk(*peer, SendOf(M::kAlert)), (Bytes{21, 3, 3, 0, 2, 1, 0}));
  SendStep data = SendOf(M::kApplicationData);
  data.raw = {'h', 'i'};
  EXPECT_EQ(SendOk(*peer, data), (Bytes{23, 3, 3, 0, 2, 'h', 'i'}));
  SendStep raw = SendOf(M::kRaw);
  raw.raw = {0x80, 0x2e, 0x01};
  EXPECT_EQ(SendOk(*peer, raw), (Bytes{0x80, 0x2e, 0x01}));
  // No keys yet: forcing protection is a scenario error, not silent plaintext.
  SendStep forced = SendOf(M::kApplicationData);
  forced.record.protect = true;
  EXPECT_FALSE(peer->Send(forced, nullptr).ok());
}

// ---- A server peer answering a hand-built ClientHello ----

Bytes HandBuiltClientHello(std::vector<uint16_t> suites, ClientHello* out = nullptr) {
  ClientHello ch;
  for (size_t i = 0; i < ch.random.size(); ++i) ch.random[i] = static_cast<uint8_t>(i);
  ch.cipher_suites = std::move(suites);
  ch.compression_methods = {0};
  Extensions ext;
  EXPECT_TRUE(ext.Set(SupportedGroupsExt{{NamedGroup::kSecp256r1, NamedGroup::kX25519}}).ok());
  EXPECT_TRUE(ext.Set(EcPointFormatsExt{{EcPointFormat::kUncompressed}}).ok());
  EXPECT_TRUE(ext.Set(SignatureAlgorithmsExt{
                          {SignatureScheme::kRsaPkcs1Sha384, SignatureScheme::kRsaPkcs1Sha256}})
                  .ok());
  EXPECT_TRUE(ext.Set(ExtendedMasterSecretExt{}).ok());
  EXPECT_TRUE(ext.Set(RenegotiationInfoExt{}).ok());
  ch.extensions = ext;
  if (out != nullptr) *out = ch;
  Bytes m = *SerializeHandshake(ch);
  Bytes wire;
  EXPECT_TRUE(
      AppendRecord(Record(ContentType::kHandshake, ProtocolVersion::kTls12, m), &wire).ok());
  return wire;
}

TEST(ScriptedPeerServer, AnswersAHandBuiltClientHello) {
  // The peer prefers ECDHE_RSA; the client lists RSA first: the peer's order wins.
  Scenario s = MakeScenario(Side::kClient, {Suite(kEcdheRsa), Suite(kRsa)});
  s.peer.groups = {NamedGroup::kX25519, NamedGroup::kSecp256r1};
  auto peer = MakePeer(s);
  ClientHello ch;
  std::vector<WireItem> items =
      peer->Receive(HandBuiltClientHello({Suite(kRsa), Suite(kEcdheRsa)}, &ch));
  ASSERT_EQ(Kinds(items), std::vector<MessageName>{M::kClientHello});
  EXPECT_EQ(items[0].summary.rfind("ClientHello(", 0), 0u) << items[0].summary;

  Bytes sh_wire = SendOk(*peer, SendOf(M::kServerHello));
  Bytes sh_msg = OnlyMessage(sh_wire);
  ServerHello sh = *ServerHello::Parse(ByteView(sh_msg).subview(4));
  EXPECT_EQ(sh.cipher_suite, Suite(kEcdheRsa));
  EXPECT_EQ(sh.session_id.size(), 32u);
  EXPECT_EQ(sh.compression_method, 0);
  ASSERT_TRUE(sh.extensions.has_value());
  EXPECT_TRUE(sh.extensions->Has(ExtensionType::kExtendedMasterSecret));
  EXPECT_EQ(sh.extensions->FindRaw(0xff01)->body, Bytes{0x00});
  EXPECT_FALSE(sh.extensions->Has(ExtensionType::kSessionTicket));  // not offered

  Bytes cert_msg = OnlyMessage(SendOk(*peer, SendOf(M::kCertificate)));
  Certificate cert = *Certificate::Parse(ByteView(cert_msg).subview(4));
  EXPECT_EQ(cert.certificate_list, Pki().rsa_server.chain_der);

  Bytes ske_msg = OnlyMessage(SendOk(*peer, SendOf(M::kServerKeyExchange)));
  ServerKeyExchange ske =
      *ServerKeyExchange::Parse(ByteView(ske_msg).subview(4), KeyExchangeKind::kEcdhe);
  // The peer's group order (x25519 first) among the client's groups; the client's
  // signature_algorithms decide the scheme.
  EXPECT_EQ(std::get<EcdhServerParams>(ske.params).named_curve, NamedGroup::kX25519);
  EXPECT_EQ(ske.algorithm, SignatureScheme::kRsaPkcs1Sha256);
  auto key = PublicKeyFromCertificate(cert.certificate_list.front());
  ASSERT_TRUE(key.ok());
  EXPECT_TRUE(
      VerifySignature(**key, ske.algorithm,
                      ske.SignedData(ByteView(ch.random.data(), ch.random.size()),
                                     ByteView(sh.random.data(), sh.random.size())),
                      ske.signature)
          .ok());
  EXPECT_TRUE(peer->TakeViolations().empty());
}

TEST(ScriptedPeerServer, CoalescedFlightSharesOneRecord) {
  Scenario s = MakeScenario(Side::kClient, {Suite(kRsa)});
  auto peer = MakePeer(s);
  peer->Receive(HandBuiltClientHello({Suite(kRsa)}));
  Bytes sh = OnlyMessage(SendOk(*peer, SendOf(M::kServerHello)));
  SendStep cert = SendOf(M::kCertificate);
  cert.record.coalesce_with_next = true;
  SendStep done = SendOf(M::kServerHelloDone);
  EXPECT_TRUE(SendOk(*peer, cert, &done).empty());
  std::vector<Record> records = Records(SendOk(*peer, done));
  ASSERT_EQ(records.size(), 1u);
  Result<std::vector<HandshakeMessage>> msgs = ParseHandshakeMessages(records[0].fragment);
  ASSERT_TRUE(msgs.ok());
  ASSERT_EQ(msgs->size(), 2u);
  EXPECT_TRUE((*msgs)[0].is(HandshakeType::kCertificate));
  EXPECT_EQ((*msgs)[1].encoded, (Bytes{14, 0, 0, 0}));
}

// ---- Two peers against each other: every byte from the engine's codecs and crypto ----

TEST(ScriptedPeerDuo, FullEcdheHandshakeAgrees) {
  Duo d = MakeDuo(Suite(kEcdheRsa));
  EXPECT_EQ(Kinds(ClientSends(d, {M::kClientHello})), std::vector<MessageName>{M::kClientHello});
  EXPECT_EQ(Kinds(ServerSends(
                d, {M::kServerHello, M::kCertificate, M::kServerKeyExchange, M::kServerHelloDone})),
            (std::vector<MessageName>{M::kServerHello, M::kCertificate, M::kServerKeyExchange,
                                      M::kServerHelloDone}));
  EXPECT_EQ(Kinds(ClientSends(d, {M::kClientKeyExchange, M::kChangeCipherSpec, M::kFinished})),
            (std::vector<MessageName>{M::kClientKeyExchange, M::kChangeCipherSpec, M::kFinished}));
  EXPECT_EQ(Kinds(ServerSends(d, {M::kChangeCipherSpec, M::kFinished})),
            (std::vector<MessageName>{M::kChangeCipherSpec, M::kFinished}));
  EXPECT_EQ(Rules(d.client->TakeViolations()), "");
  EXPECT_EQ(Rules(d.server->TakeViolations()), "");
  const PeerView& c = d.client->view();
  const PeerView& s = d.server->view();
  EXPECT_TRUE(c.handshake_complete);
  EXPECT_TRUE(s.handshake_complete);
  EXPECT_EQ(c.master_secret.size(), 48u);
  EXPECT_EQ(c.master_secret, s.master_secret);
  EXPECT_EQ(c.session_id, s.session_id);
  EXPECT_TRUE(c.extended_master_secret);
  EXPECT_EQ(c.cipher_suite, Suite(kEcdheRsa));

  // Application data both ways, protected.
  SendStep data = SendOf(M::kApplicationData);
  data.raw = {'p', 'i', 'n', 'g'};
  std::vector<WireItem> got = d.server->Receive(SendOk(*d.client, data));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].kind, WireItem::Kind::kApplicationData);
  EXPECT_EQ(got[0].bytes, data.raw);
  EXPECT_NE(got[0].wire.size(), 5u + data.raw.size());  // encrypted: tag and nonce added
}

// The client's Finished, recomputed here from the plaintext handshake on the wire with the
// key schedule functions, and decrypted with keys derived here.
TEST(ScriptedPeerDuo, ClientFinishedMatchesAnIndependentComputation) {
  Duo d = MakeDuo(Suite(kEcdheRsa));
  ClientSends(d, {M::kClientHello});
  ServerSends(d, {M::kServerHello, M::kCertificate, M::kServerKeyExchange, M::kServerHelloDone});
  ClientSends(d, {M::kClientKeyExchange, M::kChangeCipherSpec, M::kFinished});

  // Transcript: CH, then the server flight, then CKE (plaintext records before the CCS).
  auto handshake_bytes = [](ByteView wire) {
    Bytes out;
    for (const Record& r : Records(wire)) {
      if (r.type == 20) break;
      if (r.type == 22) Append(out, r.fragment);
    }
    return out;
  };
  std::vector<Record> client_records = Records(d.client_wire);
  // CH record, CKE record, CCS, Finished.
  ASSERT_EQ(client_records.size(), 4u);
  Bytes transcript = client_records[0].fragment;
  Append(transcript, handshake_bytes(d.server_wire));
  Append(transcript, client_records[1].fragment);

  const PeerView& v = d.client->view();
  Bytes hash = *HandshakeHash(PrfAlgorithm::kSha256, transcript);
  Bytes expected =
      *ComputeVerifyData(PrfAlgorithm::kSha256, v.master_secret, Side::kClient, hash);
  const CipherSuiteInfo& suite = *FindCipherSuite(Suite(kEcdheRsa));
  Bytes block = *ComputeKeyBlock(suite, v.master_secret, v.client_random, v.server_random);
  KeyBlock keys = *SplitKeyBlock(suite, block);
  DeterministicRng rng(1);
  std::unique_ptr<RecordProtection> open =
      std::move(RecordProtection::Create(suite, keys.client_write, &rng)).value();
  Result<Bytes> plain =
      open->Open(ContentType::kHandshake, ProtocolVersion::kTls12, client_records[3].fragment);
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  Bytes finished = {20, 0, 0, 12};
  Append(finished, expected);
  EXPECT_EQ(*plain, finished);
}

TEST(ScriptedPeerDuo, FullRsaHandshakeWithClientAuth) {
  Duo d = MakeDuo(Suite(kRsa));
  ClientSends(d, {M::kClientHello});
  EXPECT_EQ(Kinds(ServerSends(d, {M::kServerHello, M::kCertificate, M::kCertificateRequest,
                                  M::kServerHelloDone})),
            (std::vector<MessageName>{M::kServerHello, M::kCertificate, M::kCertificateRequest,
                                      M::kServerHelloDone}));
  ClientSends(d, {M::kCertificate, M::kClientKeyExchange, M::kCertificateVerify,
                  M::kChangeCipherSpec, M::kFinished});
  ServerSends(d, {M::kChangeCipherSpec, M::kFinished});
  EXPECT_EQ(Rules(d.client->TakeViolations()), "");
  EXPECT_EQ(Rules(d.server->TakeViolations()), "");
  EXPECT_TRUE(d.client->view().handshake_complete);
  EXPECT_TRUE(d.server->view().handshake_complete);
  EXPECT_EQ(d.client->view().master_secret, d.server->view().master_secret);
}

TEST(ScriptedPeerDuo, TamperedFinishedIsDetectedAndAcceptanceReported) {
  Duo d = MakeDuo(Suite(kEcdheRsa));
  ClientSends(d, {M::kClientHello});
  ServerSends(d, {M::kServerHello, M::kCertificate, M::kServerKeyExchange, M::kServerHelloDone});
  ClientSends(d, {M::kClientKeyExchange, M::kChangeCipherSpec});
  SendStep fin = SendOf(M::kFinished);
  fin.set = {Xor("verify_data", {0x01}, 0)};
  d.server->Receive(SendOk(*d.client, fin));
  std::vector<Violation> server_saw = d.server->TakeViolations();
  EXPECT_TRUE(HasRule(server_saw, ViolationRule::kFinishedVerifyData)) << Rules(server_saw);
  // The "target" (the server peer) carries on instead of alerting: the client reports it.
  ServerSends(d, {M::kChangeCipherSpec, M::kFinished});
  std::vector<Violation> client_saw = d.client->TakeViolations();
  EXPECT_TRUE(HasRule(client_saw, ViolationRule::kAcceptedTamperedFinished)) << Rules(client_saw);
  EXPECT_FALSE(d.client->view().handshake_complete);
}

// An edit that changes no byte of a signature (an all-zero xor) is no tampering: the server
// peer carrying on is fine. A real change is one.
TEST(ScriptedPeerDuo, OnlyAChangedSignatureIsTampered) {
  for (uint8_t mask : {0x00, 0x01}) {
    Duo d = MakeDuo(Suite(kEcdheRsa));
    ClientSends(d, {M::kClientHello});
    ServerSends(d, {M::kServerHello, M::kCertificate});
    SendStep ske = SendOf(M::kServerKeyExchange);
    ske.set = {Xor("signature", {mask}, 0)};
    d.client->Receive(SendOk(*d.server, ske));
    ServerSends(d, {M::kServerHelloDone});
    ClientSends(d, {M::kClientKeyExchange});  // the "target" carries on
    std::vector<Violation> server_saw = d.server->TakeViolations();
    EXPECT_EQ(HasRule(server_saw, ViolationRule::kAcceptedTamperedServerKeyExchange), mask != 0)
        << "mask " << int(mask) << ": " << Rules(server_saw);
  }
}

// RFC 5246 7.4: a handshake message out of order is a fatal error. A "target" (the client
// peer) that answers a ServerHelloDone with no ServerKeyExchange (ECDHE) with its next flight
// is reported; one that answers with a fatal alert is not.
TEST(ScriptedPeerDuo, ContinuingAfterAnOutOfOrderMessageIsReported) {
  Duo d = MakeDuo(Suite(kEcdheRsa));
  ClientSends(d, {M::kClientHello});
  ServerSends(d, {M::kServerHello, M::kCertificate, M::kServerHelloDone});  // no SKE
  SendStep cke = SendOf(M::kClientKeyExchange);
  Result<Bytes> wire = d.client->Send(cke, nullptr);
  if (wire.ok()) {  // the client peer may refuse to build a CKE without the server's params
    d.server->Receive(*wire);
    EXPECT_TRUE(HasRule(d.server->TakeViolations(), ViolationRule::kAcceptedOutOfOrder));
  }
  Duo e = MakeDuo(Suite(kEcdheRsa));
  ClientSends(e, {M::kClientHello});
  ServerSends(e, {M::kServerHello, M::kCertificate, M::kServerHelloDone});
  SendStep alert = SendOf(M::kRaw);
  alert.raw = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x0a};  // fatal unexpected_message
  e.server->Receive(SendOk(*e.client, alert));
  EXPECT_FALSE(HasRule(e.server->TakeViolations(), ViolationRule::kAcceptedOutOfOrder));
  // And the application data case: the client peer sends data instead of rejecting.
  Duo f = MakeDuo(Suite(kEcdheRsa));
  ClientSends(f, {M::kClientHello});
  ServerSends(f, {M::kServerHello, M::kCertificate, M::kServerHelloDone});
  ClientSends(f, {M::kChangeCipherSpec});
  EXPECT_TRUE(HasRule(f.server->TakeViolations(), ViolationRule::kAcceptedOutOfOrder));
}

TEST(ScriptedPeerDuo, OrderViolationsSeenByTheClient) {
  // RFC 5246 7.4.3: no ServerKeyExchange with RSA key transport.
  Duo d = MakeDuo(Suite(kRsa));
  ClientSends(d, {M::kClientHello});
  ServerSends(d, {M::kServerHello, M::kCertificate});
  Bytes ske;
  {
    // The server peer cannot build an RSA-suite SKE through the normal path's checks, so
    // build one from another ECDHE server peer's output.
    Duo e = MakeDuo(Suite(kEcdheRsa));
    ClientSends(e, {M::kClientHello});
    SendAll(*e.server, {M::kServerHello, M::kCertificate});
    ske = SendOk(*e.server, SendOf(M::kServerKeyExchange));
  }
  d.client->Receive(ske);
  std::vector<Violation> v = d.client->TakeViolations();
  EXPECT_TRUE(HasRule(v, ViolationRule::kIllegalOrder)) << Rules(v);
}

TEST(ScriptedPeerDuo, EarlyCcsFromTheServerIsReported) {
  Duo d = MakeDuo(Suite(kEcdheRsa));
  ClientSends(d, {M::kClientHello});
  ServerSends(d, {M::kServerHello, M::kChangeCipherSpec});
  std::vector<Violation> v = d.client->TakeViolations();
  EXPECT_TRUE(HasRule(v, ViolationRule::kCcsBeforeKeys)) << Rules(v);
  EXPECT_TRUE(HasRule(v, ViolationRule::kResumptionMismatch)) << Rules(v);  // nothing was offered
  EXPECT_TRUE(HasRule(v, ViolationRule::kIllegalOrder)) << Rules(v);
}

TEST(ScriptedPeerDuo, AnythingAfterAFatalAlertIsReported) {
  Duo d = MakeDuo(Suite(kEcdheRsa));
  ClientSends(d, {M::kClientHello});
  SendStep alert = SendOf(M::kAlert);
  alert.set = {SetNumber("level", 2), SetNumber("description", 40)};
  std::vector<WireItem> items = d.client->Receive(SendOk(*d.server, alert));
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].kind, WireItem::Kind::kAlert);
  EXPECT_EQ(items[0].alert, AlertDescription::kHandshakeFailure);
  EXPECT_EQ(items[0].level, AlertLevel::kFatal);
  EXPECT_TRUE(d.client->TakeViolations().empty());
  ServerSends(d, {M::kServerHello});
  EXPECT_TRUE(HasRule(d.client->TakeViolations(), ViolationRule::kAfterFatalAlert));
}

TEST(ScriptedPeerDuo, UnsolicitedEmsAndMissingEcho) {
  Scenario cs = MakeScenario(Side::kServer, {Suite(kEcdheRsa)});
  cs.peer.extended_master_secret = false;
  Duo d;
  d.client = MakePeer(cs, 1);
  d.server = MakePeer(MakeScenario(Side::kClient, {Suite(kEcdheRsa)}), 2);
  ClientSends(d, {M::kClientHello});
  EXPECT_TRUE(HasRule(d.server->TakeViolations(), ViolationRule::kEmsNotOffered));
  SendStep sh = SendOf(M::kServerHello);
  sh.set = {SetBytes("extensions.extended_master_secret", {})};
  d.client->Receive(SendOk(*d.server, sh));
  EXPECT_TRUE(HasRule(d.client->TakeViolations(), ViolationRule::kEmsUnsolicited));

  Duo e = MakeDuo(Suite(kEcdheRsa));
  ClientSends(e, {M::kClientHello});
  sh.set = {Delete("extensions.extended_master_secret")};
  e.client->Receive(SendOk(*e.server, sh));
  EXPECT_TRUE(HasRule(e.client->TakeViolations(), ViolationRule::kEmsNotEchoed));
}

// RFC 5246 7.4.1.4: a client that receives a ServerHello extension it did not offer MUST
// abort. A "target" (the client peer) that goes on is reported; an offered one is fine.
TEST(ScriptedPeerDuo, ContinuingAfterAnUnsolicitedExtensionIsReported) {
  for (bool unsolicited : {true, false}) {
    Duo d = MakeDuo(Suite(kEcdheRsa));
    ClientSends(d, {M::kClientHello});
    SendStep sh = SendOf(M::kServerHello);
    if (unsolicited) sh.set = {SetBytes("extensions.0x1234", {0xab})};
    d.client->Receive(SendOk(*d.server, sh));
    ServerSends(d, {M::kCertificate, M::kServerKeyExchange, M::kServerHelloDone});
    ClientSends(d, {M::kClientKeyExchange});  // the "target" goes on
    EXPECT_EQ(HasRule(d.server->TakeViolations(), ViolationRule::kAcceptedUnsolicitedExtension),
              unsolicited);
  }
}

// RFC 5246 7.4.1.4.1 / RFC 8422 5.1.1: signature_algorithms and supported_groups are
// client-only in TLS 1.2; a ServerHello carrying one breaks the rule although it was offered.
TEST(ScriptedPeerDuo, ClientOnlyExtensionInServerHello) {
  for (const char* field : {"extensions.signature_algorithms", "extensions.supported_groups"}) {
    SCOPED_TRACE(field);
    Duo d = MakeDuo(Suite(kEcdheRsa));
    ClientSends(d, {M::kClientHello});
    SendStep sh = SendOf(M::kServerHello);
    sh.set = {SetBytes(field, {0x00, 0x02, 0x04, 0x01})};
    d.client->Receive(SendOk(*d.server, sh));
    EXPECT_TRUE(HasRule(d.client->TakeViolations(), ViolationRule::kExtensionUnsolicited));
  }
}

TEST(ScriptedPeerDuo, ResumptionBySessionId) {
  Scenario cs = MakeScenario(Side::kServer, {Suite(kEcdheRsa)}, 2);
  cs.connections[1].resume = true;
  Scenario ss = MakeScenario(Side::kClient, {Suite(kEcdheRsa)}, 2);
  ss.connections[1].resume = true;
  Duo d;
  d.client = MakePeer(cs, 1);
  d.server = MakePeer(ss, 2);
  ClientSends(d, {M::kClientHello});
  ServerSends(d, {M::kServerHello, M::kCertificate, M::kServerKeyExchange, M::kServerHelloDone});
  ClientSends(d, {M::kClientKeyExchange, M::kChangeCipherSpec, M::kFinished});
  ServerSends(d, {M::kChangeCipherSpec, M::kFinished});
  ASSERT_TRUE(d.client->view().handshake_complete);
  Bytes first_ms = d.client->view().master_secret;
  Bytes first_id = d.client->view().session_id;

  ASSERT_TRUE(d.client->StartConnection(1).ok());
  ASSERT_TRUE(d.server->StartConnection(1).ok());
  ClientSends(d, {M::kClientHello});
  EXPECT_EQ(Kinds(ServerSends(d, {M::kServerHello, M::kChangeCipherSpec, M::kFinished})),
            (std::vector<MessageName>{M::kServerHello, M::kChangeCipherSpec, M::kFinished}));
  ClientSends(d, {M::kChangeCipherSpec, M::kFinished});
  EXPECT_EQ(Rules(d.client->TakeViolations()), "");
  EXPECT_EQ(Rules(d.server->TakeViolations()), "");
  EXPECT_TRUE(d.client->view().resumed);
  EXPECT_TRUE(d.client->view().handshake_complete);
  EXPECT_TRUE(d.server->view().handshake_complete);
  EXPECT_EQ(d.client->view().session_id, first_id);
  EXPECT_EQ(d.client->view().master_secret, first_ms);
}

// Both peers offer suites a and b; a full handshake on connection 0 settles on a, and
// connection 1 (a resumption) is started on both sides.
void StartResumption(uint16_t a, uint16_t b, Duo* d) {
  Scenario cs = MakeScenario(Side::kServer, {a, b}, 2);
  cs.connections[1].resume = true;
  Scenario ss = MakeScenario(Side::kClient, {a, b}, 2);
  ss.connections[1].resume = true;
  d->client = MakePeer(cs, 1);
  d->server = MakePeer(ss, 2);
  ClientSends(*d, {M::kClientHello});
  ServerSends(*d, {M::kServerHello, M::kCertificate, M::kServerKeyExchange, M::kServerHelloDone});
  ClientSends(*d, {M::kClientKeyExchange, M::kChangeCipherSpec, M::kFinished});
  ServerSends(*d, {M::kChangeCipherSpec, M::kFinished});
  ASSERT_EQ(d->client->view().cipher_suite, a);
  ASSERT_TRUE(d->client->StartConnection(1).ok());
  ASSERT_TRUE(d->server->StartConnection(1).ok());
}

// RFC 5246 7.4.1.2 (checklist 25): a ClientHello offering a session must offer its suite.
TEST(ScriptedPeerDuo, ResumptionOfferWithoutTheSessionsSuiteIsReported) {
  const uint16_t b = Suite("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
  Duo d;
  ASSERT_NO_FATAL_FAILURE(StartResumption(Suite(kEcdheRsa), b, &d));
  SendStep ch = SendOf(M::kClientHello);
  ch.set = {SetList("cipher_suites", {b})};  // the session's suite left out
  d.server->Receive(SendOk(*d.client, ch));
  std::vector<Violation> v = d.server->TakeViolations();
  EXPECT_TRUE(HasRule(v, ViolationRule::kResumptionSuiteNotOffered)) << Rules(v);
}

TEST(ScriptedPeerDuo, ResumptionWithAnotherSuiteIsReported) {
  const uint16_t b = Suite("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
  Duo d;
  ASSERT_NO_FATAL_FAILURE(StartResumption(Suite(kEcdheRsa), b, &d));
  ClientSends(d, {M::kClientHello});
  SendStep sh = SendOf(M::kServerHello);
  sh.set = {SetNumber("cipher_suite", b)};  // CVE-2010-4180 class
  d.client->Receive(SendOk(*d.server, sh));
  std::vector<Violation> v = d.client->TakeViolations();
  EXPECT_TRUE(HasRule(v, ViolationRule::kResumptionMismatch)) << Rules(v);
}

// ---- Field edit helpers ----

TEST(FieldEdits, XorBoundsAndNegativeOffsets) {
  Bytes v = {1, 2, 3, 4};
  EXPECT_TRUE(ApplyXor(BytesXor{{0xff, 0xff}, -2}, &v, "f").ok());
  EXPECT_EQ(v, (Bytes{1, 2, 0xfc, 0xfb}));
  EXPECT_FALSE(ApplyXor(BytesXor{{0xff}, 4}, &v, "f").ok());
  EXPECT_FALSE(ApplyXor(BytesXor{{0xff}, -5}, &v, "f").ok());
  EXPECT_FALSE(ApplyXor(BytesXor{{0xff, 0xff}, 3}, &v, "f").ok());
}

TEST(FieldEdits, ExtensionFieldNames) {
  EXPECT_EQ(ExtensionFieldType("extensions.extended_master_secret"), 0x17);
  EXPECT_EQ(ExtensionFieldType("extensions.0xff01"), 0xff01);
  EXPECT_EQ(ExtensionFieldType("extensions.0x1"), 0x0001);
  EXPECT_EQ(ExtensionFieldType("extensions.0x12345"), std::nullopt);
  EXPECT_EQ(ExtensionFieldType("extensions.nonsense"), std::nullopt);
  EXPECT_EQ(ExtensionFieldType("cipher_suites"), std::nullopt);
}

TEST(FieldEdits, EveryCatalogueFieldOfAHandshakeMessageIsHandled) {
  // The peer must understand every field the loader accepts (scenario.cc's catalogue).
  for (const FieldSpec& spec : FieldCatalogue()) {
    if (!HandshakeTypeOf(spec.message) || spec.field == "extensions.0xNNNN") continue;
    if (spec.message == MessageName::kClientKeyExchange && spec.field != "exchange_keys") {
      continue;  // consumed before encryption by the peer
    }
    TypedHandshake m;
    switch (spec.message) {
      case M::kClientHello:
        m = ClientHello();
        break;
      case M::kServerHello:
        m = ServerHello();
        break;
      case M::kCertificate:
        m = Certificate();
        break;
      case M::kServerKeyExchange: {
        ServerKeyExchange ske;
        if (spec.field.rfind("dh_", 0) == 0) ske.params = DhServerParams{{1}, {2}, {3}};
        m = ske;
        break;
      }
      case M::kCertificateRequest:
        m = CertificateRequest();
        break;
      case M::kCertificateVerify:
        m = CertificateVerify();
        break;
      case M::kClientKeyExchange:
        m = ClientKeyExchange();
        break;
      case M::kNewSessionTicket:
        m = NewSessionTicket();
        break;
      case M::kFinished:
        m = Finished();
        break;
      default:
        continue;
    }
    FieldValue value;
    switch (spec.type) {
      case FieldType::kRandom:
        value.value = Bytes(32, 1);
        break;
      case FieldType::kBytes:
      case FieldType::kExtension:
        value.value = Bytes{};
        break;
      case FieldType::kSuiteList:
      case FieldType::kSchemeList:
      case FieldType::kU8List:
        value.value = std::vector<uint64_t>{1};
        break;
      case FieldType::kBytesList:
        value.value = std::vector<Bytes>{{1}};
        break;
      default:
        value.value = uint64_t{1};
        break;
    }
    Status s = ApplyFieldEdits({FieldEdit{std::string(spec.field), value}}, &m);
    EXPECT_TRUE(s.ok()) << MessageNameString(spec.message) << "." << spec.field << ": "
                        << s.ToString();
  }
}

}  // namespace
}  // namespace shakedown
