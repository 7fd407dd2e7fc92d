#include "engine/wire/extensions.h"

#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"

#include "engine/wire/codec_test_util.h"

namespace shakedown {
namespace {

using namespace ::shakedown::testing;  // NOLINT: test helpers

auto ParseBlock = [](ByteView b) { return Extensions::Parse(b); };

// ---- Extensions container ----

// The extensions block of the ClientHello in "The Illustrated TLS 1.2 Connection"
// (vectors/kat/keyschedule_vectors.json, illustrated-tls12-ecdhe-x25519-aes128cbc-sha).
const char kIllustratedClientExtensions[] =
    "0058"
    "0000001800160000136578616d706c652e756c666865696d2e6e6574"  // server_name
    "000500050100000000"                                        // status_request
    "000a000a0008001d001700180019"                              // supported_groups
    "000b00020100"                                              // ec_point_formats
    "000d0012001004010403050105030601060302010203"              // signature_algorithms
    "ff01000100"                                                // renegotiation_info
    "00120000";                                                 // signed_certificate_timestamp

TEST(ExtensionsTest, ParsesIllustratedClientHelloBlockInOrder) {
  Extensions ext = ExpectBytesRoundTrip<Extensions>(ParseBlock, H(kIllustratedClientExtensions));
  std::vector<uint16_t> types;
  for (const Extension& e : ext.list()) types.push_back(e.type);
  EXPECT_EQ(types, (std::vector<uint16_t>{0, 5, 10, 11, 13, 0xff01, 18}));
  // status_request and signed_certificate_timestamp have no typed codec: kept opaque.
  EXPECT_EQ(ToHex(ext.FindRaw(5)->body), "0100000000");
  EXPECT_TRUE(ext.FindRaw(18)->body.empty());
  EXPECT_EQ(ext.Describe(),
            "[server_name,status_request,supported_groups,ec_point_formats,"
            "signature_algorithms,renegotiation_info,signed_certificate_timestamp]");

  auto sni = ext.Find<ServerNameExt>();
  ASSERT_TRUE(sni.has_value() && sni->ok());
  EXPECT_EQ((*sni)->host_names, std::vector<std::string>{"example.ulfheim.net"});
  auto groups = ext.Find<SupportedGroupsExt>();
  ASSERT_TRUE(groups.has_value() && groups->ok());
  EXPECT_EQ((*groups)->groups, (std::vector<NamedGroup>{NamedGroup::kX25519, NamedGroup::kSecp256r1,
                                                        NamedGroup::kSecp384r1,
                                                        NamedGroup::kSecp521r1}));
  auto formats = ext.Find<EcPointFormatsExt>();
  ASSERT_TRUE(formats.has_value() && formats->ok());
  EXPECT_EQ((*formats)->formats, std::vector<EcPointFormat>{EcPointFormat::kUncompressed});
  auto sigalgs = ext.Find<SignatureAlgorithmsExt>();
  ASSERT_TRUE(sigalgs.has_value() && sigalgs->ok());
  EXPECT_EQ((*sigalgs)->schemes,
            (std::vector<SignatureScheme>{
                SignatureScheme::kRsaPkcs1Sha256, SignatureScheme::kEcdsaSecp256r1Sha256,
                SignatureScheme::kRsaPkcs1Sha384, SignatureScheme::kEcdsaSecp384r1Sha384,
                SignatureScheme::kRsaPkcs1Sha512, SignatureScheme::kEcdsaSecp521r1Sha512,
                SignatureScheme::kRsaPkcs1Sha1, SignatureScheme::kEcdsaSha1}));
  auto ri = ext.Find<RenegotiationInfoExt>();
  ASSERT_TRUE(ri.has_value() && ri->ok());
  EXPECT_TRUE((*ri)->renegotiated_connection.empty());
  EXPECT_FALSE(ext.Find<ExtendedMasterSecretExt>().has_value());
  EXPECT_FALSE(ext.Find<AlpnExt>().has_value());
  EXPECT_FALSE(ext.Has(ExtensionType::kSessionTicket));
}

TEST(ExtensionsTest, IllustratedBlockNegatives) {
  const Bytes valid = H(kIllustratedClientExtensions);
  ExpectTruncationsFail(ParseBlock, valid);
  // The block length, and each extension_data length.
  ExpectPrefixOffByOneFails(ParseBlock, valid,
                            {{0, 2, 0x58},
                             {4, 2, 0x18},
                             {32, 2, 5},
                             {41, 2, 10},
                             {55, 2, 2},
                             {61, 2, 0x12},
                             {83, 2, 1},
                             {88, 2, 0}});
  Bytes trailing = valid;
  trailing.push_back(0);
  ExpectDecodeError(ParseBlock, trailing, "trailing byte");
}

TEST(ExtensionsTest, EmptyBlock) {
  Extensions ext = ExpectBytesRoundTrip<Extensions>(ParseBlock, H("0000"));
  EXPECT_TRUE(ext.empty());
  ExpectDecodeError(ParseBlock, H(""), "no length");
  ExpectDecodeError(ParseBlock, H("00"), "half a length");
}

TEST(ExtensionsTest, UnknownExtensionsKeptOpaqueInOrder) {
  // GREASE 0x1a1a with body "abc", server_name, unassigned 0xfe00 with an empty body,
  // and extended_master_secret.
  const Bytes bytes = H("001a" "1a1a0003616263" "0000000700050000026869" "fe000000" "00170000");
  Extensions ext = ExpectBytesRoundTrip<Extensions>(ParseBlock, bytes);
  ASSERT_EQ(ext.size(), 4u);
  EXPECT_EQ(ext.list()[0], (Extension{0x1a1a, H("616263")}));
  EXPECT_EQ(ext.list()[1].type, 0);
  EXPECT_EQ(ext.list()[2], (Extension{0xfe00, {}}));
  EXPECT_EQ(ext.list()[3].type, 23);
  EXPECT_EQ(ext.Describe(),
            "[extension type 0x1a1a,server_name,extension type 0xfe00,extended_master_secret]");
}

TEST(ExtensionsTest, DuplicateTypeIsDecodeError) {
  // RFC 5246 7.4.1.4: two extended_master_secret extensions, not adjacent.
  auto r = Extensions::Parse(H("000d" "00170000" "ff01000100" "00170000"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(AlertOf(r.status()), "decode_error");
  EXPECT_NE(r.status().message().find("extended_master_secret"), std::string::npos)
      << r.status().message();
  // Same type, different bodies: still a duplicate.
  ExpectDecodeError(ParseBlock, H("000b" "1a1a000161" "1a1a00026263"), "duplicate unknown");
}

TEST(ExtensionsTest, ValueRoundTripKeepsDuplicatesWhenBuiltByHand) {
  // The container can hold what a hostile peer sends; only Parse enforces uniqueness.
  Extensions ext({Extension{23, {}}, Extension{23, {}}});
  Result<Bytes> bytes = SerializeToBytes(ext);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(ToHex(*bytes), "000800170000" "00170000");
  ExpectDecodeError(ParseBlock, *bytes, "duplicate built by hand");
}

TEST(ExtensionsTest, SetReplacesInPlaceOrAppends) {
  Extensions ext = ExpectBytesRoundTrip<Extensions>(ParseBlock, H("000a" "000a00020017" "00170000"));
  SupportedGroupsExt groups;
  groups.groups = {NamedGroup::kX25519, NamedGroup::kSecp256r1};
  ASSERT_TRUE(ext.Set(groups).ok());
  ASSERT_TRUE(ext.Set(AlpnExt{{"h2"}}).ok());
  Result<Bytes> bytes = SerializeToBytes(ext);
  ASSERT_TRUE(bytes.ok());
  // supported_groups stays first (now with two groups), EMS second, ALPN appended.
  EXPECT_EQ(ToHex(*bytes), "0017"
                           "000a0006" "0004001d0017"
                           "00170000"
                           "00100005" "0003026832");
  EXPECT_TRUE(ext.Remove(23));
  EXPECT_FALSE(ext.Remove(23));
  EXPECT_FALSE(ext.Has(ExtensionType::kExtendedMasterSecret));
  EXPECT_EQ(ext.size(), 2u);
}

TEST(ExtensionsTest, SetFailsWhenBodyDoesNotFit) {
  Extensions ext;
  SessionTicketExt big;
  big.ticket.assign(0x10000, 0xaa);  // body fits in memory but not in extension_data<0..2^16-1>
  ASSERT_TRUE(ext.Set(big).ok());   // the body itself has no prefix...
  Result<Bytes> block = SerializeToBytes(ext);
  ASSERT_FALSE(block.ok());          // ...but the block cannot express it
  EXPECT_EQ(AlertOf(block.status()), "internal_error");

  AlpnExt alpn{{std::string(256, 'x')}};  // ProtocolName<1..2^8-1>
  Status s = ext.Set(alpn);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(AlertOf(s), "internal_error");
}

TEST(ExtensionsTest, FindReportsMalformedBody) {
  Extensions ext({Extension{23, H("00")}});
  auto ems = ext.Find<ExtendedMasterSecretExt>();
  ASSERT_TRUE(ems.has_value());
  ASSERT_FALSE(ems->ok());
  EXPECT_EQ(AlertOf(ems->status()), "decode_error");
}

// ---- server_name (RFC 6066 3) ----

auto ParseSni = [](ByteView b) { return ServerNameExt::Parse(b); };

TEST(ServerNameExtTest, HostNameRoundTrip) {
  // server_name_list length 0x16, host_name(0), length 0x13, "example.ulfheim.net".
  const Bytes bytes = H("00160000136578616d706c652e756c666865696d2e6e6574");
  ServerNameExt sni = ExpectBytesRoundTrip<ServerNameExt>(ParseSni, bytes);
  EXPECT_EQ(sni.host_names, std::vector<std::string>{"example.ulfheim.net"});
  ExpectValueRoundTrip(sni);
  EXPECT_EQ(sni.Describe(), "server_name=[\"example.ulfheim.net\"]");
}

TEST(ServerNameExtTest, EmptyBodyFromServer) {
  ServerNameExt sni = ExpectBytesRoundTrip<ServerNameExt>(ParseSni, H(""));
  EXPECT_TRUE(sni.host_names.empty());
  ExpectValueRoundTrip(ServerNameExt{});
}

TEST(ServerNameExtTest, Negatives) {
  const Bytes good = H("00050000026869");  // "hi"
  // The empty prefix is the valid server form.
  ExpectTruncationsFail(ParseSni, good, {0});
  ExpectPrefixOffByOneFails(ParseSni, good, {{0, 2, 5}, {3, 2, 2}});
  ExpectDecodeError(ParseSni, H("0000"), "empty server_name_list");
  ExpectDecodeError(ParseSni, H("0003000000"), "empty host_name");
  ExpectDecodeError(ParseSni, H("00050100026869"), "unknown name_type");
  ExpectDecodeError(ParseSni, H("000a00000268690000026869"), "two host_names");
  ExpectDecodeError(ParseSni, H("0005000002686900"), "trailing byte");
}

// ---- supported_groups (RFC 8422 5.1.1) ----

auto ParseGroups = [](ByteView b) { return SupportedGroupsExt::Parse(b); };

TEST(SupportedGroupsExtTest, RoundTrip) {
  SupportedGroupsExt g = ExpectBytesRoundTrip<SupportedGroupsExt>(ParseGroups, H("0004001d0100"));
  EXPECT_EQ(g.groups, (std::vector<NamedGroup>{NamedGroup::kX25519, NamedGroup::kFfdhe2048}));
  // An unassigned group survives.
  ExpectValueRoundTrip(SupportedGroupsExt{{static_cast<NamedGroup>(0x2a2a)}});
  EXPECT_EQ(g.Describe(), "supported_groups=[x25519,ffdhe2048]");
}

TEST(SupportedGroupsExtTest, Negatives) {
  const Bytes good = H("0004001d0017");
  ExpectTruncationsFail(ParseGroups, good);
  ExpectPrefixOffByOneFails(ParseGroups, good, {{0, 2, 4}});
  ExpectDecodeError(ParseGroups, H("0000"), "empty list");
  ExpectDecodeError(ParseGroups, H("0003001d00"), "odd length");
  ExpectDecodeError(ParseGroups, H("0002001d00"), "trailing byte");
  ExpectDecodeError(ParseGroups, H(""), "empty body");
}

// ---- ec_point_formats (RFC 8422 5.1.2) ----

auto ParseFormats = [](ByteView b) { return EcPointFormatsExt::Parse(b); };

TEST(EcPointFormatsExtTest, RoundTrip) {
  EcPointFormatsExt f = ExpectBytesRoundTrip<EcPointFormatsExt>(ParseFormats, H("03000102"));
  EXPECT_EQ(f.formats, (std::vector<EcPointFormat>{EcPointFormat::kUncompressed,
                                                  EcPointFormat::kAnsiX962CompressedPrime,
                                                  EcPointFormat::kAnsiX962CompressedChar2}));
  EXPECT_EQ(f.Describe(), "ec_point_formats=[uncompressed,ansiX962_compressed_prime,"
                          "ansiX962_compressed_char2]");
  Bytes max(256, 0);
  max[0] = 0xff;
  ExpectBytesRoundTrip<EcPointFormatsExt>(ParseFormats, max);
}

TEST(EcPointFormatsExtTest, Negatives) {
  const Bytes good = H("020001");
  ExpectTruncationsFail(ParseFormats, good);
  ExpectPrefixOffByOneFails(ParseFormats, good, {{0, 1, 2}});
  ExpectDecodeError(ParseFormats, H("00"), "empty list");
  ExpectDecodeError(ParseFormats, H("010000"), "trailing byte");
}

// ---- signature_algorithms (RFC 5246 7.4.1.4.1) ----

auto ParseSigAlgs = [](ByteView b) { return SignatureAlgorithmsExt::Parse(b); };

TEST(SignatureAlgorithmsExtTest, RoundTrip) {
  SignatureAlgorithmsExt s =
      ExpectBytesRoundTrip<SignatureAlgorithmsExt>(ParseSigAlgs, H("000404010804"));
  EXPECT_EQ(s.schemes, (std::vector<SignatureScheme>{SignatureScheme::kRsaPkcs1Sha256,
                                                    SignatureScheme::kRsaPssRsaeSha256}));
  EXPECT_EQ(s.Describe(), "signature_algorithms=[rsa_pkcs1_sha256,rsa_pss_rsae_sha256]");
  // The upper bound 2^16-2 is allowed.
  Bytes max(2 + 0xfffe, 0x04);
  max[0] = 0xff;
  max[1] = 0xfe;
  SignatureAlgorithmsExt big = ExpectBytesRoundTrip<SignatureAlgorithmsExt>(ParseSigAlgs, max);
  EXPECT_EQ(big.schemes.size(), 0x7fffu);
}

TEST(SignatureAlgorithmsExtTest, Negatives) {
  const Bytes good = H("000404010804");
  ExpectTruncationsFail(ParseSigAlgs, good);
  ExpectPrefixOffByOneFails(ParseSigAlgs, good, {{0, 2, 4}});
  ExpectDecodeError(ParseSigAlgs, H("0000"), "empty list");
  ExpectDecodeError(ParseSigAlgs, H("0003040108"), "odd length");
  ExpectDecodeError(ParseSigAlgs, H("0002040108"), "trailing byte");
}

// ---- extended_master_secret (RFC 7627 5.1) ----

TEST(EncryptThenMacExtTest, EmptyBodyOnly) {
  auto parse = [](ByteView b) { return EncryptThenMacExt::Parse(b); };
  ExpectBytesRoundTrip<EncryptThenMacExt>(parse, H(""));
  ExpectValueRoundTrip(EncryptThenMacExt{});
  Result<EncryptThenMacExt> bad = parse(H("00"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().alert(), AlertDescription::kDecodeError);
}

TEST(ExtendedMasterSecretExtTest, EmptyBodyOnly) {
  auto parse = [](ByteView b) { return ExtendedMasterSecretExt::Parse(b); };
  ExpectBytesRoundTrip<ExtendedMasterSecretExt>(parse, H(""));
  ExpectValueRoundTrip(ExtendedMasterSecretExt{});
  // Checklist #54: a non-empty body is decode_error.
  ExpectDecodeError(parse, H("00"), "one byte");
  ExpectDecodeError(parse, H("0000"), "two bytes");
  // Its wire form in a block: 00 17 00 00.
  Extensions ext;
  ASSERT_TRUE(ext.Set(ExtendedMasterSecretExt{}).ok());
  EXPECT_EQ(ToHex(*SerializeToBytes(ext)), "000400170000");
}

// ---- max_fragment_length (RFC 6066 4) and record_size_limit (RFC 8449 4) ----

TEST(MaxFragmentLengthExtTest, OneByteCodes) {
  auto parse = [](ByteView b) { return MaxFragmentLengthExt::Parse(b); };
  ExpectBytesRoundTrip<MaxFragmentLengthExt>(parse, H("01"));
  ExpectValueRoundTrip(MaxFragmentLengthExt{4});
  ExpectDecodeError(parse, H(""), "empty");
  ExpectDecodeError(parse, H("0101"), "trailing byte");
  // Codes 1..4 are 2^9..2^12; others parse (the reader's role decides: illegal_parameter).
  EXPECT_EQ(MaxFragmentLengthExt{1}.Length(), 512u);
  EXPECT_EQ(MaxFragmentLengthExt{4}.Length(), 4096u);
  EXPECT_EQ(MaxFragmentLengthExt{0}.Length(), 0u);
  EXPECT_EQ(MaxFragmentLengthExt{5}.Length(), 0u);
  ASSERT_TRUE(parse(H("ff")).ok());
  EXPECT_EQ(parse(H("ff"))->Describe(), "max_fragment_length=code 255");
  EXPECT_EQ(MaxFragmentLengthExt::CodeFor(2048), 3);
  EXPECT_EQ(MaxFragmentLengthExt::CodeFor(16384), 0);
  EXPECT_EQ(MaxFragmentLengthExt::CodeFor(513), 0);
}

TEST(RecordSizeLimitExtTest, TwoBytes) {
  auto parse = [](ByteView b) { return RecordSizeLimitExt::Parse(b); };
  ExpectBytesRoundTrip<RecordSizeLimitExt>(parse, H("4000"));
  ExpectValueRoundTrip(RecordSizeLimitExt{64});
  ExpectDecodeError(parse, H("40"), "one byte");
  ExpectDecodeError(parse, H("400000"), "trailing byte");
  EXPECT_EQ(parse(H("0040"))->limit, 64);
  Extensions ext;
  ASSERT_TRUE(ext.Set(RecordSizeLimitExt{0x4000}).ok());
  EXPECT_EQ(ToHex(*SerializeToBytes(ext)), "0006001c00024000");
}

// ---- renegotiation_info (RFC 5746 3.2) ----

auto ParseRi = [](ByteView b) { return RenegotiationInfoExt::Parse(b); };

TEST(RenegotiationInfoExtTest, RoundTrip) {
  // RFC 5746 3.4 / checklist #49: the initial handshake's form is ff 01 00 01 00.
  RenegotiationInfoExt empty = ExpectBytesRoundTrip<RenegotiationInfoExt>(ParseRi, H("00"));
  EXPECT_TRUE(empty.renegotiated_connection.empty());
  Extensions ext;
  ASSERT_TRUE(ext.Set(empty).ok());
  EXPECT_EQ(ToHex(*SerializeToBytes(ext)), "0005ff01000100");

  // Renegotiation: client_verify_data (12) + server_verify_data (12).
  RenegotiationInfoExt reneg;
  reneg.renegotiated_connection = H("cf919626f1360c536aaad73a844d3c10746dd722f92f0c7e");
  ExpectValueRoundTrip(reneg);
  Bytes max(256, 0x55);
  max[0] = 0xff;
  ExpectBytesRoundTrip<RenegotiationInfoExt>(ParseRi, max);
}

TEST(RenegotiationInfoExtTest, Negatives) {
  const Bytes good = H("0401020304");
  ExpectTruncationsFail(ParseRi, good);
  ExpectPrefixOffByOneFails(ParseRi, good, {{0, 1, 4}});
  ExpectDecodeError(ParseRi, H(""), "empty body");
  ExpectDecodeError(ParseRi, H("0000"), "trailing byte");
}

// ---- session_ticket (RFC 5077 3.2) ----

TEST(SessionTicketExtTest, AnyBodyIsTheTicket) {
  auto parse = [](ByteView b) { return SessionTicketExt::Parse(b); };
  SessionTicketExt empty = ExpectBytesRoundTrip<SessionTicketExt>(parse, H(""));
  EXPECT_TRUE(empty.ticket.empty());
  SessionTicketExt t = ExpectBytesRoundTrip<SessionTicketExt>(parse, H("00010203ff"));
  EXPECT_EQ(ToHex(t.ticket), "00010203ff");
  ExpectValueRoundTrip(t);
  EXPECT_EQ(t.Describe(), "session_ticket=<5 bytes>");
}

// ---- ALPN (RFC 7301 3.1) ----

auto ParseAlpn = [](ByteView b) { return AlpnExt::Parse(b); };

TEST(AlpnExtTest, RoundTrip) {
  // RFC 7301 3.1 example protocols "h2" and "http/1.1".
  const Bytes bytes = H("000c02683208687474702f312e31");
  AlpnExt a = ExpectBytesRoundTrip<AlpnExt>(ParseAlpn, bytes);
  EXPECT_EQ(a.protocols, (std::vector<std::string>{"h2", "http/1.1"}));
  ExpectValueRoundTrip(a);
  EXPECT_EQ(a.Describe(), "alpn=[\"h2\",\"http/1.1\"]");
}

TEST(AlpnExtTest, Negatives) {
  const Bytes good = H("000c02683208687474702f312e31");
  ExpectTruncationsFail(ParseAlpn, good);
  ExpectPrefixOffByOneFails(ParseAlpn, good, {{0, 2, 12}, {2, 1, 2}, {5, 1, 8}});
  ExpectDecodeError(ParseAlpn, H("0000"), "empty list");
  ExpectDecodeError(ParseAlpn, H("000100"), "list shorter than its floor");
  ExpectDecodeError(ParseAlpn, H("0003036832"), "protocol name longer than the list");
  ExpectDecodeError(ParseAlpn, H("0003000000"), "empty protocol name");
  ExpectDecodeError(ParseAlpn, H("000302683200"), "trailing byte");
}

}  // namespace
}  // namespace shakedown
