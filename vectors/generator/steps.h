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

// The peer ends a connection with close_notify and waits for the target's answer.
//
// A client target's answer is the proof that it accepted the handshake: RFC 5246 7.2.1 says
// the other party "MUST respond with a close_notify alert of its own", and the peer reads that
// alert under the keys both Finished were computed with. A client that rejected the server's
// Finished answers with a fatal alert instead; silence proves nothing.
//
// A server target's acceptance is already proven by its own Finished. There the close_notify
// makes the session resumable: RFC 5246 7.2.1 no longer requires a session closed without
// close_notify to be dropped, but allows it (OpenSSL 3.0 drops the session of a connection that
// ends in an unexpected EOF and would answer the resumption with a full handshake). A server
// may answer the close_notify or just close.
inline void AppendCloseNotify(Side role, std::vector<Step>* steps) {
  SendStep alert;
  alert.message = MessageName::kAlert;
  alert.set.push_back({"description", FieldValue{uint64_t{0}}});  // close_notify
  alert.set.push_back({"level", FieldValue{uint64_t{1}}});        // warning
  steps->push_back(SendOf(std::move(alert),
                          role == Side::kClient
                              ? "the server closes: only a client that accepted the handshake "
                                "answers under its keys"
                              : "a proper close, so that the session stays resumable (RFC 5246 "
                                "7.2.1)"));
  Expectation e;
  e.alerts = {AlertDescription::kCloseNotify};
  e.alert_level = AlertLevel::kWarning;
  e.close = role == Side::kServer;
  Step s;
  s.action = std::move(e);
  s.comment = role == Side::kClient
                  ? "the client accepted the server's Finished: it answers close_notify under "
                    "the negotiated keys (RFC 5246 7.2.1)"
                  : "the server has read the close_notify: it answers one (RFC 5246 7.2.1) or "
                    "closes";
  steps->push_back(std::move(s));
}

}  // namespace shakedown

#endif  // SHAKEDOWN_VECTORS_GENERATOR_STEPS_H_
