// Shared by the peer's tests: one test PKI per binary (RSA key generation is slow) and suite
// lookup by IANA name. Test-only.
#ifndef SHAKEDOWN_HARNESS_PEER_PEER_TEST_UTIL_H_
#define SHAKEDOWN_HARNESS_PEER_PEER_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "engine/crypto/pki.h"
#include "engine/crypto/rng.h"
#include "engine/wire/registry.h"

namespace shakedown {
namespace testing {

inline const TestPki& Pki() {
  static const TestPki* pki = [] {
    DeterministicRng rng(4242);
    Result<TestPki> r = GenerateTestPki(rng);
    if (!r.ok()) {
      std::fprintf(stderr, "GenerateTestPki: %s\n", r.status().ToString().c_str());
      std::abort();
    }
    return new TestPki(std::move(r).value());
  }();
  return *pki;
}

inline uint16_t Suite(const char* name) {
  const CipherSuiteInfo* s = FindCipherSuite(std::string_view(name));
  EXPECT_NE(s, nullptr) << name;
  return s == nullptr ? 0 : s->id;
}

}  // namespace testing
}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_PEER_PEER_TEST_UTIL_H_
