// RFC 6066 8: the status_request extension and the CertificateStatus handshake message.
#include <gtest/gtest.h>

#include "engine/wire/codec_test_util.h"
#include "engine/wire/extensions.h"
#include "engine/wire/handshake.h"

namespace shakedown {
namespace {

using ::shakedown::testing::AlertOf;
using ::shakedown::testing::ExpectBytesRoundTrip;
using ::shakedown::testing::ExpectDecodeError;
using ::shakedown::testing::ExpectPrefixOffByOneFails;
using ::shakedown::testing::ExpectTruncationsFail;
using ::shakedown::testing::ExpectValueRoundTrip;
using ::shakedown::testing::H;
using ::shakedown::testing::Prefix;

auto ParseStatus = [](ByteView b) { return CertificateStatus::Parse(b); };
auto ParseRequest = [](ByteView b) { return StatusRequestExt::Parse(b); };

TEST(CertificateStatusTest, RoundTrip) {
  // status_type ocsp(1), uint24 length 3, a 3-byte response.
  const CertificateStatus m =
      ExpectBytesRoundTrip<CertificateStatus>(ParseStatus, H("01000003300100"));
  EXPECT_EQ(m.status_type, CertificateStatus::kOcsp);
  EXPECT_EQ(m.response, H("300100"));
  EXPECT_EQ(m.Describe(), "CertificateStatus(status_type=1, response=<3 bytes>)");
  ExpectValueRoundTrip(CertificateStatus{1, Bytes(70000, 0x30)});
}

TEST(CertificateStatusTest, ThroughTheTypedDispatch) {
  Result<TypedHandshake> m =
      ParseHandshakeMessage(HandshakeType::kCertificateStatus, H("0100000130"), ParseContext{});
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(TypeOf(*m), HandshakeType::kCertificateStatus);
  Result<Bytes> wire = SerializeHandshakeMessage(*m);
  ASSERT_TRUE(wire.ok());
  EXPECT_EQ(ToHex(*wire), "160000050100000130");
}

TEST(CertificateStatusTest, MalformedIsDecodeError) {
  const Bytes valid = H("01000003300100");
  ExpectTruncationsFail(ParseStatus, valid);
  ExpectPrefixOffByOneFails(ParseStatus, valid, {{1, 3, 3}});
  ExpectDecodeError(ParseStatus, H("0100000330010000"), "trailing byte");
  // opaque OCSPResponse<1..2^24-1>: an empty response is below the bound.
  ExpectDecodeError(ParseStatus, H("01000000"), "empty response");
  // Only ocsp(1) is defined: another status_type cannot be decoded.
  ExpectDecodeError(ParseStatus, H("02000003300100"), "status_type 2");
  ExpectDecodeError(ParseStatus, H("00000003300100"), "status_type 0");
  ExpectDecodeError(ParseStatus, H(""), "empty body");
}

TEST(StatusRequestExtTest, ClientRequestRoundTrip) {
  // ocsp, empty responder_id_list, empty request_extensions: what OpenSSL's s_client -status
  // sends.
  StatusRequestExt r = ExpectBytesRoundTrip<StatusRequestExt>(ParseRequest, H("0100000000"));
  EXPECT_FALSE(r.answer);
  EXPECT_EQ(r.status_type, StatusRequestExt::kOcsp);
  EXPECT_TRUE(r.responder_id_list.empty());
  EXPECT_TRUE(r.request_extensions.empty());
  // Two responder ids and request extensions.
  r = ExpectBytesRoundTrip<StatusRequestExt>(ParseRequest, H("010008"
                                                             "0002a1a1"
                                                             "0002b2b2"
                                                             "0003300100"));
  ASSERT_EQ(r.responder_id_list.size(), 2u);
  EXPECT_EQ(r.responder_id_list[1], H("b2b2"));
  EXPECT_EQ(r.request_extensions, H("300100"));
  StatusRequestExt v;
  v.responder_id_list = {H("01"), H("0203")};
  v.request_extensions = H("3000");
  ExpectValueRoundTrip(v);
}

TEST(StatusRequestExtTest, ServerAnswerIsEmpty) {
  StatusRequestExt a = ExpectBytesRoundTrip<StatusRequestExt>(ParseRequest, H(""));
  EXPECT_TRUE(a.answer);
  EXPECT_EQ(a, StatusRequestExt::Answer());
  EXPECT_EQ(a.Describe(), "status_request(answer)");
}

TEST(StatusRequestExtTest, OtherStatusTypeKeptOpaque) {
  // RFC 6961 ocsp_multi(2): the request is kept as bytes, not refused.
  StatusRequestExt r = ExpectBytesRoundTrip<StatusRequestExt>(ParseRequest, H("0200040000"));
  EXPECT_EQ(r.status_type, 2);
  EXPECT_EQ(r.other, H("00040000"));
}

TEST(StatusRequestExtTest, MalformedIsDecodeError) {
  const Bytes valid =
      H("010008"
        "0002a1a1"
        "0002b2b2"
        "0003300100");
  ExpectTruncationsFail(ParseRequest, valid, {0});  // the empty prefix is the server's answer
  ExpectPrefixOffByOneFails(ParseRequest, valid, {{1, 2, 8}, {3, 2, 2}, {11, 2, 3}});
  ExpectDecodeError(ParseRequest, H("010000000000"), "trailing byte");
  // ResponderID<1..2^16-1>: an empty id.
  ExpectDecodeError(ParseRequest, H("01000200000000"), "empty ResponderID");
  Result<StatusRequestExt> r = StatusRequestExt::Parse(H("01"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(AlertOf(r.status()), "decode_error");
}

}  // namespace
}  // namespace shakedown
