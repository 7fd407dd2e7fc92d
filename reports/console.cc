#include "reports/console.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "reports/text_util.h"

namespace shakedown {
namespace {

constexpr char kGreen[] = "\x1b[32m";
constexpr char kRed[] = "\x1b[31m";
constexpr char kYellow[] = "\x1b[33m";
constexpr char kBold[] = "\x1b[1m";
constexpr char kReset[] = "\x1b[0m";
constexpr char kClearLine[] = "\r\x1b[K";
constexpr size_t kMaxIdChars = 120;

const char* VerdictColor(Verdict v) {
  return v == Verdict::kPass ? kGreen : v == Verdict::kFail ? kRed : v == Verdict::kError ? kYellow : kReset;
}

// "PASS  ", "FAIL  ", "ERROR ", "N/A   ": one column wide enough for the longest.
std::string VerdictLabel(Verdict v) {
  if (v == Verdict::kNotApplicable) return "N/A   ";
  if (v == Verdict::kExpectedFailure) return "XFAIL ";
  std::string label(VerdictName(v));
  for (char& c : label) c = static_cast<char>(c - 'a' + 'A');
  label.resize(6, ' ');
  return label;
}

std::string Duration(double ms) {
  char buf[512];
  if (!std::isfinite(ms)) return "?";
  if (ms >= 10000) {
    std::snprintf(buf, sizeof(buf), "%.1f s", ms / 1000);
  } else {
    std::snprintf(buf, sizeof(buf), "%.0f ms", ms);
  }
  return buf;
}

std::string Plural(size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

ConsoleOptions ConsoleOptions::FromEnvironment(bool no_progress) {
  ConsoleOptions o;
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  const bool plain = (no_color != nullptr && no_color[0] != '\0') ||
                     (term != nullptr && std::strcmp(term, "dumb") == 0);
  o.color = !plain && ::isatty(STDOUT_FILENO) == 1;
  o.progress = !plain && !no_progress && ::isatty(STDERR_FILENO) == 1;
  return o;
}

ConsoleReporter::ConsoleReporter(std::ostream& out, std::ostream& progress, ConsoleOptions options)
    : out_(out), progress_(progress), options_(options) {}

ConsoleReporter::~ConsoleReporter() { ClearBar(); }

std::string ConsoleReporter::Paint(const std::string& text, const char* ansi) const {
  return options_.color ? ansi + text + kReset : text;
}

void ConsoleReporter::OnRunStart(size_t total) {
  total_ = total;
  done_ = failed_ = errors_ = not_applicable_ = 0;
  DrawBar();
}

std::string ConsoleReporter::VectorLine(const VectorResult& v) const {
  std::string line = VerdictLabel(v.verdict) + TerminalText(v.id, kMaxIdChars) + "  ";
  if (v.verdict == Verdict::kPass) return line + "(" + Duration(v.duration_ms) + ")";
  std::string why = FailureHeadline(v);
  // The headline falls back to the message when there is no rule: do not repeat it.
  if (!v.rule.empty() && !v.message.empty()) why += " \xE2\x80\x94 " + v.message;  // —
  return line + TerminalText(why, options_.max_message_chars);
}

void ConsoleReporter::OnVectorDone(const VectorResult& v) {
  ++done_;
  failed_ += v.verdict == Verdict::kFail;
  errors_ += v.verdict == Verdict::kError;
  not_applicable_ += v.verdict == Verdict::kNotApplicable;
  ClearBar();
  std::string line = VectorLine(v);
  if (options_.color) {
    line = Paint(VerdictLabel(v.verdict), VerdictColor(v.verdict)) + line.substr(6);
  }
  out_ << line << '\n';
  out_.flush();
  DrawBar();
}

void ConsoleReporter::OnRunDone(const RunResult& run) {
  ClearBar();
  const int passed = run.Count(Verdict::kPass);
  const int failed = run.Count(Verdict::kFail);
  const int errors = run.Count(Verdict::kError);
  if (failed + errors > 0) {
    out_ << '\n' << Paint("Failures:", kBold) << '\n';
    for (Verdict verdict : {Verdict::kFail, Verdict::kError}) {
      for (const VectorResult& v : run.vectors) {
        if (v.verdict != verdict) continue;
        out_ << "  " << Paint(VerdictLabel(v.verdict), VerdictColor(v.verdict))
             << TerminalText(v.id, kMaxIdChars) << "  "
             << TerminalText(FailureHeadline(v), options_.max_message_chars) << '\n';
      }
    }
  }
  std::string summary = std::to_string(passed) + " passed, " + std::to_string(failed) +
                        " failed, " + Plural(static_cast<size_t>(errors), "error", "errors");
  const int not_applicable = run.Count(Verdict::kNotApplicable);
  if (not_applicable > 0) summary += ", " + std::to_string(not_applicable) + " not applicable";
  const int expected = run.Count(Verdict::kExpectedFailure);
  if (expected > 0) {
    summary += ", " + Plural(static_cast<size_t>(expected), "expected failure (ledger)",
                             "expected failures (ledger)");
  }
  if (std::isfinite(run.duration_ms) && run.duration_ms > 0) {
    char buf[512];
    std::snprintf(buf, sizeof(buf), " (in %.1f s)", run.duration_ms / 1000);
    summary += buf;
  }
  const char* color = failed > 0 ? kRed : errors > 0 ? kYellow : kGreen;
  out_ << Paint(summary, options_.color ? color : kBold) << '\n';
  out_.flush();
}

void ConsoleReporter::ClearBar() {
  if (!bar_shown_) return;
  progress_ << kClearLine;
  progress_.flush();
  bar_shown_ = false;
}

void ConsoleReporter::DrawBar() {
  if (!options_.progress) return;
  std::string bar;
  if (total_ > 0) {
    const size_t filled = std::min(options_.bar_width, done_ * options_.bar_width / total_);
    bar = "[" + std::string(filled, '#') + std::string(options_.bar_width - filled, '.') + "] " +
          std::to_string(done_) + "/" + std::to_string(total_);
  } else {
    bar = std::to_string(done_) + " done";
  }
  if (failed_ > 0) bar += "  " + std::to_string(failed_) + " failed";
  if (errors_ > 0) bar += "  " + Plural(errors_, "error", "errors");
  if (not_applicable_ > 0) bar += "  " + std::to_string(not_applicable_) + " n/a";
  progress_ << kClearLine << bar;
  progress_.flush();
  bar_shown_ = true;
}

}  // namespace shakedown
