#include "tools/coverage/coverage.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>
#include <set>
#include <utility>

namespace shakedown {
namespace {

using Json = nlohmann::json;

Status DataError(const std::string& message) {
  return InternalError("coverage data: " + message);
}

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

// One item's object: {"name": ..., "not_covered": ..., "note": ...}.
Result<CoverageItem> ParseItem(const std::string& where, const std::string& id, const Json& j) {
  if (!j.is_object()) return DataError(where + ": expected an object");
  CoverageItem item;
  item.id = id;
  for (const auto& [key, value] : j.items()) {
    std::string* field = key == "name"          ? &item.name
                         : key == "not_covered" ? &item.not_covered
                         : key == "note"        ? &item.note
                                                : nullptr;
    if (field == nullptr) {
      return DataError(where + ": unknown key " + Quote(key) + " (keys: name, not_covered, note)");
    }
    if (!value.is_string() || value.get<std::string>().empty()) {
      return DataError(where + "." + key + ": expected a non-empty string");
    }
    *field = value.get<std::string>();
  }
  if (item.name.empty()) return DataError(where + ": no name");
  if (!item.not_covered.empty() && !item.note.empty()) {
    return DataError(where + ": not_covered and note exclude each other");
  }
  return item;
}

// Parses the object `j` whose keys must be exactly `ids`, in the order of `ids`.
Result<std::vector<CoverageItem>> ParseItems(const std::string& where, const Json& j,
                                             const std::vector<std::string>& ids) {
  if (!j.is_object()) return DataError(where + ": expected an object");
  std::set<std::string> known(ids.begin(), ids.end());
  for (const auto& [key, value] : j.items()) {
    if (known.count(key) == 0) return DataError(where + ": no such entry " + Quote(key));
  }
  std::vector<CoverageItem> out;
  for (const std::string& id : ids) {
    auto it = j.find(id);
    if (it == j.end()) return DataError(where + ": " + Quote(id) + " is missing");
    SD_ASSIGN_OR_RETURN(CoverageItem item, ParseItem(where + "." + id, id, *it));
    out.push_back(std::move(item));
  }
  return out;
}

std::string Cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

// Which vectors cite one item, split into hand-written ids and per-topic counts of the
// generated topics.
struct Citations {
  std::vector<std::pair<std::string, std::string>> ids;  // (id, file), sorted by id
  std::map<std::string, int> by_topic;                   // every topic
  size_t total = 0;
};

// "[`id`](../vectors/conformance/topic/file.json)": docs/COVERAGE.md links each id to its file.
std::string VectorLink(const std::string& id, const std::string& file) {
  return "[`" + id + "`](../" + file + ")";
}

// Anchors of the detail sections, so that the summaries and the index can link to them.
std::string RowAnchor(const std::string& id) { return "row-" + id; }
std::string AttackAnchor(const std::string& id) { return "attack-" + id; }
std::string RowLink(const std::string& id) { return "[" + id + "](#" + RowAnchor(id) + ")"; }

class Report {
 public:
  Report(const TreeLoad& vectors, const Reference& reference, const CoverageData& data)
      : reference_(reference), data_(data) {
    for (const ChecklistRow& row : reference.checklist) {
      for (const RfcSection& section : row.sections) section_rows_[section].push_back(row.id);
    }
    for (const LoadedVector& v : vectors.vectors) {
      if (!v.ok()) {
        load_errors_.push_back(v.error ? v.error->ToString() : v.file + ": does not load");
        continue;
      }
      const Scenario& s = *v.scenario;
      ++vector_count_;
      topics_.insert(s.topic);
      for (const std::string& ref : s.refs) {
        if (ref.rfind("checklist:", 0) == 0) {
          Add(&rows_[ref.substr(10)], s, v.file);
        } else if (ref.rfind("attack:", 0) == 0) {
          Add(&attacks_[ref.substr(7)], s, v.file);
        } else if (ref.rfind("CVE-", 0) == 0) {
          Add(&cves_[ref], s, v.file);
        } else if (std::optional<RfcSection> section = ParseRfcRef(ref)) {
          Add(&sections_[*section], s, v.file);
        }
      }
    }
    for (auto* table : {&rows_, &attacks_, &cves_}) {
      for (auto& [key, c] : *table) std::sort(c.ids.begin(), c.ids.end());
    }
  }

  Result<std::string> Markdown() {
    if (!load_errors_.empty()) {
      std::string msg = std::to_string(load_errors_.size()) + " vector(s) do not load:";
      for (const std::string& e : load_errors_) msg += "\n  " + e;
      return InternalError(msg);
    }
    std::vector<std::string> problems;
    Unknown("rfc_checklist.md has no row", data_.checklist, rows_, &problems);
    Unknown("attacks.md has no attack", data_.attacks, attacks_, &problems);
    if (!problems.empty()) {
      std::string msg = "vectors cite what vectors/reference/ does not have:";
      for (const std::string& p : problems) msg += "\n  " + p;
      return InternalError(msg);
    }
    Check("checklist row", data_.checklist, rows_, &problems);
    Check("attack", data_.attacks, attacks_, &problems);
    if (!problems.empty()) {
      std::string msg = "docs/coverage_exclusions.json does not match the vectors:";
      for (const std::string& p : problems) msg += "\n  " + p;
      return InternalError(msg);
    }

    std::string out;
    out += "# Requirement coverage\n\n";
    out +=
        "<!-- Generated by //tools/coverage:coverage_md from the refs of every vector under\n"
        "vectors/conformance, the checklist and attack catalogue in vectors/reference/ and\n"
        "docs/coverage_exclusions.json. Do not edit; regenerate with\n"
        "  bazel run //tools/coverage:coverage_md -- --out docs/COVERAGE.md\n"
        "//tools/coverage:coverage_md_test fails when this file is stale. -->\n\n";
    out +=
        "Which conformance vectors test each row of the requirement checklist "
        "([rfc_checklist.md](../vectors/reference/rfc_checklist.md)) and each attack of the "
        "attack catalogue ([attacks.md](../vectors/reference/attacks.md)). A vector tests a "
        "row or an attack when its `refs` name it (`checklist:17`, `attack:1`); the CVEs and "
        "RFC sections (`RFC5246 7.4`) it cites are indexed the same way. A row no vector "
        "cites says why; the reasons, and the notes on what covered rows leave out, come from "
        "`docs/coverage_exclusions.json`. Each vector id links to its file.";
    if (!data_.generated_topics.empty()) {
      out += " Generated topics are counted, not listed:";
      for (const auto& [topic, generator] : data_.generated_topics) {
        out += " `" + topic + "` (written by `" + generator + "`)";
      }
      out += ".";
    }
    out += "\n\n";
    out += "**" + std::to_string(vector_count_) + " vectors** in " +
           std::to_string(topics_.size()) +
           " topics. Checklist: " + CoveredCount(data_.checklist, rows_) + " of " +
           std::to_string(data_.checklist.size()) +
           " rows covered. Attacks: " + CoveredCount(data_.attacks, attacks_) + " of " +
           std::to_string(data_.attacks.size()) + " covered. " + std::to_string(cves_.size()) +
           " CVEs cited.\n\n";

    Index(&out);
    out += "## Checklist rows\n\n";
    Summary("row", "requirement", data_.checklist, rows_, RowAnchor, &out);
    out += "## Attacks\n\n";
    Summary("#", "attack", data_.attacks, attacks_, AttackAnchor, &out);

    out += "## Vectors by checklist row\n\n";
    Details("Row", data_.checklist, rows_, RowAnchor, &out);
    out += "## Vectors by attack\n\n";
    Details("Attack", data_.attacks, attacks_, AttackAnchor, &out);

    out += "## CVEs\n\n| CVE | vectors |\n| --- | --- |\n";
    for (const auto& [cve, c] : cves_) out += "| " + cve + " | " + Inline(c) + " |\n";
    return out;
  }

 private:
  void Add(Citations* c, const Scenario& s, const std::string& file) {
    ++c->total;
    ++c->by_topic[s.topic];
    if (data_.generated_topics.count(s.topic) == 0) c->ids.emplace_back(s.id, file);
  }

  // Cited rows or attacks that the reference documents do not have.
  static void Unknown(const std::string& what, const std::vector<CoverageItem>& items,
                      const std::map<std::string, Citations>& table,
                      std::vector<std::string>* problems) {
    for (const auto& [id, c] : table) {
      auto known = [&id = id](const CoverageItem& item) { return item.id == id; };
      if (std::none_of(items.begin(), items.end(), known)) {
        problems->push_back(what + " " + id + ", yet " + std::to_string(c.total) +
                            " vector(s) cite it");
      }
    }
  }

  // RFC section -> the checklist rows citing it (linked to their vectors) -> the vectors whose
  // refs name the section itself.
  void Index(std::string* out) const {
    std::set<RfcSection> sections;
    for (const auto& [section, rows] : section_rows_) sections.insert(section);
    for (const auto& [section, c] : sections_) sections.insert(section);
    *out += "## Index by RFC section\n\n";
    *out +=
        "Every RFC section that a checklist row or a vector cites: the checklist rows that "
        "cite it (each links to its vectors below) and the vectors whose `refs` name the "
        "section itself, by topic.\n\n";
    *out += "| RFC section | checklist rows | vectors citing the section |\n| --- | --- | --- |\n";
    for (const RfcSection& section : sections) {
      std::string rows;
      if (auto it = section_rows_.find(section); it != section_rows_.end()) {
        for (const std::string& row : it->second) rows += (rows.empty() ? "" : ", ") + RowLink(row);
      }
      auto c = sections_.find(section);
      *out += "| " + section.Display() + " | " + (rows.empty() ? "\u2014" : rows) + " | " +
              (c == sections_.end()
                   ? "\u2014"
                   : std::to_string(c->second.total) + " (" + ByTopic(c->second) + ")") +
              " |\n";
    }
    *out += "\n";
  }

  static const Citations* Find(const std::map<std::string, Citations>& table,
                               const std::string& id) {
    auto it = table.find(id);
    return it == table.end() ? nullptr : &it->second;
  }

  static void Check(const std::string& kind, const std::vector<CoverageItem>& items,
                    const std::map<std::string, Citations>& table,
                    std::vector<std::string>* problems) {
    for (const CoverageItem& item : items) {
      const bool cited = Find(table, item.id) != nullptr;
      if (!cited && item.not_covered.empty()) {
        problems->push_back(kind + " " + item.id + " (" + item.name +
                            "): no vector cites it; add one, or give the reason in not_covered");
      }
      if (cited && !item.not_covered.empty()) {
        problems->push_back(kind + " " + item.id + " (" + item.name +
                            "): " + std::to_string(Find(table, item.id)->total) +
                            " vector(s) cite it, but not_covered says: " + item.not_covered);
      }
    }
  }

  static std::string CoveredCount(const std::vector<CoverageItem>& items,
                                  const std::map<std::string, Citations>& table) {
    size_t n = 0;
    for (const CoverageItem& item : items) n += Find(table, item.id) != nullptr ? 1 : 0;
    return std::to_string(n);
  }

  static std::string ByTopic(const Citations& c) {
    std::string out;
    for (const auto& [topic, n] : c.by_topic) {
      if (!out.empty()) out += ", ";
      out += topic + " " + std::to_string(n);
    }
    return out;
  }

  static void Summary(const std::string& first, const std::string& second,
                      const std::vector<CoverageItem>& items,
                      const std::map<std::string, Citations>& table,
                      std::string (*anchor)(const std::string&), std::string* out) {
    *out += "| " + first + " | " + second + " | vectors | note |\n| --- | --- | --- | --- |\n";
    for (const CoverageItem& item : items) {
      const Citations* c = Find(table, item.id);
      std::string coverage = c == nullptr ? "**not covered**: " + Cell(item.not_covered)
                                          : std::to_string(c->total) + " (" + ByTopic(*c) + ")";
      *out += "| [" + item.id + "](#" + anchor(item.id) + ") | " + Cell(item.name) + " | " +
              coverage + " | " + Cell(item.note) + " |\n";
    }
    *out += "\n";
  }

  std::string Generated(const Citations& c) const {
    std::string out;
    for (const auto& [topic, generator] : data_.generated_topics) {
      auto it = c.by_topic.find(topic);
      if (it == c.by_topic.end()) continue;
      if (!out.empty()) out += ", ";
      out += topic + ": " + std::to_string(it->second) + " generated";
    }
    return out;
  }

  void Details(const std::string& kind, const std::vector<CoverageItem>& items,
               const std::map<std::string, Citations>& table,
               std::string (*anchor)(const std::string&), std::string* out) const {
    for (const CoverageItem& item : items) {
      *out += "<a id=\"" + anchor(item.id) + "\"></a>\n\n### " + kind + " " + item.id + ": " +
              item.name + "\n\n";
      if (const std::string rows = AttackRows(kind, item.id); !rows.empty()) {
        *out += "Checklist rows: " + rows + "\n\n";
      }
      const Citations* c = Find(table, item.id);
      if (c == nullptr) {
        *out += "Not covered: " + item.not_covered + "\n\n";
        continue;
      }
      if (!item.note.empty()) *out += "Note: " + item.note + "\n\n";
      for (const auto& [id, file] : c->ids) *out += "- " + VectorLink(id, file) + "\n";
      std::string generated = Generated(*c);
      if (!generated.empty()) *out += "- " + generated + " vectors\n";
      *out += "\n";
    }
  }

  // The checklist rows an attack touches (attacks.md), linked; empty for a checklist row.
  std::string AttackRows(const std::string& kind, const std::string& id) const {
    std::string out;
    if (kind != "Attack") return out;
    for (const Attack& attack : reference_.attacks) {
      if (attack.id != id) continue;
      for (const std::string& row : attack.checklist_rows) {
        out += (out.empty() ? "" : ", ") + RowLink(row);
      }
    }
    return out;
  }

  std::string Inline(const Citations& c) const {
    std::string out;
    for (const auto& [id, file] : c.ids) {
      if (!out.empty()) out += ", ";
      out += VectorLink(id, file);
    }
    std::string generated = Generated(c);
    if (!generated.empty()) out += (out.empty() ? "" : ", ") + generated;
    return out;
  }

  const Reference& reference_;
  const CoverageData& data_;
  std::vector<std::string> load_errors_;
  size_t vector_count_ = 0;
  std::set<std::string> topics_;
  std::map<std::string, Citations> rows_;
  std::map<std::string, Citations> attacks_;
  std::map<std::string, Citations> cves_;
  std::map<RfcSection, Citations> sections_;                     // vectors citing the section
  std::map<RfcSection, std::vector<std::string>> section_rows_;  // rows citing it, in order
};

}  // namespace

Result<CoverageData> ParseCoverageData(std::string_view json_text, const Reference& reference) {
  const Json doc = Json::parse(json_text.begin(), json_text.end(), nullptr,
                               /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return DataError("not a JSON object");
  for (const auto& [key, value] : doc.items()) {
    if (key != "comment" && key != "checklist" && key != "attacks" && key != "generated_topics") {
      return DataError("unknown key " + Quote(key) +
                       " (keys: comment, checklist, attacks, generated_topics)");
    }
  }
  CoverageData data;
  std::vector<std::string> rows;
  for (const ChecklistRow& row : reference.checklist) rows.push_back(row.id);
  std::vector<std::string> attacks;
  for (const Attack& attack : reference.attacks) attacks.push_back(attack.id);
  SD_ASSIGN_OR_RETURN(data.checklist,
                      ParseItems("checklist", doc.value("checklist", Json::object()), rows));
  SD_ASSIGN_OR_RETURN(data.attacks,
                      ParseItems("attacks", doc.value("attacks", Json::object()), attacks));
  if (auto it = doc.find("generated_topics"); it != doc.end()) {
    if (!it->is_object()) return DataError("generated_topics: expected an object");
    for (const auto& [topic, generator] : it->items()) {
      if (!generator.is_string() || generator.get<std::string>().empty()) {
        return DataError("generated_topics." + topic + ": expected a non-empty string");
      }
      data.generated_topics[topic] = generator.get<std::string>();
    }
  }
  return data;
}

Result<std::string> CoverageMarkdown(const TreeLoad& vectors, const Reference& reference,
                                     const CoverageData& data) {
  return Report(vectors, reference, data).Markdown();
}

}  // namespace shakedown
