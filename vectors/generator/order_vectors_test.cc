#include "vectors/generator/order_vectors.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <variant>

#include "harness/scenario/loader.h"
#include "harness/scenario/scenario.h"
#include "vectors/generator/committed_files.h"

namespace shakedown {
namespace {


constexpr char kCommitted[] = "vectors/conformance/order";
constexpr char kRegenerate[] =
    "bazel run //vectors/generator:order_vectors -- --out $PWD/vectors/conformance/order";


const OrderVectors& Generated() {
  static const OrderVectors* vectors = [] {
    Result<OrderVectors> v = GenerateOrderVectors();
    EXPECT_TRUE(v.ok()) << v.status().message();
    return new OrderVectors(v.ok() ? *v : OrderVectors());
  }();
  return *vectors;
}

TEST(OrderVectors, CommittedFilesAreWhatTheGeneratorWrites) {
  // Through WriteOrderVectors, as the generator's binary writes them.
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::string dir = std::string(tmp != nullptr ? tmp : "/tmp") + "/order";
  std::vector<std::string> removed;
  Status s = WriteOrderVectors(Generated(), dir, &removed);
  ASSERT_TRUE(s.ok()) << s.message();
  ExpectCommittedFilesAre(ReadGeneratedFiles(dir), kCommitted, kRegenerate);
}

// What the vectors must say, from RFC 5246 and the checklist, whatever the generator's code.
class Vectors : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    for (const GeneratedFile& f : Generated().files) {
      if (f.name == "README.md") continue;
      Result<Scenario> s = ParseScenarioJson(f.content, std::string(kCommitted) + "/" + f.name);
      ASSERT_TRUE(s.ok()) << f.name << ": " << s.status().message();
      by_id_->emplace(s->id, *s);
    }
  }
  static const Scenario* Find(const std::string& id) {
    auto it = by_id_->find(id);
    return it == by_id_->end() ? nullptr : &it->second;
  }
  static const Step& Last(const Scenario& s) { return s.connections.back().steps.back(); }
  // A positive client vector ends with the acceptance round trip: the client answers the
  // peer's close_notify with its own, under the negotiated keys (RFC 5246 7.2.1), never a
  // bare close or silence.
  static bool EndsWithAcceptance(const Expectation& e) {
    return e.alerts == std::set<AlertDescription>{AlertDescription::kCloseNotify} &&
           e.alert_level == AlertLevel::kWarning && !e.close && e.messages.empty() &&
           !e.silence_ms;
  }
  static bool IsForeign(const std::string& id) {
    for (const char* suffix : {".tls13-encrypted-extensions", ".tls13-key-update",
                               ".tls13-end-of-early-data", ".unassigned-type-99"}) {
      const std::string x(suffix);
      if (id.size() > x.size() && id.compare(id.size() - x.size(), x.size(), x) == 0) return true;
    }
    return false;
  }
  static bool HasRef(const Scenario& s, const std::string& ref) {
    return std::find(s.refs.begin(), s.refs.end(), ref) != s.refs.end();
  }
  static std::map<std::string, Scenario>* by_id_;
};
std::map<std::string, Scenario>* Vectors::by_id_ = new std::map<std::string, Scenario>();

TEST_F(Vectors, ManyAndAllInTheOrderTopic) {
  EXPECT_GT(by_id_->size(), 500u);
  for (const auto& [id, s] : *by_id_) {
    EXPECT_EQ(s.topic, "order") << id;
    EXPECT_EQ(id.rfind(s.role == Side::kServer ? "server.order." : "client.order.", 0), 0u)
        << id;
  }
}

TEST_F(Vectors, EveryNegativeVectorExpectsOnlyFatalUnexpectedMessage) {
  for (const auto& [id, s] : *by_id_) {
    const auto* e = std::get_if<Expectation>(&Last(s).action);
    ASSERT_NE(e, nullptr) << id;
    // A positive vector: the round trip, or the target's own Finished last.
    if (EndsWithAcceptance(*e) || !e->messages.empty()) continue;
    if (id.size() > 12 && id.compare(id.size() - 12, 12, ".peer-closes") == 0) {
      // The peer closed its side: any alert the RFC allows, or none, then the target's close.
      EXPECT_TRUE(e->close) << id;
      EXPECT_EQ(e->alerts.count(AlertDescription::kDecryptionFailed), 0u) << id;
      EXPECT_EQ(e->alerts.count(AlertDescription::kUnexpectedMessage), 1u) << id;
      EXPECT_EQ(e->warning_alerts.count(AlertDescription::kCloseNotify), 1u) << id;
      continue;
    }
    if (IsForeign(id)) {
      // A type no TLS 1.2 flow has: out of order, or undecodable to a receiver that does not
      // know it (RFC 5246 7.2.2).
      EXPECT_EQ(e->alerts, (std::set<AlertDescription>{AlertDescription::kUnexpectedMessage,
                                                       AlertDescription::kDecodeError}))
          << id;
      continue;
    }
    EXPECT_EQ(e->alerts, std::set<AlertDescription>{AlertDescription::kUnexpectedMessage}) << id;
    EXPECT_EQ(e->alert_level, AlertLevel::kFatal) << id;
    EXPECT_FALSE(e->close) << id << ": the checklist gives no reason to accept a bare close";
  }
}

TEST_F(Vectors, HelloRequestToAClientIsIgnoredNotRejected) {
  // RFC 5246 7.4.1.1: "This message will be ignored by the client if the client is currently
  // negotiating a session."
  size_t positive = 0;
  for (const auto& [id, s] : *by_id_) {
    const bool hello_request = id.size() > 14 && id.substr(id.size() - 14) == ".hello-request";
    if (!hello_request) continue;
    const auto* e = std::get_if<Expectation>(&Last(s).action);
    ASSERT_NE(e, nullptr) << id;
    if (s.role == Side::kClient) {
      EXPECT_TRUE(EndsWithAcceptance(*e) || (!e->messages.empty() &&
                                              e->messages.back() == MessageName::kFinished))
          << id << " ends neither with the target's Finished nor with the acceptance round trip";
      positive++;
    } else {
      // checklist 20: a client sending HelloRequest to a server gets unexpected_message.
      EXPECT_FALSE(e->alerts.empty()) << id;
      EXPECT_TRUE(HasRef(s, "checklist:20")) << id;
    }
  }
  EXPECT_GT(positive, 0u);
}

TEST_F(Vectors, KnownAttacksAreAmongThem) {
  struct Want {
    const char* id;
    const char* ref;
  };
  const Want wants[] = {
      // CCS injection (CVE-2014-0224): both directions.
      {"server.order.full-ecdhe.after-server-hello-done.change-cipher-spec", "CVE-2014-0224"},
      {"client.order.full-ecdhe.after-server-hello.change-cipher-spec", "CVE-2014-0224"},
      // Finished without ChangeCipherSpec (checklist 18).
      {"server.order.full-rsa.after-client-key-exchange.finished", "checklist:18"},
      // SKIP-TLS: no server Certificate; no ServerKeyExchange in ECDHE (checklist 38, 39).
      {"client.order.full-ecdhe.after-server-hello.server-hello-done", "checklist:38"},
      {"client.order.full-ecdhe.after-server-certificate.server-hello-done", "checklist:39"},
      // ServerKeyExchange in RSA key exchange (checklist 39).
      {"client.order.full-rsa.after-server-certificate.server-key-exchange", "checklist:39"},
      // Skipped client Certificate and CertificateVerify (checklist 43, 44).
      {"server.order.full-ecdhe-auth.after-server-hello-done.client-key-exchange", "checklist:43"},
      {"server.order.full-ecdhe-auth-cert.after-client-key-exchange.change-cipher-spec",
       "checklist:44"},
      // Abbreviated handshake: no key exchange messages (checklist 19).
      {"server.order.abbreviated.after-server-finished.client-key-exchange", "checklist:19"},
      {"client.order.abbreviated.after-server-hello.certificate", "checklist:19"},
      // NewSessionTicket promised and skipped; sent unannounced (RFC 5077 3.2).
      {"client.order.full-rsa-ticket.after-client-finished.change-cipher-spec", "RFC5077 3.2"},
      {"client.order.full-rsa.after-client-finished.new-session-ticket", "RFC5077 3.2"},
      // Early application data (attack 8), before and after the peer's ChangeCipherSpec.
      {"server.order.full-ecdhe.after-server-hello-done.application-data", "attack:8"},
      {"server.order.full-ecdhe.after-client-ccs.application-data", "attack:8"},
      // HelloRequest from a client (checklist 20).
      {"server.order.any.at-start.hello-request", "checklist:20"},
  };
  for (const Want& w : wants) {
    const Scenario* s = Find(w.id);
    ASSERT_NE(s, nullptr) << "missing " << w.id;
    EXPECT_TRUE(HasRef(*s, w.ref)) << w.id << " lacks " << w.ref;
  }
}

TEST_F(Vectors, LegalMessagesAreNeverInjected) {
  // The flows' own next messages must not appear as injections.
  const char* legal[] = {
      "server.order.any.at-start.client-hello",
      "server.order.full-ecdhe.after-server-hello-done.client-key-exchange",
      "server.order.full-ecdhe.after-client-key-exchange.change-cipher-spec",
      "server.order.full-ecdhe.after-client-ccs.finished",
      "server.order.full-ecdhe-auth.after-server-hello-done.certificate",
      "client.order.any.after-client-hello.server-hello",
      "client.order.full-rsa.after-server-certificate.certificate-request",
      "client.order.full-rsa.after-server-certificate.server-hello-done",
      "client.order.abbreviated.after-server-hello.change-cipher-spec",
      "client.order.full-ecdhe-ticket.after-client-finished.new-session-ticket",
  };
  for (const char* id : legal) EXPECT_EQ(Find(id), nullptr) << id << " injects a legal message";
}

TEST_F(Vectors, AbbreviatedVectorsResumeAFirstFullHandshake) {
  for (const auto& [id, s] : *by_id_) {
    const bool abbreviated = id.find(".abbreviated") != std::string::npos;
    ASSERT_EQ(s.connections.size(), abbreviated ? 2u : 1u) << id;
    if (abbreviated) {
      EXPECT_TRUE(s.connections[1].resume) << id;
    }
  }
}

TEST_F(Vectors, ReadmeNamesTheRegenerationCommand) {
  const GeneratedFile* readme = nullptr;
  for (const GeneratedFile& f : Generated().files) {
    if (f.name == "README.md") readme = &f;
  }
  ASSERT_NE(readme, nullptr);
  EXPECT_NE(readme->content.find("bazel run //vectors/generator:order_vectors -- --out"),
            std::string::npos);
}

}  // namespace
}  // namespace shakedown
