#include "harness/scenario/message_shapes.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace shakedown {
namespace {

// A ClientHello body: version, random, empty session id, two suites, null compression, and an
// extensions block with supported_groups (x25519) and an empty extended_master_secret.
Bytes ClientHelloMessage() {
  Bytes body = {0x03, 0x03};
  body.insert(body.end(), 32, 0xaa);
  const Bytes rest = {0x00,                                      // session_id
                      0x00, 0x04, 0xc0, 0x2f, 0x00, 0x9c,        // cipher_suites
                      0x01, 0x00,                                // compression_methods
                      0x00, 0x0c,                                // extensions block
                      0x00, 0x0a, 0x00, 0x04, 0x00, 0x02, 0x00, 0x1d,  // supported_groups
                      0x00, 0x17, 0x00, 0x00};                   // extended_master_secret
  Append(body, rest);
  Bytes out = {0x01, 0x00, 0x00, static_cast<uint8_t>(body.size())};
  Append(out, body);
  return out;
}

Bytes Apply(MessageName m, const std::string& field, MalformEdit edit, const Bytes& encoded,
            KeyExchange kex = KeyExchange::kEcdheRsa) {
  Result<Bytes> r = ApplyMalformation(m, kex, Malformation{field, edit}, encoded);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : Bytes();
}

size_t HeaderLength(const Bytes& m) { return (size_t{m[1]} << 16) | (m[2] << 8) | m[3]; }

TEST(MessageShapes, LocatesEveryFieldAndItemOfAClientHello) {
  Bytes m = ClientHelloMessage();
  Result<std::vector<FieldSpan>> spans =
      LocateFields(MessageShape(MessageName::kClientHello, KeyExchange::kEcdheRsa),
                   ByteView(m).subview(4));
  ASSERT_TRUE(spans.ok()) << spans.status().message();
  std::vector<std::string> names;
  for (const FieldSpan& s : *spans) names.push_back(s.name);
  EXPECT_EQ(names, (std::vector<std::string>{
                       "client_version", "random", "session_id", "cipher_suites",
                       "compression_methods", "extensions", "extensions.supported_groups",
                       "extensions.extended_master_secret"}));
  EXPECT_EQ((*spans)[3].prefix_at, 35u);
  EXPECT_EQ((*spans)[3].content_size, 4u);
  EXPECT_EQ((*spans)[6].prefix_at, 47u);  // after the extension's type
}

TEST(MessageShapes, ABodyThatDoesNotMatchItsLayoutIsAnError) {
  Bytes m = ClientHelloMessage();
  m.push_back(0);  // a byte after the extensions block
  EXPECT_FALSE(LocateFields(MessageShape(MessageName::kClientHello, KeyExchange::kEcdheRsa),
                            ByteView(m).subview(4))
                   .ok());
  // Without its extensions block, a hello is whole (RFC 5246 7.4.1.2).
  Bytes bare = ClientHelloMessage();
  bare.resize(4 + 2 + 32 + 1 + 6 + 2);
  EXPECT_TRUE(LocateFields(MessageShape(MessageName::kClientHello, KeyExchange::kEcdheRsa),
                           ByteView(bare).subview(4))
                  .ok());
}

TEST(MessageShapes, EachEditBreaksOnlyItsFieldAndTheHeaderFollows) {
  const Bytes m = ClientHelloMessage();
  const size_t body = m.size() - 4;

  Bytes t = Apply(MessageName::kClientHello, "cipher_suites", MalformEdit::kTruncate, m);
  EXPECT_EQ(t.size(), 4u + 35);
  EXPECT_EQ(HeaderLength(t), 35u);

  t = Apply(MessageName::kClientHello, "cipher_suites", MalformEdit::kTruncateLength, m);
  EXPECT_EQ(HeaderLength(t), 36u);

  t = Apply(MessageName::kClientHello, "cipher_suites", MalformEdit::kTruncateContent, m);
  EXPECT_EQ(HeaderLength(t), 40u);  // the last suite's second byte is gone

  t = Apply(MessageName::kClientHello, "cipher_suites", MalformEdit::kLengthPlusOne, m);
  EXPECT_EQ(t.size(), m.size());
  EXPECT_EQ(t[4 + 36], 0x05);
  t = Apply(MessageName::kClientHello, "cipher_suites", MalformEdit::kLengthMinusOne, m);
  EXPECT_EQ(t[4 + 36], 0x03);

  t = Apply(MessageName::kClientHello, "compression_methods", MalformEdit::kEmpty, m);
  EXPECT_EQ(HeaderLength(t), body - 1);
  EXPECT_EQ(t[4 + 41], 0x00);

  t = Apply(MessageName::kClientHello, "session_id", MalformEdit::kOversized, m);
  EXPECT_EQ(HeaderLength(t), body + 33);
  EXPECT_EQ(t[4 + 34], 33);

  // A field of the wrong size whose own length follows: only the enclosing lengths are off.
  t = Apply(MessageName::kClientHello, "cipher_suites", MalformEdit::kShorten, m);
  EXPECT_EQ(HeaderLength(t), body - 1);
  EXPECT_EQ(t[4 + 36], 0x03);
  t = Apply(MessageName::kClientHello, "cipher_suites", MalformEdit::kLengthen, m);
  EXPECT_EQ(HeaderLength(t), body + 1);
  EXPECT_EQ(t[4 + 36], 0x05);
  EXPECT_EQ(t[4 + 41], 0x00);  // the added byte

  t = Apply(MessageName::kClientHello, "", MalformEdit::kTrailing, m);
  EXPECT_EQ(HeaderLength(t), body + 1);

  // An item: the extension's own length, after its type.
  t = Apply(MessageName::kClientHello, "extensions.supported_groups", MalformEdit::kLengthPlusOne,
            m);
  EXPECT_EQ(t[4 + 48], 0x05);
  EXPECT_EQ(t[4 + 43], 0x00);  // the block's length is left as it was
  EXPECT_EQ(t[4 + 44], 0x0c);
}

TEST(MessageShapes, KeyExchangeDecidesTheClientKeyExchangeLayout) {
  // ECDHE: ECPoint<1..2^8-1>; RSA: EncryptedPreMasterSecret<0..2^16-1>.
  Bytes ecdhe = {0x10, 0x00, 0x00, 0x03, 0x02, 0xab, 0xcd};
  Bytes t = Apply(MessageName::kClientKeyExchange, "exchange_keys", MalformEdit::kLengthPlusOne,
                  ecdhe);
  EXPECT_EQ(t[4], 0x03);
  Bytes rsa = {0x10, 0x00, 0x00, 0x04, 0x00, 0x02, 0xab, 0xcd};
  t = Apply(MessageName::kClientKeyExchange, "exchange_keys", MalformEdit::kLengthPlusOne, rsa,
            KeyExchange::kRsa);
  EXPECT_EQ(t[5], 0x03);
  // The wrong layout for the bytes is an error, not a silent edit elsewhere.
  EXPECT_FALSE(ApplyMalformation(MessageName::kClientKeyExchange, KeyExchange::kRsa,
                                 Malformation{"exchange_keys", MalformEdit::kLengthPlusOne}, ecdhe)
                   .ok());
}

TEST(MessageShapes, EditsThatCannotApplyAreErrorsAtPlayTime) {
  const Bytes m = ClientHelloMessage();
  // session_id is empty here: nothing to cut or shorten.
  EXPECT_FALSE(ApplyMalformation(MessageName::kClientHello, KeyExchange::kEcdheRsa,
                                 Malformation{"session_id", MalformEdit::kTruncateContent}, m)
                   .ok());
  EXPECT_FALSE(ApplyMalformation(MessageName::kClientHello, KeyExchange::kEcdheRsa,
                                 Malformation{"session_id", MalformEdit::kLengthMinusOne}, m)
                   .ok());
  // An extension the hello does not carry.
  EXPECT_FALSE(ApplyMalformation(MessageName::kClientHello, KeyExchange::kEcdheRsa,
                                 Malformation{"extensions.heartbeat", MalformEdit::kTruncate}, m)
                   .ok());
}

TEST(MessageShapes, ValidationNamesTheReason) {
  auto why = [](MessageName msg, const std::string& field, MalformEdit edit) {
    Status s = ValidateMalformation(msg, Malformation{field, edit});
    return s.ok() ? std::string("ok") : s.message();
  };
  EXPECT_EQ(why(MessageName::kClientHello, "cipher_suites", MalformEdit::kEmpty), "ok");
  EXPECT_EQ(why(MessageName::kClientHello, "extensions.renegotiation_info",
                MalformEdit::kLengthMinusOne),
            "ok");
  EXPECT_EQ(why(MessageName::kClientHello, "extensions.0x1a1a", MalformEdit::kTruncate), "ok");
  EXPECT_EQ(why(MessageName::kCertificate, "certificate_list.0", MalformEdit::kLengthPlusOne),
            "ok");
  EXPECT_EQ(why(MessageName::kServerKeyExchange, "dh_ys", MalformEdit::kEmpty), "ok");
  EXPECT_NE(why(MessageName::kClientHello, "cipher_suite", MalformEdit::kTruncate)
                .find("no field \"cipher_suite\""),
            std::string::npos);
  EXPECT_NE(why(MessageName::kClientHello, "random", MalformEdit::kLengthPlusOne)
                .find("needs a vector"),
            std::string::npos);
  EXPECT_NE(why(MessageName::kClientHello, "session_id", MalformEdit::kEmpty).find("floor is 0"),
            std::string::npos);
  EXPECT_NE(why(MessageName::kClientHello, "cipher_suites", MalformEdit::kOversized)
                .find("ceiling"),
            std::string::npos);
  EXPECT_NE(why(MessageName::kClientHello, "session_id", MalformEdit::kTruncateLength)
                .find("two bytes"),
            std::string::npos);
  EXPECT_NE(why(MessageName::kClientHello, "random", MalformEdit::kTrailing).find("no field"),
            std::string::npos);
  EXPECT_NE(why(MessageName::kServerHelloDone, "x", MalformEdit::kTruncate).find("body is empty"),
            std::string::npos);
  EXPECT_EQ(why(MessageName::kServerHelloDone, "", MalformEdit::kTrailing), "ok");
  EXPECT_NE(why(MessageName::kChangeCipherSpec, "", MalformEdit::kTrailing)
                .find("not a handshake message"),
            std::string::npos);
}

}  // namespace
}  // namespace shakedown
