#include "reports/text_util.h"

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace shakedown {
namespace {

constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD

// Length of the well-formed UTF-8 sequence at in[pos] and its code point, or 0 if none.
size_t DecodeUtf8(std::string_view in, size_t pos, char32_t* cp) {
  auto byte = [&](size_t i) -> int {
    return pos + i < in.size() ? static_cast<unsigned char>(in[pos + i]) : -1;
  };
  auto cont = [&](size_t i, int lo = 0x80, int hi = 0xBF) {
    int b = byte(i);
    return b >= lo && b <= hi;
  };
  const int b0 = byte(0);
  if (b0 < 0x80) {
    *cp = static_cast<char32_t>(b0);
    return 1;
  }
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    if (!cont(1)) return 0;
    *cp = ((b0 & 0x1F) << 6) | (byte(1) & 0x3F);
    return 2;
  }
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    // E0: no overlong forms; ED: no surrogates.
    const int lo = b0 == 0xE0 ? 0xA0 : 0x80;
    const int hi = b0 == 0xED ? 0x9F : 0xBF;
    if (!cont(1, lo, hi) || !cont(2)) return 0;
    *cp = ((b0 & 0x0F) << 12) | ((byte(1) & 0x3F) << 6) | (byte(2) & 0x3F);
    return 3;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    // F0: no overlong forms; F4: nothing above U+10FFFF.
    const int lo = b0 == 0xF0 ? 0x90 : 0x80;
    const int hi = b0 == 0xF4 ? 0x8F : 0xBF;
    if (!cont(1, lo, hi) || !cont(2) || !cont(3)) return 0;
    *cp = ((b0 & 0x07) << 18) | ((byte(1) & 0x3F) << 12) | ((byte(2) & 0x3F) << 6) |
          (byte(3) & 0x3F);
    return 4;
  }
  return 0;
}

bool IsBidiControl(char32_t cp) {
  return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

std::string CodePointName(char32_t cp) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "[U+%04X]", static_cast<unsigned>(cp));
  return buf;
}

// Calls f(code point, its bytes) for each character of ValidUtf8(in).
template <typename F>
void ForEachChar(std::string_view in, F f) {
  size_t pos = 0;
  while (pos < in.size()) {
    char32_t cp = 0;
    size_t len = DecodeUtf8(in, pos, &cp);
    if (len == 0) {
      f(char32_t{0xFFFD}, std::string_view(kReplacement));
      ++pos;
    } else {
      f(cp, in.substr(pos, len));
      pos += len;
    }
  }
}

}  // namespace

std::string ValidUtf8(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  ForEachChar(in, [&](char32_t, std::string_view bytes) { out += bytes; });
  return out;
}

std::string XmlSafeText(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  ForEachChar(in, [&](char32_t cp, std::string_view bytes) {
    // XML 1.0 2.2: Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
    // (surrogates cannot occur: ValidUtf8 rejects them).
    if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0xFFFE || cp == 0xFFFF) {
      out += kReplacement;
    } else if (IsBidiControl(cp)) {
      out += CodePointName(cp);
    } else {
      out += bytes;
    }
  });
  return out;
}

std::string HtmlEscape(std::string_view in) {
  const std::string safe = XmlSafeText(in);
  std::string out;
  out.reserve(safe.size() + safe.size() / 8);
  for (char c : safe) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string TerminalText(std::string_view in, size_t max_chars) {
  std::string out;
  size_t chars = 0;
  bool cut = false;
  ForEachChar(in, [&](char32_t cp, std::string_view bytes) {
    if (cut) return;
    if (chars == max_chars) {
      cut = true;
      return;
    }
    ++chars;
    char buf[16];
    if (cp < 0x20 || cp == 0x7F) {
      std::snprintf(buf, sizeof(buf), "\\x%02x", static_cast<unsigned>(cp));
      out += buf;
    } else if (cp >= 0x80 && cp <= 0x9F) {  // C1 controls: 0x9B is a CSI on some terminals
      std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned>(cp));
      out += buf;
    } else if (IsBidiControl(cp)) {
      out += CodePointName(cp);
    } else {
      out += bytes;
    }
  });
  if (cut) out += "\xE2\x80\xA6";  // …
  return out;
}

std::string TruncateUtf8(std::string_view in, size_t max_chars) {
  size_t pos = 0;
  size_t chars = 0;
  while (pos < in.size() && chars < max_chars) {
    char32_t cp;
    size_t len = DecodeUtf8(in, pos, &cp);
    pos += len == 0 ? 1 : len;
    ++chars;
  }
  if (pos >= in.size()) return std::string(in);
  return std::string(in.substr(0, pos)) + "\xE2\x80\xA6";
}

std::string FailureHeadline(const VectorResult& vector) {
  std::string where;
  if (vector.failed_connection > 0) {
    where = "connection " + std::to_string(vector.failed_connection);
  }
  if (vector.failed_step >= 0) {
    where += (where.empty() ? "step " : ", step ") + std::to_string(vector.failed_step);
  }
  const std::string& why = !vector.rule.empty()      ? vector.rule
                           : !vector.message.empty() ? vector.message
                                                     : std::string(VerdictName(vector.verdict));
  return where.empty() ? why : where + ": " + why;
}

std::string_view TraceArrow(TraceEntry::Kind kind) {
  switch (kind) {
    case TraceEntry::Kind::kSent: return "->";
    case TraceEntry::Kind::kReceived: return "<-";
    case TraceEntry::Kind::kNote: return "--";
  }
  return "--";
}

std::string_view TraceKindName(TraceEntry::Kind kind) {
  switch (kind) {
    case TraceEntry::Kind::kSent: return "sent";
    case TraceEntry::Kind::kReceived: return "received";
    case TraceEntry::Kind::kNote: return "note";
  }
  return "note";
}

Status WriteTextFile(const std::string& path, std::string_view content) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) {
    return InternalError("cannot open " + path + " for writing: " + std::strerror(errno));
  }
  const size_t written = std::fwrite(content.data(), 1, content.size(), f);
  const int write_errno = errno;
  const bool closed = std::fclose(f) == 0;
  if (written != content.size()) {
    return InternalError("cannot write " + path + ": " + std::strerror(write_errno));
  }
  if (!closed) return InternalError("cannot write " + path + ": " + std::strerror(errno));
  return Status::Ok();
}

std::string MajorMinor(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) continue;
    if (i > 0 && (std::isdigit(static_cast<unsigned char>(text[i - 1])) || text[i - 1] == '.')) {
      continue;
    }
    size_t j = i;
    while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j]))) ++j;
    if (j + 1 < text.size() && text[j] == '.' &&
        std::isdigit(static_cast<unsigned char>(text[j + 1]))) {
      size_t k = j + 1;
      while (k < text.size() && std::isdigit(static_cast<unsigned char>(text[k]))) ++k;
      return std::string(text.substr(i, k - i));
    }
  }
  return "";
}

}  // namespace shakedown
