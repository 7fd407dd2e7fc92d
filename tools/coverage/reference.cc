#include "tools/coverage/reference.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <tuple>
#include <utility>

namespace shakedown {
namespace {

constexpr std::string_view kEnDash = "\xE2\x80\x93";  // "49–53" in the Checklist column

Status RefError(std::string_view document, const std::string& message) {
  return InternalError(std::string(document) + ": " + message);
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::vector<std::string_view> Split(std::string_view s, std::string_view separator) {
  std::vector<std::string_view> out;
  for (;;) {
    size_t at = s.find(separator);
    out.push_back(Trim(s.substr(0, at)));
    if (at == std::string_view::npos) return out;
    s.remove_prefix(at + separator.size());
  }
}

// "17", "36b": a number, perhaps with one lower-case letter.
bool IsRowId(std::string_view s) {
  if (!s.empty() && std::islower(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return IsDigits(s);
}

// "7.4.1.2": numbers separated by dots.
bool IsNumberedSection(std::string_view s) {
  for (std::string_view part : Split(s, ".")) {
    if (!IsDigits(part)) return false;
  }
  return true;
}

// "E.1", "A.5", "D": an appendix letter, then numbers.
bool IsAppendix(std::string_view s) {
  if (s.empty() || !std::isupper(static_cast<unsigned char>(s[0]))) return false;
  if (s.size() == 1) return true;
  return s[1] == '.' && IsNumberedSection(s.substr(2));
}

// Section components for ordering: appendices after numbered sections, numbers numerically.
std::tuple<bool, std::vector<std::pair<int, std::string>>> SortKey(std::string_view section) {
  const bool appendix = section.rfind("App. ", 0) == 0;
  if (appendix) section.remove_prefix(5);
  std::vector<std::pair<int, std::string>> parts;
  for (std::string_view part : Split(section, ".")) {
    parts.emplace_back(IsDigits(part) ? std::stoi(std::string(part)) : -1, std::string(part));
  }
  return {appendix, parts};
}

// The cells of a markdown table line "| a | b | c |"; empty for any other line.
std::vector<std::string_view> Cells(std::string_view line) {
  line = Trim(line);
  if (line.size() < 2 || line.front() != '|' || line.back() != '|') return {};
  return Split(line.substr(1, line.size() - 2), "|");
}

std::vector<std::string_view> Lines(std::string_view text) { return Split(text, "\n"); }

// One group of the "RFC §" column: "5246 §7.1, §7.3", "RFC 7507 §3, §4", "8446 App. D.5".
Status ParseSectionGroup(std::string_view group, std::vector<RfcSection>* out) {
  if (group.rfind("RFC ", 0) == 0) group.remove_prefix(4);
  size_t space = group.find(' ');
  std::string_view rfc = group.substr(0, space);
  if (!IsDigits(rfc) || space == std::string_view::npos) {
    return InternalError("\"" + std::string(group) + "\" does not start with an RFC number");
  }
  for (std::string_view part : Split(group.substr(space + 1), ",")) {
    std::string section;
    if (part.rfind("\xC2\xA7", 0) == 0 && IsNumberedSection(part.substr(2))) {  // "§7.4"
      section = std::string(part.substr(2));
    } else if (part.rfind("App. ", 0) == 0 && IsAppendix(part.substr(5))) {
      section = std::string(part);
    } else {
      return InternalError("\"" + std::string(part) + "\" is neither §<section> nor App. <x>");
    }
    out->push_back(RfcSection{std::string(rfc), section});
  }
  return Status::Ok();
}

// The "RFC §" cell; a parenthetical remark ("(and CVE-2016-8610)") is not a section.
Result<std::vector<RfcSection>> ParseSectionCell(std::string_view cell) {
  std::string text(cell);
  for (size_t open; (open = text.find('(')) != std::string::npos;) {
    size_t close = text.find(')', open);
    if (close == std::string::npos) return InternalError("unbalanced \"(\"");
    text.erase(open, close - open + 1);
  }
  std::vector<RfcSection> sections;
  for (std::string_view group : Split(text, ";")) {
    SD_RETURN_IF_ERROR(ParseSectionGroup(group, &sections));
  }
  return sections;
}

Result<std::vector<ChecklistRow>> ParseChecklist(std::string_view md) {
  constexpr std::string_view kDoc = "rfc_checklist.md";
  std::vector<ChecklistRow> rows;
  std::set<std::string> seen;
  for (std::string_view line : Lines(md)) {
    std::vector<std::string_view> cells = Cells(line);
    if (cells.empty()) continue;
    std::string_view id = cells[0];
    if (!IsRowId(id)) continue;
    const std::string where = "row " + std::string(id);
    // # | Requirement | RFC § | Test | Alert
    if (cells.size() != 5) {
      return RefError(kDoc, where + ": " + std::to_string(cells.size()) + " cells, expected 5");
    }
    if (!seen.insert(std::string(id)).second) return RefError(kDoc, where + ": duplicate");
    Result<std::vector<RfcSection>> sections = ParseSectionCell(cells[2]);
    if (!sections.ok()) return RefError(kDoc, where + ": RFC §: " + sections.status().message());
    rows.push_back(ChecklistRow{std::string(id), std::move(sections).value()});
  }
  if (rows.empty()) return RefError(kDoc, "no checklist rows");
  return rows;
}

// The Checklist cell of an attack: "38, 39", "49–53", "45a, 45b", "—" (none).
Result<std::vector<std::string>> ParseRowList(std::string_view cell,
                                              const std::vector<ChecklistRow>& checklist) {
  std::vector<std::string> out;
  if (cell == "\xE2\x80\x94") return out;  // em dash: no row
  auto index_of = [&](std::string_view id) -> std::optional<size_t> {
    for (size_t i = 0; i < checklist.size(); ++i) {
      if (checklist[i].id == id) return i;
    }
    return std::nullopt;
  };
  for (std::string_view item : Split(cell, ",")) {
    size_t dash = item.find(kEnDash);
    std::string_view first = Trim(item.substr(0, dash));
    std::string_view last =
        dash == std::string_view::npos ? first : Trim(item.substr(dash + kEnDash.size()));
    std::optional<size_t> from = index_of(first);
    std::optional<size_t> to = index_of(last);
    if (!from || !to || *to < *from) {
      return InternalError("\"" + std::string(item) + "\" is not a checklist row or range");
    }
    for (size_t i = *from; i <= *to; ++i) out.push_back(checklist[i].id);
  }
  return out;
}

Result<std::vector<Attack>> ParseAttacks(std::string_view md,
                                         const std::vector<ChecklistRow>& checklist) {
  constexpr std::string_view kDoc = "attacks.md";
  std::vector<Attack> attacks;
  for (std::string_view line : Lines(md)) {
    std::vector<std::string_view> cells = Cells(line);
    if (cells.empty() || !IsDigits(cells[0])) continue;
    const std::string where = "attack " + std::string(cells[0]);
    // # | Attack / bug | CVE(s) | CVE check | One-line test | Checklist
    if (cells.size() != 6) {
      return RefError(kDoc, where + ": " + std::to_string(cells.size()) + " cells, expected 6");
    }
    if (cells[0] != std::to_string(attacks.size() + 1)) {
      return RefError(kDoc, where + ": expected attack " + std::to_string(attacks.size() + 1) +
                                " (attacks are numbered 1..n in order)");
    }
    Result<std::vector<std::string>> rows = ParseRowList(cells[5], checklist);
    if (!rows.ok()) return RefError(kDoc, where + ": Checklist: " + rows.status().message());
    attacks.push_back(Attack{std::string(cells[0]), std::move(rows).value()});
  }
  if (attacks.empty()) return RefError(kDoc, "no attacks");
  return attacks;
}

}  // namespace

std::string RfcSection::Ref() const { return "RFC" + rfc + " " + section; }

std::string RfcSection::Display() const {
  return "RFC " + rfc + (section.rfind("App. ", 0) == 0 ? " " : " \xC2\xA7") + section;
}

bool RfcSection::operator<(const RfcSection& other) const {
  const int a = std::stoi(rfc);
  const int b = std::stoi(other.rfc);
  if (a != b) return a < b;
  return SortKey(section) < SortKey(other.section);
}

bool RfcSection::operator==(const RfcSection& other) const {
  return rfc == other.rfc && section == other.section;
}

std::optional<RfcSection> ParseRfcRef(std::string_view ref) {
  if (ref.rfind("RFC", 0) != 0) return std::nullopt;
  ref.remove_prefix(3);
  size_t space = ref.find(' ');
  if (space == std::string_view::npos || !IsDigits(ref.substr(0, space))) return std::nullopt;
  std::string_view section = ref.substr(space + 1);
  const bool valid = IsNumberedSection(section) ||
                     (section.rfind("App. ", 0) == 0 && IsAppendix(section.substr(5)));
  if (!valid) return std::nullopt;
  return RfcSection{std::string(ref.substr(0, space)), std::string(section)};
}

Result<Reference> ParseReference(std::string_view checklist_md, std::string_view attacks_md) {
  Reference reference;
  SD_ASSIGN_OR_RETURN(reference.checklist, ParseChecklist(checklist_md));
  SD_ASSIGN_OR_RETURN(reference.attacks, ParseAttacks(attacks_md, reference.checklist));
  return reference;
}

}  // namespace shakedown
