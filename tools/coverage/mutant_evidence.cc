#include "tools/coverage/mutant_evidence.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <utility>

namespace shakedown {

namespace {

using Json = nlohmann::json;

uint64_t Fnv1a(std::string_view text) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string Hex16(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// The ids that follow `word ` in `text` ("checklist 8, checklist 47" -> 8, 47).
std::vector<std::string> IdsAfter(std::string_view text, std::string_view word) {
  std::vector<std::string> out;
  for (size_t at = text.find(word); at != std::string_view::npos; at = text.find(word, at + 1)) {
    size_t i = at + word.size();
    if (i >= text.size() || text[i] != ' ') continue;
    ++i;
    size_t j = i;
    while (j < text.size() && std::isalnum(static_cast<unsigned char>(text[j]))) ++j;
    if (j > i) out.emplace_back(text.substr(i, j - i));
  }
  return out;
}

bool Cites(const Scenario& s, const std::string& ref) {
  return std::find(s.refs.begin(), s.refs.end(), ref) != s.refs.end();
}

bool RoleMatches(const MutantHeader& m, Side role) {
  return role == Side::kClient ? m.client : m.server;
}

}  // namespace

Result<MutantHeader> ParseMutantHeader(std::string_view name, std::string_view patch) {
  MutantHeader m;
  m.name = std::string(name);
  m.fingerprint = Fnv1a(patch);
  std::string reference;
  bool in_reference = false;
  bool role = false;
  std::istringstream lines{std::string(patch)};
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("diff --git", 0) == 0) break;
    if (in_reference && !line.empty() && line[0] == ' ') {
      reference += " " + line;
      continue;
    }
    in_reference = false;
    if (line.rfind("Mutant:", 0) == 0) {
      m.title = line.substr(7);
      m.title.erase(0, m.title.find_first_not_of(' '));
    } else if (line.rfind("Role:", 0) == 0) {
      role = true;
      m.client = line.find("client") != std::string::npos;
      m.server = line.find("server") != std::string::npos;
    } else if (line.rfind("Reference:", 0) == 0) {
      reference = line.substr(10);
      in_reference = true;
    }
  }
  const std::string where = "bench/mutants/" + m.name + ".patch: ";
  if (m.title.empty()) return InternalError(where + "no \"Mutant:\" line");
  if (!role) return InternalError(where + "no \"Role:\" line");
  if (!m.client && !m.server)
    return InternalError(where + "the Role names neither client nor server");
  if (reference.empty()) return InternalError(where + "no \"Reference:\" line");
  m.checklist_rows = IdsAfter(reference, "checklist");
  m.attacks = IdsAfter(reference, "attacks.md");
  // A rule the checklist does not list (RFC 6066, RFC 8449 ...) says so in as many words: its
  // evidence is still kept and checked for staleness, with no row to cover.
  if (m.checklist_rows.empty() && m.attacks.empty() &&
      reference.find("no checklist row") == std::string::npos) {
    return InternalError(where +
                         "the Reference names no checklist row or attack (write \"no checklist "
                         "row\" and the RFC section for a rule the checklist does not list)");
  }
  return m;
}

Result<std::vector<MutantEvidence>> ParseEvidence(std::string_view json_text) {
  Json doc = Json::parse(json_text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return InternalError("evidence: not a JSON object");
  if (doc.value("schema", "") != "shakedown.mutant_evidence") {
    return InternalError("evidence: \"schema\" is not \"shakedown.mutant_evidence\"");
  }
  if (!doc.contains("mutants") || !doc["mutants"].is_array()) {
    return InternalError("evidence: no \"mutants\" list");
  }
  std::vector<MutantEvidence> out;
  for (const Json& m : doc["mutants"]) {
    MutantEvidence e;
    if (!m.is_object() || !m.contains("mutant") || !m["mutant"].is_string() ||
        !m.contains("fingerprint") || !m["fingerprint"].is_string() || !m.contains("caught_by") ||
        !m["caught_by"].is_array()) {
      return InternalError("evidence: an entry needs \"mutant\", \"fingerprint\", \"caught_by\"");
    }
    e.mutant = m["mutant"].get<std::string>();
    const std::string fp = m["fingerprint"].get<std::string>();
    if (fp.size() != 16 || fp.find_first_not_of("0123456789abcdef") != std::string::npos) {
      return InternalError("evidence: " + e.mutant + ": fingerprint is not 16 hex digits");
    }
    e.fingerprint = std::stoull(fp, nullptr, 16);
    for (const Json& id : m["caught_by"]) {
      if (!id.is_string()) return InternalError("evidence: " + e.mutant + ": a non-string id");
      e.caught_by.insert(id.get<std::string>());
    }
    out.push_back(std::move(e));
  }
  return out;
}

std::string EvidenceJson(const std::string& commit, const std::vector<MutantEvidence>& evidence) {
  // One id per line, so that a re-measurement diffs readably.
  std::ostringstream o;
  o << "{\n  \"schema\": \"shakedown.mutant_evidence\",\n  \"commit\": " << Json(commit).dump()
    << ",\n  \"mutants\": [\n";
  for (size_t i = 0; i < evidence.size(); ++i) {
    const MutantEvidence& e = evidence[i];
    o << "    {\"mutant\": " << Json(e.mutant).dump() << ", \"fingerprint\": \""
      << Hex16(e.fingerprint) << "\", \"caught_by\": [";
    size_t k = 0;
    for (const std::string& id : e.caught_by) {
      o << (k++ == 0 ? "\n      " : ",\n      ") << Json(id).dump();
    }
    o << (e.caught_by.empty() ? "]}" : "\n    ]}") << (i + 1 < evidence.size() ? "," : "") << "\n";
  }
  o << "  ]\n}\n";
  return o.str();
}

Result<std::vector<MutantEvidence>> EvidenceFromResults(std::string_view results_json,
                                                        const std::vector<MutantHeader>& mutants) {
  Json doc = Json::parse(results_json, nullptr, false);
  if (doc.is_discarded() || !doc.contains("mutants") || !doc["mutants"].is_array()) {
    return InternalError("results: not a tools/mutants results file");
  }
  std::map<std::string, const Json*> by_name;
  for (const Json& m : doc["mutants"]) by_name[m.value("mutant", "")] = &m;
  std::vector<MutantEvidence> out;
  for (const MutantHeader& h : mutants) {
    auto it = by_name.find(h.name);
    if (it == by_name.end()) return InternalError("results: no run of " + h.name);
    const Json& m = *it->second;
    if (m.value("status", "") != "caught") {
      return InternalError("results: " + h.name + " is " + m.value("status", "?") +
                           ", not caught: its evidence would be empty");
    }
    MutantEvidence e;
    e.mutant = h.name;
    e.fingerprint = h.fingerprint;
    for (const Json& id : m.value("caught_by", Json::array())) {
      if (id.is_string()) e.caught_by.insert(id.get<std::string>());
    }
    out.push_back(std::move(e));
    by_name.erase(it);
  }
  if (!by_name.empty()) {
    return InternalError("results: " + by_name.begin()->first + " is no patch in bench/mutants");
  }
  return out;
}

std::vector<RowProof> RowProofs(const std::vector<MutantHeader>& mutants,
                                const std::vector<MutantEvidence>& evidence,
                                const TreeLoad& vectors) {
  std::map<std::string, const MutantEvidence*> measured;
  for (const MutantEvidence& e : evidence) measured[e.mutant] = &e;
  std::vector<RowProof> out;
  for (const MutantHeader& m : mutants) {
    auto it = measured.find(m.name);
    if (it == measured.end()) continue;
    std::vector<std::string> refs;
    for (const std::string& row : m.checklist_rows) refs.push_back("checklist:" + row);
    for (const std::string& attack : m.attacks) refs.push_back("attack:" + attack);
    for (const std::string& ref : refs) {
      RowProof p{m.name, ref, {}, {}};
      for (const LoadedVector& v : vectors.vectors) {
        if (!v.ok() || !Cites(*v.scenario, ref) || !RoleMatches(m, v.scenario->role)) continue;
        p.citing.push_back(v.scenario->id);
        if (it->second->caught_by.count(v.scenario->id) != 0) p.failing.push_back(v.scenario->id);
      }
      out.push_back(std::move(p));
    }
  }
  return out;
}

std::string MutantProofMarkdown(const std::vector<MutantHeader>& mutants,
                                const std::vector<RowProof>& proofs) {
  std::map<std::string, const MutantHeader*> by_name;
  for (const MutantHeader& m : mutants) by_name[m.name] = &m;
  std::ostringstream o;
  o << "## Seeded bugs\n\n"
    << "A citation counts only if the vector would fail were the requirement violated. Each\n"
    << "bench/mutants patch violates the rows and attacks its header names; tools/mutants runs\n"
    << "the suite against it and bench/mutants/evidence.json keeps the vectors that failed.\n"
    << "Per violated row: the vectors of the bug's role that cite it, and how many of them fail\n"
    << "on it (the others test other parts of the row). //tools/coverage:coverage_honesty_test\n"
    << "fails when a cited row has none, or when the evidence is stale.\n\n"
    << "| bug | row or attack | citing vectors | failing on the bug |\n"
    << "| --- | --- | ---: | ---: |\n";
  for (const RowProof& p : proofs) {
    auto it = by_name.find(p.mutant);
    const std::string title = it == by_name.end() ? "" : it->second->title;
    const std::string ref =
        p.ref.rfind("checklist:", 0) == 0
            ? "[" + p.ref.substr(10) + "](#row-" + p.ref.substr(10) + ")"
            : "[attack " + p.ref.substr(7) + "](#attack-" + p.ref.substr(7) + ")";
    o << "| " << p.mutant.substr(0, 2) << ": " << title << " | " << ref << " | " << p.citing.size()
      << " | " << (p.citing.empty() ? "not cited" : std::to_string(p.failing.size())) << " |\n";
  }
  return o.str();
}

Result<MutantData> ReadMutantData(const std::string& dir) {
  auto read = [](const std::string& path, std::string* out) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    *out = text.str();
    return in.good() || in.eof();
  };
  MutantData data;
  std::vector<std::string> patches;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".patch") patches.push_back(entry.path().string());
  }
  if (ec) return InternalError("cannot list " + dir + ": " + ec.message());
  std::sort(patches.begin(), patches.end());
  for (const std::string& p : patches) {
    std::string text;
    if (!read(p, &text)) return InternalError("cannot read " + p);
    SD_ASSIGN_OR_RETURN(MutantHeader h,
                        ParseMutantHeader(std::filesystem::path(p).stem().string(), text));
    data.mutants.push_back(std::move(h));
  }
  std::string evidence;
  if (!read(dir + "/evidence.json", &evidence))
    return InternalError("cannot read " + dir + "/evidence.json");
  SD_ASSIGN_OR_RETURN(data.evidence, ParseEvidence(evidence));
  return data;
}

std::vector<std::string> CheckHonesty(const std::vector<MutantHeader>& mutants,
                                      const std::vector<MutantEvidence>& evidence,
                                      const TreeLoad& vectors) {
  std::vector<std::string> problems;
  const std::string remeasure =
      " (re-measure: tools/mutants, then bazel run //tools/coverage:mutant_evidence -- --results "
      "$PWD/out/mutants/results.json --out $PWD/bench/mutants/evidence.json)";
  std::map<std::string, const MutantEvidence*> measured;
  for (const MutantEvidence& e : evidence) measured[e.mutant] = &e;
  std::set<std::string> ids;
  for (const LoadedVector& v : vectors.vectors) {
    if (v.ok()) ids.insert(v.scenario->id);
  }
  for (const MutantHeader& m : mutants) {
    auto it = measured.find(m.name);
    if (it == measured.end()) {
      problems.push_back(m.name + ": no evidence" + remeasure);
    } else if (it->second->fingerprint != m.fingerprint) {
      problems.push_back(m.name + ": the patch changed since it was measured" + remeasure);
    }
  }
  for (const MutantEvidence& e : evidence) {
    bool patch = std::any_of(mutants.begin(), mutants.end(),
                             [&](const MutantHeader& m) { return m.name == e.mutant; });
    if (!patch) problems.push_back(e.mutant + ": evidence for a patch that does not exist");
    for (const std::string& id : e.caught_by) {
      // An equivalence family's row is not a vector of its own.
      if (ids.count(id) == 0 && id.rfind("equivalence.", 0) != 0) {
        problems.push_back(e.mutant + ": caught by " + id + ", which is no vector any more" +
                           remeasure);
      }
    }
  }
  for (const RowProof& p : RowProofs(mutants, evidence, vectors)) {
    if (!p.citing.empty() && p.failing.empty()) {
      problems.push_back(p.ref + " is covered by " + std::to_string(p.citing.size()) +
                         " vector(s) (" + p.citing.front() + ", ...), none of which fails on " +
                         p.mutant + ", the bug that violates it");
    }
  }
  return problems;
}

}  // namespace shakedown
