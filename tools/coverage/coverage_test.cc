#include "tools/coverage/coverage.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "harness/scenario/loader.h"
#include "tools/coverage/mutant_evidence.h"

namespace shakedown {
namespace {

constexpr char kReport[] = "docs/COVERAGE.md";
constexpr char kData[] = "docs/coverage_exclusions.json";
constexpr char kChecklist[] = "vectors/reference/rfc_checklist.md";
constexpr char kAttacks[] = "vectors/reference/attacks.md";
constexpr int kAttackCount = 37;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A reference with the loader's checklist rows and attacks 1..37, each row citing RFC 5246
// §7.4 (row 17 also §7.1) and attack 1 touching rows 17 and 18.
Reference TestReference() {
  Reference r;
  for (std::string_view row : ChecklistRows()) {
    ChecklistRow item{std::string(row), {RfcSection{"5246", "7.4"}}};
    if (row == "17") item.sections.push_back(RfcSection{"5246", "7.1"});
    r.checklist.push_back(item);
  }
  for (int i = 1; i <= kAttackCount; ++i) {
    r.attacks.push_back(Attack{std::to_string(i), {}});
  }
  r.attacks[0].checklist_rows = {"17", "18"};
  return r;
}

TEST(CommittedReport, IsWhatTheToolWrites) {
  Result<Reference> reference = ParseReference(ReadFile(kChecklist), ReadFile(kAttacks));
  ASSERT_TRUE(reference.ok()) << reference.status().message();
  Result<CoverageData> data = ParseCoverageData(ReadFile(kData), *reference);
  ASSERT_TRUE(data.ok()) << data.status().message();
  TreeLoad load = LoadScenarioTree({"vectors/conformance"});
  ASSERT_GT(load.loaded(), 0u);
  Result<std::string> report = CoverageMarkdown(load, *reference, *data);
  ASSERT_TRUE(report.ok()) << report.status().message();
  Result<MutantData> seeded = ReadMutantData("bench/mutants");
  ASSERT_TRUE(seeded.ok()) << seeded.status().message();
  *report += "\n" + MutantProofMarkdown(seeded->mutants,
                                        RowProofs(seeded->mutants, seeded->evidence, load));
  EXPECT_TRUE(*report == ReadFile(kReport))
      << kReport << " is stale. Regenerate it with\n"
      << "  bazel run //tools/coverage:coverage_md -- --out docs/COVERAGE.md\n"
      << "and commit the result.";
}

// ---- ParseCoverageData ----

// A data document naming every row and attack; `row_extra` / `attack_extra` are spliced into
// the entry of row "1" / attack "1".
std::string DataJson(const std::string& row_extra = "", const std::string& attack_extra = "",
                     const std::string& top_extra = "") {
  std::string out = "{" + top_extra + "\"checklist\": {";
  bool first = true;
  for (std::string_view row : ChecklistRows()) {
    out += std::string(first ? "" : ", ") + "\"" + std::string(row) + "\": {\"name\": \"row " +
           std::string(row) + "\", \"not_covered\": \"reason " + std::string(row) + "\"" +
           (row == "1" ? row_extra : "") + "}";
    first = false;
  }
  out += "}, \"attacks\": {";
  for (int i = 1; i <= kAttackCount; ++i) {
    out += std::string(i == 1 ? "" : ", ") + "\"" + std::to_string(i) + "\": {\"name\": \"attack " +
           std::to_string(i) + "\", \"not_covered\": \"why\"" + (i == 1 ? attack_extra : "") + "}";
  }
  return out + "}}";
}

TEST(ParseCoverageData, ReadsEveryRowAndAttackInOrder) {
  Result<CoverageData> data = ParseCoverageData(
      DataJson("", "", "\"generated_topics\": {\"order\": \"gen.cc\"}, "), TestReference());
  ASSERT_TRUE(data.ok()) << data.status().message();
  ASSERT_EQ(data->checklist.size(), ChecklistRows().size());
  for (size_t i = 0; i < ChecklistRows().size(); ++i) {
    EXPECT_EQ(data->checklist[i].id, ChecklistRows()[i]);
  }
  EXPECT_EQ(data->checklist[0].name, "row 1");
  EXPECT_EQ(data->checklist[0].not_covered, "reason 1");
  ASSERT_EQ(data->attacks.size(), static_cast<size_t>(kAttackCount));
  EXPECT_EQ(data->attacks[36].id, "37");
  EXPECT_EQ(data->generated_topics.at("order"), "gen.cc");
}

TEST(ParseCoverageData, RejectsWhatIsNotTheDocumentedShape) {
  struct Case {
    std::string json;
    std::string error;  // a substring of the message
  };
  const std::vector<Case> cases = {
      {"[1, 2]", "not a JSON object"},
      {"{\"checklist\": ", "not a JSON object"},
      {"{\"rows\": {}}", "unknown key \"rows\""},
      {"{}", "checklist: \"1\" is missing"},
      {DataJson(", \"extra\": \"x\""), "checklist.1: unknown key \"extra\""},
      {DataJson(", \"note\": \"both\""), "not_covered and note exclude each other"},
      {DataJson(", \"note\": \"\""), "checklist.1.note: expected a non-empty string"},
      {DataJson(", \"note\": 3"), "checklist.1.note: expected a non-empty string"},
      {DataJson("", ", \"note\": \"x\""), "attacks.1: not_covered and note exclude each other"},
      {DataJson("", "", "\"generated_topics\": {\"order\": 1}, "), "generated_topics.order"},
  };
  for (const Case& c : cases) {
    Result<CoverageData> data = ParseCoverageData(c.json, TestReference());
    ASSERT_FALSE(data.ok()) << c.json;
    EXPECT_NE(data.status().message().find(c.error), std::string::npos)
        << data.status().message() << "\nexpected: " << c.error;
  }
}

TEST(ParseCoverageData, RejectsUnknownAndMissingIds) {
  std::string json = DataJson();
  // A row the checklist does not have.
  std::string extra_row = json;
  extra_row.insert(extra_row.find("\"checklist\": {") + 14, "\"59\": {\"name\": \"x\"}, ");
  Result<CoverageData> data = ParseCoverageData(extra_row, TestReference());
  ASSERT_FALSE(data.ok());
  EXPECT_NE(data.status().message().find("checklist: no such entry \"59\""), std::string::npos);
  // An attack beyond 37.
  std::string extra_attack = json;
  extra_attack.insert(extra_attack.find("\"attacks\": {") + 12, "\"38\": {\"name\": \"x\"}, ");
  data = ParseCoverageData(extra_attack, TestReference());
  ASSERT_FALSE(data.ok());
  EXPECT_NE(data.status().message().find("attacks: no such entry \"38\""), std::string::npos);
  // A missing name.
  std::string no_name = json;
  no_name.replace(no_name.find("\"name\": \"row 36b\", "), 19, "");
  data = ParseCoverageData(no_name, TestReference());
  ASSERT_FALSE(data.ok());
  EXPECT_NE(data.status().message().find("checklist.36b: no name"), std::string::npos)
      << data.status().message();
}

// ---- CoverageMarkdown ----

LoadedVector Vector(const std::string& topic, const std::string& id,
                    const std::vector<std::string>& refs) {
  std::string refs_json;
  for (const std::string& r : refs) refs_json += (refs_json.empty() ? "\"" : ", \"") + r + "\"";
  const std::string file = "vectors/conformance/" + topic + "/" + id + ".json";
  const std::string json =
      "{\"id\": \"" + id + "\", \"title\": \"t\", \"refs\": [" + refs_json +
      "], \"target_role\": \"server\", \"steps\": [{\"send\": \"ClientHello\"}, "
      "{\"expect\": {\"alert\": [\"handshake_failure\"]}}]}";
  Result<Scenario> s = ParseScenarioJson(json, file);
  EXPECT_TRUE(s.ok()) << s.status().message();
  LoadedVector v;
  v.file = file;
  if (s.ok()) v.scenario = *s;
  return v;
}

// Every row and attack not covered for `reason`, except those in `covered`.
CoverageData Data(const std::vector<std::string>& covered_rows,
                  const std::vector<std::string>& covered_attacks) {
  CoverageData d;
  auto in = [](const std::vector<std::string>& list, const std::string& id) {
    return std::find(list.begin(), list.end(), id) != list.end();
  };
  for (std::string_view row : ChecklistRows()) {
    CoverageItem item{std::string(row), "row " + std::string(row), "reason", ""};
    if (in(covered_rows, item.id)) item.not_covered.clear();
    d.checklist.push_back(item);
  }
  for (int i = 1; i <= kAttackCount; ++i) {
    CoverageItem item{std::to_string(i), "attack " + std::to_string(i), "reason", ""};
    if (in(covered_attacks, item.id)) item.not_covered.clear();
    d.attacks.push_back(item);
  }
  return d;
}

TEST(CoverageMarkdown, ListsTheVectorsThatCiteEachRowAndCountsGeneratedOnes) {
  TreeLoad load;
  load.vectors.push_back(
      Vector("ccs", "server.ccs.b", {"checklist:17", "attack:1", "CVE-2014-0224"}));
  load.vectors.push_back(Vector("ccs", "server.ccs.a", {"checklist:17"}));
  load.vectors.push_back(Vector("order", "server.order.x", {"checklist:17", "CVE-2014-0224"}));
  CoverageData data = Data({"17"}, {"1"});
  data.checklist[0].not_covered = "a timing test";
  data.generated_topics["order"] = "gen.cc";
  Result<std::string> md = CoverageMarkdown(load, TestReference(), data);
  ASSERT_TRUE(md.ok()) << md.status().message();
  EXPECT_NE(md->find("**3 vectors** in 2 topics. Checklist: 1 of 60 rows covered. Attacks: 1 of 37 "
                     "covered. 1 CVEs cited."),
            std::string::npos)
      << *md;
  EXPECT_NE(md->find("| [17](#row-17) | row 17 | 3 (ccs 2, order 1) |  |"), std::string::npos)
      << *md;
  EXPECT_NE(md->find("| [1](#row-1) | row 1 | **not covered**: a timing test |  |"),
            std::string::npos);
  // Hand-written ids sorted, listed and linked to their files; the generated one only counted.
  EXPECT_NE(md->find("<a id=\"row-17\"></a>\n\n### Row 17: row 17\n\n"
                     "- [`server.ccs.a`](../vectors/conformance/ccs/server.ccs.a.json)\n"
                     "- [`server.ccs.b`](../vectors/conformance/ccs/server.ccs.b.json)\n"
                     "- order: 1 generated vectors\n"),
            std::string::npos)
      << *md;
  EXPECT_EQ(md->find("server.order.x"), std::string::npos);
  EXPECT_NE(
      md->find("| CVE-2014-0224 | [`server.ccs.b`](../vectors/conformance/ccs/server.ccs.b.json)"
               ", order: 1 generated |"),
      std::string::npos);
  // An attack names the checklist rows it touches.
  EXPECT_NE(md->find("### Attack 1: attack 1\n\nChecklist rows: [17](#row-17), [18](#row-18)\n"),
            std::string::npos)
      << *md;
}

TEST(CoverageMarkdown, IndexesRfcSectionsFromTheChecklistAndTheVectors) {
  TreeLoad load;
  load.vectors.push_back(Vector("ccs", "server.ccs.a", {"checklist:17", "RFC5246 7.1"}));
  load.vectors.push_back(Vector("ccs", "server.ccs.b", {"checklist:17", "RFC5246 App. E.1"}));
  load.vectors.push_back(Vector("ccs", "server.ccs.c", {"checklist:17", "RFC7627 5.3", "RFC5246"}));
  Result<std::string> md = CoverageMarkdown(load, TestReference(), Data({"17"}, {}));
  ASSERT_TRUE(md.ok()) << md.status().message();
  const size_t index = md->find("## Index by RFC section");
  ASSERT_NE(index, std::string::npos) << *md;
  // In RFC and section order: numbered sections numerically, then appendices, then the next RFC.
  const std::vector<std::string> lines = {
      "| RFC 5246 \u00a77.1 | [17](#row-17) | 1 (ccs 1) |",
      "| RFC 5246 \u00a77.4 | [1](#row-1), [2](#row-2),",
      "| RFC 5246 App. E.1 | \u2014 | 1 (ccs 1) |",
      "| RFC 7627 \u00a75.3 | \u2014 | 1 (ccs 1) |",
  };
  size_t at = index;
  for (const std::string& line : lines) {
    size_t found = md->find(line, at);
    EXPECT_NE(found, std::string::npos) << line << "\n" << *md;
    if (found != std::string::npos) at = found;
  }
  // A bare RFC ref has no section to index.
  EXPECT_EQ(md->find("| RFC 5246 |"), std::string::npos);
}

TEST(CoverageMarkdown, EscapesPipesInNames) {
  TreeLoad load;
  load.vectors.push_back(Vector("t", "server.t.a", {"checklist:1"}));
  CoverageData data = Data({"1"}, {});
  data.checklist[0].name = "a | b";
  Result<std::string> md = CoverageMarkdown(load, TestReference(), data);
  ASSERT_TRUE(md.ok()) << md.status().message();
  EXPECT_NE(md->find("| [1](#row-1) | a \\| b | 1 (t 1) |"), std::string::npos) << *md;
}

TEST(CoverageMarkdown, FailsOnAVectorCitingWhatTheReferenceDoesNotHave) {
  TreeLoad load;
  load.vectors.push_back(Vector("t", "server.t.a", {"checklist:1", "checklist:58"}));
  Reference reference = TestReference();
  reference.checklist.pop_back();  // row 58
  CoverageData data = Data({"1"}, {});
  data.checklist.pop_back();
  Result<std::string> md = CoverageMarkdown(load, reference, data);
  ASSERT_FALSE(md.ok());
  EXPECT_NE(md.status().message().find("rfc_checklist.md has no row 58, yet 1 vector(s) cite it"),
            std::string::npos)
      << md.status().message();
}

TEST(CoverageMarkdown, FailsOnARowWithNeitherVectorsNorReason) {
  TreeLoad load;
  load.vectors.push_back(Vector("t", "server.t.a", {"checklist:1"}));
  CoverageData data = Data({"1", "45b"}, {});
  Result<std::string> md = CoverageMarkdown(load, TestReference(), data);
  ASSERT_FALSE(md.ok());
  EXPECT_NE(md.status().message().find("checklist row 45b (row 45b): no vector cites it"),
            std::string::npos)
      << md.status().message();
}

TEST(CoverageMarkdown, FailsOnAStaleReason) {
  TreeLoad load;
  load.vectors.push_back(Vector("t", "server.t.a", {"checklist:1", "attack:37"}));
  CoverageData data = Data({"1"}, {});
  Result<std::string> md = CoverageMarkdown(load, TestReference(), data);
  ASSERT_FALSE(md.ok());
  EXPECT_NE(md.status().message().find(
                "attack 37 (attack 37): 1 vector(s) cite it, but not_covered says: reason"),
            std::string::npos)
      << md.status().message();
}

TEST(CoverageMarkdown, FailsOnAVectorThatDoesNotLoad) {
  TreeLoad load;
  LoadedVector broken;
  broken.file = "vectors/conformance/t/broken.json";
  broken.error = LoadError{broken.file, "/steps/0/send", "unknown message \"X\""};
  load.vectors.push_back(broken);
  Result<std::string> md = CoverageMarkdown(load, TestReference(), Data({}, {}));
  ASSERT_FALSE(md.ok());
  EXPECT_NE(md.status().message().find("1 vector(s) do not load"), std::string::npos);
  EXPECT_NE(md.status().message().find("broken.json"), std::string::npos);
}

}  // namespace
}  // namespace shakedown
