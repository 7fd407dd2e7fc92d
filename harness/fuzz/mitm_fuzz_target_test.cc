#include "harness/fuzz/mitm_fuzz_target.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace shakedown {
namespace {

MitmFuzzTarget& Target() {
  static MitmFuzzTarget* target = [] {
    Result<std::unique_ptr<MitmFuzzTarget>> t = MitmFuzzTarget::Create();
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return std::move(t).value().release();
  }();
  return *target;
}

std::string Rules(const std::vector<MitmFinding>& findings) {
  std::string out;
  for (const MitmFinding& f : findings) out += f.rule + " (" + f.message + ") ";
  return out;
}

bool HasRule(const std::vector<MitmFinding>& findings, const std::string& rule) {
  for (const MitmFinding& f : findings) {
    if (f.rule == rule) return true;
  }
  return false;
}

Bytes Text(const char* s) { return Bytes(s, s + std::strlen(s)); }

// ---- the input encoding ----

TEST(MitmInput, SeedsRoundTripExactly) {
  const std::vector<MitmInput> seeds = MitmSeedInputs();
  ASSERT_GT(seeds.size(), 100u);
  for (const MitmInput& in : seeds) {
    const MitmInput back = DecodeMitmInput(EncodeMitmInput(in));
    EXPECT_TRUE(back.config == in.config) << DescribeMitmInput(in);
    EXPECT_TRUE(back.ops == in.ops) << DescribeMitmInput(in);
  }
}

TEST(MitmInput, AnyBytesDecodeAndTheirDecodingRoundTrips) {
  std::mt19937 gen(7);
  for (int i = 0; i < 2000; ++i) {
    Bytes data(gen() % 200);
    for (uint8_t& b : data) b = static_cast<uint8_t>(gen());
    const MitmInput in = DecodeMitmInput(data);
    EXPECT_LE(in.ops.size(), kMitmMaxOps);
    for (const TamperOp& op : in.ops) EXPECT_LE(op.payload.size(), kMitmMaxPayload);
    const MitmInput back = DecodeMitmInput(EncodeMitmInput(in));
    ASSERT_TRUE(back.config == in.config);
    ASSERT_TRUE(back.ops == in.ops) << ToHex(data);
    EXPECT_FALSE(DescribeMitmInput(in).empty());
  }
  EXPECT_TRUE(DecodeMitmInput(Bytes{}).ops.empty());
}

TEST(MitmInput, FieldsDecodeAsDocumented) {
  // ECDHE_ECDSA set (2), required auth (2 << 3), tickets, EMS off, resume; byte-wise delivery.
  Bytes data = {2 | 2 << 3 | 1 << 5 | 1 << 6 | 1 << 7, 2 | 1 << 2,
                // flip bit 3 at offset 0x0102 of the server's handshake message 36 % 16 = 4,
                // connection 1
                3, 1 | 2 | 4, 4 + 32, 0x01, 0x02, 11,
                // 203 % 16 = 11: an unknown operation, skipped; the next one still decodes
                203, 0, 0, 0, 0, 0,
                // inject an alert (value 1) with a 2-byte payload
                7, 0, 1, 0, 0, 1, 2, 2, 10,
                // a truncated operation header at the end: ignored
                4, 0};
  const MitmInput in = DecodeMitmInput(data);
  EXPECT_EQ(in.config.suite_set, 2);
  EXPECT_EQ(in.config.client_auth, ClientAuthMode::kRequired);
  EXPECT_TRUE(in.config.client_has_certificate);  // forced with required auth
  EXPECT_TRUE(in.config.session_tickets);
  EXPECT_FALSE(in.config.extended_master_secret);
  EXPECT_TRUE(in.config.resume);
  EXPECT_EQ(in.config.delivery, Delivery::kByte);
  ASSERT_EQ(in.ops.size(), 2u);
  EXPECT_EQ(in.ops[0].kind, OpKind::kFlipBit);
  EXPECT_EQ(in.ops[0].sender, Side::kServer);
  EXPECT_EQ(in.ops[0].connection, 1);
  EXPECT_TRUE(in.ops[0].by_message);
  EXPECT_EQ(in.ops[0].index, 4);
  EXPECT_EQ(in.ops[0].offset, 0x0102);
  EXPECT_EQ(in.ops[0].value, 3);  // 11 % 8
  EXPECT_EQ(in.ops[1].kind, OpKind::kInject);
  EXPECT_EQ(in.ops[1].value, 1);
  EXPECT_EQ(in.ops[1].payload, (Bytes{2, 10}));
}

// ---- the oracle on synthetic records ----

MitmSideRecord Good(bool client) {
  MitmSideRecord s;
  s.completed = true;
  s.transcript = Bytes(100, 0x11);
  const Bytes client_finished = {20, 0, 0, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  const Bytes server_finished = {20, 0, 0, 12, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9};
  // Full handshake: client Finished at 80, server Finished at 96 of the shared transcript.
  s.finished_sent = client ? client_finished : server_finished;
  s.finished_received = client ? server_finished : client_finished;
  s.transcript_before_finished_sent = client ? 80 : 96;
  s.transcript_before_finished_received = client ? 96 : 80;
  s.master_secret = Bytes(48, 0x42);
  s.cipher_suite = 0xc02f;
  s.version = 0x0303;
  s.extended_master_secret = true;
  s.sent_application_data = true;
  s.application_data_received = Text(client ? kMitmServerMessage : kMitmClientMessage);
  return s;
}

MitmConnectionRecord GoodConnection() {
  MitmConnectionRecord r;
  r.client = Good(true);
  r.server = Good(false);
  return r;
}

TEST(MitmOracle, AGoodConnectionIsNoFinding) {
  EXPECT_EQ(Rules(JudgeMitmConnection(GoodConnection(), 0)), "");
}

TEST(MitmOracle, DifferentMasterSecretsAreAFinding) {
  MitmConnectionRecord r = GoodConnection();
  r.server.master_secret[0] ^= 1;
  EXPECT_TRUE(HasRule(JudgeMitmConnection(r, 0), "mitm_secrets_differ"));
}

TEST(MitmOracle, DifferentTranscriptsAreAFinding) {
  MitmConnectionRecord r = GoodConnection();
  r.server.transcript[10] ^= 1;  // before either Finished: both sides accepted a lie
  const std::vector<MitmFinding> f = JudgeMitmConnection(r, 0);
  EXPECT_TRUE(HasRule(f, "mitm_transcripts_differ")) << Rules(f);
}

TEST(MitmOracle, ParametersMustAgree) {
  MitmConnectionRecord r = GoodConnection();
  r.client.extended_master_secret = false;
  EXPECT_TRUE(HasRule(JudgeMitmConnection(r, 0), "mitm_parameters_differ"));
  r = GoodConnection();
  r.server.cipher_suite = 0x002f;
  EXPECT_TRUE(HasRule(JudgeMitmConnection(r, 0), "mitm_parameters_differ"));
}

TEST(MitmOracle, OneSideAlertedTheOtherCompletedConsistentlyIsNoFinding) {
  // The MITM flipped a bit in the server's Finished record: the server completed, the client
  // rejected the record and sent a fatal alert.
  MitmConnectionRecord r = GoodConnection();
  r.tampered = true;
  r.client.completed = false;
  r.client.finished_received.clear();
  r.client.fatal_alert_sent = AlertDescription::kBadRecordMac;
  r.client.sent_application_data = false;
  r.client.application_data_received.clear();
  r.server.application_data_received.clear();
  EXPECT_EQ(Rules(JudgeMitmConnection(r, 0)), "");
  // The same, untampered, is a finding.
  r.tampered = false;
  EXPECT_TRUE(HasRule(JudgeMitmConnection(r, 0), "mitm_untampered_failed"));
}

TEST(MitmOracle, ACompletedSideMustHaveVerifiedThePeersOwnFinished) {
  MitmConnectionRecord r = GoodConnection();
  r.tampered = true;
  r.server.finished_received.clear();
  EXPECT_TRUE(HasRule(JudgeMitmConnection(r, 0), "mitm_finished_not_from_peer"));
  r = GoodConnection();
  r.tampered = true;
  r.client.finished_sent.clear();  // the client never sent one, the server "received" one
  r.client.completed = false;
  EXPECT_TRUE(HasRule(JudgeMitmConnection(r, 0), "mitm_finished_not_from_peer"));
}

TEST(MitmOracle, CompletingOverAnotherTranscriptIsAFindingEvenIfThePeerAlerted) {
  // A server that does not check the client's Finished: the MITM changed the ClientHello,
  // the server completed; the client saw the server's Finished fail and alerted.
  MitmConnectionRecord r = GoodConnection();
  r.tampered = true;
  r.client.completed = false;
  r.client.fatal_alert_sent = AlertDescription::kDecryptError;
  r.client.application_data_received.clear();
  r.client.sent_application_data = false;
  r.server.application_data_received.clear();
  r.server.transcript[3] ^= 0x40;
  const std::vector<MitmFinding> f = JudgeMitmConnection(r, 0);
  EXPECT_TRUE(HasRule(f, "mitm_transcripts_differ")) << Rules(f);
  EXPECT_EQ(f.size(), 1u) << Rules(f);
}

TEST(MitmOracle, NeitherCompletedWithAnAlertOrAStallIsNoFinding) {
  MitmConnectionRecord r;
  r.tampered = true;
  r.server.fatal_alert_sent = AlertDescription::kDecodeError;
  EXPECT_EQ(Rules(JudgeMitmConnection(r, 0)), "");
  MitmConnectionRecord stall;
  stall.tampered = true;
  EXPECT_EQ(Rules(JudgeMitmConnection(stall, 0)), "");
  stall.tampered = false;
  EXPECT_TRUE(HasRule(JudgeMitmConnection(stall, 0), "mitm_untampered_failed"));
}

TEST(MitmOracle, ApplicationDataRules) {
  MitmConnectionRecord r = GoodConnection();
  r.tampered = true;
  r.server.application_data_received = Text("something else");
  EXPECT_TRUE(HasRule(JudgeMitmConnection(r, 0), "mitm_application_data_altered"));
  r = GoodConnection();
  r.tampered = true;
  r.server.sent_application_data = false;  // the client delivered data the server never sent
  EXPECT_TRUE(HasRule(JudgeMitmConnection(r, 0), "mitm_application_data_altered"));
  r = GoodConnection();
  r.tampered = true;
  r.client.application_data_before_complete = true;
  EXPECT_TRUE(HasRule(JudgeMitmConnection(r, 0), "mitm_application_data_before_finished"));
  r = GoodConnection();
  r.client.application_data_received.clear();  // lost, with nothing tampered
  EXPECT_TRUE(HasRule(JudgeMitmConnection(r, 0), "mitm_untampered_failed"));
}

TEST(MitmOracle, NothingAfterAFatalAlert) {
  MitmConnectionRecord r = GoodConnection();
  r.tampered = true;
  r.server.activity_after_fatal_alert = "sent 7 bytes after its fatal alert";
  EXPECT_TRUE(HasRule(JudgeMitmConnection(r, 0), "mitm_activity_after_fatal_alert"));
}

TEST(MitmOracle, ResumptionRules) {
  MitmConnectionRecord r = GoodConnection();
  r.client.resumed = r.server.resumed = true;
  r.offered_session = true;
  r.offered_master_secret = Bytes(48, 0x42);
  r.resumption_expected = true;
  EXPECT_EQ(Rules(JudgeMitmConnection(r, 1)), "");
  r.offered_master_secret[5] ^= 1;
  EXPECT_TRUE(HasRule(JudgeMitmConnection(r, 1), "mitm_resumed_other_secret"));
  r = GoodConnection();
  r.offered_session = true;
  r.offered_master_secret = Bytes(48, 0x42);
  r.resumption_expected = true;  // untampered, full handshake instead
  EXPECT_TRUE(HasRule(JudgeMitmConnection(r, 1), "mitm_untampered_not_resumed"));
  r.tampered = true;
  EXPECT_EQ(Rules(JudgeMitmConnection(r, 1)), "");
}

// ---- the real engine through the MITM ----

// Untampered, every configuration completes with equal secrets and transcripts, delivers
// both messages and (with `resume`) resumes.
TEST(MitmFuzzTarget, EveryConfigurationCompletesUntampered) {
  int runs = 0;
  for (uint8_t set = 0; set < 8; ++set) {
    for (int auth = 0; auth < 4; ++auth) {  // none, optional, optional without a cert, required
      for (int flags = 0; flags < 32; ++flags) {
        MitmInput in;
        in.config.suite_set = set;
        in.config.client_auth = auth == 0   ? ClientAuthMode::kNone
                                : auth == 3 ? ClientAuthMode::kRequired
                                            : ClientAuthMode::kOptional;
        in.config.client_has_certificate = auth != 2;
        in.config.session_tickets = flags & 1;
        in.config.extended_master_secret = !(flags & 2);
        in.config.resume = flags & 4;
        in.config.delivery = static_cast<Delivery>(flags >> 3);
        const MitmRunResult r = Target().Run(in);
        ++runs;
        ASSERT_TRUE(r.findings.empty()) << DescribeMitmInput(in) << r.summary;
        ASSERT_EQ(r.connections.size(), in.config.resume ? 2u : 1u);
        for (const MitmConnectionRecord& c : r.connections) {
          EXPECT_FALSE(c.tampered);
          EXPECT_TRUE(c.client.completed && c.server.completed) << r.summary;
          EXPECT_EQ(c.client.master_secret, c.server.master_secret);
          EXPECT_EQ(c.client.master_secret.size(), 48u);
          EXPECT_EQ(c.client.transcript, c.server.transcript);
          EXPECT_EQ(c.client.extended_master_secret, in.config.extended_master_secret);
        }
        if (in.config.resume) {
          EXPECT_TRUE(r.connections[1].client.resumed) << DescribeMitmInput(in) << r.summary;
          EXPECT_TRUE(r.connections[1].server.resumed);
        }
      }
    }
  }
  EXPECT_EQ(runs, 8 * 4 * 32);
}

MitmInput OneOp(TamperOp op, uint8_t suite_set = 0, bool ems = true) {
  MitmInput in;
  in.config.suite_set = suite_set;
  in.config.extended_master_secret = ems;
  in.ops.push_back(std::move(op));
  return in;
}

TEST(MitmFuzzTarget, AFlippedBitInTheClientFinishedRecordIsDetected) {
  TamperOp op;
  op.kind = OpKind::kFlipBit;
  op.index = 3;  // ClientHello, ClientKeyExchange, ChangeCipherSpec, Finished
  op.offset = 20;
  const MitmRunResult r = Target().Run(OneOp(op));
  EXPECT_TRUE(r.findings.empty()) << r.summary;
  EXPECT_EQ(r.ops_applied, 1u);
  const MitmConnectionRecord& c = r.connections[0];
  EXPECT_TRUE(c.tampered);
  EXPECT_FALSE(c.server.completed);
  EXPECT_FALSE(c.client.completed);
  ASSERT_TRUE(c.server.fatal_alert_sent.has_value()) << r.summary;
  EXPECT_EQ(*c.server.fatal_alert_sent, AlertDescription::kBadRecordMac);
}

TEST(MitmFuzzTarget, DroppingTheServersFinishedLeavesOnlyTheServerComplete) {
  TamperOp op;
  op.kind = OpKind::kDrop;
  op.sender = Side::kServer;
  op.index = 2;  // [ServerHello..ServerHelloDone], ChangeCipherSpec, Finished
  const MitmRunResult r = Target().Run(OneOp(op));
  EXPECT_TRUE(r.findings.empty()) << r.summary;
  const MitmConnectionRecord& c = r.connections[0];
  EXPECT_TRUE(c.server.completed);
  EXPECT_FALSE(c.client.completed);
  // The server's application data then arrives where the client expects the Finished, one
  // sequence number early: the record fails its MAC and is not delivered.
  EXPECT_TRUE(c.server.sent_application_data);
  EXPECT_TRUE(c.client.application_data_received.empty());
  ASSERT_TRUE(c.client.fatal_alert_sent.has_value()) << r.summary;
  EXPECT_EQ(*c.client.fatal_alert_sent, AlertDescription::kBadRecordMac);
}

// Where `needle` starts in the first message the client sends, untampered.
size_t OffsetInClientHello(const MitmInput& in, const std::string& needle) {
  MitmInput clean = in;
  clean.ops.clear();
  const MitmRunResult r = Target().Run(clean);
  const Bytes& t = r.connections[0].client.transcript;
  const std::string text(t.begin(), t.end());
  return text.find(needle);  // the ClientHello is first: its offset in the transcript
}

TEST(MitmFuzzTarget, AChangedServerNameFailsTheFinishedCheckWithoutEms) {
  // Without EMS a changed server_name leaves the keys equal: only the Finished check
  // (RFC 5246 7.4.9) sees the difference, and the server's alert says so.
  TamperOp op;
  op.kind = OpKind::kFlipBit;
  op.by_message = true;
  op.index = 0;
  op.value = 0;  // "localhost" -> "mocalhost"
  MitmInput in = OneOp(op, 0, /*ems=*/false);
  const size_t at = OffsetInClientHello(in, "localhost");
  ASSERT_NE(at, std::string::npos);
  in.ops[0].offset = static_cast<uint16_t>(at);
  const MitmRunResult r = Target().Run(in);
  EXPECT_TRUE(r.findings.empty()) << r.summary;
  const MitmConnectionRecord& c = r.connections[0];
  EXPECT_TRUE(c.tampered);
  EXPECT_EQ(c.client.master_secret, c.server.master_secret);  // same keys ...
  EXPECT_NE(c.client.transcript, c.server.transcript);        // ... other transcripts
  EXPECT_FALSE(c.server.completed) << r.summary;
  EXPECT_FALSE(c.client.completed);
  ASSERT_TRUE(c.server.fatal_alert_sent.has_value()) << r.summary;
  EXPECT_EQ(*c.server.fatal_alert_sent, AlertDescription::kDecryptError);
  // With EMS the session hash covers the ClientHello: the keys differ and the Finished
  // record already fails its MAC.
  in.config.extended_master_secret = true;
  in.ops[0].offset = static_cast<uint16_t>(OffsetInClientHello(in, "localhost"));
  const MitmRunResult ems = Target().Run(in);
  EXPECT_TRUE(ems.findings.empty()) << ems.summary;
  EXPECT_NE(ems.connections[0].client.master_secret, ems.connections[0].server.master_secret);
  ASSERT_TRUE(ems.connections[0].server.fatal_alert_sent.has_value()) << ems.summary;
  EXPECT_EQ(*ems.connections[0].server.fatal_alert_sent, AlertDescription::kBadRecordMac);
}

TEST(MitmFuzzTarget, ReorderedRecordsAndHeldCoalescesAreJudged) {
  for (OpKind kind :
       {OpKind::kSwapWithNext, OpKind::kCoalesce, OpKind::kSplit, OpKind::kDuplicate}) {
    for (Side sender : {Side::kClient, Side::kServer}) {
      for (uint8_t index = 0; index < 5; ++index) {
        TamperOp op;
        op.kind = kind;
        op.sender = sender;
        op.index = index;
        op.offset = 3;
        const MitmRunResult r = Target().Run(OneOp(op, 1));
        EXPECT_TRUE(r.findings.empty()) << DescribeMitmInput(r.input) << r.summary;
      }
    }
  }
}

TEST(MitmFuzzTarget, AnInjectedHelloRequestIsIgnoredByTheClient) {
  TamperOp op;
  op.kind = OpKind::kInject;
  op.sender = Side::kServer;
  op.by_message = true;
  op.index = 2;  // before the Certificate, inside the server's first flight
  op.value = static_cast<uint8_t>(Injection::kHelloRequest);
  const MitmRunResult r = Target().Run(OneOp(op));
  EXPECT_TRUE(r.findings.empty()) << r.summary;
  const MitmConnectionRecord& c = r.connections[0];
  EXPECT_TRUE(c.tampered);
  EXPECT_TRUE(c.client.completed && c.server.completed) << r.summary;
  EXPECT_EQ(c.client.master_secret, c.server.master_secret);
}

// Every seed and random byte strings: the reference engine breaks no rule, nothing crashes.
TEST(MitmFuzzTarget, SeedsAndRandomInputsFindNothingInTheReference) {
  for (const MitmInput& in : MitmSeedInputs()) {
    const MitmRunResult r = Target().Run(in);
    ASSERT_TRUE(r.findings.empty()) << DescribeMitmInput(in) << r.summary;
  }
  std::mt19937 gen(11);
  std::set<std::string> outcomes;
  for (int i = 0; i < 300; ++i) {
    Bytes data(2 + gen() % 60);
    for (uint8_t& b : data) b = static_cast<uint8_t>(gen());
    const MitmRunResult r = Target().RunInput(data);
    ASSERT_TRUE(r.findings.empty()) << DescribeMitmInput(r.input) << r.summary;
    outcomes.insert(r.summary.substr(0, r.summary.find('\n')));
  }
  EXPECT_GT(outcomes.size(), 10u);  // the random inputs reach many end states
}

}  // namespace
}  // namespace shakedown
