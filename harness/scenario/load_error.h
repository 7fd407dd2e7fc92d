// The one error a vector load reports: the file, where in it, and why.
#ifndef SHAKEDOWN_HARNESS_SCENARIO_LOAD_ERROR_H_
#define SHAKEDOWN_HARNESS_SCENARIO_LOAD_ERROR_H_

#include <string>

namespace shakedown {

struct LoadError {
  std::string file;
  std::string json_path;  // RFC 6901 pointer, e.g. "/steps/3/set/cipher_suites"; "" = whole file
  std::string reason;

  // "vectors/x.json at /steps/3/send: unknown message \"ClientHelo\" (did you mean ...)"
  std::string ToString() const;
};

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_SCENARIO_LOAD_ERROR_H_
