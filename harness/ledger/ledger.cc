#include "harness/ledger/ledger.h"

#include <cctype>
#include <fstream>
#include <map>
#include <sstream>
#include <utility>

#include <nlohmann/json.hpp>

namespace shakedown {
namespace {

using nlohmann::json;

Status FieldError(const std::string& path, const std::string& field, const std::string& why) {
  return InternalError(path + ": " + field + ": " + why);
}

std::string FirstLine(const std::string& s) {
  const size_t nl = s.find('\n');
  return nl == std::string::npos ? s : s.substr(0, nl);
}

}  // namespace

Result<Ledger> LoadLedger(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InternalError(path + ": cannot read the ledger");
  std::stringstream text;
  text << in.rdbuf();
  return ParseLedger(text.str(), path);
}

Result<Ledger> ParseLedger(const std::string& text, const std::string& path) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return InternalError(path + ": not valid JSON");
  if (!doc.is_object()) return FieldError(path, "(top)", "a ledger is a JSON object");
  static const std::set<std::string> kTop = {"library", "version", "entries", "comment"};
  for (const auto& [key, value] : doc.items()) {
    if (!kTop.count(key)) {
      return FieldError(path, key, "unknown key (known: library, version, entries, comment)");
    }
  }
  Ledger ledger;
  ledger.path = path;
  for (const char* key : {"library", "version"}) {
    if (!doc.contains(key) || !doc[key].is_string() || doc[key].get<std::string>().empty()) {
      return FieldError(path, key, "required, a non-empty string");
    }
  }
  ledger.library = doc["library"].get<std::string>();
  ledger.version = doc["version"].get<std::string>();
  if (!doc.contains("entries") || !doc["entries"].is_array()) {
    return FieldError(path, "entries", "required, an array");
  }
  static const std::set<std::string> kEntry = {"id",       "rule",     "observed",
                                               "rfc",      "reviewed", "confirmed_by_replay",
                                               "notes"};
  std::set<std::string> seen;
  for (size_t i = 0; i < doc["entries"].size(); ++i) {
    const json& e = doc["entries"][i];
    const std::string where = "entries[" + std::to_string(i) + "]";
    if (!e.is_object()) return FieldError(path, where, "an entry is an object");
    for (const auto& [key, value] : e.items()) {
      if (!kEntry.count(key)) {
        return FieldError(path, where + "." + key,
                          "unknown key (known: id, rule, observed, rfc, reviewed, "
                          "confirmed_by_replay, notes)");
      }
    }
    LedgerEntry entry;
    for (auto [key, out] : {std::pair<const char*, std::string*>{"id", &entry.id},
                            {"rule", &entry.rule},
                            {"observed", &entry.observed},
                            {"rfc", &entry.rfc}}) {
      if (!e.contains(key) || !e[key].is_string() || e[key].get<std::string>().empty()) {
        return FieldError(path, where + "." + key, "required, a non-empty string");
      }
      *out = e[key].get<std::string>();
    }
    for (auto [key, out] : {std::pair<const char*, bool*>{"reviewed", &entry.reviewed},
                            {"confirmed_by_replay", &entry.confirmed_by_replay}}) {
      if (!e.contains(key) || !e[key].is_boolean()) {
        return FieldError(path, where + "." + key, "required, true or false");
      }
      *out = e[key].get<bool>();
    }
    if (e.contains("notes")) {
      if (!e["notes"].is_string()) return FieldError(path, where + ".notes", "a string");
      entry.notes = e["notes"].get<std::string>();
    }
    if (!seen.insert(entry.id).second) {
      return FieldError(path, where + ".id", "\"" + entry.id + "\" is listed twice");
    }
    ledger.entries.push_back(std::move(entry));
  }
  return ledger;
}

std::string LedgerJson(const Ledger& ledger) {
  json entries = json::array();
  for (const LedgerEntry& e : ledger.entries) {
    json j = {{"id", e.id},
              {"rule", e.rule},
              {"observed", e.observed},
              {"rfc", e.rfc},
              {"reviewed", e.reviewed},
              {"confirmed_by_replay", e.confirmed_by_replay}};
    if (!e.notes.empty()) j["notes"] = e.notes;
    entries.push_back(std::move(j));
  }
  json doc = {{"library", ledger.library}, {"version", ledger.version}, {"entries", entries}};
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string LedgerFileName(const std::string& library, const std::string& major_minor) {
  return library + "-" + major_minor + ".json";
}

LedgerSummary ApplyLedger(const Ledger& ledger,
                          const std::function<bool(const std::string&)>& exists,
                          RunResult* run) {
  LedgerSummary summary;
  std::map<std::string, const LedgerEntry*> by_id;
  for (const LedgerEntry& e : ledger.entries) by_id[e.id] = &e;
  const std::string source = "ledger " + ledger.path;
  std::set<std::string> in_run;
  for (VectorResult& v : run->vectors) {
    in_run.insert(v.id);
    auto it = by_id.find(v.id);
    if (it == by_id.end()) continue;
    const LedgerEntry& e = *it->second;
    v.ledger = e.rfc + " (" + source + ")";
    if (v.verdict == Verdict::kFail && v.rule == e.rule) {
      v.verdict = Verdict::kExpectedFailure;
      ++summary.expected_failures;
    } else if (v.verdict == Verdict::kFail) {
      v.message = "fails otherwise than the " + source + " says (" + e.rule + ": " + e.observed +
                  "); now " + v.rule + ": " + v.message;
      v.rule = kRuleLedgerChanged;
      ++summary.changed;
    } else if (v.verdict == Verdict::kPass) {
      v.verdict = Verdict::kFail;
      v.rule = kRuleUnexpectedPass;
      v.message = "the " + source + " says this vector fails against " + ledger.library + " " +
                  ledger.version + " (" + e.rule + ": " + e.observed +
                  "), but it passed: the deviation is fixed (remove the entry) or the ledger "
                  "is for another build";
      ++summary.unexpected_passes;
    }
  }
  for (const LedgerEntry& e : ledger.entries) {
    if (in_run.count(e.id)) continue;
    if (exists && exists(e.id)) {
      ++summary.not_run;
      continue;
    }
    VectorResult stale;
    stale.id = e.id;
    stale.title = "ledger entry for a vector that does not exist";
    stale.topic = "ledger";
    stale.file = ledger.path;
    stale.verdict = Verdict::kFail;
    stale.rule = kRuleStaleEntry;
    stale.message = "the " + source + " lists \"" + e.id +
                    "\", which is no vector any more: remove the entry (or rename it with its "
                    "vector)";
    stale.ledger = e.rfc;
    run->vectors.push_back(std::move(stale));
    ++summary.stale;
  }
  return summary;
}

Ledger LedgerFromRun(const RunResult& run, const std::string& library,
                     const std::string& major_minor,
                     const std::function<bool(const std::string&)>& confirmed) {
  Ledger ledger;
  ledger.library = library;
  ledger.version = major_minor;
  for (const VectorResult& v : run.vectors) {
    if (v.verdict != Verdict::kFail && v.verdict != Verdict::kExpectedFailure) continue;
    if (v.rule == kRuleStaleEntry || v.rule == kRuleUnexpectedPass) continue;
    LedgerEntry e;
    e.id = v.id;
    e.rule = v.rule == kRuleLedgerChanged ? "" : v.rule;
    if (e.rule.empty()) continue;  // a changed failure: the person reviews it from the report
    e.observed = FirstLine(v.message);
    std::string refs;
    for (const std::string& r : v.refs) refs += (refs.empty() ? "" : "; ") + r;
    e.rfc = "UNREVIEWED: the vector's refs: " + (refs.empty() ? "(none)" : refs);
    e.reviewed = false;
    e.confirmed_by_replay = confirmed ? confirmed(v.id) : false;
    ledger.entries.push_back(std::move(e));
  }
  return ledger;
}

}  // namespace shakedown
