#include "engine/wire/record.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace shakedown {
namespace {

Bytes Hex(const std::string& hex) { return *FromHex(hex); }

// Feeds `data` in chunks of `chunk` bytes and collects every record.
Result<std::vector<Record>> ReadAll(RecordReader& reader, ByteView data, size_t chunk) {
  std::vector<Record> out;
  size_t pos = 0;
  while (pos < data.size()) {
    ByteView in = data.subview(pos, chunk);
    pos += in.size();
    while (!in.empty()) {
      SD_ASSIGN_OR_RETURN(size_t n, reader.Feed(in));
      in = in.subview(n);
      while (std::optional<Record> r = reader.Next()) out.push_back(std::move(*r));
    }
  }
  return out;
}

Bytes Header(uint8_t type, uint16_t version, uint16_t length) {
  return Bytes{type, static_cast<uint8_t>(version >> 8), static_cast<uint8_t>(version),
               static_cast<uint8_t>(length >> 8), static_cast<uint8_t>(length)};
}

TEST(RecordTest, SerializeMatchesRfcLayout) {
  // RFC 5246 6.2.1: type(1) version(2) length(2) fragment.
  Record r(ContentType::kAlert, ProtocolVersion::kTls12, Bytes{0x02, 0x28});
  auto bytes = SerializeRecord(r);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*bytes, Hex("15030300020228"));
}

TEST(RecordTest, RoundTripWithEveryChunkSize) {
  std::vector<Record> records = {
      Record(ContentType::kHandshake, ProtocolVersion::kTls10, Hex("0100000401020304")),
      Record(ContentType::kChangeCipherSpec, ProtocolVersion::kTls12, Hex("01")),
      Record(ContentType::kApplicationData, ProtocolVersion::kTls12, Bytes()),
      Record(0x19, 0x0303, Hex("abcdef")),  // undefined type passes through
      Record(ContentType::kAlert, ProtocolVersion::kTls12, Hex("0100")),
  };
  auto wire = SerializeRecords(records);
  ASSERT_TRUE(wire.ok());
  for (size_t chunk = 1; chunk <= wire->size(); ++chunk) {
    RecordReader reader;
    auto got = ReadAll(reader, *wire, chunk);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(*got, records) << "chunk " << chunk;
    EXPECT_FALSE(reader.has_partial_record());
  }
  auto parsed = ParseRecords(*wire);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, records);
  EXPECT_EQ((*parsed)[3].content_type(), std::nullopt);
  EXPECT_EQ((*parsed)[0].content_type(), ContentType::kHandshake);
}

TEST(RecordTest, FeedStopsAfterOneRecord) {
  Bytes wire = Hex("1403030001011503030002022816030300");
  RecordReader reader;
  auto n = reader.Feed(wire);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 6u);  // only the CCS record
  auto again = reader.Feed(ByteView(wire).subview(*n));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0u);  // nothing taken until Next()
  auto r = reader.Next();
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->is(ContentType::kChangeCipherSpec));
  EXPECT_FALSE(reader.Next().has_value());
}

TEST(RecordTest, TruncatedAtEveryOffsetIsPartial) {
  Bytes wire = Hex("160303000401020304");
  for (size_t cut = 1; cut < wire.size(); ++cut) {
    RecordReader reader;
    auto n = reader.Feed(ByteView(wire).subview(0, cut));
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n, cut);
    EXPECT_FALSE(reader.Next().has_value()) << "cut " << cut;
    EXPECT_TRUE(reader.has_partial_record());
    EXPECT_EQ(reader.partial_bytes(), cut);
    auto parsed = ParseRecords(ByteView(wire).subview(0, cut));
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.status().alert(), AlertDescription::kDecodeError);
    EXPECT_NE(parsed.status().message().find("truncated"), std::string::npos);
  }
}

TEST(RecordTest, PlaintextLimitIsTwoToTheFourteenth) {
  // RFC 5246 6.2.1, checklist row 2: 2^14 is fine, 2^14+1 is record_overflow.
  Bytes ok(kMaxPlaintextLength, 0xaa);
  auto wire = SerializeRecord(Record(ContentType::kHandshake, ProtocolVersion::kTls12, ok));
  ASSERT_TRUE(wire.ok());
  auto parsed = ParseRecords(*wire);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ((*parsed)[0].fragment.size(), kMaxPlaintextLength);

  // Rejected from the header alone, before any of the fragment arrives.
  RecordReader reader;
  auto n = reader.Feed(Header(22, 0x0303, kMaxPlaintextLength + 1));
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().alert(), AlertDescription::kRecordOverflow);
  EXPECT_NE(n.status().message().find("record.length"), std::string::npos);
  EXPECT_LT(reader.buffer_capacity(), 64u);
  // The error is sticky.
  auto later = reader.Feed(Hex("00"));
  ASSERT_FALSE(later.ok());
  EXPECT_EQ(later.status().alert(), AlertDescription::kRecordOverflow);
  // A protected-size record is still too big while unprotected.
  RecordReader reader2;
  EXPECT_FALSE(reader2.Feed(Header(23, 0x0303, kMaxCiphertextLength)).ok());
}

TEST(RecordTest, CiphertextLimitAppliesOnceProtected) {
  // RFC 5246 6.2.3, checklist row 3.
  RecordReader reader;
  reader.set_protected(true);
  EXPECT_EQ(reader.max_fragment_length(), kMaxCiphertextLength);
  Bytes wire = Header(23, 0x0303, kMaxCiphertextLength);
  wire.resize(wire.size() + kMaxCiphertextLength, 0x55);
  auto got = ReadAll(reader, wire, 1000);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].fragment.size(), kMaxCiphertextLength);
  EXPECT_LE(reader.buffer_capacity(), kRecordHeaderLength + kMaxCiphertextLength);

  RecordReader reader2;
  reader2.set_protected(true);
  auto n = reader2.Feed(Header(23, 0x0303, kMaxCiphertextLength + 1));
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().alert(), AlertDescription::kRecordOverflow);
  auto parsed = ParseRecords(wire, /*is_protected=*/false);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().alert(), AlertDescription::kRecordOverflow);
}

TEST(RecordTest, ProtectionSwitchGovernsTheNextHeader) {
  // A CCS followed by a large protected record in the same chunk: the second header is
  // only judged after the caller switched protection on.
  Bytes wire = Hex("140303000101");
  Bytes big = Header(23, 0x0303, kMaxPlaintextLength + 100);
  big.resize(big.size() + kMaxPlaintextLength + 100, 0x11);
  Append(wire, big);
  RecordReader reader;
  ByteView in = wire;
  auto n = reader.Feed(in);
  ASSERT_TRUE(n.ok());
  in = in.subview(*n);
  auto ccs = reader.Next();
  ASSERT_TRUE(ccs.has_value());
  reader.set_protected(true);
  n = reader.Feed(in);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, in.size());
  auto rec = reader.Next();
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(rec->fragment.size(), kMaxPlaintextLength + 100);
}

TEST(RecordTest, AnyMajorThreeVersionIsAccepted) {
  // RFC 5246 App. E.1, checklist row 6: {03,00}, {03,01}, {03,03}, {03,FF}.
  for (uint16_t version : {0x0300, 0x0301, 0x0303, 0x03ff}) {
    Bytes wire = Header(22, version, 1);
    wire.push_back(0x00);
    auto parsed = ParseRecords(wire);
    ASSERT_TRUE(parsed.ok()) << version;
    EXPECT_EQ((*parsed)[0].version, version);
  }
}

TEST(RecordTest, OtherMajorVersionIsProtocolVersion) {
  for (uint16_t version : {0x0000, 0x0200, 0x0203, 0x0403, 0xff03}) {
    RecordReader reader;
    auto n = reader.Feed(Header(22, version, 1));
    ASSERT_FALSE(n.ok()) << version;
    EXPECT_EQ(n.status().alert(), AlertDescription::kProtocolVersion);
    EXPECT_NE(n.status().message().find("record.version"), std::string::npos);
  }
  // An SSLv2-style or HTTP start is not mistaken for a record.
  RecordReader reader;
  auto n = reader.Feed(ByteView(reinterpret_cast<const uint8_t*>("GET / HTTP/1.1"), 14));
  EXPECT_FALSE(n.ok());
}

TEST(RecordTest, ZeroLengthFragmentsAreFramedAndFlagged) {
  // RFC 5246 6.2.1, checklist row 4: accepted by the framing, flagged for the state machine.
  auto parsed = ParseRecords(Hex("1603030000" "1503030000" "1403030000" "1703030000"));
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ(parsed->size(), 4u);
  EXPECT_TRUE(IsForbiddenEmptyFragment((*parsed)[0]));
  EXPECT_TRUE(IsForbiddenEmptyFragment((*parsed)[1]));
  EXPECT_TRUE(IsForbiddenEmptyFragment((*parsed)[2]));
  EXPECT_FALSE(IsForbiddenEmptyFragment((*parsed)[3]));  // application_data MAY be empty
  EXPECT_FALSE(IsForbiddenEmptyFragment(Record(0x16, 0x0303, Hex("00"))));
}

TEST(RecordTest, SerializeRefusesWhatTheLengthCannotExpress) {
  Record r(ContentType::kApplicationData, ProtocolVersion::kTls12, Bytes(0x10000, 0));
  auto wire = SerializeRecord(r);
  ASSERT_FALSE(wire.ok());
  EXPECT_EQ(wire.status().alert(), AlertDescription::kInternalError);
  r.fragment.resize(0xffff);
  EXPECT_TRUE(SerializeRecord(r).ok());  // oversize but encodable: tests send these
}

TEST(RecordTest, SplitIntoRecords) {
  Bytes payload(10);
  for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<uint8_t>(i);
  auto recs = SplitIntoRecords(ContentType::kHandshake, ProtocolVersion::kTls12, payload, 4);
  ASSERT_TRUE(recs.ok());
  ASSERT_EQ(recs->size(), 3u);
  EXPECT_EQ((*recs)[0].fragment, Hex("00010203"));
  EXPECT_EQ((*recs)[1].fragment, Hex("04050607"));
  EXPECT_EQ((*recs)[2].fragment, Hex("0809"));
  for (const Record& r : *recs) {
    EXPECT_EQ(r.type, 22);
    EXPECT_EQ(r.version, 0x0303);
  }
  auto one = SplitIntoRecords(ContentType::kHandshake, ProtocolVersion::kTls12, payload);
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].fragment, payload);

  Bytes big(2 * kMaxPlaintextLength + 1, 7);
  auto dflt = SplitIntoRecords(ContentType::kApplicationData, ProtocolVersion::kTls12, big);
  ASSERT_TRUE(dflt.ok());
  ASSERT_EQ(dflt->size(), 3u);
  EXPECT_EQ((*dflt)[0].fragment.size(), kMaxPlaintextLength);
  EXPECT_EQ((*dflt)[2].fragment.size(), 1u);

  auto empty = SplitIntoRecords(ContentType::kAlert, ProtocolVersion::kTls12, ByteView(), 4);
  ASSERT_TRUE(empty.ok());
  ASSERT_EQ(empty->size(), 1u);
  EXPECT_TRUE((*empty)[0].fragment.empty());

  EXPECT_FALSE(SplitIntoRecords(ContentType::kAlert, ProtocolVersion::kTls12, payload, 0).ok());
  EXPECT_FALSE(
      SplitIntoRecords(ContentType::kAlert, ProtocolVersion::kTls12, payload, 0x10000).ok());
}

}  // namespace
}  // namespace shakedown
