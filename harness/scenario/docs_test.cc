// docs/SCENARIOS.md and vectors/schema/scenario.schema.json agree with the loader: the field
// table is the generated one, every example vector loads, the documented error is the real
// one, and the schema names exactly the keys, messages and registry names the loader takes.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "harness/scenario/loader.h"

namespace shakedown {
namespace {

using Json = nlohmann::json;

constexpr char kDoc[] = "docs/SCENARIOS.md";
constexpr char kSchema[] = "vectors/schema/scenario.schema.json";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The bodies of the fenced blocks that open with "```<language>" exactly, in order, each
// with the offset of its fence.
std::vector<std::pair<size_t, std::string>> FencedBlocks(const std::string& doc,
                                                         const std::string& language) {
  std::vector<std::pair<size_t, std::string>> blocks;
  const std::string open = "```" + language + "\n";
  size_t pos = 0;
  while ((pos = doc.find(open, pos)) != std::string::npos) {
    size_t start = pos + open.size();
    size_t end = doc.find("\n```", start);
    if (end == std::string::npos) break;
    blocks.push_back({pos, doc.substr(start, end - start + 1)});
    pos = end + 4;
  }
  return blocks;
}

TEST(DocsTest, FieldTableIsTheGeneratedOne) {
  const std::string doc = ReadFile(kDoc);
  const std::string begin = "<!-- field-catalogue:begin -->\n";
  const std::string end = "<!-- field-catalogue:end -->";
  size_t b = doc.find(begin);
  size_t e = doc.find(end);
  ASSERT_NE(b, std::string::npos);
  ASSERT_NE(e, std::string::npos);
  ASSERT_LT(b, e);
  EXPECT_EQ(doc.substr(b + begin.size(), e - b - begin.size()), FieldCatalogueMarkdown())
      << "docs/SCENARIOS.md's field table is stale: replace it with the output of\n"
         "  bazel run //harness/scenario:field_catalogue_md";
}

TEST(DocsTest, ExampleVectorsLoadAndRoundTrip) {
  const std::string doc = ReadFile(kDoc);
  auto blocks = FencedBlocks(doc, "json");
  ASSERT_GE(blocks.size(), 4u);
  int servers = 0;
  int clients = 0;
  int resumptions = 0;
  for (const auto& [offset, text] : blocks) {
    const std::string name = std::string(kDoc) + "@" + std::to_string(offset);
    Result<Scenario> s = ParseScenarioJson(text, name);
    ASSERT_TRUE(s.ok()) << s.status().message() << "\n" << text;
    (s->role == Side::kServer ? servers : clients)++;
    if (s->connections.size() >= 2 && s->connections[1].resume) ++resumptions;
    Result<Scenario> back = ParseScenarioJson(SerializeScenarioJson(*s), name);
    ASSERT_TRUE(back.ok()) << back.status().message();
    EXPECT_EQ(*back, *s);
  }
  EXPECT_GE(servers, 1);
  EXPECT_GE(clients, 1);
  EXPECT_GE(resumptions, 1);
}

TEST(DocsTest, DocumentedErrorIsTheRealOne) {
  const std::string doc = ReadFile(kDoc);
  size_t section = doc.find("## How errors are reported");
  ASSERT_NE(section, std::string::npos);
  const std::string rest = doc.substr(section);
  auto broken = FencedBlocks(rest, "jsonc");
  auto said = FencedBlocks(rest, "text");
  ASSERT_FALSE(broken.empty());
  ASSERT_FALSE(said.empty());
  ASSERT_LT(broken[0].first, said[0].first);
  Result<Scenario> s = ParseScenarioJson(broken[0].second, "vectors/conformance/ccs/broken.json");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message() + "\n", said[0].second);
}

TEST(DocsTest, EveryKeyIsDocumented) {
  const std::string doc = ReadFile(kDoc);
  for (const KeySet& set : ScenarioKeySets()) {
    for (std::string_view key : set.keys) {
      const std::string code = "`" + std::string(key) + "`";
      const std::string quoted = "\"" + std::string(key) + "\"";
      EXPECT_TRUE(doc.find(code) != std::string::npos || doc.find(quoted) != std::string::npos)
          << set.object << " key " << key << " is not in " << kDoc;
    }
  }
}

// ---- The schema ----

Json LoadSchema() {
  Json schema = Json::parse(ReadFile(kSchema), nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(schema.is_discarded()) << kSchema << " is not valid JSON";
  return schema;
}

std::set<std::string> PropertyNames(const Json& object_schema) {
  std::set<std::string> names;
  for (const auto& item : object_schema.at("properties").items()) names.insert(item.key());
  return names;
}

std::set<std::string> EnumOf(const Json& schema) {
  const Json* e = &schema;
  if (schema.contains("anyOf")) e = &schema.at("anyOf").at(0);
  std::set<std::string> names;
  for (const Json& v : e->at("enum")) names.insert(v.get<std::string>());
  return names;
}

std::set<std::string> RegistryNameSet(Registry registry) {
  size_t n = 0;
  const RegistryEntry* entries = RegistryEntries(registry, &n);
  std::set<std::string> names;
  for (size_t i = 0; i < n; ++i) names.insert(std::string(entries[i].name));
  return names;
}

TEST(SchemaTest, ObjectsHaveExactlyTheLoadersKeys) {
  Json schema = LoadSchema();
  ASSERT_TRUE(schema.is_object());
  EXPECT_EQ(schema.value("$schema", ""), "https://json-schema.org/draft/2020-12/schema");
  for (const KeySet& set : ScenarioKeySets()) {
    const Json& object =
        set.object == "vector" ? schema : schema.at("$defs").at(std::string(set.object));
    std::set<std::string> expected(set.keys.begin(), set.keys.end());
    EXPECT_EQ(PropertyNames(object), expected) << set.object;
    EXPECT_EQ(object.value("additionalProperties", true), false) << set.object;
  }
}

TEST(SchemaTest, NamesMatchTheCode) {
  Json schema = LoadSchema();
  const Json& defs = schema.at("$defs");
  std::set<std::string> messages;
  std::set<std::string> expectable;
  for (MessageName m : AllMessageNames()) {
    messages.insert(std::string(MessageNameString(m)));
    if (m != MessageName::kRaw && m != MessageName::kClose && m != MessageName::kAlert) {
      expectable.insert(std::string(MessageNameString(m)));
    }
  }
  EXPECT_EQ(EnumOf(defs.at("message")), messages);
  EXPECT_EQ(EnumOf(defs.at("expected_message")), expectable);
  EXPECT_EQ(EnumOf(defs.at("suite")), RegistryNameSet(Registry::kCipherSuite));
  EXPECT_EQ(EnumOf(defs.at("group")), RegistryNameSet(Registry::kNamedGroup));
  EXPECT_EQ(EnumOf(defs.at("scheme")), RegistryNameSet(Registry::kSignatureScheme));
  EXPECT_EQ(EnumOf(defs.at("alert")), RegistryNameSet(Registry::kAlertDescription));
  EXPECT_EQ(EnumOf(defs.at("content_type")), RegistryNameSet(Registry::kContentType));
  EXPECT_EQ(EnumOf(defs.at("version")), RegistryNameSet(Registry::kProtocolVersion));
  std::set<std::string> fields;
  for (const FieldSpec& spec : FieldCatalogue()) {
    if (spec.field != "extensions.0xNNNN") fields.insert(std::string(spec.field));
  }
  EXPECT_EQ(EnumOf(defs.at("fields").at("propertyNames")), fields);
}

TEST(SchemaTest, RefPatternMatchesTheLoader) {
  Json schema = LoadSchema();
  std::regex pattern(schema.at("$defs").at("ref").at("pattern").get<std::string>());
  for (std::string_view row : ChecklistRows()) {
    EXPECT_TRUE(std::regex_match("checklist:" + std::string(row), pattern)) << row;
  }
  for (const char* good : {"RFC5246", "RFC5246 7.4.1.2", "RFC5246 App. E.1", "CVE-2014-0224",
                           "attack:1", "attack:37"}) {
    EXPECT_TRUE(std::regex_match(good, pattern)) << good;
  }
  for (const char* bad :
       {"checklist:45", "checklist:59", "checklist:0", "attack:38", "rfc5246", "CVE-14-1"}) {
    EXPECT_FALSE(std::regex_match(bad, pattern)) << bad;
  }
}

}  // namespace
}  // namespace shakedown
