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

namespace {

constexpr std::string_view kRegressions = "regressions.";

// The last path component of `path` ("" for none).
std::string LastComponent(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string Parent(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}

}  // namespace

std::string RegressionFileForId(std::string_view id) {
  if (id.substr(0, kRegressions.size()) != kRegressions) return "";
  // The rest is <role>.<what>: the conformance rule without a topic, in a directory per role.
  const std::string_view rest = id.substr(kRegressions.size());
  const size_t role_end = rest.find('.');
  if (role_end == std::string_view::npos || role_end == 0 || role_end + 1 >= rest.size()) {
    return "";
  }
  std::string what(rest.substr(role_end + 1));
  std::replace(what.begin(), what.end(), '.', '-');
  return std::string(rest.substr(0, role_end)) + "/" + what + ".json";
}

Status CheckRegressionId(std::string_view id, Side role) {
  const std::string prefix = std::string(kRegressions) + std::string(SideName(role)) + ".";
  if (id.substr(0, prefix.size()) != prefix || id.size() == prefix.size() ||
      RegressionFileForId(id).empty()) {
    return InternalError("id \"" + std::string(id) + "\" is not " + prefix +
                         "<what> (a regression of a " + std::string(SideName(role)) +
                         " target lives in vectors/regressions/" + std::string(SideName(role)) +
                         "/<what>.json, dots in <what> written as dashes)");
  }
  return Status::Ok();
}

Status CheckVectorPath(const std::string& file, const Scenario& scenario) {
  const std::string& id = scenario.id;
  const std::string name = LastComponent(file);
  const std::string dir = Parent(file);
  const std::string topic = LastComponent(dir);
  const std::string role = SideName(scenario.role);
  if (LastComponent(Parent(dir)) == "regressions") {
    Status id_ok = CheckRegressionId(id, scenario.role);
    if (!id_ok.ok()) return InternalError(file + ": " + id_ok.message());
    const std::string expected = RegressionFileForId(id);
    if (topic + "/" + name != expected) {
      return InternalError(file + ": id \"" + id + "\" belongs in regressions/" + expected);
    }
    return Status::Ok();
  }
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
