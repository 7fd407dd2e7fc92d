// `shakedown run --report DIR`: every report of a run in one folder.
#ifndef SHAKEDOWN_REPORTS_REPORT_DIR_H_
#define SHAKEDOWN_REPORTS_REPORT_DIR_H_

#include <string>

#include "engine/base/status.h"
#include "reports/html_report.h"
#include "reports/results.h"

namespace shakedown {

inline constexpr char kJUnitFileName[] = "junit.xml";
inline constexpr char kJsonFileName[] = "results.json";
inline constexpr char kHtmlFileName[] = "report.html";

// Creates `dir` (and its parents) and writes junit.xml, results.json and report.html into it.
// Writes all three even if one fails; returns the first error, which names the path.
Status WriteReports(const RunResult& run, const std::string& dir,
                    const HtmlReportOptions& html_options = {});

}  // namespace shakedown

#endif  // SHAKEDOWN_REPORTS_REPORT_DIR_H_
