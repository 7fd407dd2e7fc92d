#include "tools/coverage/mutant_evidence.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "harness/scenario/loader.h"

namespace shakedown {
namespace {

// The committed evidence is current and COVERAGE's citations of the violated rows are honest.
TEST(CoverageHonesty, EveryViolatedRowHasACitingVectorThatFailsOnTheBug) {
  Result<MutantData> data = ReadMutantData("bench/mutants");
  ASSERT_TRUE(data.ok()) << data.status().message();
  const std::vector<MutantHeader>& mutants = data->mutants;
  const std::vector<MutantEvidence>* evidence = &data->evidence;
  ASSERT_GE(mutants.size(), 20u);
  TreeLoad vectors = LoadScenarioTree({"vectors/conformance", "vectors/regressions"});
  ASSERT_EQ(vectors.failed(), 0u);
  for (const std::string& problem : CheckHonesty(mutants, *evidence, vectors)) {
    ADD_FAILURE() << problem;
  }
  // Not vacuous: most violated rows are cited, and each cited one is proven.
  int proven = 0;
  for (const RowProof& p : RowProofs(mutants, *evidence, vectors)) proven += !p.failing.empty();
  EXPECT_GE(proven, 20);
}

const char kPatch[] = R"(Mutant: the padding bytes are not checked
Role: client and server (shared)
Violates: RFC 5246 6.2.3.2
Reference: checklist 8; attacks.md 17 (POODLE-TLS),
  checklist 9
Bug: ...

diff --git a/x b/x
Reference: checklist 99
)";

TEST(MutantHeader, ReadsTitleRoleAndEveryReference) {
  Result<MutantHeader> h = ParseMutantHeader("20-x", kPatch);
  ASSERT_TRUE(h.ok()) << h.status().message();
  EXPECT_EQ(h->title, "the padding bytes are not checked");
  EXPECT_TRUE(h->client);
  EXPECT_TRUE(h->server);
  EXPECT_EQ(h->checklist_rows, (std::vector<std::string>{"8", "9"}));  // not the diff's 99
  EXPECT_EQ(h->attacks, (std::vector<std::string>{"17"}));
  Result<MutantHeader> other = ParseMutantHeader("20-x", std::string(kPatch) + " ");
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->fingerprint, h->fingerprint);
}

TEST(MutantHeader, MissingPartsAreErrorsNamingThePatch) {
  auto error = [](const std::string& text) {
    Result<MutantHeader> h = ParseMutantHeader("07-y", text);
    return h.ok() ? std::string("ok") : h.status().message();
  };
  EXPECT_NE(error("Role: client\nReference: checklist 1\n").find("07-y.patch: no \"Mutant:\""),
            std::string::npos);
  EXPECT_NE(error("Mutant: m\nReference: checklist 1\n").find("no \"Role:\""), std::string::npos);
  EXPECT_NE(error("Mutant: m\nRole: both\nReference: checklist 1\n").find("neither"),
            std::string::npos);
  EXPECT_NE(error("Mutant: m\nRole: client\n").find("no \"Reference:\""), std::string::npos);
  EXPECT_NE(error("Mutant: m\nRole: client\nReference: RFC 5246\n").find("no checklist row"),
            std::string::npos);
}

TEST(Evidence, RoundTripsAndRefusesMalformedFiles) {
  std::vector<MutantEvidence> in = {{"01-a", 0x0123456789abcdefull, {"x.b", "x.a"}},
                                    {"02-b", 1, {}}};
  Result<std::vector<MutantEvidence>> out = ParseEvidence(EvidenceJson("abc", in));
  ASSERT_TRUE(out.ok()) << out.status().message();
  ASSERT_EQ(out->size(), 2u);
  EXPECT_EQ((*out)[0].mutant, "01-a");
  EXPECT_EQ((*out)[0].fingerprint, 0x0123456789abcdefull);
  EXPECT_EQ((*out)[0].caught_by, (std::set<std::string>{"x.a", "x.b"}));
  EXPECT_TRUE((*out)[1].caught_by.empty());
  EXPECT_FALSE(ParseEvidence("[]").ok());
  EXPECT_FALSE(ParseEvidence(R"({"schema": "other", "mutants": []})").ok());
  EXPECT_FALSE(ParseEvidence(R"({"schema": "shakedown.mutant_evidence", "mutants": [
      {"mutant": "a", "fingerprint": "xyz", "caught_by": []}]})")
                   .ok());
}

// A tree of two vectors citing checklist 8: one a server vector, one a client vector.
TreeLoad TwoVectors() {
  TreeLoad t;
  for (const char* role : {"server", "client"}) {
    LoadedVector v;
    Scenario s;
    s.id = std::string(role) + ".x.v";
    s.role = std::string(role) == "server" ? Side::kServer : Side::kClient;
    s.refs = {"RFC5246 6.2.3.2", "checklist:8"};
    v.scenario = s;
    t.vectors.push_back(v);
  }
  return t;
}

TEST(CheckHonesty, FindsStaleEvidenceAndRowsCoveredInNameOnly) {
  MutantHeader m;
  m.name = "20-x";
  m.server = true;  // a server-side bug: only the server vector can catch it
  m.checklist_rows = {"8"};
  m.fingerprint = 7;
  TreeLoad tree = TwoVectors();
  auto problems = [&](std::vector<MutantEvidence> e) { return CheckHonesty({m}, e, tree); };
  EXPECT_TRUE(problems({{"20-x", 7, {"server.x.v"}}}).empty());
  // Caught only by the client vector, which cannot see a server bug: row 8 is not proven.
  std::vector<std::string> p = problems({{"20-x", 7, {"client.x.v"}}});
  ASSERT_EQ(p.size(), 1u);
  EXPECT_NE(p[0].find("checklist:8 is covered by 1 vector(s) (server.x.v, ...), none of which "
                      "fails on 20-x"),
            std::string::npos)
      << p[0];
  EXPECT_NE(problems({{"20-x", 8, {"server.x.v"}}})[0].find("patch changed"), std::string::npos);
  EXPECT_NE(problems({})[0].find("20-x: no evidence"), std::string::npos);
  EXPECT_NE(problems({{"20-x", 7, {"server.x.v", "server.gone"}}})[0].find("no vector any more"),
            std::string::npos);
  EXPECT_NE(problems({{"20-x", 7, {"server.x.v"}}, {"21-y", 1, {}}})[0].find("does not exist"),
            std::string::npos);
  // A row nobody cites is no claim to check.
  m.checklist_rows = {"9"};
  EXPECT_TRUE(problems({{"20-x", 7, {"server.x.v"}}}).empty());
}

}  // namespace
}  // namespace shakedown
