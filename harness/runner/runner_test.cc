// The runner's tests: every expectation kind, every invariant the runner itself judges
// (completion, agreement, profile), the judge modes, and the targets' deaths and hangs, against
// the reference and fake targets. One file over ~800 lines on purpose: the cases share one set
// of vector builders and fake targets, and each section is marked "// ---- ...".
#include "harness/runner/runner.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "harness/runner/net_target.h"
#include "harness/runner/target.h"
#include "harness/scenario/loader.h"
#include "platform/subprocess.h"

namespace shakedown {
namespace {

std::shared_ptr<const TestPki> Pki() {
  static std::shared_ptr<const TestPki>* pki = [] {
    Result<std::shared_ptr<const TestPki>> r = MakeRunPki(7);
    if (!r.ok()) {
      std::fprintf(stderr, "MakeRunPki: %s\n", r.status().ToString().c_str());
      std::abort();
    }
    return new std::shared_ptr<const TestPki>(*r);
  }();
  return *pki;
}

RunOptions Options() {
  RunOptions o;
  o.pki = Pki();
  o.seed = 7;
  o.timeout_ms = 200;
  return o;
}

TargetResources Resources() {
  TargetResources r;
  r.pki = Pki();
  r.seed = 7;
  return r;
}

std::unique_ptr<Target> Reference() {
  Result<std::unique_ptr<Target>> t = MakeTarget(TargetSpec(), Resources());
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return std::move(t).value();
}

Scenario Parse(const std::string& json) {
  Result<Scenario> s = ParseScenarioJson(json, "vectors/conformance/test/inline.json");
  EXPECT_TRUE(s.ok()) << s.status().message();
  return s.ok() ? *s : Scenario();
}

// A full ECDHE_RSA handshake from the client side; `tail` replaces the last expectation.
std::string ServerVector(const std::string& id, const std::string& middle_and_tail) {
  return R"({"id": ")" + id + R"(", "title": "t", "refs": ["RFC5246 7.3"],
    "target_role": "server",
    "peer": {"cipher_suites": ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]},
    "steps": [{"send": "ClientHello"}, )" +
         middle_and_tail + "]}";
}

constexpr char kFullFlight[] =
    R"({"expect": ["ServerHello", "Certificate", "ServerKeyExchange", "ServerHelloDone"]})";

std::string FullHandshake(const std::string& id) {
  return ServerVector(id, std::string(kFullFlight) + R"(,
      {"send": "ClientKeyExchange"}, {"send": "ChangeCipherSpec"}, {"send": "Finished"},
      {"expect": ["ChangeCipherSpec", "Finished"]})");
}

std::string Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos ? "" : "'" + needle + "' not in: " + haystack;
}

// ---- Reference target ----

TEST(RunnerReference, FullHandshakeServerPasses) {
  auto target = Reference();
  VectorResult r = RunVector(Parse(FullHandshake("a")), *target, Options());
  EXPECT_EQ(r.verdict, Verdict::kPass) << r.rule << ": " << r.message;
  // RFC 5246 Figure 1 as seen by the state diagram: 4 + 1 + 2 + ... transitions, all legal.
  ASSERT_EQ(r.transitions.size(), 10u);
  EXPECT_EQ(r.transitions.front().label, "C:client_hello");
  EXPECT_EQ(r.transitions.back().label, "S:finished");
  for (const Transition& t : r.transitions) EXPECT_TRUE(t.legal) << t.label;
  bool agreed = false;
  for (const TraceEntry& t : r.trace) agreed |= t.summary.rfind("both sides agree", 0) == 0;
  EXPECT_TRUE(agreed);
}

TEST(RunnerReference, FullHandshakeClientPasses) {
  auto target = Reference();
  Scenario s = Parse(R"({"id": "c", "title": "t", "refs": ["RFC5246 7.3"],
    "target_role": "client",
    "peer": {"cipher_suites": ["TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"], "certificate": "ecdsa"},
    "steps": [
      {"expect": ["ClientHello"]},
      {"send": "ServerHello"}, {"send": "Certificate"}, {"send": "ServerKeyExchange"},
      {"send": "ServerHelloDone"},
      {"expect": {"messages": ["ClientKeyExchange", "ChangeCipherSpec", "Finished"]}},
      {"send": "ChangeCipherSpec"}, {"send": "Finished"},
      {"expect": {"silence_ms": 10000}}]})");
  VectorResult r = RunVector(s, *target, Options());
  EXPECT_EQ(r.verdict, Verdict::kPass) << r.rule << ": " << r.message;
  // The reference target decides silence at once instead of waiting 10 s.
  EXPECT_LT(r.duration_ms, 5000);
}

TEST(RunnerReference, ResumptionWithinAVectorAndFreshCachePerVector) {
  auto target = Reference();
  Scenario s = Parse(R"({"id": "r", "title": "t", "refs": ["RFC5246 7.3"],
    "target_role": "server",
    "connections": [
      {"steps": [{"send": "ClientHello"},
        {"expect": ["ServerHello", "Certificate", "ServerKeyExchange", "ServerHelloDone"]},
        {"send": "ClientKeyExchange"}, {"send": "ChangeCipherSpec"}, {"send": "Finished"},
        {"expect": ["ChangeCipherSpec", "Finished"]}]},
      {"resume": true, "steps": [{"send": "ClientHello"},
        {"expect": ["ServerHello", "ChangeCipherSpec", "Finished"]},
        {"send": "ChangeCipherSpec"}, {"send": "Finished"}]}]})");
  for (int i = 0; i < 2; ++i) {
    VectorResult r = RunVector(s, *target, Options());
    EXPECT_EQ(r.verdict, Verdict::kPass) << i << ": " << r.rule << ": " << r.message;
  }
}

TEST(RunnerReference, WrongMessageFailsNamingStepExpectedAndGot) {
  auto target = Reference();
  Scenario s = Parse(ServerVector("w", R"({"expect": ["ServerHello", "ServerHelloDone"]})"));
  VectorResult r = RunVector(s, *target, Options());
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_EQ(r.failed_connection, 0);
  EXPECT_EQ(r.failed_step, 1);
  EXPECT_EQ(r.rule, kRuleExpectMessages);
  EXPECT_EQ(Contains(r.message, "expected ServerHelloDone (message 2 of"), "");
  EXPECT_EQ(Contains(r.message, "got Certificate("), "");
}

TEST(RunnerReference, OptionalMessagesMayBeLeftOutButNotReplaced) {
  auto target = Reference();
  // No client authentication: the reference server sends no CertificateRequest.
  const std::string flight = R"({"expect": {"messages": ["ServerHello", "Certificate",
      "ServerKeyExchange", "CertificateRequest", "ServerHelloDone"],
      "optional": ["CertificateRequest"]}})";
  VectorResult absent = RunVector(Parse(ServerVector("o", flight + R"(,
      {"send": "ClientKeyExchange"}, {"send": "ChangeCipherSpec"}, {"send": "Finished"},
      {"expect": ["ChangeCipherSpec", "Finished"]})")),
                                  *target, Options());
  EXPECT_EQ(absent.verdict, Verdict::kPass) << absent.rule << ": " << absent.message;
  // An optional message does not excuse a missing required one after it.
  VectorResult wrong = RunVector(
      Parse(ServerVector("p", R"({"expect": {"messages": ["ServerHello", "CertificateRequest",
          "ServerHelloDone"], "optional": ["CertificateRequest"]}})")),
      *target, Options());
  EXPECT_EQ(wrong.verdict, Verdict::kFail);
  EXPECT_EQ(Contains(wrong.message, "expected ServerHelloDone (message 3 of"), "");
  EXPECT_EQ(Contains(wrong.message, "got Certificate("), "");
  // The first message may be optional too, when a required one follows.
  VectorResult first = RunVector(
      Parse(ServerVector("q", R"({"expect": {"messages": ["CertificateRequest", "ServerHello",
          "Certificate", "ServerKeyExchange", "ServerHelloDone"],
          "optional": ["CertificateRequest"]}})")),
      *target, Options());
  EXPECT_EQ(first.verdict, Verdict::kPass) << first.rule << ": " << first.message;
  VectorResult first_missing = RunVector(
      Parse(ServerVector("r", R"({"expect": {"messages": ["CertificateRequest", "Certificate"],
          "optional": ["CertificateRequest"]}})")),
      *target, Options());
  EXPECT_EQ(first_missing.verdict, Verdict::kFail);
  EXPECT_EQ(Contains(first_missing.message, "expected Certificate (message 2 of"), "");
  EXPECT_EQ(Contains(first_missing.message, "got ServerHello("), "");
}

// The target block's groups configure the reference target: a client offers exactly them.
TEST(RunnerReference, TargetGroupsAreWhatTheClientOffers) {
  auto target = Reference();
  auto vector = [](const std::string& groups_hex) {
    return Parse(R"({"id": "g", "title": "t", "refs": ["RFC8422 5.1.1"], "target_role": "client",
        "target": {"groups": ["secp256r1"]},
        "steps": [{"expect": {"messages": ["ClientHello"],
                              "check": {"extensions.supported_groups": ")" +
                 groups_hex + R"("}}}]})");
  };
  VectorResult only = RunVector(vector("00020017"), *target, Options());
  EXPECT_EQ(only.verdict, Verdict::kPass) << only.rule << ": " << only.message;
  VectorResult both = RunVector(vector("0004001d0017"), *target, Options());
  EXPECT_EQ(both.verdict, Verdict::kFail);
  EXPECT_EQ(both.rule, kRuleExpectCheck);
}

// or_warning: a warning alert from that set is accepted instead of the fatal ones (and the
// connection may go on); a fatal one from it, or a warning one outside it, is not.
TEST(RunnerReference, OrWarningAcceptsThoseWarningsOnly) {
  auto target = Reference();
  auto run = [&](const std::string& expect) {
    // After the server's flight, a close_notify: the reference answers with its own (RFC 5246
    // 7.2.1), a warning alert.
    return RunVector(Parse(ServerVector("w", std::string(kFullFlight) + R"(,
        {"send": "Alert", "set": {"level": "warning", "description": "close_notify"}},
        {"expect": )" + expect + "}")),
                     *target, Options());
  };
  VectorResult ok = run(R"({"alert": ["decode_error"], "or_warning": ["close_notify"]})");
  EXPECT_EQ(ok.verdict, Verdict::kPass) << ok.rule << ": " << ok.message;
  VectorResult other = run(R"({"alert": ["decode_error"], "or_warning": ["no_renegotiation"]})");
  EXPECT_EQ(other.verdict, Verdict::kFail);
  EXPECT_EQ(Contains(other.message, "or warning alert {no_renegotiation}"), "");
  VectorResult fatal_only = run(R"({"alert": ["close_notify"]})");
  EXPECT_EQ(fatal_only.verdict, Verdict::kFail);  // the answer is a warning, not a fatal alert
  // Written back as read.
  Scenario s = Parse(ServerVector("x", R"({"expect": {"alert": ["decode_error"],
      "or_warning": ["close_notify"]}})"));
  EXPECT_NE(SerializeScenarioJson(s).find(R"("or_warning": ["close_notify"])"),
            std::string::npos);
}

// or_alert: instead of the expected messages, a fatal alert from that set (then a close) is
// accepted and ends the vector; the steps after it are not played. Any other alert fails, and
// a target that sends the messages plays the rest as usual.
TEST(RunnerReference, OrAlertAcceptsARefusalAndEndsTheVector) {
  auto target = Reference();
  auto run = [&](const std::string& hello_set, const std::string& or_alert) {
    // A hello offering only an unknown suite: the reference refuses it with handshake_failure.
    std::string v = R"({"id": "a", "title": "t", "refs": ["RFC5246 7.4.1.3"],
        "target_role": "server",
        "peer": {"cipher_suites": ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]},
        "connections": [{"steps": [{"send": "ClientHello")" + hello_set + R"(},
          {"expect": {"messages": ["ServerHello", "Certificate", "ServerKeyExchange",
                                   "ServerHelloDone"], "or_alert": )" + or_alert + R"(}},
          {"send": "ClientKeyExchange"}, {"send": "ChangeCipherSpec"}, {"send": "Finished"},
          {"expect": ["ChangeCipherSpec", "Finished"]}]},
          {"steps": [{"send": "ClientHello"}, {"expect": ["HelloRequest"]}]}]})";
    return RunVector(Parse(v), *target, Options());
  };
  const std::string unknown_suite = R"(, "set": {"cipher_suites": ["0x1301"]})";
  VectorResult refused = run(unknown_suite, R"(["handshake_failure"])");
  EXPECT_EQ(refused.verdict, Verdict::kPass) << refused.rule << ": " << refused.message;
  bool noted = false;
  for (const TraceEntry& t : refused.trace) noted |= Contains(t.summary, "not played").empty();
  EXPECT_TRUE(noted) << "the trace says the rest was not played";
  VectorResult other = run(unknown_suite, R"(["decode_error"])");
  EXPECT_EQ(other.verdict, Verdict::kFail);
  EXPECT_EQ(Contains(other.message, "or fatal alert {decode_error}"), "");
  EXPECT_EQ(Contains(other.message, "handshake_failure"), "");
  // The messages sent: the first connection plays on, and the second is played (and fails,
  // proving it ran: the reference sends no HelloRequest).
  VectorResult played = run("", R"(["handshake_failure"])");
  EXPECT_EQ(played.verdict, Verdict::kFail);
  EXPECT_EQ(played.failed_connection, 1);
  // Written back as read; only a messages expectation takes it.
  Scenario s = Parse(ServerVector("x", R"({"expect": {"messages": ["ServerHello"],
      "or_alert": ["handshake_failure"]}})"));
  EXPECT_NE(SerializeScenarioJson(s).find(R"("or_alert": ["handshake_failure"])"),
            std::string::npos);
}

TEST(RunnerReference, FieldCheckFailsNamingTheField) {
  auto target = Reference();
  Scenario s = Parse(ServerVector("f", R"({"expect": {"messages": ["ServerHello"],
      "check": {"cipher_suite": "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"}}})"));
  VectorResult r = RunVector(s, *target, Options());
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_EQ(r.rule, kRuleExpectCheck);
  EXPECT_EQ(Contains(r.message, "cipher_suite is not 49200"), "");  // 0xc030, RFC 5289

  Scenario ok = Parse(ServerVector("g", R"({"expect": {"messages": ["ServerHello"],
      "check": {"cipher_suite": "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                "extensions.extended_master_secret": ""}}})"));
  VectorResult r2 = RunVector(ok, *target, Options());
  EXPECT_EQ(r2.verdict, Verdict::kPass) << r2.rule << ": " << r2.message;
}

TEST(RunnerReference, EarlyCcsDrawsUnexpectedMessage) {
  auto target = Reference();
  // RFC 5246 7.1, checklist 17.
  std::string steps = std::string(kFullFlight) + R"(, {"send": "ChangeCipherSpec"},)";
  VectorResult r = RunVector(
      Parse(ServerVector("e", steps + R"({"expect": {"alert": ["unexpected_message"]}})")),
      *target, Options());
  EXPECT_EQ(r.verdict, Verdict::kPass) << r.rule << ": " << r.message;

  VectorResult wrong = RunVector(
      Parse(ServerVector("e2", steps + R"({"expect": {"alert": ["decode_error"]}})")), *target,
      Options());
  EXPECT_EQ(wrong.verdict, Verdict::kFail);
  EXPECT_EQ(wrong.rule, kRuleExpectAlert);
  EXPECT_EQ(wrong.failed_step, 3);
  EXPECT_EQ(Contains(wrong.message, "unexpected_message"), "");
}

TEST(RunnerReference, UnexpectedSilenceIsNoAnswer) {
  auto target = Reference();
  // The server waits for ClientKeyExchange: nothing comes for an expectation here.
  Scenario s = Parse(ServerVector("n", std::string(kFullFlight) +
                                           R"(, {"expect": ["ChangeCipherSpec"]})"));
  VectorResult r = RunVector(s, *target, Options());
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_EQ(r.rule, kRuleNoAnswer);
  EXPECT_EQ(r.failed_step, 2);
}

// ---- Misbehaving targets ----

ReadResult Silent() { return ReadResult(); }

// Plays back canned reads; then `after` forever.
// ---- Oracle-only runs (fuzzing) ----

// A wrong expectation decides nothing when only the invariants judge; it still fails a normal
// run.
TEST(RunnerOracleOnly, ExpectationsDoNotJudge) {
  auto target = Reference();
  Scenario s = Parse(ServerVector("w", R"({"expect": ["ServerHello", "ServerHelloDone"]},
      {"send": "ClientKeyExchange"}, {"send": "ChangeCipherSpec"}, {"send": "Finished"},
      {"expect": {"alert": ["close_notify"], "level": "warning"}})"));
  RunOptions options = Options();
  EXPECT_EQ(RunVector(s, *target, options).verdict, Verdict::kFail);
  options.judge_expectations = false;
  VectorResult r = RunVector(s, *target, options);
  EXPECT_EQ(r.verdict, Verdict::kPass) << r.rule << ": " << r.message;
  // The target's whole flight still went through the peer: the handshake completed.
  bool agreed = false;
  for (const TraceEntry& t : r.trace) agreed = agreed || t.summary.rfind("both sides agree", 0) == 0;
  EXPECT_TRUE(agreed);
}

class FakeConnection final : public TargetConnection {
 public:
  FakeConnection(std::deque<ReadResult> reads, ReadResult after, bool instant,
                 std::optional<std::string> death)
      : reads_(std::move(reads)), after_(std::move(after)), instant_(instant),
        death_(std::move(death)) {}
  Status Write(ByteView) override {
    written_ = true;
    return Status::Ok();
  }
  ReadResult Read(Deadline) override {
    if (!written_) return Silent();  // a server speaks when spoken to
    if (reads_.empty()) return after_;
    ReadResult r = std::move(reads_.front());
    reads_.pop_front();
    return r;
  }
  void Close() override {}
  bool instant() const override { return instant_; }
  std::optional<std::string> Died() override { return death_; }

 private:
  std::deque<ReadResult> reads_;
  ReadResult after_;
  bool instant_;
  std::optional<std::string> death_;
  bool written_ = false;
};

ReadResult Data(const Bytes& b) {
  ReadResult r;
  r.kind = ReadResult::Kind::kData;
  r.data = b;
  return r;
}
ReadResult Eof() {
  ReadResult r;
  r.kind = ReadResult::Kind::kEof;
  return r;
}
enum class Misbehaviour { kGarbage, kCloseMidMessage, kFlood, kNeverAnswers, kCrash,
                          kDataAfterFatal };

// Misbehaves for vectors whose id starts with "bad-"; the reference engine otherwise.
class FakeTarget final : public Target {
 public:
  // `hangs` counts the vectors reported as hung; it outlives the target (the runner
  // destroys its targets when the run ends).
  FakeTarget(Misbehaviour m, int* hangs) : m_(m), hangs_(hangs), reference_(Reference()) {}

  Result<std::unique_ptr<TargetConnection>> Connect(const Scenario& s, size_t i) override {
    if (s.id.rfind("bad-", 0) != 0) return reference_->Connect(s, i);
    std::deque<ReadResult> reads;
    ReadResult after = Silent();
    std::optional<std::string> death;
    switch (m_) {
      case Misbehaviour::kGarbage: {
        std::string http = "HTTP/1.0 400 Bad Request\r\n\r\n";
        reads.push_back(Data(Bytes(http.begin(), http.end())));
        break;
      }
      case Misbehaviour::kCloseMidMessage:
        // A handshake record announcing 0x50 bytes, cut after 6 (RFC 5246 6.2.1 framing).
        reads.push_back(Data({0x16, 0x03, 0x03, 0x00, 0x50, 0x02}));
        after = Eof();
        break;
      case Misbehaviour::kFlood: {
        // A 16 KiB record that never ends within the byte budget of the test.
        Bytes header = {0x16, 0x03, 0x03, 0x40, 0x00};
        reads.push_back(Data(header));
        after = Data(Bytes(4096, 0));
        break;
      }
      case Misbehaviour::kNeverAnswers:
        break;
      case Misbehaviour::kCrash:
        after = Eof();
        death = "target died: killed by signal 11 (Segmentation fault)";
        break;
      case Misbehaviour::kDataAfterFatal:
        // Two fatal handshake_failure alerts (RFC 5246 7.2.2: nothing after the first).
        reads.push_back(Data({0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28, 0x15, 0x03, 0x03, 0x00,
                              0x02, 0x02, 0x28}));
        break;
    }
    return std::unique_ptr<TargetConnection>(
        new FakeConnection(std::move(reads), after, false, death));
  }
  std::optional<std::string> AfterVector(bool hung, bool) override {
    if (hung) ++*hangs_;
    return std::nullopt;
  }
  std::string describe() const override { return "fake"; }

 private:
  Misbehaviour m_;
  int* hangs_;
  std::unique_ptr<Target> reference_;
};

struct MisbehaviourCase {
  Misbehaviour m;
  std::string rule;
  std::string message_part;
};

std::string CaseName(const ::testing::TestParamInfo<MisbehaviourCase>& info) {
  static const char* const kNames[] = {"Garbage", "CloseMidMessage", "Flood",
                                       "NeverAnswers", "Crash", "DataAfterFatal"};
  return kNames[static_cast<int>(info.param.m)];
}

// The peer's invariants reach reports under their published names.
TEST(Runner, InvariantRuleNamesArePublishedSpellings) {
  EXPECT_EQ(InvariantRule(ViolationRule::kAfterFatalAlert), "invariant: after fatal alert");
  EXPECT_EQ(InvariantRule(ViolationRule::kFinishedVerifyData), "invariant: finished: verify_data");
  EXPECT_EQ(InvariantRule(ViolationRule::kAcceptedTamperedCertificateVerify),
            "invariant: accepted: tampered CertificateVerify");
}

class RunnerMisbehaviour : public ::testing::TestWithParam<MisbehaviourCase> {};

TEST_P(RunnerMisbehaviour, FailsTheVectorWithAClearRuleAndTheRunContinues) {
  const MisbehaviourCase& c = GetParam();
  std::vector<Scenario> scenarios = {
      Parse(ServerVector("bad-1", R"({"expect": {"alert": ["handshake_failure"]}})")),
      Parse(FullHandshake("good-2")),
  };
  RunOptions options = Options();
  options.timeout_ms = 100;
  options.max_received_bytes = 8000;
  int hangs = 0;
  std::vector<std::string> order;
  RunResult run = RunScenarios(
      scenarios,
      [&](int) -> Result<std::unique_ptr<Target>> {
        return std::unique_ptr<Target>(std::make_unique<FakeTarget>(c.m, &hangs));
      },
      options, [&](const VectorResult& v) { order.push_back(v.id); });
  ASSERT_EQ(run.vectors.size(), 2u);
  const VectorResult& bad = run.vectors[0];
  EXPECT_EQ(bad.verdict, Verdict::kFail);
  EXPECT_EQ(bad.rule, c.rule) << bad.message;
  EXPECT_EQ(bad.failed_step, 1);
  EXPECT_EQ(Contains(bad.message, c.message_part), "");
  EXPECT_EQ(run.vectors[1].verdict, Verdict::kPass) << run.vectors[1].message;
  EXPECT_EQ(order, (std::vector<std::string>{"bad-1", "good-2"}));
  EXPECT_EQ(hangs, c.m == Misbehaviour::kNeverAnswers ? 1 : 0);
}

// A vector whose premise the target does not meet is not applicable: not run, not failed.
TEST(RunnerPremise, VersionsTheTargetDoesNotEnableMakeTheVectorNotApplicable) {
  std::string json = FullHandshake("needs-tls11");
  json.insert(json.find("\"steps\""), R"("target": {"versions": ["TLSv1.1", "TLSv1.2"]}, )");
  Scenario s = Parse(json);
  std::unique_ptr<Target> target = Reference();
  RunOptions options = Options();
  VectorResult r = RunVector(s, *target, options);
  EXPECT_EQ(r.verdict, Verdict::kNotApplicable);
  EXPECT_EQ(r.rule, kRulePremise);
  EXPECT_EQ(Contains(r.message, "TLSv1.1+TLSv1.2"), "");
  // A target that says it enables them runs it (the reference cannot do TLS 1.1, so the
  // handshake still completes in TLS 1.2: the point is that it ran).
  options.target_versions = {0x0302, 0x0303};
  EXPECT_EQ(RunVector(s, *target, options).verdict, Verdict::kPass);
  // The invariants hold whatever the premise: an invariants-only run goes on.
  options.target_versions = {0x0303};
  options.judge_expectations = false;
  EXPECT_EQ(RunVector(s, *target, options).verdict, Verdict::kPass);
}

// The peer closes its side mid-handshake: the reference target ends the connection without
// an alert, and claims no completed handshake (checked by the completion oracle).
TEST(RunnerClose, PeerCloseMidHandshakeEndsTheConnection) {
  Scenario s = Parse(ServerVector("close-mid", std::string(kFullFlight) + R"(,
      {"send": "Close"}, {"expect": "close"})"));
  std::unique_ptr<Target> target = Reference();
  VectorResult r = RunVector(s, *target, Options());
  EXPECT_EQ(r.verdict, Verdict::kPass) << r.rule << ": " << r.message;
  EXPECT_EQ(r.response, "close");
  bool traced = false;
  for (const TraceEntry& t : r.trace) traced = traced || t.summary.rfind("close (the peer", 0) == 0;
  EXPECT_TRUE(traced);
  // Close takes no deviation, and cannot be expected.
  EXPECT_FALSE(ParseScenarioJson(ServerVector("x", R"({"send": "Close", "repeat": 2})"),
                                 "vectors/conformance/test/x.json")
                   .ok());
  EXPECT_FALSE(ParseScenarioJson(ServerVector("x", R"({"expect": ["Close"]})"),
                                 "vectors/conformance/test/x.json")
                   .ok());
}

// Answers the first step with nothing, then sends `late` (over a network, so a drain waits).
class LateTarget final : public Target {
 public:
  explicit LateTarget(Bytes late) : late_(std::move(late)) {}
  Result<std::unique_ptr<TargetConnection>> Connect(const Scenario&, size_t) override {
    return std::unique_ptr<TargetConnection>(
        new FakeConnection({Silent(), Data(late_)}, Eof(), false, std::nullopt));
  }
  std::string describe() const override { return "late"; }

 private:
  Bytes late_;
};

// Nothing after the last step goes unchecked: the runner drains the target and a fatal alert
// there fails the vector even though the last step was an expectation that held.
TEST(RunnerDrain, FatalAlertAfterTheLastStepFails) {
  Scenario s = Parse(ServerVector("late", R"({"expect": {"silence_ms": 1}})"));
  RunOptions options = Options();
  options.timeout_ms = 100;
  LateTarget fatal({0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28});  // fatal handshake_failure
  VectorResult r = RunVector(s, fatal, options);
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_EQ(r.rule, kRuleExpectAlert);
  EXPECT_EQ(Contains(r.message, "sent after the last step"), "");
  EXPECT_EQ(r.failed_step, 1);

  // A warning is no refusal: noted, not failed.
  LateTarget warning({0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x64});  // warning no_renegotiation
  r = RunVector(s, warning, options);
  EXPECT_EQ(r.verdict, Verdict::kPass) << r.rule << ": " << r.message;
  bool noted = false;
  for (const TraceEntry& t : r.trace) {
    noted = noted || t.summary.rfind("not examined by any step", 0) == 0;
  }
  EXPECT_TRUE(noted);
}

// The reference configured with `actual` instead of the vector's target block, and showing
// no view of its own, as a network target started with another profile would.
class MisconfiguredTarget final : public Target {
 public:
  explicit MisconfiguredTarget(TargetConfig actual) : actual_(std::move(actual)) {}
  Result<std::unique_ptr<TargetConnection>> Connect(const Scenario& scenario,
                                                    size_t index) override {
    Scenario configured = scenario;
    configured.target = actual_;
    SD_ASSIGN_OR_RETURN(std::unique_ptr<TargetConnection> inner,
                        reference_->Connect(configured, index));
    return std::unique_ptr<TargetConnection>(new Opaque(std::move(inner)));
  }
  std::string describe() const override { return "misconfigured"; }

 private:
  class Opaque final : public TargetConnection {
   public:
    explicit Opaque(std::unique_ptr<TargetConnection> inner) : inner_(std::move(inner)) {}
    Status Write(ByteView data) override { return inner_->Write(data); }
    ReadResult Read(Deadline deadline) override { return inner_->Read(deadline); }
    void Close() override { inner_->Close(); }
    bool instant() const override { return inner_->instant(); }
    // negotiated(): none, as over TCP.
   private:
    std::unique_ptr<TargetConnection> inner_;
  };
  TargetConfig actual_;
  std::unique_ptr<Target> reference_ = Reference();
};

// Agreement for network targets: what the peer saw negotiated must be something the vector's
// target block allows; a target started with another profile is an error of the run.
TEST(RunnerProfile, ANetworkTargetOutsideTheTargetBlockIsAnErrorOfTheRun) {
  Scenario s = Parse(R"({"id": "p", "title": "t", "refs": ["RFC5246 7.3"],
      "target_role": "server",
      "peer": {"cipher_suites": ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                                 "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"]},
      "target": {"cipher_suites": ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]},
      "steps": [{"send": "ClientHello"},
        {"expect": ["ServerHello", "Certificate", "ServerKeyExchange", "ServerHelloDone"]},
        {"send": "ClientKeyExchange"}, {"send": "ChangeCipherSpec"}, {"send": "Finished"},
        {"expect": ["ChangeCipherSpec", "Finished"]}]})");
  TargetConfig as_told = s.target;
  MisconfiguredTarget right(as_told);
  VectorResult ok = RunVector(s, right, Options());
  EXPECT_EQ(ok.verdict, Verdict::kPass) << ok.rule << ": " << ok.message;

  TargetConfig other = s.target;
  other.cipher_suites = {0xc030};  // TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
  MisconfiguredTarget wrong(other);
  VectorResult r = RunVector(s, wrong, Options());
  EXPECT_EQ(r.verdict, Verdict::kError);
  EXPECT_EQ(r.rule, kRuleProfile);
  EXPECT_EQ(Contains(r.message, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, a suite the vector's "
                                "target block does not enable"),
            "");

  TargetConfig no_ems_block = s.target;
  no_ems_block.extended_master_secret = EmsPolicy::kDisabled;
  s.target = no_ems_block;
  MisconfiguredTarget ems(as_told);  // started with EMS enabled
  r = RunVector(s, ems, Options());
  EXPECT_EQ(r.verdict, Verdict::kError);
  EXPECT_EQ(Contains(r.message, "extended master secret, which the vector's target block "
                                "disables"),
            "");
}

std::string InFamily(std::string vector_json, const std::string& family) {
  return vector_json.insert(1, "\"equivalence\": \"" + family + "\", ");
}

// A family passes when its members got the same response, and fails naming who got what
// when they did not: the row a Bleichenbacher oracle shows up in.
TEST(RunnerEquivalence, AFamilyRowComparesTheMembersResponses) {
  std::vector<Scenario> alike = {Parse(InFamily(FullHandshake("good-1"), "fam")),
                                 Parse(InFamily(FullHandshake("good-2"), "fam"))};
  int hangs = 0;
  auto factory = [&](int) -> Result<std::unique_ptr<Target>> {
    return std::unique_ptr<Target>(
        std::make_unique<FakeTarget>(Misbehaviour::kDataAfterFatal, &hangs));
  };
  RunOptions options = Options();
  options.timeout_ms = 100;
  std::vector<std::string> streamed;
  RunResult run = RunScenarios(alike, factory, options,
                               [&](const VectorResult& v) { streamed.push_back(v.id); });
  ASSERT_EQ(run.vectors.size(), 3u);
  EXPECT_EQ(run.vectors[2].id, "equivalence.fam");
  EXPECT_EQ(run.vectors[2].verdict, Verdict::kPass) << run.vectors[2].message;
  EXPECT_EQ(run.vectors[0].response, "ChangeCipherSpec");
  EXPECT_EQ(streamed.back(), "equivalence.fam");  // reported like any other row

  std::vector<Scenario> apart = {Parse(InFamily(ServerVector("bad-1", kFullFlight), "fam")),
                                 Parse(InFamily(ServerVector("good-2", kFullFlight), "fam"))};
  run = RunScenarios(apart, factory, options);
  ASSERT_EQ(run.vectors.size(), 3u);
  const VectorResult& family = run.vectors[2];
  EXPECT_EQ(family.verdict, Verdict::kFail);
  EXPECT_EQ(family.rule, kRuleEquivalence);
  EXPECT_EQ(Contains(family.message, "Alert(fatal, handshake_failure)"), "");
  EXPECT_EQ(Contains(family.message, "ServerHello: good-2"), "");

  // A family of one (a profile left the others out) compares nothing: not a pass.
  run = RunScenarios({alike[0]}, factory, options);
  EXPECT_EQ(run.vectors.back().verdict, Verdict::kNotApplicable);
}

// The invariants still judge an oracle-only run: anything after a fatal alert, a death. An external
// target runs one profile per command line: a family split across profiles would be compared
// piecemeal, each piece against another configuration.
TEST(RunnerEquivalence, EveryFamilyOfTheSuiteSharesOneRoleAndTargetBlock) {
  TreeLoad load = LoadScenarioTree({"vectors/conformance"});
  ASSERT_EQ(load.failed(), 0u);
  std::map<std::string, std::pair<std::string, std::string>> first;  // family -> (id, key)
  for (const LoadedVector& v : load.vectors) {
    const Scenario& s = *v.scenario;
    if (s.equivalence.empty()) continue;
    const TargetConfig& t = s.target;
    std::string key = std::string(s.role == Side::kServer ? "server " : "client ") +
                      std::string(ConfigName(t.certificate)) + " " +
                      std::string(ConfigName(t.client_auth)) + " " +
                      std::string(ConfigName(t.extended_master_secret)) +
                      (t.session_tickets ? " tickets" : "");
    for (uint16_t suite : t.cipher_suites) key += " " + std::to_string(suite);
    for (NamedGroup g : t.groups) key += " g" + std::to_string(static_cast<uint16_t>(g));
    for (uint16_t version : t.versions) key += " v" + std::to_string(version);
    auto [it, inserted] = first.emplace(s.equivalence, std::make_pair(s.id, key));
    EXPECT_EQ(key, it->second.second) << s.id << " and " << it->second.first << " of family "
                                      << s.equivalence << " need different targets";
  }
  EXPECT_FALSE(first.empty());
}

TEST(RunnerOracleOnly, InvariantsStillFail) {
  for (Misbehaviour m : {Misbehaviour::kDataAfterFatal, Misbehaviour::kCrash,
                         Misbehaviour::kGarbage}) {
    int hangs = 0;
    FakeTarget target(m, &hangs);
    RunOptions options = Options();
    options.timeout_ms = 100;
    options.judge_expectations = false;
    Scenario s = Parse(ServerVector("bad-1", R"({"expect": ["ServerHello"]})"));
    VectorResult r = RunVector(s, target, options);
    EXPECT_EQ(r.verdict, Verdict::kFail) << static_cast<int>(m);
    EXPECT_NE(r.rule.find(m == Misbehaviour::kCrash ? "died" : m == Misbehaviour::kGarbage
                                                                   ? "undecodable"
                                                                   : "after fatal alert"),
              std::string::npos)
        << r.rule;
  }
}

// A vector's "judge": "invariants" (a regression exported from a fuzz finding) is judged as an
// oracle-only run even in a normal run, and says so in its trace.
std::string JudgedByInvariants(std::string vector_json) {
  return vector_json.insert(1, R"("judge": "invariants", )");
}

constexpr char kWrongExpectations[] = R"({"expect": ["ServerHello", "ServerHelloDone"]},
      {"send": "ClientKeyExchange"}, {"send": "ChangeCipherSpec"}, {"send": "Finished"},
      {"expect": {"alert": ["close_notify"], "level": "warning"}})";

TEST(RunnerJudge, InvariantsJudgedVectorWithWrongExpectationsPassesAgainstTheReference) {
  auto target = Reference();
  Scenario plain = Parse(ServerVector("w", kWrongExpectations));
  ASSERT_EQ(plain.judge, JudgedBy::kExpectations);
  VectorResult strict = RunVector(plain, *target, Options());
  EXPECT_EQ(strict.verdict, Verdict::kFail);
  EXPECT_EQ(strict.rule, kRuleExpectMessages);

  Scenario judged = Parse(JudgedByInvariants(ServerVector("w", kWrongExpectations)));
  ASSERT_EQ(judged.judge, JudgedBy::kInvariants);
  VectorResult r = RunVector(judged, *target, Options());
  EXPECT_EQ(r.verdict, Verdict::kPass) << r.rule << ": " << r.message;
  ASSERT_FALSE(r.trace.empty());
  EXPECT_EQ(r.trace.front().kind, TraceEntry::Kind::kNote);
  EXPECT_EQ(Contains(r.trace.front().summary, "judged by the invariants alone (the vector says"),
            "");
  bool agreed = false;
  for (const TraceEntry& t : r.trace) agreed |= t.summary.rfind("both sides agree", 0) == 0;
  EXPECT_TRUE(agreed) << "the handshake still ran to the end through the peer";
  // A vector judged by its expectations carries no such note.
  VectorResult full = RunVector(Parse(FullHandshake("f")), *target, Options());
  for (const TraceEntry& t : full.trace) EXPECT_EQ(t.summary.find("judged by"), std::string::npos);
}

TEST(RunnerJudge, InvariantsJudgedVectorEndsWhenTheTargetClosedBeforeAMessageCanBeBuilt) {
  // The target waits for the rest of the truncated ClientHello: the ClientKeyExchange, which
  // needs the server's key share, cannot be built. Judged by invariants that ends the vector
  // (what the target did is judged); judged by expectations the expect step fails first.
  const std::string vector = R"({"id": "closed", "title": "t", "refs": ["RFC5246 7.3"],
    "target_role": "server",
    "peer": {"cipher_suites": ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]},
    "steps": [{"send": "ClientHello", "corrupt": {"truncate": 10}},
      {"expect": ["ServerHello", "Certificate", "ServerKeyExchange", "ServerHelloDone"]},
      {"send": "ClientKeyExchange"}, {"send": "ChangeCipherSpec"}, {"send": "Finished"},
      {"expect": ["ChangeCipherSpec", "Finished"]}]})";
  auto target = Reference();
  VectorResult judged = RunVector(Parse(JudgedByInvariants(vector)), *target, Options());
  EXPECT_EQ(judged.verdict, Verdict::kPass) << judged.rule << ": " << judged.message;
  bool noted = false;
  for (const TraceEntry& t : judged.trace) {
    noted |= t.summary.find("; send ClientKeyExchange cannot be built (") != std::string::npos;
  }
  EXPECT_TRUE(noted);
  VectorResult strict = RunVector(Parse(vector), *target, Options());
  EXPECT_EQ(strict.verdict, Verdict::kFail);
}

TEST(RunnerJudge, AMessageHeldForCoalescingKeepsAnUnbuildableSendAnError) {
  // The Certificate waits to be coalesced with the ClientKeyExchange, which cannot be built
  // (no server flight yet): the Certificate never reached the target, so nothing the target
  // did can be judged against it; the vector cannot be played (a library fuzzer's false alarm).
  const std::string vector = R"({"id": "held", "title": "t", "refs": ["RFC5246 7.3"],
    "target_role": "server",
    "peer": {"cipher_suites": ["TLS_RSA_WITH_AES_128_GCM_SHA256"]},
    "steps": [{"send": "Certificate", "coalesce": true}, {"send": "ClientKeyExchange"},
      {"expect": {"alert": ["unexpected_message"]}}]})";
  auto target = Reference();
  VectorResult r = RunVector(Parse(JudgedByInvariants(vector)), *target, Options());
  EXPECT_EQ(r.verdict, Verdict::kError) << r.rule << ": " << r.message;
  EXPECT_EQ(r.rule, kRuleVector);
}

TEST(RunnerJudge, InvariantsJudgedVectorStillFailsWhenAnInvariantBreaks) {
  for (Misbehaviour m : {Misbehaviour::kDataAfterFatal, Misbehaviour::kCrash}) {
    int hangs = 0;
    FakeTarget target(m, &hangs);
    RunOptions options = Options();
    options.timeout_ms = 100;
    // Judged by this expectation, the data-after-fatal target would fail "expect: messages".
    Scenario s =
        Parse(JudgedByInvariants(ServerVector("bad-1", R"({"expect": ["ServerHelloDone"]})")));
    VectorResult r = RunVector(s, target, options);
    EXPECT_EQ(r.verdict, Verdict::kFail) << static_cast<int>(m);
    EXPECT_EQ(r.rule, m == Misbehaviour::kCrash ? std::string(kRuleDied)
                                                : InvariantRule(ViolationRule::kAfterFatalAlert))
        << r.message;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, RunnerMisbehaviour,
    ::testing::Values(
        MisbehaviourCase{Misbehaviour::kGarbage, kRuleUndecodable, "record layer"},
        MisbehaviourCase{Misbehaviour::kCloseMidMessage, kRuleExpectAlert,
                         "in the middle of a message (6 bytes"},
        MisbehaviourCase{Misbehaviour::kFlood, kRuleFlood, "more than 8000 bytes"},
        MisbehaviourCase{Misbehaviour::kNeverAnswers, kRuleNoAnswer, "no answer within 100 ms"},
        MisbehaviourCase{Misbehaviour::kCrash, kRuleDied, "signal 11"},
        MisbehaviourCase{Misbehaviour::kDataAfterFatal, "invariant: after fatal alert",
                         "after its fatal alert"}),
    CaseName);

TEST(RunnerRunAll, LoadErrorsAreCountedNotDropped) {
  Result<std::string> dir = MakeTempDir("runner-test");
  ASSERT_TRUE(dir.ok());
  std::ofstream(*dir + "/a-good.json") << FullHandshake("good");
  std::ofstream(*dir + "/b-bad.json") << R"({"id": "bad", "title": "t", "refs": [],)";
  TreeLoad load = LoadScenarioTree({*dir});
  ASSERT_EQ(load.vectors.size(), 2u);
  RunResult run = RunAll(load, [](int) { return MakeTarget(TargetSpec(), Resources()); },
                         Options());
  RemoveTree(*dir);
  ASSERT_EQ(run.vectors.size(), 2u);
  EXPECT_EQ(run.vectors[0].verdict, Verdict::kPass) << run.vectors[0].message;
  EXPECT_EQ(run.vectors[1].verdict, Verdict::kError);
  EXPECT_EQ(run.vectors[1].rule, kRuleLoad);
  EXPECT_EQ(Contains(run.vectors[1].message, "b-bad.json"), "");
  EXPECT_EQ(run.Count(Verdict::kError), 1);
  EXPECT_EQ(run.target, "reference");
}

TEST(RunnerRunAll, TwoJobsGiveTheSameResultsAsOne) {
  TreeLoad load = LoadScenarioTree({"vectors/conformance"});
  ASSERT_GE(load.vectors.size(), 5u);
  ASSERT_EQ(load.failed(), 0u);
  auto factory = [](int) { return MakeTarget(TargetSpec(), Resources()); };
  RunOptions one = Options();
  RunOptions two = Options();
  two.jobs = 2;
  RunResult a = RunAll(load, factory, one);
  std::vector<std::string> streamed;
  RunResult b = RunAll(load, factory, two, [&](const VectorResult& v) { streamed.push_back(v.id); });
  ASSERT_EQ(a.vectors.size(), b.vectors.size());
  for (size_t i = 0; i < a.vectors.size(); ++i) {
    const VectorResult& x = a.vectors[i];
    const VectorResult& y = b.vectors[i];
    EXPECT_EQ(x.id, y.id);
    EXPECT_EQ(y.id, streamed[i]);
    // Every vector passes against the reference, but for those whose premise it does not meet.
    EXPECT_TRUE(x.verdict == Verdict::kPass || (x.verdict == Verdict::kNotApplicable &&
                                                 x.rule == kRulePremise))
        << x.id << ": " << x.rule << ": " << x.message;
    EXPECT_EQ(x.verdict, y.verdict);
    EXPECT_EQ(x.rule, y.rule);
    ASSERT_EQ(x.trace.size(), y.trace.size()) << x.id;
    for (size_t t = 0; t < x.trace.size(); ++t) {
      EXPECT_EQ(x.trace[t].summary, y.trace[t].summary);
      EXPECT_EQ(x.trace[t].hex, y.trace[t].hex);  // the seed fixes every byte
    }
  }
}

// ---- Specs ----

TEST(TargetSpec, Parses) {
  Result<TargetSpec> r = ParseTargetSpec("reference");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->kind, TargetSpec::Kind::kReference);
  r = ParseTargetSpec("tcp:127.0.0.1:4433");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->kind, TargetSpec::Kind::kTcp);
  EXPECT_EQ(r->host, "127.0.0.1");
  EXPECT_EQ(r->port, 4433);
  EXPECT_EQ(r->ToString(), "tcp:127.0.0.1:4433");
  r = ParseTargetSpec("tcp:[::1]:443");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->host, "::1");
  EXPECT_EQ(r->ToString(), "tcp:[::1]:443");
  r = ParseTargetSpec("exec:openssl s_server -accept {port} -cert {cert} -key {key}");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->kind, TargetSpec::Kind::kExec);
  EXPECT_EQ(r->command, "openssl s_server -accept {port} -cert {cert} -key {key}");
}

TEST(TargetSpec, RejectsBadSpecsWithTheReason) {
  for (const char* bad : {"", "refrence", "tcp:", "tcp:host", "tcp:host:0", "tcp:host:99999",
                          "exec:", "exec:openssl s_server", "exec:x {port} {nope}"}) {
    Result<TargetSpec> r = ParseTargetSpec(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(Contains(r.status().message(), "bad target"), "");
    }
  }
  EXPECT_EQ(Contains(ParseTargetSpec("exec:x").status().message(), "{port}"), "");
}

TEST(TargetSpec, ExpandsPlaceholders) {
  PemFiles pem;
  pem.cert = "/p/c.pem";
  pem.key = "/p/k.pem";
  pem.ca = "/p/ca.pem";
  Result<std::string> s = ExpandCommand("srv -p {port} -c {cert} -k {key} -a {ca} ${HOME}", 4433, pem);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(*s, "srv -p 4433 -c /p/c.pem -k /p/k.pem -a /p/ca.pem ${HOME}");
  EXPECT_FALSE(ExpandCommand("srv {prot}", 1, pem).ok());
  pem.ecdsa_client_cert = "/p/ec.pem";
  pem.ecdsa_client_key = "/p/ek.pem";
  Result<std::string> client =
      ExpandCommand("cli {ecdsa_client_cert} {ecdsa_client_key} -s {session}", 1, pem, "/p/s");
  ASSERT_TRUE(client.ok()) << client.status().message();
  EXPECT_EQ(*client, "cli /p/ec.pem /p/ek.pem -s /p/s");
}

TEST(TargetSpec, LastLines) {
  EXPECT_EQ(LastLines("a\nb\nc\nd\n", 2), "c\nd");
  EXPECT_EQ(LastLines("only", 3), "only");
  EXPECT_EQ(LastLines("", 3), "");
}

// ---- Exec target with a command that is not TLS at all ----

TEST(ExecTarget, CrashingServerFailsTheVectorAndIsRestarted) {
  if (!FindExecutable("python3")) GTEST_SKIP() << "python3 not installed";
  Result<std::string> dir = MakeTempDir("runner-exec");
  ASSERT_TRUE(dir.ok());
  TargetResources res = Resources();
  Result<PemFiles> pem = WritePkiPem(*Pki(), *dir);
  ASSERT_TRUE(pem.ok()) << pem.status().message();
  res.pem = *pem;
  // Accepts one connection, reads, then dies of SIGSEGV (a crash during the vector).
  std::string script =
      "import socket,os,signal;s=socket.socket();"
      "s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1);"
      "s.bind(('127.0.0.1',{port}));s.listen(5);c,_=s.accept();c.recv(100);"
      "os.write(2,b'segfault in parse_client_hello\\n');os.kill(os.getpid(),signal.SIGSEGV)";
  Result<TargetSpec> spec = ParseTargetSpec("exec:python3 -c \"" + script + "\"");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  std::vector<Scenario> scenarios = {Parse(FullHandshake("x1")), Parse(FullHandshake("x2"))};
  RunOptions options = Options();
  options.timeout_ms = 2000;
  RunResult run = RunScenarios(scenarios, [&](int) { return MakeTarget(*spec, res); }, options);
  RemoveTree(*dir);
  ASSERT_EQ(run.vectors.size(), 2u);
  for (const VectorResult& v : run.vectors) {
    EXPECT_EQ(v.verdict, Verdict::kFail) << v.id;
    EXPECT_EQ(v.rule, kRuleDied) << v.id << ": " << v.message;
    EXPECT_EQ(Contains(v.message, "signal 11"), "");
    EXPECT_EQ(Contains(v.message, "segfault in parse_client_hello"), "");
  }
}

}  // namespace
}  // namespace shakedown
