// JUnit XML for CI (Jenkins, GitLab, GitHub test reporters), in the layout they all render:
//
//   <testsuites name="shakedown" tests= failures= errors= time=>
//     <testsuite name="shakedown.<topic>" tests= failures= errors= skipped="0" time= timestamp=>
//       <properties> target, command_line </properties>
//       <testcase classname="<topic>" name="<vector id>" time="<seconds>" file="<vector file>">
//         <properties> title, one "ref" per requirement </properties>
//         <failure message="step N: rule" type="fail"> message, rule, refs, trace excerpt </failure>
//           (kError: <error message=... type="error">)
//         <system-out> the full trace (failing and erroring vectors only) </system-out>
//
// One testsuite per topic, sorted by topic; vectors without a topic go to "uncategorized".
// All text is XmlSafeText (see text_util.h), so the output is well-formed XML 1.0 whatever
// bytes the results hold.
#ifndef SHAKEDOWN_REPORTS_JUNIT_H_
#define SHAKEDOWN_REPORTS_JUNIT_H_

#include <string>

#include "engine/base/status.h"
#include "reports/results.h"

namespace shakedown {

std::string JUnitXml(const RunResult& run);
Status WriteJUnitXml(const RunResult& run, const std::string& path);

}  // namespace shakedown

#endif  // SHAKEDOWN_REPORTS_JUNIT_H_
