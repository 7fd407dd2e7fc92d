// Text helpers shared by the report writers. Results carry bytes that came from a peer under
// test (SNI names, decoded fields, error text), so every string is sanitized for its output
// format here, in one place: valid UTF-8 for JSON, XML 1.0 characters for JUnit and HTML,
// no control sequences for the terminal.
#ifndef SHAKEDOWN_REPORTS_TEXT_UTIL_H_
#define SHAKEDOWN_REPORTS_TEXT_UTIL_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "engine/base/status.h"
#include "reports/results.h"

namespace shakedown {

// `in` as well-formed UTF-8 (Unicode 3.9 Table 3-7): each byte that does not start a
// well-formed sequence (overlong forms, surrogates, > U+10FFFF, truncated) becomes U+FFFD.
std::string ValidUtf8(std::string_view in);

// Text that is legal in XML 1.0 and HTML, and displays honestly: ValidUtf8, then the
// characters XML 1.0 2.2 forbids (C0 controls other than TAB, LF, CR; U+FFFE, U+FFFF) become
// U+FFFD, and bidirectional controls (U+202A-U+202E, U+2066-U+2069) become a visible
// "[U+202E]" so a hostile string cannot reorder the text around it. Not escaped.
std::string XmlSafeText(std::string_view in);

// XmlSafeText(in), HTML-escaped for text and for quoted attribute values (& < > " ').
std::string HtmlEscape(std::string_view in);

// One line for a terminal: ValidUtf8, C0/C1 controls and DEL (ESC, CSI, CR, LF...) as
// "\xNN" / "\u0085", bidirectional controls as "[U+202E]", and at most `max_chars` code
// points (then "…").
std::string TerminalText(std::string_view in, size_t max_chars);

// The first `max_chars` code points of valid UTF-8 `in`, plus "…" if anything was cut.
std::string TruncateUtf8(std::string_view in, size_t max_chars);

// Where and why a vector failed, for one line: "step 3: rule", "connection 1, step 2: rule";
// the message when there is no rule; the verdict name when there is neither. Unsanitized.
std::string FailureHeadline(const VectorResult& vector);

// "->" sent, "<-" received, "--" note.
std::string_view TraceArrow(TraceEntry::Kind kind);
std::string_view TraceKindName(TraceEntry::Kind kind);  // "sent" | "received" | "note"

// "3.0" from "OpenSSL 3.0.19 27 Jan 2026", "3.7" from "GnuTLS 3.7.9": the first N.N that does
// not continue another number; "" when there is none. A library's release series, which its
// deviation ledger and the matrix name.
std::string MajorMinor(std::string_view version_text);

// Writes `content` to `path` (replacing it); errors name the path.
Status WriteTextFile(const std::string& path, std::string_view content);

}  // namespace shakedown

#endif  // SHAKEDOWN_REPORTS_TEXT_UTIL_H_
