#include "engine/wire/heartbeat.h"

#include <gtest/gtest.h>

#include "engine/wire/codec_test_util.h"
#include "engine/wire/extensions.h"

namespace shakedown {
namespace {

using ::shakedown::testing::H;

Bytes Encode(const HeartbeatMessage& m) {
  Result<Bytes> b = SerializeToBytes(m);
  EXPECT_TRUE(b.ok());
  return b.ok() ? *b : Bytes{};
}

TEST(HeartbeatMessageTest, RoundTrip) {
  // RFC 6520 4: type, uint16 payload_length, payload, padding (16 bytes here).
  HeartbeatMessage m =
      HeartbeatMessage::Make(HeartbeatMessageType::kRequest, H("abcdef"), Bytes(16, 0x5a));
  const Bytes wire = Encode(m);
  EXPECT_EQ(ToHex(ByteView(wire).subview(0, 6)), "010003abcdef");
  EXPECT_EQ(wire.size(), 3u + 3 + 16);
  Result<HeartbeatMessage> back = HeartbeatMessage::Parse(wire);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, m);
  EXPECT_TRUE(back->well_formed());
  EXPECT_EQ(back->encoded_length(), wire.size());
  EXPECT_EQ(back->Describe(), "Heartbeat(request, payload_length=3, padding=16)");
}

TEST(HeartbeatMessageTest, TruncatedHeaderIsDecodeError) {
  for (const char* hex : {"", "01", "0100"}) {
    Result<HeartbeatMessage> m = HeartbeatMessage::Parse(H(hex));
    ASSERT_FALSE(m.ok()) << hex;
    EXPECT_EQ(m.status().alert(), AlertDescription::kDecodeError);
  }
  // A header alone is a message with an empty payload and no padding.
  Result<HeartbeatMessage> empty = HeartbeatMessage::Parse(H("020000"));
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(empty->too_large());
  EXPECT_TRUE(empty->short_padding());
}

TEST(HeartbeatMessageTest, PayloadLengthPastTheRecordIsKeptAsTooLarge) {
  // The Heartbleed request: payload_length 16384, three bytes of payload.
  Result<HeartbeatMessage> m = HeartbeatMessage::Parse(H("014000414243"));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->payload_length, 0x4000);
  EXPECT_EQ(m->payload, H("414243"));
  EXPECT_TRUE(m->padding.empty());
  EXPECT_TRUE(m->too_large());
  EXPECT_FALSE(m->well_formed());
  EXPECT_EQ(m->Describe(), "Heartbeat(request, payload_length=16384, holds 3: too large)");
  // Serialize writes what it holds: the same bytes go back out.
  EXPECT_EQ(Encode(*m), H("014000414243"));
  // One byte too large: payload_length is the record's length - 3 + 1.
  Result<HeartbeatMessage> one = HeartbeatMessage::Parse(H("010004aabbcc"));
  ASSERT_TRUE(one.ok());
  EXPECT_TRUE(one->too_large());
}

TEST(HeartbeatMessageTest, PaddingShorterThanSixteen) {
  // RFC 6520 4: "The padding_length MUST be at least 16."
  Bytes wire =
      Encode(HeartbeatMessage::Make(HeartbeatMessageType::kRequest, H("00"), Bytes(15, 0)));
  Result<HeartbeatMessage> m = HeartbeatMessage::Parse(wire);
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(m->too_large());
  EXPECT_TRUE(m->short_padding());
  EXPECT_FALSE(m->well_formed());
  wire.push_back(0);  // sixteen
  EXPECT_TRUE(HeartbeatMessage::Parse(wire)->well_formed());
}

TEST(HeartbeatMessageTest, UnknownTypeParses) {
  Result<HeartbeatMessage> m = HeartbeatMessage::Parse(H("07000000000000000000000000000000000000"));
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->type, 7);
  EXPECT_NE(m->Describe().find("type 7"), std::string::npos);
}

TEST(HeartbeatExtTest, ModesRoundTripAndErrors) {
  for (uint8_t mode : {HeartbeatExt::kPeerAllowedToSend, HeartbeatExt::kPeerNotAllowedToSend}) {
    Result<HeartbeatExt> ext = HeartbeatExt::Parse(Bytes{mode});
    ASSERT_TRUE(ext.ok());
    EXPECT_EQ(ext->mode, mode);
    EXPECT_EQ(*SerializeToBytes(*ext), Bytes{mode});
  }
  // RFC 6520 2: an unknown mode is illegal_parameter; a body of another length is not a
  // HeartbeatExtension at all.
  EXPECT_EQ(HeartbeatExt::Parse(Bytes{0}).status().alert(), AlertDescription::kIllegalParameter);
  EXPECT_EQ(HeartbeatExt::Parse(Bytes{3}).status().alert(), AlertDescription::kIllegalParameter);
  EXPECT_EQ(HeartbeatExt::Parse(Bytes{}).status().alert(), AlertDescription::kDecodeError);
  EXPECT_EQ(HeartbeatExt::Parse(Bytes{1, 1}).status().alert(), AlertDescription::kDecodeError);
}

}  // namespace
}  // namespace shakedown
