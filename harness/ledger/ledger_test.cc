#include "harness/ledger/ledger.h"

#include <gtest/gtest.h>

namespace shakedown {
namespace {

constexpr char kLedger[] = R"({
  "library": "examplelib", "version": "1.2",
  "entries": [
    {"id": "server.a.fails", "rule": "expect: alert", "observed": "answered with handshake_failure",
     "rfc": "RFC 5246 7.4.1.2: \"...\"", "reviewed": true, "confirmed_by_replay": true},
    {"id": "server.b.fixed", "rule": "expect: alert", "observed": "accepted",
     "rfc": "RFC 5246 7.2.2", "reviewed": true, "confirmed_by_replay": false},
    {"id": "server.c.changed", "rule": "expect: alert", "observed": "x",
     "rfc": "RFC 5246 7.3", "reviewed": true, "confirmed_by_replay": true},
    {"id": "server.d.gone", "rule": "expect: alert", "observed": "y",
     "rfc": "RFC 5246 7.4", "reviewed": true, "confirmed_by_replay": true},
    {"id": "server.e.filtered", "rule": "expect: alert", "observed": "z",
     "rfc": "RFC 5246 7.4", "reviewed": true, "confirmed_by_replay": true}
  ]})";

VectorResult Outcome(const std::string& id, Verdict verdict, const std::string& rule = "") {
  VectorResult r;
  r.id = id;
  r.verdict = verdict;
  r.rule = rule;
  r.message = "observed";
  return r;
}

TEST(Ledger, ParsesAndRoundTrips) {
  Result<Ledger> l = ParseLedger(kLedger, "x.json");
  ASSERT_TRUE(l.ok()) << l.status().message();
  EXPECT_EQ(l->library, "examplelib");
  EXPECT_EQ(l->version, "1.2");
  ASSERT_EQ(l->entries.size(), 5u);
  EXPECT_TRUE(l->entries[0].confirmed_by_replay);
  EXPECT_FALSE(l->entries[1].confirmed_by_replay);
  Result<Ledger> again = ParseLedger(LedgerJson(*l), "y.json");
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(LedgerJson(*again), LedgerJson(*l));
}

TEST(Ledger, ErrorsNameFileFieldAndReason) {
  struct Case {
    const char* text;
    const char* says;
  };
  const Case cases[] = {
      {"[", "f.json: not valid JSON"},
      {"[]", "f.json: (top)"},
      {R"({"library": "l", "entries": []})", "f.json: version: required"},
      {R"({"library": "l", "version": "1.0"})", "f.json: entries: required"},
      {R"({"library": "l", "version": "1.0", "entries": [], "extra": 1})", "f.json: extra: unknown"},
      {R"({"library": "l", "version": "1.0", "entries": [{"id": "a"}]})",
       "f.json: entries[0].rule: required"},
      {R"({"library": "l", "version": "1.0", "entries": [{"id": "a", "rule": "r", "observed": "o",
          "rfc": "x", "reviewed": "yes", "confirmed_by_replay": true}]})",
       "f.json: entries[0].reviewed: required, true or false"},
      {R"({"library": "l", "version": "1.0", "entries": [
          {"id": "a", "rule": "r", "observed": "o", "rfc": "x", "reviewed": true, "confirmed_by_replay": true},
          {"id": "a", "rule": "r", "observed": "o", "rfc": "x", "reviewed": true, "confirmed_by_replay": true}]})",
       "f.json: entries[1].id: \"a\" is listed twice"},
      {R"({"library": "l", "version": "1.0", "entries": [{"id": "a", "rule": "r", "observed": "o",
          "rfc": "x", "reviewed": true, "confirmed_by_replay": true, "typo": 1}]})",
       "f.json: entries[0].typo: unknown key"},
  };
  for (const Case& c : cases) {
    Result<Ledger> l = ParseLedger(c.text, "f.json");
    ASSERT_FALSE(l.ok()) << c.text;
    EXPECT_NE(l.status().message().find(c.says), std::string::npos)
        << l.status().message() << " lacks " << c.says;
  }
}

TEST(Ledger, ExpectedFailureUnexpectedPassChangedStaleAndNotRun) {
  Result<Ledger> l = ParseLedger(kLedger, "x.json");
  ASSERT_TRUE(l.ok());
  RunResult run;
  run.vectors.push_back(Outcome("server.a.fails", Verdict::kFail, "expect: alert"));
  run.vectors.push_back(Outcome("server.b.fixed", Verdict::kPass));
  run.vectors.push_back(Outcome("server.c.changed", Verdict::kFail, "invariant: both sides agree"));
  run.vectors.push_back(Outcome("server.unlisted", Verdict::kFail, "expect: alert"));
  auto exists = [](const std::string& id) { return id == "server.e.filtered"; };
  LedgerSummary s = ApplyLedger(*l, exists, &run);
  EXPECT_EQ(s.expected_failures, 1);
  EXPECT_EQ(s.unexpected_passes, 1);
  EXPECT_EQ(s.changed, 1);
  EXPECT_EQ(s.stale, 1);
  EXPECT_EQ(s.not_run, 1);

  EXPECT_EQ(run.vectors[0].verdict, Verdict::kExpectedFailure);
  EXPECT_NE(run.vectors[0].ledger.find("RFC 5246 7.4.1.2"), std::string::npos);
  EXPECT_EQ(run.vectors[1].verdict, Verdict::kFail);
  EXPECT_EQ(run.vectors[1].rule, kRuleUnexpectedPass);
  EXPECT_EQ(run.vectors[2].verdict, Verdict::kFail);
  EXPECT_EQ(run.vectors[2].rule, kRuleLedgerChanged);
  EXPECT_NE(run.vectors[2].message.find("invariant: both sides agree"), std::string::npos);
  EXPECT_EQ(run.vectors[3].verdict, Verdict::kFail);  // not in the ledger: a real failure
  ASSERT_EQ(run.vectors.size(), 5u);
  EXPECT_EQ(run.vectors[4].id, "server.d.gone");
  EXPECT_EQ(run.vectors[4].verdict, Verdict::kFail);
  EXPECT_EQ(run.vectors[4].rule, kRuleStaleEntry);
  EXPECT_EQ(run.Count(Verdict::kFail), 4);
}

TEST(Ledger, FromRunListsFailuresUnreviewed) {
  RunResult run;
  run.vectors.push_back(Outcome("server.a", Verdict::kFail, "expect: alert"));
  run.vectors.back().refs = {"RFC5246 7.4.1.2", "checklist:3"};
  run.vectors.back().message = "first line\nsecond";
  run.vectors.push_back(Outcome("server.b", Verdict::kPass));
  run.vectors.push_back(Outcome("server.c", Verdict::kError, "target: connect"));
  Ledger l = LedgerFromRun(run, "lib", "1.2", [](const std::string& id) { return true; });
  ASSERT_EQ(l.entries.size(), 1u);
  EXPECT_EQ(l.entries[0].id, "server.a");
  EXPECT_EQ(l.entries[0].rule, "expect: alert");
  EXPECT_EQ(l.entries[0].observed, "first line");
  EXPECT_FALSE(l.entries[0].reviewed);
  EXPECT_TRUE(l.entries[0].confirmed_by_replay);
  EXPECT_NE(l.entries[0].rfc.find("RFC5246 7.4.1.2; checklist:3"), std::string::npos);
}

TEST(Ledger, MajorMinorAndFileName) {
  EXPECT_EQ(MajorMinor("OpenSSL 3.0.19 27 Jan 2026"), "3.0");
  EXPECT_EQ(MajorMinor("GnuTLS 3.7.9"), "3.7");
  EXPECT_EQ(MajorMinor("Botan 2.19.3 (release)"), "2.19");
  EXPECT_EQ(MajorMinor("mbed TLS 2.28.3"), "2.28");
  EXPECT_EQ(MajorMinor("no version"), "");
  EXPECT_EQ(LedgerFileName("openssl", "3.0"), "openssl-3.0.json");
}

}  // namespace
}  // namespace shakedown
