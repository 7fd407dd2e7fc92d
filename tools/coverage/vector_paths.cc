#include "tools/coverage/vector_paths.h"

#include <algorithm>

#include "engine/base/side.h"

namespace shakedown {

std::string VectorFileNameForId(std::string_view id) {
  const size_t role_end = id.find('.');
  if (role_end == std::string_view::npos) return "";
  const size_t topic_end = id.find('.', role_end + 1);
  if (topic_end == std::string_view::npos || topic_end + 1 >= id.size()) return "";
  std::string what(id.substr(topic_end + 1));
  std::replace(what.begin(), what.end(), '.', '-');
  return std::string(id.substr(0, role_end)) + "-" + what + ".json";
}

Status CheckVectorPath(const std::string& file, const Scenario& scenario) {
  const std::string& id = scenario.id;
  const size_t slash = file.rfind('/');
  const std::string name = slash == std::string::npos ? file : file.substr(slash + 1);
  const std::string dir = slash == std::string::npos ? "" : file.substr(0, slash);
  const std::string topic =
      dir.substr(dir.rfind('/') == std::string::npos ? 0 : dir.rfind('/') + 1);
  const std::string role = SideName(scenario.role);
  auto fail = [&](const std::string& why) {
    return InternalError(file + ": id \"" + id + "\" " + why +
                         " (the vector <role>.<topic>.<what> is <topic>/<role>-<what>.json, "
                         "dots in <what> written as dashes)");
  };
  const std::string expected = VectorFileNameForId(id);
  if (expected.empty()) return fail("is not <role>.<topic>.<what>");
  if (id.compare(0, role.size() + 1, role + ".") != 0) {
    return fail("does not start with the target's role \"" + role + "\"");
  }
  const std::string id_topic =
      id.substr(role.size() + 1, id.find('.', role.size() + 1) - role.size() - 1);
  if (id_topic != topic) {
    return fail("names topic \"" + id_topic + "\" but the file is in \"" + topic + "/\"");
  }
  if (name != expected) return fail("belongs in " + topic + "/" + expected);
  return Status::Ok();
}

}  // namespace shakedown
