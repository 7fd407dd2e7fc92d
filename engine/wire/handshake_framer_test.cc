#include "engine/wire/handshake_framer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace shakedown {
namespace {

Bytes Hex(const std::string& hex) { return *FromHex(hex); }

HandshakeMessage Msg(HandshakeType type, const std::string& body_hex) {
  return *HandshakeMessage::Make(type, Hex(body_hex));
}

std::vector<HandshakeMessage> Drain(HandshakeFramer& framer) {
  std::vector<HandshakeMessage> out;
  while (std::optional<HandshakeMessage> m = framer.Next()) out.push_back(std::move(*m));
  return out;
}

TEST(HandshakeFramerTest, EncodingFollowsRfc) {
  // RFC 5246 7.4: msg_type(1) length(3) body. A Finished with 12 bytes of verify_data.
  HandshakeMessage m = Msg(HandshakeType::kFinished, "cf919626f1360c536aaad73a");
  EXPECT_EQ(m.encoded, Hex("1400000ccf919626f1360c536aaad73a"));
  EXPECT_EQ(m.body(), ByteView(Hex("cf919626f1360c536aaad73a")));
  EXPECT_TRUE(m.is(HandshakeType::kFinished));
  HandshakeMessage done = Msg(HandshakeType::kServerHelloDone, "");
  EXPECT_EQ(done.encoded, Hex("0e000000"));
  EXPECT_TRUE(done.body().empty());
}

TEST(HandshakeFramerTest, WholeMessageInOneFragment) {
  HandshakeFramer framer;
  ASSERT_TRUE(framer.AddFragment(Hex("0e000000")).ok());
  EXPECT_FALSE(framer.has_partial_message());
  EXPECT_EQ(framer.queued_messages(), 1u);
  auto msgs = Drain(framer);
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].type, 14);
  EXPECT_EQ(msgs[0].encoded, Hex("0e000000"));
  EXPECT_FALSE(framer.has_unprocessed_data());
}

TEST(HandshakeFramerTest, ByteByByteReassembly) {
  // Checklist row 5 / CVE-2014-3511: a message cut into 1-byte records.
  std::vector<HandshakeMessage> in = {
      Msg(HandshakeType::kClientHello, "0303" + std::string(64, 'a') + "00000200ff0100"),
      Msg(HandshakeType::kServerHelloDone, ""),
      Msg(HandshakeType::kFinished, "000102030405060708090a0b"),
  };
  auto records = HandshakeRecords(in, 0x0301, 1);
  ASSERT_TRUE(records.ok());
  EXPECT_EQ(records->size(), ConcatHandshakeMessages(in).size());
  HandshakeFramer framer;
  std::vector<HandshakeMessage> out;
  for (size_t i = 0; i < records->size(); ++i) {
    const Record& r = (*records)[i];
    EXPECT_EQ(r.fragment.size(), 1u);
    EXPECT_EQ(r.version, 0x0301);
    EXPECT_TRUE(r.is(ContentType::kHandshake));
    ASSERT_TRUE(framer.AddFragment(r.fragment).ok());
    for (auto& m : Drain(framer)) out.push_back(std::move(m));
    // Between messages nothing is pending; inside one, the partial flag is set.
    const size_t boundary1 = in[0].encoded.size();
    const size_t boundary2 = boundary1 + in[1].encoded.size();
    const bool at_boundary = i + 1 == boundary1 || i + 1 == boundary2 || i + 1 == records->size();
    EXPECT_EQ(framer.has_partial_message(), !at_boundary) << "after byte " << i;
  }
  ASSERT_EQ(out.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(out[i].type, in[i].type);
    EXPECT_EQ(out[i].encoded, in[i].encoded);
  }
  EXPECT_EQ(out[2].body(), ByteView(Hex("000102030405060708090a0b")));
}

TEST(HandshakeFramerTest, EveryFragmentSizeReassemblesTheSameMessages) {
  std::vector<HandshakeMessage> in = {
      Msg(HandshakeType::kServerHello, "0303" + std::string(64, '7') + "00c02f00"),
      Msg(HandshakeType::kCertificate, "000006000003aabbcc"),
      Msg(HandshakeType::kServerHelloDone, ""),
  };
  const Bytes stream = ConcatHandshakeMessages(in);
  for (size_t n = 1; n <= stream.size(); ++n) {
    auto records = HandshakeRecords(in, 0x0303, n);
    ASSERT_TRUE(records.ok());
    HandshakeFramer framer;
    for (const Record& r : *records) ASSERT_TRUE(framer.AddFragment(r.fragment).ok());
    auto out = Drain(framer);
    ASSERT_EQ(out.size(), in.size()) << "fragment size " << n;
    for (size_t i = 0; i < in.size(); ++i) EXPECT_EQ(out[i].encoded, in[i].encoded);
    EXPECT_FALSE(framer.has_partial_message());
  }
}

TEST(HandshakeFramerTest, SeveralMessagesCoalescedInOneRecord) {
  // ServerHello..ServerHelloDone in one record (checklist row 5).
  Bytes fragment = Hex("0200000403030000" "0b000003000000" "0e000000");
  HandshakeFramer framer;
  ASSERT_TRUE(framer.AddFragment(fragment).ok());
  EXPECT_EQ(framer.queued_messages(), 3u);
  EXPECT_TRUE(framer.has_unprocessed_data());
  auto out = Drain(framer);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_TRUE(out[0].is(HandshakeType::kServerHello));
  EXPECT_EQ(out[0].body(), ByteView(Hex("03030000")));
  EXPECT_TRUE(out[1].is(HandshakeType::kCertificate));
  EXPECT_EQ(out[1].body(), ByteView(Hex("000000")));
  EXPECT_TRUE(out[2].is(HandshakeType::kServerHelloDone));
}

TEST(HandshakeFramerTest, PartialMessageAtEndOfDataIsPending) {
  Bytes stream = Hex("0e000000" "1400000c0001020304");
  HandshakeFramer framer;
  ASSERT_TRUE(framer.AddFragment(stream).ok());
  EXPECT_TRUE(framer.has_partial_message());
  EXPECT_EQ(framer.partial_bytes(), 9u);
  auto out = Drain(framer);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(framer.has_partial_message());

  auto parsed = ParseHandshakeMessages(stream);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().alert(), AlertDescription::kDecodeError);
}

TEST(HandshakeFramerTest, TruncationAtEveryOffsetLeavesAPartialMessage) {
  Bytes encoded = Msg(HandshakeType::kFinished, "000102030405060708090a0b").encoded;
  for (size_t cut = 1; cut < encoded.size(); ++cut) {
    HandshakeFramer framer;
    ASSERT_TRUE(framer.AddFragment(ByteView(encoded).subview(0, cut)).ok());
    EXPECT_TRUE(framer.has_partial_message()) << cut;
    EXPECT_FALSE(framer.Next().has_value()) << cut;
    EXPECT_FALSE(ParseHandshakeMessages(ByteView(encoded).subview(0, cut)).ok()) << cut;
  }
}

TEST(HandshakeFramerTest, HostileLengthFailsAtOnceWithoutReserving) {
  HandshakeFramer framer;
  // Header split across fragments: nothing is decided until the 4th byte.
  ASSERT_TRUE(framer.AddFragment(Hex("01ff")).ok());
  Status s = framer.AddFragment(Hex("ffff"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.alert(), AlertDescription::kIllegalParameter);
  EXPECT_NE(s.message().find("Handshake.length: 16777215"), std::string::npos);
  EXPECT_LT(framer.partial_capacity(), 1024u);
  EXPECT_FALSE(framer.has_partial_message());
  // Sticky.
  EXPECT_FALSE(framer.AddFragment(Hex("0e000000")).ok());
  EXPECT_FALSE(framer.Next().has_value());
}

TEST(HandshakeFramerTest, MaximumIsInclusiveAndConfigurable) {
  HandshakeFramer framer(16);
  Bytes at_limit = Msg(HandshakeType::kCertificate, std::string(32, '0')).encoded;
  ASSERT_TRUE(framer.AddFragment(at_limit).ok());
  EXPECT_EQ(framer.queued_messages(), 1u);
  Status over = framer.AddFragment(Hex("0b000011"));
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.alert(), AlertDescription::kIllegalParameter);

  EXPECT_EQ(HandshakeFramer().max_body_length(), HandshakeFramer::kDefaultMaxMessageLength);
  HandshakeFramer big(1u << 20);
  EXPECT_TRUE(big.AddFragment(Hex("0b100000")).ok());  // 2^20 declared: allowed here
  EXPECT_TRUE(big.has_partial_message());
}

TEST(HandshakeFramerTest, UnknownTypesPassThrough) {
  HandshakeFramer framer;
  ASSERT_TRUE(framer.AddFragment(Hex("fe000001aa")).ok());
  auto out = Drain(framer);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, 0xfe);
}

TEST(HandshakeFramerTest, EmptyFragmentChangesNothing) {
  HandshakeFramer framer;
  ASSERT_TRUE(framer.AddFragment(ByteView()).ok());
  EXPECT_FALSE(framer.has_unprocessed_data());
  ASSERT_TRUE(framer.AddFragment(Hex("1400")).ok());
  ASSERT_TRUE(framer.AddFragment(ByteView()).ok());
  EXPECT_TRUE(framer.has_partial_message());
}

TEST(HandshakeFramerTest, KeyChangeRefusesPartialOrUnprocessedData) {
  {
    // A Finished split across the CCS (BoringSSL FragmentAcrossChangeCipherSpec).
    HandshakeFramer framer;
    ASSERT_TRUE(framer.AddFragment(Hex("1400000c0001")).ok());
    Status s = framer.OnKeyChange();
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.alert(), AlertDescription::kUnexpectedMessage);
    EXPECT_FALSE(framer.AddFragment(Hex("02030405060708090a0b")).ok());
  }
  {
    HandshakeFramer framer;
    ASSERT_TRUE(framer.AddFragment(Hex("0e000000")).ok());
    Status s = framer.OnKeyChange();  // a whole message not yet processed
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.alert(), AlertDescription::kUnexpectedMessage);
  }
  {
    HandshakeFramer framer;
    ASSERT_TRUE(framer.AddFragment(Hex("0e000000")).ok());
    ASSERT_TRUE(framer.Next().has_value());
    EXPECT_TRUE(framer.OnKeyChange().ok());
    ASSERT_TRUE(framer.AddFragment(Hex("1400000c000102030405060708090a0b")).ok());
    EXPECT_EQ(framer.queued_messages(), 1u);
  }
}

TEST(HandshakeFramerTest, MakeRefusesOversizeBody) {
  Bytes huge(kMaxHandshakeBodyLength + 1);
  auto m = HandshakeMessage::Make(HandshakeType::kCertificate, huge);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().alert(), AlertDescription::kInternalError);
}

TEST(HandshakeFramerTest, ParseHandshakeMessagesRoundTrip) {
  std::vector<HandshakeMessage> in = {Msg(HandshakeType::kHelloRequest, ""),
                                      Msg(HandshakeType::kClientKeyExchange, "20" + std::string(64, 'e'))};
  auto out = ParseHandshakeMessages(ConcatHandshakeMessages(in));
  ASSERT_TRUE(out.ok());
  ASSERT_EQ(out->size(), 2u);
  EXPECT_EQ((*out)[0].encoded, in[0].encoded);
  EXPECT_EQ((*out)[1].encoded, in[1].encoded);
  EXPECT_TRUE(ParseHandshakeMessages(ByteView())->empty());
}

}  // namespace
}  // namespace shakedown
