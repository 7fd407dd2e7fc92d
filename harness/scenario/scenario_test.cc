#include "harness/scenario/scenario.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>

namespace shakedown {
namespace {

TEST(MessageNameTest, EveryNameRoundTrips) {
  ASSERT_EQ(AllMessageNames().size(), 18u);
  std::set<std::string_view> seen;
  for (MessageName m : AllMessageNames()) {
    std::string_view text = MessageNameString(m);
    EXPECT_TRUE(seen.insert(text).second) << text;
    std::optional<MessageName> back = ParseMessageName(text);
    ASSERT_TRUE(back.has_value()) << text;
    EXPECT_EQ(*back, m);
  }
}

TEST(MessageNameTest, NamesAreExactAndCaseSensitive) {
  EXPECT_EQ(MessageNameString(MessageName::kClientHello), "ClientHello");
  EXPECT_EQ(MessageNameString(MessageName::kChangeCipherSpec), "ChangeCipherSpec");
  EXPECT_EQ(ParseMessageName("ServerHelloDone"), MessageName::kServerHelloDone);
  EXPECT_FALSE(ParseMessageName("clienthello").has_value());
  EXPECT_FALSE(ParseMessageName("ClientHello ").has_value());
  EXPECT_FALSE(ParseMessageName("").has_value());
  EXPECT_FALSE(ParseMessageName("HelloVerifyRequest").has_value());  // DTLS only
}

// RFC 5246 7.4 HandshakeType values; new_session_ticket from RFC 5077 3.3.
TEST(MessageNameTest, HandshakeTypes) {
  const std::pair<MessageName, int> kExpected[] = {
      {MessageName::kHelloRequest, 0},        {MessageName::kClientHello, 1},
      {MessageName::kServerHello, 2},         {MessageName::kNewSessionTicket, 4},
      {MessageName::kCertificate, 11},        {MessageName::kServerKeyExchange, 12},
      {MessageName::kCertificateRequest, 13}, {MessageName::kServerHelloDone, 14},
      {MessageName::kCertificateVerify, 15},  {MessageName::kClientKeyExchange, 16},
      {MessageName::kFinished, 20},
  };
  for (const auto& [name, type] : kExpected) {
    std::optional<HandshakeType> t = HandshakeTypeOf(name);
    ASSERT_TRUE(t.has_value()) << MessageNameString(name);
    EXPECT_EQ(static_cast<int>(*t), type) << MessageNameString(name);
  }
  for (MessageName m : {MessageName::kChangeCipherSpec, MessageName::kAlert,
                        MessageName::kApplicationData, MessageName::kRaw}) {
    EXPECT_FALSE(HandshakeTypeOf(m).has_value()) << MessageNameString(m);
  }
}

TEST(SentByTest, DirectionsFollowRfc5246) {
  for (MessageName m : {MessageName::kHelloRequest, MessageName::kServerHello,
                        MessageName::kServerKeyExchange, MessageName::kCertificateRequest,
                        MessageName::kServerHelloDone, MessageName::kNewSessionTicket}) {
    EXPECT_TRUE(SentBy(Side::kServer, m)) << MessageNameString(m);
    EXPECT_FALSE(SentBy(Side::kClient, m)) << MessageNameString(m);
  }
  for (MessageName m : {MessageName::kClientHello, MessageName::kClientKeyExchange,
                        MessageName::kCertificateVerify}) {
    EXPECT_TRUE(SentBy(Side::kClient, m)) << MessageNameString(m);
    EXPECT_FALSE(SentBy(Side::kServer, m)) << MessageNameString(m);
  }
  for (MessageName m :
       {MessageName::kCertificate, MessageName::kFinished, MessageName::kChangeCipherSpec,
        MessageName::kAlert, MessageName::kApplicationData}) {
    EXPECT_TRUE(SentBy(Side::kClient, m)) << MessageNameString(m);
    EXPECT_TRUE(SentBy(Side::kServer, m)) << MessageNameString(m);
  }
  EXPECT_FALSE(SentBy(Side::kClient, MessageName::kRaw));
  EXPECT_FALSE(SentBy(Side::kServer, MessageName::kRaw));
}

TEST(FieldCatalogueTest, HasTheFieldsOfEveryMessageStruct) {
  struct Expected {
    MessageName message;
    const char* field;
    FieldType type;
  };
  const Expected kExpected[] = {
      {MessageName::kClientHello, "client_version", FieldType::kVersion},
      {MessageName::kClientHello, "random", FieldType::kRandom},
      {MessageName::kClientHello, "session_id", FieldType::kBytes},
      {MessageName::kClientHello, "cipher_suites", FieldType::kSuiteList},
      {MessageName::kClientHello, "compression_methods", FieldType::kU8List},
      {MessageName::kClientHello, "extensions", FieldType::kExtension},
      {MessageName::kClientHello, "extensions.extended_master_secret", FieldType::kExtension},
      {MessageName::kClientHello, "extensions.renegotiation_info", FieldType::kExtension},
      {MessageName::kServerHello, "server_version", FieldType::kVersion},
      {MessageName::kServerHello, "random", FieldType::kRandom},
      {MessageName::kServerHello, "session_id", FieldType::kBytes},
      {MessageName::kServerHello, "cipher_suite", FieldType::kSuite},
      {MessageName::kServerHello, "compression_method", FieldType::kU8},
      {MessageName::kServerHello, "extensions", FieldType::kExtension},
      {MessageName::kServerHello, "extensions.server_name", FieldType::kExtension},
      {MessageName::kCertificate, "certificate_list", FieldType::kBytesList},
      {MessageName::kServerKeyExchange, "named_curve", FieldType::kGroup},
      {MessageName::kServerKeyExchange, "public_key", FieldType::kBytes},
      {MessageName::kServerKeyExchange, "signature_algorithm", FieldType::kScheme},
      {MessageName::kServerKeyExchange, "signature", FieldType::kBytes},
      {MessageName::kCertificateRequest, "certificate_types", FieldType::kU8List},
      {MessageName::kCertificateRequest, "supported_signature_algorithms", FieldType::kSchemeList},
      {MessageName::kCertificateRequest, "certificate_authorities", FieldType::kBytesList},
      {MessageName::kCertificateVerify, "signature_algorithm", FieldType::kScheme},
      {MessageName::kCertificateVerify, "signature", FieldType::kBytes},
      {MessageName::kClientKeyExchange, "exchange_keys", FieldType::kBytes},
      {MessageName::kClientKeyExchange, "pre_master_secret.version", FieldType::kVersion},
      {MessageName::kClientKeyExchange, "pre_master_secret.length", FieldType::kU16},
      {MessageName::kClientKeyExchange, "rsa_padding", FieldType::kBytes},
      {MessageName::kNewSessionTicket, "ticket_lifetime_hint", FieldType::kU32},
      {MessageName::kNewSessionTicket, "ticket", FieldType::kBytes},
      {MessageName::kFinished, "verify_data", FieldType::kBytes},
      {MessageName::kAlert, "level", FieldType::kAlertLevel},
      {MessageName::kAlert, "description", FieldType::kAlertName},
      {MessageName::kChangeCipherSpec, "value", FieldType::kBytes},
      {MessageName::kApplicationData, "data", FieldType::kBytes},
  };
  for (const Expected& e : kExpected) {
    const FieldSpec* spec = FindField(e.message, e.field);
    ASSERT_NE(spec, nullptr) << MessageNameString(e.message) << "." << e.field;
    EXPECT_EQ(spec->type, e.type) << e.field;
    EXPECT_EQ(spec->field, e.field);
    EXPECT_EQ(spec->message, e.message);
  }
}

TEST(FieldCatalogueTest, EveryRegisteredExtensionOnBothHellos) {
  size_t n = 0;
  const RegistryEntry* ext = RegistryEntries(Registry::kExtensionType, &n);
  ASSERT_GT(n, 10u);
  for (size_t i = 0; i < n; ++i) {
    std::string field = "extensions." + std::string(ext[i].name);
    for (MessageName m : {MessageName::kClientHello, MessageName::kServerHello}) {
      const FieldSpec* spec = FindField(m, field);
      ASSERT_NE(spec, nullptr) << field;
      EXPECT_EQ(spec->type, FieldType::kExtension);
    }
    EXPECT_EQ(FindField(MessageName::kFinished, field), nullptr);
  }
}

TEST(FieldCatalogueTest, RowsAreUniqueAndDocumented) {
  std::set<std::pair<MessageName, std::string_view>> seen;
  for (const FieldSpec& spec : FieldCatalogue()) {
    EXPECT_TRUE(seen.insert({spec.message, spec.field}).second) << spec.field;
    EXPECT_FALSE(spec.meaning.empty()) << spec.field;
    EXPECT_EQ(spec.meaning.find('|'), std::string_view::npos) << "breaks the markdown table";
    EXPECT_EQ(spec.meaning.find('\n'), std::string_view::npos);
  }
  for (MessageName m :
       {MessageName::kHelloRequest, MessageName::kServerHelloDone, MessageName::kRaw}) {
    for (const FieldSpec& spec : FieldCatalogue()) EXPECT_NE(spec.message, m) << spec.field;
  }
}

TEST(FindFieldTest, ExtensionsByNumber) {
  const FieldSpec* any = FindField(MessageName::kClientHello, "extensions.0x1a1a");
  ASSERT_NE(any, nullptr);
  EXPECT_EQ(any->type, FieldType::kExtension);
  EXPECT_EQ(any->field, "extensions.0xNNNN");
  EXPECT_NE(FindField(MessageName::kServerHello, "extensions.0xff01"), nullptr);
  EXPECT_NE(FindField(MessageName::kServerHello, "extensions.0x1"), nullptr);
  EXPECT_NE(FindField(MessageName::kServerHello, "extensions.0xABCD"), nullptr);
  EXPECT_EQ(FindField(MessageName::kClientHello, "extensions.0x"), nullptr);
  EXPECT_EQ(FindField(MessageName::kClientHello, "extensions.0x12345"), nullptr);
  EXPECT_EQ(FindField(MessageName::kClientHello, "extensions.0xg1"), nullptr);
  EXPECT_EQ(FindField(MessageName::kClientHello, "extensions.0xNNNN"), nullptr);
  EXPECT_EQ(FindField(MessageName::kClientHello, "extensions.17"), nullptr);
  EXPECT_EQ(FindField(MessageName::kCertificate, "extensions.0x0017"), nullptr);
}

TEST(FindFieldTest, UnknownFieldsAndWrongMessages) {
  EXPECT_EQ(FindField(MessageName::kClientHello, "cipher_suite"), nullptr);  // ServerHello's
  EXPECT_EQ(FindField(MessageName::kServerHello, "cipher_suites"), nullptr);
  EXPECT_EQ(FindField(MessageName::kClientHello, ""), nullptr);
  EXPECT_EQ(FindField(MessageName::kClientHello, "extensions.no_such_extension"), nullptr);
  EXPECT_EQ(FindField(MessageName::kRaw, "data"), nullptr);
}

TEST(EqualityTest, EveryPartCounts) {
  Scenario base;
  base.id = "a";
  base.title = "t";
  base.refs = {"RFC5246"};
  SendStep send;
  send.message = MessageName::kClientHello;
  base.connections.push_back({false, {Step{send, "", "/steps/0"}}});

  Scenario other = base;
  other.source = "elsewhere.json";
  other.connections[0].steps[0].json_path = "/connections/0/steps/0";
  EXPECT_EQ(base, other) << "provenance is not compared";

  auto differs = [&base](auto change) {
    Scenario s = base;
    change(s);
    return s != base;
  };
  EXPECT_TRUE(differs([](Scenario& s) { s.id = "b"; }));
  EXPECT_TRUE(differs([](Scenario& s) { s.topic = "ccs"; }));
  EXPECT_TRUE(differs([](Scenario& s) { s.role = Side::kClient; }));
  EXPECT_TRUE(differs([](Scenario& s) { s.judge = JudgedBy::kInvariants; }));
  EXPECT_TRUE(differs([](Scenario& s) { s.peer.session_ticket = true; }));
  EXPECT_TRUE(differs([](Scenario& s) { s.target.client_auth = ClientAuthMode::kRequired; }));
  EXPECT_TRUE(differs([](Scenario& s) { s.connections[0].resume = true; }));
  EXPECT_TRUE(differs([](Scenario& s) { s.connections[0].steps[0].comment = "c"; }));
  EXPECT_TRUE(differs([](Scenario& s) {
    std::get<SendStep>(s.connections[0].steps[0].action).record.protect = false;
  }));
  EXPECT_TRUE(differs([](Scenario& s) {
    std::get<SendStep>(s.connections[0].steps[0].action).corrupt.xor_bytes = BytesXor{{1}, 0};
  }));
  EXPECT_TRUE(differs([](Scenario& s) {
    std::get<SendStep>(s.connections[0].steps[0].action)
        .set.push_back({"random", FieldValue{Bytes(32)}});
  }));
  EXPECT_TRUE(differs([](Scenario& s) { s.connections[0].steps[0].action = Expectation(); }));

  Expectation a;
  a.alerts = {AlertDescription::kUnexpectedMessage};
  Expectation b = a;
  b.alert_level = AlertLevel::kWarning;
  EXPECT_NE(a, b);
  FieldValue x{BytesXor{{1}, -1}};
  FieldValue y{BytesXor{{1}, 0}};
  EXPECT_NE(x, y);
  EXPECT_NE(FieldValue{uint64_t{1}}, FieldValue{std::vector<uint64_t>{1}});
}

}  // namespace
}  // namespace shakedown
