#include "harness/scenario/refs.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "harness/scenario/json_text.h"
#include "harness/scenario/keys.h"

namespace shakedown {
namespace {

constexpr size_t kMaxIdLength = 128;
constexpr uint64_t kMaxAttack = 37;  // rows of reference/attacks.md

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

// "RFC5246", "RFC5246 7.4.1.2", "RFC5246 App. E.1", "checklist:17", "CVE-2014-0224",
// "attack:1". Empty when valid, else the reason.
std::string CheckRef(std::string_view ref) {
  if (ref.substr(0, 3) == "RFC") {
    std::string_view rest = ref.substr(3);
    size_t space = rest.find(' ');
    std::string_view number = rest.substr(0, space);
    if (!IsDigits(number) || number.size() > 5) return "an RFC ref is \"RFC<number> <section>\"";
    if (space == std::string_view::npos) return "";
    std::string_view section = rest.substr(space + 1);
    bool ok = !section.empty() && section.front() != ' ' && section.back() != ' ';
    for (char c : section) {
      bool allowed = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                     c == '.' || c == ' ';
      ok = ok && allowed;
    }
    if (!ok) return "an RFC section is letters, digits, dots and single spaces";
    return "";
  }
  if (ref.substr(0, 10) == "checklist:") {
    std::string_view row = ref.substr(10);
    const auto& rows = ChecklistRows();
    if (std::find(rows.begin(), rows.end(), row) == rows.end()) {
      return "rfc_checklist.md has no row " + Quote(row) + " (rows 1-58, 36b, 45a, 45b)";
    }
    return "";
  }
  if (ref.substr(0, 4) == "CVE-") {
    std::string_view rest = ref.substr(4);
    size_t dash = rest.find('-');
    if (dash != 4 || !IsDigits(rest.substr(0, 4)) || !IsDigits(rest.substr(5)) ||
        rest.size() - 5 < 4 || rest.size() - 5 > 7) {
      return "a CVE ref is \"CVE-YYYY-NNNN\"";
    }
    return "";
  }
  if (ref.substr(0, 7) == "attack:") {
    std::string_view n = ref.substr(7);
    if (!IsDigits(n) || n.size() > 3 || n.front() == '0' ||
        std::stoul(std::string(n)) > kMaxAttack) {
      return "attacks.md has rows 1-" + std::to_string(kMaxAttack);
    }
    return "";
  }
  return "a ref is \"RFC<number> <section>\", \"checklist:<row>\", \"CVE-YYYY-NNNN\" or "
         "\"attack:<row>\"";
}

bool ValidId(std::string_view id) {
  if (id.empty() || id.size() > kMaxIdLength) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  });
}

}  // namespace shakedown
