// What a vector's `id` and `refs` may hold, checked by the parser: ids of [a-z0-9._-], refs
// naming an RFC section, a row of the project's checklist or attack catalogue, or a CVE.
#ifndef SHAKEDOWN_HARNESS_SCENARIO_REFS_H_
#define SHAKEDOWN_HARNESS_SCENARIO_REFS_H_

#include <string>
#include <string_view>

namespace shakedown {

// "RFC5246", "RFC5246 7.4.1.2", "RFC5246 App. E.1", "checklist:17", "CVE-2014-0224",
// "attack:1". Empty when valid, else the reason.
std::string CheckRef(std::string_view ref);

// 1 to 128 characters of [a-z0-9._-].
bool ValidId(std::string_view id);

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_SCENARIO_REFS_H_
