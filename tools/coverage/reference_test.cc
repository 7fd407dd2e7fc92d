#include "tools/coverage/reference.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "harness/scenario/loader.h"

namespace shakedown {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// ---- The committed documents ----

class CommittedReference : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<Reference> parsed = ParseReference(ReadFile("vectors/reference/rfc_checklist.md"),
                                              ReadFile("vectors/reference/attacks.md"));
    ASSERT_TRUE(parsed.ok()) << parsed.status().message();
    reference_ = *parsed;
  }
  Reference reference_;
};

TEST_F(CommittedReference, HasTheRowsTheLoaderAccepts) {
  std::vector<std::string> rows;
  for (const ChecklistRow& row : reference_.checklist) rows.push_back(row.id);
  std::vector<std::string> loader(ChecklistRows().begin(), ChecklistRows().end());
  EXPECT_EQ(rows, loader) << "vectors/reference/rfc_checklist.md and the scenario loader's "
                             "ChecklistRows() disagree";
}

// The loader accepts attack:1..n for exactly the attacks of attacks.md.
TEST_F(CommittedReference, HasTheAttacksTheLoaderAccepts) {
  ASSERT_EQ(reference_.attacks.size(), 37u);
  auto loads = [](const std::string& ref) {
    return ParseScenarioJson("{\"id\": \"server.t.a\", \"title\": \"t\", \"refs\": [\"" + ref +
                                 "\"], \"target_role\": \"server\", \"steps\": [{\"send\": "
                                 "\"ClientHello\"}, {\"expect\": {\"alert\": "
                                 "[\"handshake_failure\"]}}]}",
                             "t/server-a.json")
        .ok();
  };
  const std::string last = reference_.attacks.back().id;
  EXPECT_TRUE(loads("attack:" + last));
  EXPECT_FALSE(loads("attack:" + std::to_string(std::stoi(last) + 1)));
}

TEST_F(CommittedReference, ReadsSectionsAndRanges) {
  auto row = [&](const std::string& id) -> const ChecklistRow& {
    for (const ChecklistRow& r : reference_.checklist) {
      if (r.id == id) return r;
    }
    ADD_FAILURE() << "no row " << id;
    return reference_.checklist.front();
  };
  // "5246 App. E.1; 5746 §3.6; 8446 App. D.2"
  ASSERT_EQ(row("26").sections.size(), 3u);
  EXPECT_EQ(row("26").sections[0].Ref(), "RFC5246 App. E.1");
  EXPECT_EQ(row("26").sections[1].Ref(), "RFC5746 3.6");
  EXPECT_EQ(row("26").sections[2].Display(), "RFC 8446 App. D.2");
  // "5246 §7.2 (and CVE-2016-8610)": the remark is not a section.
  ASSERT_EQ(row("14").sections.size(), 1u);
  EXPECT_EQ(row("14").sections[0].Display(), "RFC 5246 \u00a77.2");
  // "RFC 7507 §3, §4"
  ASSERT_EQ(row("36b").sections.size(), 2u);
  EXPECT_EQ(row("36b").sections[1].Ref(), "RFC7507 4");
  // Attack 24 touches rows "49–53"; attack 14 none ("—").
  EXPECT_EQ(reference_.attacks[23].checklist_rows,
            (std::vector<std::string>{"49", "50", "51", "52", "53"}));
  EXPECT_TRUE(reference_.attacks[13].checklist_rows.empty());
}

// ---- ParseReference on broken documents ----

constexpr char kHeader[] =
    "| # | Requirement | RFC \u00a7 | Test | Alert |\n|---|---|---|---|---|\n";

std::string Checklist(const std::string& rows) { return std::string(kHeader) + rows; }

constexpr char kAttacksHeader[] =
    "| # | Attack / bug | CVE(s) | CVE check | One-line test | Checklist "
    "|\n|---|---|---|---|---|---|\n";

std::string Attacks(const std::string& rows) { return std::string(kAttacksHeader) + rows; }

TEST(ParseReference, ReadsAMinimalPair) {
  Result<Reference> r = ParseReference(
      Checklist(
          "| 1 | r | 5246 \u00a76 | t | a |\n| 2a | r | 5246 \u00a74.3, \u00a77.4.1.2 | t | a |\n"
          "| 2b | r | RFC 7507 \u00a73 | t | a |\n"),
      Attacks("| 1 | x | c | S | t | 1\u20132b |\n| 2 | x | c | S | t | \u2014 |\n"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->checklist.size(), 3u);
  EXPECT_EQ(r->checklist[1].sections.size(), 2u);
  EXPECT_EQ(r->attacks[0].checklist_rows, (std::vector<std::string>{"1", "2a", "2b"}));
  EXPECT_TRUE(r->attacks[1].checklist_rows.empty());
}

TEST(ParseReference, RejectsWhatIsNotTheDocumentedShape) {
  const std::string good_row = "| 1 | r | 5246 \u00a76 | t | a |\n";
  const std::string good_attack = "| 1 | x | c | S | t | 1 |\n";
  struct Case {
    std::string checklist;
    std::string attacks;
    std::string error;  // a substring of the message
  };
  const std::vector<Case> cases = {
      {Checklist(""), Attacks(good_attack), "rfc_checklist.md: no checklist rows"},
      {Checklist("| 1 | r | 5246 \u00a76 | t |\n"), Attacks(good_attack),
       "rfc_checklist.md: row 1: 4 cells, expected 5"},
      {Checklist(good_row + good_row), Attacks(good_attack), "row 1: duplicate"},
      {Checklist("| 1 | r | \u00a76 | t | a |\n"), Attacks(good_attack),
       "row 1: RFC \u00a7: \"\u00a76\" does not start with an RFC number"},
      {Checklist("| 1 | r | 5246 6.2 | t | a |\n"), Attacks(good_attack),
       "\"6.2\" is neither \u00a7<section> nor App. <x>"},
      {Checklist("| 1 | r | 5246 App. e | t | a |\n"), Attacks(good_attack),
       "\"App. e\" is neither"},
      {Checklist("| 1 | r | 5246 \u00a76 (open | t | a |\n"), Attacks(good_attack),
       "unbalanced \"(\""},
      {Checklist(good_row), Attacks(""), "attacks.md: no attacks"},
      {Checklist(good_row), Attacks("| 2 | x | c | S | t | 1 |\n"),
       "attacks.md: attack 2: expected attack 1"},
      {Checklist(good_row), Attacks("| 1 | x | c | S | 1 |\n"), "attack 1: 5 cells, expected 6"},
      {Checklist(good_row), Attacks("| 1 | x | c | S | t | 9 |\n"),
       "attack 1: Checklist: \"9\" is not a checklist row or range"},
      {Checklist(good_row + "| 2 | r | 5246 \u00a76 | t | a |\n"),
       Attacks("| 1 | x | c | S | t | 2\u20131 |\n"), "\"2\u20131\" is not a checklist row"},
  };
  for (const Case& c : cases) {
    Result<Reference> r = ParseReference(c.checklist, c.attacks);
    ASSERT_FALSE(r.ok()) << c.checklist << c.attacks;
    EXPECT_NE(r.status().message().find(c.error), std::string::npos)
        << r.status().message() << "\nexpected: " << c.error;
  }
}

// ---- RFC refs ----

TEST(ParseRfcRef, ReadsSectionsAndAppendices) {
  std::optional<RfcSection> s = ParseRfcRef("RFC5246 7.4.1.2");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->rfc, "5246");
  EXPECT_EQ(s->section, "7.4.1.2");
  EXPECT_EQ(s->Display(), "RFC 5246 \u00a77.4.1.2");
  s = ParseRfcRef("RFC5246 App. E.1");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->Ref(), "RFC5246 App. E.1");
  for (const char* other : {"RFC5246", "checklist:1", "CVE-2014-0224", "RFC 5246 7.4", "RFC5246 x",
                            "RFC5246 App. 1", "RFCx 7"}) {
    EXPECT_FALSE(ParseRfcRef(other).has_value()) << other;
  }
}

TEST(RfcSection, OrdersByRfcThenSectionNumbersThenAppendices) {
  std::vector<RfcSection> sorted = {{"5246", "6"},      {"5246", "6.2.1"},    {"5246", "7.2"},
                                    {"5246", "7.4"},    {"5246", "7.4.1.1"},  {"5246", "7.4.9"},
                                    {"5246", "7.4.10"}, {"5246", "App. A.5"}, {"5246", "App. E.1"},
                                    {"7627", "5.3"},    {"8446", "4.1.3"}};
  for (size_t i = 0; i + 1 < sorted.size(); ++i) {
    EXPECT_TRUE(sorted[i] < sorted[i + 1]) << sorted[i].Ref() << " < " << sorted[i + 1].Ref();
    EXPECT_FALSE(sorted[i + 1] < sorted[i]) << sorted[i + 1].Ref();
  }
}

}  // namespace
}  // namespace shakedown
