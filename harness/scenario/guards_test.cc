#include "harness/scenario/guards.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "harness/scenario/loader.h"
#include "harness/scenario/test_vectors.h"

namespace shakedown {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

TEST(GuardsTest, InvalidJson) {
  std::string text = ErrorText("{\"id\": \"x\",\n \"title\": }");
  EXPECT_EQ(text.rfind(std::string(kFile) + ": invalid JSON: ", 0), 0u) << text;
  EXPECT_NE(text.find("line 2"), std::string::npos) << text;
  text = ErrorText("");
  EXPECT_NE(text.find("invalid JSON"), std::string::npos) << text;
  text = ErrorText("{\"id\": \"x\" // comment\n}");
  EXPECT_NE(text.find("invalid JSON"), std::string::npos) << text;
  // The parser echoes what it read; the message stays printable and bounded.
  text = ErrorText("[\x7f\x01\xff" + std::string(10000, '6') + "\x7f]");
  EXPECT_NE(text.find("invalid JSON"), std::string::npos) << text;
  EXPECT_LT(text.size(), 500u) << text;
  for (char c : text) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << text;
}

TEST(GuardsTest, DuplicateKeys) {
  std::string text = ServerVector().dump();
  text.replace(text.find("{\"send\":\"ChangeCipherSpec\"}"), 27,
               "{\"send\":\"ChangeCipherSpec\",\"send\":\"Finished\"}");
  std::string error = ErrorText(text);
  EXPECT_EQ(error, std::string(kFile) + " at /steps/2/send: duplicate key") << error;
}

TEST(GuardsTest, NestingIsBounded) {
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_EQ(ErrorText(deep), std::string(kFile) + ": nested deeper than 32 levels");
  Json v = ServerVector();
  v["notes"] = std::string(1000, '[');  // brackets inside strings do not count
  EXPECT_TRUE(Load(v).ok());
}

TEST(GuardsTest, MalformedCbor) {
  Result<Scenario> r = ParseScenarioCbor(Bytes{0xa1, 0x61}, "x.cbor");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().rfind("x.cbor: invalid CBOR: ", 0), 0u) << r.status().message();
  // Deep nesting is refused before nlohmann's recursive reader sees it.
  Bytes deep(100000, 0x81);
  deep.push_back(0x00);
  r = ParseScenarioCbor(deep, "x.cbor");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "x.cbor: nested deeper than 32 levels");
  // A text string that is not UTF-8: {"id": "\xff"}.
  r = ParseScenarioCbor(Bytes{0xa1, 0x62, 'i', 'd', 0x61, 0xff}, "x.cbor");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("invalid CBOR"), std::string::npos) << r.status().message();
  // Well-formed CBOR, not a vector: the same validation as JSON.
  Json doc = ServerVector();
  doc["id"] = 5;
  std::vector<uint8_t> cbor = Json::to_cbor(doc);
  r = ParseScenarioCbor(Bytes(cbor.begin(), cbor.end()), "x.cbor");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "x.cbor at /id: expected a string, got a number");
  // A byte string where the loader wants text.
  doc = ServerVector();
  doc["notes"] = Json::binary({1, 2});
  cbor = Json::to_cbor(doc);
  r = ParseScenarioCbor(Bytes(cbor.begin(), cbor.end()), "x.cbor");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "x.cbor at /notes: expected a string, got a binary value");
}

// ---- The guards alone ----

TEST(GuardsTest, JsonNestingCountsBracketsOutsideStrings) {
  EXPECT_EQ(JsonNesting("", 32), 0);
  EXPECT_EQ(JsonNesting("{\"a\": [1, {\"b\": []}]}", 32), 4);
  EXPECT_EQ(JsonNesting("[\"[[[[\", \"\\\"[[\"]", 32), 1);  // brackets and \" inside strings
  // Counting stops just past the limit: a huge input costs no more than the limit.
  EXPECT_EQ(JsonNesting(std::string(100000, '['), 5), 6);
}

TEST(GuardsTest, CborNestingIsWalkedWithoutRecursion) {
  EXPECT_EQ(CborNesting(Bytes{0x00}, 32), 0);                         // 0
  EXPECT_EQ(CborNesting(Bytes{0x81, 0x81, 0x00}, 32), 2);             // [[0]]
  EXPECT_EQ(CborNesting(Bytes{0xa1, 0x61, 'a', 0x81, 0x00}, 32), 2);  // {"a": [0]}
  EXPECT_EQ(CborNesting(Bytes{0x9f, 0x81, 0x00, 0xff}, 32), 2);       // indefinite [[0]]
  EXPECT_EQ(CborNesting(Bytes{0x80}, 32), 0);              // an empty container opens no level
  EXPECT_EQ(CborNesting(Bytes{0xc1, 0x81, 0x00}, 32), 1);  // a tag adds no level
  // Malformed: the real reader reports it, so the walk gives 0.
  EXPECT_EQ(CborNesting(Bytes{0x82, 0x00}, 32), 0);                    // one item of two
  EXPECT_EQ(CborNesting(Bytes{0x5a, 0xff, 0xff, 0xff, 0xff}, 32), 0);  // bytes past the end
  EXPECT_EQ(CborNesting(Bytes{0x1c}, 32), 0);                          // reserved additional info
  EXPECT_EQ(CborNesting(Bytes{0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 32), 0);
  Bytes deep(1000, 0x81);
  deep.push_back(0x00);
  EXPECT_EQ(CborNesting(deep, 5), 6);
}

TEST(GuardsTest, DuplicateKeyPathNamesTheNestedKey) {
  Json doc;
  std::optional<LoadError> error =
      ParseGuardedJson(R"({"a": [{"x": 1}, {"y~/": 1, "y~/": 2}]})", "f.json", &doc);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->ToString(), "f.json at /a/1/y~0~1: duplicate key");
  // The same key in two objects is not a duplicate.
  EXPECT_FALSE(ParseGuardedJson(R"([{"x": 1}, {"x": 2}])", "f.json", &doc).has_value());
  EXPECT_EQ(doc[1]["x"], 2);
}

TEST(GuardsTest, ReadVectorTextRefusesWhatIsNotAVectorFile) {
  const fs::path dir = fs::path(::testing::TempDir()) / "guards_read";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string text;
  std::optional<LoadError> error = ReadVectorText((dir / "missing.json").string(), &text);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason, "no such file or directory");
  error = ReadVectorText(dir.string(), &text);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason, "not a regular file");
  const fs::path big = dir / "big.json";
  std::ofstream(big) << "{}";
  fs::resize_file(big, kMaxFileSize + 1);
  error = ReadVectorText(big.string(), &text);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->ToString(), big.string() + ": larger than 4 MiB; not a vector");
  fs::resize_file(big, 2);
  EXPECT_FALSE(ReadVectorText(big.string(), &text).has_value());
  EXPECT_EQ(text, "{}");
}

}  // namespace
}  // namespace shakedown
