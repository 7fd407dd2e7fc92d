// How the runner words steps, expectations and what the target sent (for traces, failure
// messages and equivalence families), and how it compares a message with an expectation.
// Internal to harness/runner (runner.cc).
#ifndef SHAKEDOWN_HARNESS_RUNNER_STEP_TEXT_H_
#define SHAKEDOWN_HARNESS_RUNNER_STEP_TEXT_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "harness/peer/scripted_peer.h"
#include "harness/scenario/scenario.h"

namespace shakedown {

std::string Join(const std::vector<std::string>& parts, const char* separator);
std::string MessageList(const std::vector<MessageName>& names);
std::string AlertSet(const std::set<AlertDescription>& alerts);
std::string LevelName(AlertLevel level);
std::string FieldValueText(const FieldValue& v);
// Whether `item` is the handshake message, ChangeCipherSpec or application data `name`.
bool Matches(const WireItem& item, MessageName name);
// The failed field checks of an expectation on the message the target sent, or nothing.
std::optional<std::string> CheckFields(const WireItem& item, const std::vector<FieldEdit>& checks,
                                       uint16_t suite);
// Expectation::certificate on the Certificate a server target sent: whether its leaf is the
// test PKI's "default" server certificate for `target.certificate` or the "alternate" one.
std::optional<std::string> CheckServerCertificate(const WireItem& item, const std::string& which,
                                                  const TargetConfig& target, const TestPki& pki);
std::string DescribeSend(const SendStep& s);
std::string DescribeExpectation(const Expectation& e);
// What an equivalence family compares: the kind of answer, not its varying bytes.
std::string ResponseOf(const WireItem& item);
// "TLSv1.1+TLSv1.2", as --target-versions and the profiles spell a version list.
std::string VersionList(const std::vector<uint16_t>& versions);

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_RUNNER_STEP_TEXT_H_
