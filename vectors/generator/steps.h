// Steps of a generated vector, written the way a vector file reads.
#ifndef SHAKEDOWN_VECTORS_GENERATOR_STEPS_H_
#define SHAKEDOWN_VECTORS_GENERATOR_STEPS_H_

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "harness/scenario/scenario.h"

namespace shakedown {

inline Step SendOf(SendStep send, std::string comment = "") {
  Step s;
  s.action = std::move(send);
  s.comment = std::move(comment);
  return s;
}

inline Step Send(MessageName m, std::string comment = "") {
  SendStep send;
  send.message = m;
  return SendOf(std::move(send), std::move(comment));
}

inline Step ExpectMessages(std::vector<MessageName> messages, std::string comment = "") {
  Expectation e;
  e.messages = std::move(messages);
  Step s;
  s.action = std::move(e);
  s.comment = std::move(comment);
  return s;
}

// A fatal alert, one of `alerts`.
inline Step ExpectFatal(std::set<AlertDescription> alerts, std::string comment = "") {
  Expectation e;
  e.alerts = std::move(alerts);
  Step s;
  s.action = std::move(e);
  s.comment = std::move(comment);
  return s;
}

}  // namespace shakedown

#endif  // SHAKEDOWN_VECTORS_GENERATOR_STEPS_H_
