#include "harness/peer/violation.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace shakedown {
namespace {

TEST(ViolationRule, NamesAreDistinctAndStable) {
  std::set<std::string> names;
  for (ViolationRule rule : kAllViolationRules) {
    std::string name(ViolationRuleName(rule));
    EXPECT_FALSE(name.empty());
    EXPECT_NE(name, "unknown rule");
    EXPECT_TRUE(names.insert(name).second) << "duplicate name " << name;
  }
  EXPECT_EQ(names.size(), std::size(kAllViolationRules));
  // Published in reports and JSON results: these spellings are part of the output format.
  EXPECT_EQ(ViolationRuleName(ViolationRule::kFinishedVerifyData), "finished: verify_data");
  EXPECT_EQ(ViolationRuleName(ViolationRule::kIllegalOrder), "order: illegal message");
  EXPECT_EQ(ViolationRuleName(ViolationRule::kAcceptedTamperedServerKeyExchange),
            "accepted: tampered ServerKeyExchange");
  EXPECT_EQ(ViolationRuleName(ViolationRule::kSuiteNotOffered), "negotiation: suite not offered");
  EXPECT_EQ(ViolationRuleName(ViolationRule::kOcspResponse), "ocsp: unsatisfactory status");
}

TEST(ViolationRule, ListCoversTheEnum) {
  // The last enumerator is last in the list: a rule added to the enum must be added here too.
  EXPECT_EQ(std::end(kAllViolationRules)[-1], ViolationRule::kOcspResponse);
  EXPECT_EQ(static_cast<size_t>(ViolationRule::kOcspResponse) + 1, std::size(kAllViolationRules));
}

}  // namespace
}  // namespace shakedown
