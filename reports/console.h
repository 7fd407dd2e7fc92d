// The console side of a run: one line per finished vector on `out` ("PASS  id  (12 ms)",
// "FAIL  id  step 3: rule — message"), a one-line progress bar redrawn with \r on `progress`
// (stderr) while the run goes, and a closing summary with the failures listed again.
// Strings from results pass through TerminalText: a hostile id cannot move the cursor.
#ifndef SHAKEDOWN_REPORTS_CONSOLE_H_
#define SHAKEDOWN_REPORTS_CONSOLE_H_

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

#include "reports/results.h"

namespace shakedown {

struct ConsoleOptions {
  bool color = false;     // ANSI colours on `out`
  bool progress = false;  // progress bar on `progress`
  size_t bar_width = 30;
  size_t max_message_chars = 160;  // per line; the reports carry the full text

  // Colours when stdout is a terminal, the progress bar when stderr is; neither when NO_COLOR
  // is set (non-empty, https://no-color.org) or TERM=dumb; no bar with `no_progress`.
  static ConsoleOptions FromEnvironment(bool no_progress);
};

class ConsoleReporter {
 public:
  ConsoleReporter(std::ostream& out, std::ostream& progress, ConsoleOptions options);
  ~ConsoleReporter();
  ConsoleReporter(const ConsoleReporter&) = delete;
  ConsoleReporter& operator=(const ConsoleReporter&) = delete;

  // `total`: vectors to run (0 if unknown: the bar then shows a count only).
  void OnRunStart(size_t total);
  void OnVectorDone(const VectorResult& vector);
  // Clears the bar; prints "N passed, M failed, K errors (in 1.2 s)" and the failures.
  void OnRunDone(const RunResult& run);

  // The line OnVectorDone prints, without colour or newline.
  std::string VectorLine(const VectorResult& vector) const;

 private:
  void ClearBar();
  void DrawBar();
  std::string Paint(const std::string& text, const char* ansi) const;

  std::ostream& out_;
  std::ostream& progress_;
  ConsoleOptions options_;
  size_t total_ = 0;
  size_t done_ = 0;
  size_t failed_ = 0;
  size_t errors_ = 0;
  size_t not_applicable_ = 0;
  bool bar_shown_ = false;
};

}  // namespace shakedown

#endif  // SHAKEDOWN_REPORTS_CONSOLE_H_
