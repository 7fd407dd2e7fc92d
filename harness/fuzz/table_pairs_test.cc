#include "harness/fuzz/table_pairs.h"

#include <set>
#include <vector>

#include <gtest/gtest.h>

namespace shakedown {
namespace {

Transition T(int connection, const char* label) {
  Transition t;
  t.connection = connection;
  t.label = label;
  return t;
}

// A full ECDHE_RSA handshake with the target as server: the four client steps are legal pairs.
const std::vector<Transition> kFullServerPath = {
    T(0, "C:client_hello"),       T(0, "S:server_hello"),
    T(0, "S:certificate"),        T(0, "S:server_key_exchange"),
    T(0, "S:server_hello_done"),  T(0, "C:client_key_exchange"),
    T(0, "C:change_cipher_spec"), T(0, "C:finished"),
    T(0, "S:change_cipher_spec"), T(0, "S:finished")};

TEST(TablePairs, LegalPairsAreTheEdgesThePeerSends) {
  TablePairs server(Side::kServer), client(Side::kClient);
  EXPECT_GT(server.legal_total(), 0u);
  EXPECT_GT(client.legal_total(), 0u);
  size_t legal = 0;
  for (size_t i = 0; i < server.size(); ++i) legal += server.IsLegal(i);
  EXPECT_EQ(legal, server.legal_total());
}

TEST(TablePairs, AFullHandshakeReachesOnlyLegalPairs) {
  TablePairs pairs(Side::kServer);
  std::vector<size_t> reached = pairs.Reached(kFullServerPath);
  ASSERT_EQ(reached.size(), 4u);  // client_hello, client_key_exchange, CCS, finished
  for (size_t i : reached) EXPECT_TRUE(pairs.IsLegal(i)) << pairs.Describe(i);
  EXPECT_EQ(pairs.Describe(reached[0]), "start <- C:client_hello");
}

TEST(TablePairs, AnOutOfOrderStepIsAnIllegalPairAndEndsThePath) {
  TablePairs pairs(Side::kServer);
  std::vector<Transition> path = {T(0, "C:client_hello"), T(0, "S:server_hello"),
                                  T(0, "C:change_cipher_spec"),  // before the key exchange
                                  T(0, "C:finished")};
  std::vector<size_t> reached = pairs.Reached(path);
  ASSERT_EQ(reached.size(), 2u);  // nothing is counted after leaving the table
  EXPECT_TRUE(pairs.IsLegal(reached[0]));
  EXPECT_FALSE(pairs.IsLegal(reached[1]));
  EXPECT_EQ(pairs.Describe(reached[1]), "after S:server_hello <- C:change_cipher_spec");
}

TEST(TablePairs, EachConnectionWalksFromTheStart) {
  TablePairs pairs(Side::kServer);
  std::vector<Transition> path = kFullServerPath;
  path.push_back(T(1, "C:client_hello"));
  std::vector<size_t> reached = pairs.Reached(path);
  ASSERT_EQ(reached.size(), 5u);
  EXPECT_EQ(reached[4], reached[0]);
}

TEST(TablePairs, ClientTargetsCountServerSteps) {
  TablePairs pairs(Side::kClient);
  std::vector<size_t> reached = pairs.Reached(kFullServerPath);
  ASSERT_EQ(reached.size(), 6u);  // SH, Cert, SKE, SHD, S:CCS, S:Finished
  for (size_t i : reached) EXPECT_TRUE(pairs.IsLegal(i)) << pairs.Describe(i);
  EXPECT_EQ(std::set<size_t>(reached.begin(), reached.end()).size(), 6u);
}

}  // namespace
}  // namespace shakedown
