#include "reports/report_dir.h"

#include <filesystem>
#include <system_error>

#include "reports/json_report.h"
#include "reports/junit.h"

namespace shakedown {

Status WriteReports(const RunResult& run, const std::string& dir,
                    const HtmlReportOptions& html_options) {
  if (dir.empty()) return InternalError("report directory: empty path");
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return InternalError("cannot create report directory " + dir + ": " + ec.message());
  if (!std::filesystem::is_directory(dir, ec)) {
    return InternalError("report directory " + dir + " is not a directory");
  }
  const std::filesystem::path base(dir);
  Status statuses[] = {
      WriteJUnitXml(run, (base / kJUnitFileName).string()),
      WriteJsonResults(run, (base / kJsonFileName).string()),
      WriteHtmlReport(run, (base / kHtmlFileName).string(), html_options),
  };
  for (const Status& s : statuses) {
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace shakedown
