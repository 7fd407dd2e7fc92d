#include "engine/wire/handshake.h"

#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"

#include "engine/wire/codec_test_util.h"

namespace shakedown {
namespace {

using namespace ::shakedown::testing;  // NOLINT: test helpers

Bytes Body(const char* full_message_hex) {
  Bytes full = H(full_message_hex);
  Result<SplitHandshake> split = SplitHandshakeMessage(full);
  EXPECT_TRUE(split.ok()) << split.status().ToString();
  return split.ok() ? split->body.ToBytes() : Bytes{};
}

Random Seq(uint8_t first) {
  Random r;
  for (size_t i = 0; i < r.size(); ++i) r[i] = static_cast<uint8_t>(first + i);
  return r;
}

auto ParseClientHello = [](ByteView b) { return ClientHello::Parse(b); };
auto ParseServerHello = [](ByteView b) { return ServerHello::Parse(b); };
auto ParseCertificate = [](ByteView b) { return Certificate::Parse(b); };
auto ParseSkeEcdhe = [](ByteView b) { return ServerKeyExchange::Parse(b, KeyExchangeKind::kEcdhe); };
auto ParseSkeDhe = [](ByteView b) { return ServerKeyExchange::Parse(b, KeyExchangeKind::kDhe); };
auto ParseCertificateRequest = [](ByteView b) { return CertificateRequest::Parse(b); };
auto ParseCertificateVerify = [](ByteView b) { return CertificateVerify::Parse(b); };
auto ParseCkeRsa = [](ByteView b) { return ClientKeyExchange::Parse(b, KeyExchangeKind::kRsa); };
auto ParseCkeDhe = [](ByteView b) { return ClientKeyExchange::Parse(b, KeyExchangeKind::kDhe); };
auto ParseCkeEcdhe = [](ByteView b) {
  return ClientKeyExchange::Parse(b, KeyExchangeKind::kEcdhe);
};
auto ParseNewSessionTicket = [](ByteView b) { return NewSessionTicket::Parse(b); };
auto ParseFinished = [](ByteView b) { return Finished::Parse(b); };
auto ParseCcs = [](ByteView b) { return ChangeCipherSpec::Parse(b); };
auto ParseAlert = [](ByteView b) { return Alert::Parse(b); };

// ---- "The Illustrated TLS 1.2 Connection" (tls12.xargs.org), copied from
// vectors/kat/keyschedule_vectors.json, illustrated-tls12-ecdhe-x25519-aes128cbc-sha,
// handshake_messages_hex: full messages with their 4-byte headers. ----

// ClientHello
const char kIllustratedClientHello[] =
    "010000a10303000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f000020cca8cc"
    "a9c02fc030c02bc02cc013c009c014c00a009c009d002f0035c012000a010000580000001800160000136578"
    "616d706c652e756c666865696d2e6e6574000500050100000000000a000a0008001d001700180019000b0002"
    "0100000d0012001004010403050105030601060302010203ff0100010000120000";

// ServerHello
const char kIllustratedServerHello[] =
    "0200002d0303707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f00c013000005"
    "ff01000100";

// Certificate
const char kIllustratedCertificate[] =
    "0b00032b0003280003253082032130820209a0030201020208155a92adc2048f90300d06092a864886f70d01"
    "010b05003022310b300906035504061302555331133011060355040a130a4578616d706c65204341301e170d"
    "3138313030353031333831375a170d3139313030353031333831375a302b310b300906035504061302555331"
    "1c301a060355040313136578616d706c652e756c666865696d2e6e657430820122300d06092a864886f70d01"
    "010105000382010f003082010a0282010100c4803606bae7476b089404eca7b691043ff792bc19eefb7d74d7"
    "a80d001e7b4b3a4ae60fe8c071fc73e7024c0dbcf4bdd11d396bba70464a13e94af83df3e10959547bc955fb"
    "412da3765211e1f3dc776caa53376eca3aecbec3aab73b31d56cb6529c8098bcc9e02818e20bf7f8a03afd17"
    "04509ece79bd9f39f1ea69ec47972e830fb5ca95de95a1e60422d5eebe527954a1e7bf8a86f6466d0d9f1695"
    "1a4cf7a04692595c1352f2549e5afb4ebfd77a37950144e4c026874c653e407d7d23074401f484ffd08f7a1f"
    "a05210d1f4f0d5ce79702932e2cabe701fdfad6b4bb71101f44bad666a11130fe2ee829e4d029dc91cdd6716"
    "dbb9061886edc1ba94210203010001a3523050300e0603551d0f0101ff0404030205a0301d0603551d250416"
    "301406082b0601050507030206082b06010505070301301f0603551d23041830168014894fde5bcc69e252cf"
    "3ea300dfb197b81de1c146300d06092a864886f70d01010b05000382010100591645a69a2e3779e4f6dd271a"
    "ba1c0bfd6cd75599b5e7c36e533eff3659084324c9e7a504079d39e0d42987ffe3ebdd09c1cf1d914455870b"
    "571dd19bdf1d24f8bb9a11fe80fd592ba0398cde11e2651e618ce598fa96e5372eef3d248afde17463ebbfab"
    "b8e4d1ab502a54ec0064e92f7819660d3f27cf209e667fce5ae2e4ac99c7c93818f8b2510722dfed97f32e3e"
    "9349d4c66c9ea6396d744462a06b42c6d5ba688eac3a017bddfc8e2cfcad27cb69d3ccdca280414465d3ae34"
    "8ce0f34ab2fb9c618371312b191041641c237f11a5d65c844f0404849938712b959ed685bc5c5dd645ed1990"
    "9473402926dcb40e3469a15941e8e2cca84bb6084636a0";

// ServerKeyExchange
const char kIllustratedServerKeyExchange[] =
    "0c00012803001d209fd7ad6dcff4298dd3f96d5b1b2af910a0535b1488d7f8fabb349a982880b61504010100"
    "0402b661f7c191ee59be45376639bdc3d4bb81e115ca73c8348b525b0d2338aa144667ed9431021412cd9b84"
    "4cba29934aaacce873414ec11cb02e272d0ad81f767d33076721f13bf36020cf0b1fd0ecb078de1128beba09"
    "49ebece1a1f96e209dc36e4fffd36b673a7ddc1597ad4408e485c4adb2c873841249372523809e4312d0c7b3"
    "522ef983cac1e03935ff13a8e96ba681a62e40d3e70a7ff35866d3d9993f9e26a634c81b4e71380fcdd6f4e8"
    "35f75a6409c7dc2c07410e6f87858c7b94c01c2e32f291769eacca71643b8b98a963df0a329bea4ed6397e8c"
    "d01a110ab361ac5bad1ccd840a6c8a6eaa001a9d7d87dc3318643571226c4dd2c2ac41fb";

// ServerHelloDone
const char kIllustratedServerHelloDone[] =
    "0e000000";

// ClientKeyExchange
const char kIllustratedClientKeyExchange[] =
    "1000002120358072d6365880d1aeea329adf9121383851ed21a28e3b75e965d0d2cd166254";

// From the same vector: the x25519 public values and the client's verify_data.
const char kServerX25519Public[] =
    "9fd7ad6dcff4298dd3f96d5b1b2af910a0535b1488d7f8fabb349a982880b615";
const char kClientX25519Public[] =
    "358072d6365880d1aeea329adf9121383851ed21a28e3b75e965d0d2cd166254";
const char kClientVerifyData[] = "cf919626f1360c536aaad73a";

TEST(IllustratedTest, EveryMessageSplitsParsesAndReserializesExactly) {
  const std::vector<std::pair<const char*, HandshakeType>> messages = {
      {kIllustratedClientHello, HandshakeType::kClientHello},
      {kIllustratedServerHello, HandshakeType::kServerHello},
      {kIllustratedCertificate, HandshakeType::kCertificate},
      {kIllustratedServerKeyExchange, HandshakeType::kServerKeyExchange},
      {kIllustratedServerHelloDone, HandshakeType::kServerHelloDone},
      {kIllustratedClientKeyExchange, HandshakeType::kClientKeyExchange},
  };
  ParseContext context;
  context.key_exchange = KeyExchangeKind::kEcdhe;  // TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA
  for (const auto& [hex, type] : messages) {
    const Bytes full = H(hex);
    Result<SplitHandshake> split = SplitHandshakeMessage(full);
    ASSERT_TRUE(split.ok()) << split.status().ToString();
    EXPECT_EQ(split->header.type, type);
    EXPECT_EQ(split->header.length + HandshakeHeader::kLength, full.size());
    Result<TypedHandshake> msg = ParseHandshakeMessage(type, split->body, context);
    ASSERT_TRUE(msg.ok()) << Describe(type) << ": " << msg.status().ToString();
    EXPECT_EQ(TypeOf(*msg), type);
    Result<Bytes> again = SerializeHandshakeMessage(*msg);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(ToHex(*again), ToHex(full)) << Describe(type);
    Result<Bytes> body = SerializeBody(*msg);
    ASSERT_TRUE(body.ok());
    EXPECT_EQ(*body, split->body.ToBytes());
  }
}

TEST(IllustratedTest, ClientHelloFields) {
  ClientHello ch =
      ExpectBytesRoundTrip<ClientHello>(ParseClientHello, Body(kIllustratedClientHello));
  EXPECT_EQ(ch.client_version, ProtocolVersion::kTls12);
  EXPECT_EQ(ch.random, Seq(0x00));
  EXPECT_TRUE(ch.session_id.empty());
  EXPECT_EQ(ch.cipher_suites,
            (std::vector<uint16_t>{0xcca8, 0xcca9, 0xc02f, 0xc030, 0xc02b, 0xc02c, 0xc013,
                                   0xc009, 0xc014, 0xc00a, 0x009c, 0x009d, 0x002f, 0x0035,
                                   0xc012, 0x000a}));
  EXPECT_EQ(ch.compression_methods, Bytes{0});
  ASSERT_TRUE(ch.extensions.has_value());
  std::vector<uint16_t> types;
  for (const Extension& e : ch.extensions->list()) types.push_back(e.type);
  EXPECT_EQ(types, (std::vector<uint16_t>{0, 5, 10, 11, 13, 0xff01, 18}));
  auto sni = ch.extensions->Find<ServerNameExt>();
  ASSERT_TRUE(sni && sni->ok());
  EXPECT_EQ((*sni)->host_names, std::vector<std::string>{"example.ulfheim.net"});
  auto groups = ch.extensions->Find<SupportedGroupsExt>();
  ASSERT_TRUE(groups && groups->ok());
  EXPECT_EQ((*groups)->groups.front(), NamedGroup::kX25519);

  const std::string d = ch.Describe();
  EXPECT_NE(d.find("ClientHello(version=TLSv1.2"), std::string::npos) << d;
  EXPECT_NE(d.find("suites=[TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,"
                   "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,"),
            std::string::npos)
      << d;
  EXPECT_NE(d.find("ext=[server_name,status_request,supported_groups,ec_point_formats,"
                   "signature_algorithms,renegotiation_info,signed_certificate_timestamp])"),
            std::string::npos)
      << d;
}

TEST(IllustratedTest, ClientHelloNegatives) {
  const Bytes valid = Body(kIllustratedClientHello);
  ASSERT_EQ(valid.size(), 0xa1u);
  // Cut right after compression_methods it is the valid no-extensions form (checklist #21).
  ExpectTruncationsFail(ParseClientHello, valid, {71});
  ExpectPrefixOffByOneFails(ParseClientHello, valid,
                            {{34, 1, 0},      // session_id
                             {35, 2, 0x20},   // cipher_suites
                             {69, 1, 1},      // compression_methods
                             {71, 2, 0x58},   // extensions
                             {75, 2, 0x18},   // server_name extension_data
                             {103, 2, 5},     // status_request
                             {112, 2, 10},    // supported_groups
                             {126, 2, 2},     // ec_point_formats
                             {132, 2, 0x12},  // signature_algorithms
                             {154, 2, 1},     // renegotiation_info
                             {159, 2, 0}});   // signed_certificate_timestamp
  Bytes trailing = valid;
  trailing.push_back(0);
  ExpectDecodeError(ParseClientHello, trailing, "trailing byte after extensions");
}

TEST(IllustratedTest, ServerHelloFields) {
  ServerHello sh =
      ExpectBytesRoundTrip<ServerHello>(ParseServerHello, Body(kIllustratedServerHello));
  EXPECT_EQ(sh.server_version, ProtocolVersion::kTls12);
  EXPECT_EQ(sh.random, Seq(0x70));
  EXPECT_TRUE(sh.session_id.empty());
  EXPECT_EQ(sh.cipher_suite, 0xc013);
  EXPECT_EQ(sh.compression_method, 0);
  ASSERT_TRUE(sh.extensions.has_value());
  ASSERT_EQ(sh.extensions->size(), 1u);
  auto ri = sh.extensions->Find<RenegotiationInfoExt>();
  ASSERT_TRUE(ri && ri->ok());
  EXPECT_TRUE((*ri)->renegotiated_connection.empty());
  EXPECT_FALSE(sh.extensions->Has(ExtensionType::kExtendedMasterSecret));
  EXPECT_EQ(sh.Describe(),
            "ServerHello(version=TLSv1.2, session_id=<0 bytes>, "
            "suite=TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, compression=0, "
            "ext=[renegotiation_info])");
}

TEST(IllustratedTest, ServerHelloNegatives) {
  const Bytes valid = Body(kIllustratedServerHello);
  ASSERT_EQ(valid.size(), 0x2du);
  ExpectTruncationsFail(ParseServerHello, valid, {38});
  ExpectPrefixOffByOneFails(ParseServerHello, valid,
                            {{34, 1, 0}, {38, 2, 5}, {42, 2, 1}});
  Bytes trailing = valid;
  trailing.push_back(0);
  ExpectDecodeError(ParseServerHello, trailing, "trailing byte");
}

TEST(IllustratedTest, CertificateFields) {
  Certificate cert =
      ExpectBytesRoundTrip<Certificate>(ParseCertificate, Body(kIllustratedCertificate));
  ASSERT_EQ(cert.certificate_list.size(), 1u);
  // A DER SEQUENCE with a 2-byte length 0x0321: 4 + 801 bytes.
  EXPECT_EQ(cert.certificate_list[0].size(), 805u);
  EXPECT_EQ(ToHex(ByteView(cert.certificate_list[0]).subview(0, 4)), "30820321");
  EXPECT_EQ(cert.Describe(), "Certificate(certs=[<805 bytes>])");
}

TEST(IllustratedTest, CertificateNegatives) {
  const Bytes valid = Body(kIllustratedCertificate);
  ExpectTruncationsFail(ParseCertificate, valid);
  ExpectPrefixOffByOneFails(ParseCertificate, valid, {{0, 3, 0x328}, {3, 3, 0x325}});
  Bytes trailing = valid;
  trailing.push_back(0);
  ExpectDecodeError(ParseCertificate, trailing, "trailing byte");
}

TEST(IllustratedTest, ServerKeyExchangeFields) {
  const Bytes body = Body(kIllustratedServerKeyExchange);
  ServerKeyExchange ske = ExpectBytesRoundTrip<ServerKeyExchange>(ParseSkeEcdhe, body);
  EXPECT_EQ(ske.kind(), KeyExchangeKind::kEcdhe);
  const auto* ec = std::get_if<EcdhServerParams>(&ske.params);
  ASSERT_NE(ec, nullptr);
  EXPECT_EQ(ec->named_curve, NamedGroup::kX25519);
  EXPECT_EQ(ec->public_key.size(), 32u);
  EXPECT_EQ(ToHex(ec->public_key), kServerX25519Public);
  EXPECT_EQ(ske.algorithm, SignatureScheme::kRsaPkcs1Sha256);
  EXPECT_EQ(ske.signature.size(), 256u);  // a 2048-bit RSA signature
  // The signed params are the first 36 bytes of the body: 03 001d 20 <point>.
  EXPECT_EQ(ToHex(ske.ParamsBytes()), ToHex(ByteView(body).subview(0, 36)));
  const Random client_random = Seq(0x00);
  const Random server_random = Seq(0x70);
  const Bytes signed_data =
      ske.SignedData(ByteView(client_random.data(), client_random.size()),
                     ByteView(server_random.data(), server_random.size()));
  ASSERT_EQ(signed_data.size(), 100u);
  EXPECT_EQ(ToHex(ByteView(signed_data).subview(0, 64)),
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
            "707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f");
  EXPECT_EQ(ToHex(ByteView(signed_data).subview(64)), ToHex(ByteView(body).subview(0, 36)));
  EXPECT_EQ(ske.Describe(),
            "ServerKeyExchange(ECDHE, curve=x25519, public=<32 bytes>, "
            "sig=rsa_pkcs1_sha256 <256 bytes>)");
}

TEST(IllustratedTest, ServerKeyExchangeNegatives) {
  const Bytes valid = Body(kIllustratedServerKeyExchange);
  ExpectTruncationsFail(ParseSkeEcdhe, valid);
  // point length -1 is left out: it re-reads as a 31-byte point, algorithm 0x1504 and a
  // 257-byte signature that ends exactly at the end of the body (checked below).
  ExpectPrefixOffByOneFails(ParseSkeEcdhe, valid, {{3, 1, 0x20, {+1}}, {38, 2, 0x100}});
  Bytes shifted = valid;
  shifted[3] = 0x1f;
  auto coincidence = ParseSkeEcdhe(shifted);
  ASSERT_TRUE(coincidence.ok());
  EXPECT_EQ(std::get<EcdhServerParams>(coincidence->params).public_key.size(), 31u);
  EXPECT_EQ(coincidence->signature.size(), 257u);

  Bytes trailing = valid;
  trailing.push_back(0);
  ExpectDecodeError(ParseSkeEcdhe, trailing, "trailing byte");
  // RFC 8422 5.4: explicit_prime(1), explicit_char2(2) and unassigned curve types are
  // well-formed but forbidden: illegal_parameter.
  for (uint8_t curve_type : {0, 1, 2, 4, 255}) {
    Bytes b = valid;
    b[0] = curve_type;
    ExpectFailure(ParseSkeEcdhe, b, "illegal_parameter",
                  "curve_type " + std::to_string(curve_type));
  }
  // An empty ECPoint: public<1..2^8-1>.
  ExpectDecodeError(ParseSkeEcdhe, H("03001d00" "0401" "0000"), "empty point");
  // RFC 5246 7.4.3: no ServerKeyExchange for RSA key exchange.
  auto rsa = ServerKeyExchange::Parse(valid, KeyExchangeKind::kRsa);
  ASSERT_FALSE(rsa.ok());
  EXPECT_EQ(AlertOf(rsa.status()), "unexpected_message");
  // The same bytes read as DHE params do not parse (dh_p length 0x0300 overruns).
  ExpectDecodeError(ParseSkeDhe, valid, "ECDHE bytes as DHE");
}

TEST(IllustratedTest, ServerHelloDoneAndClientKeyExchange) {
  ServerHelloDone shd;
  ASSERT_TRUE(ServerHelloDone::Parse(Body(kIllustratedServerHelloDone)).ok());
  ExpectValueRoundTrip([](ByteView b) { return ServerHelloDone::Parse(b); }, shd);

  const Bytes cke_body = Body(kIllustratedClientKeyExchange);
  ClientKeyExchange cke = ExpectBytesRoundTrip<ClientKeyExchange>(ParseCkeEcdhe, cke_body);
  EXPECT_EQ(cke.kind, KeyExchangeKind::kEcdhe);
  EXPECT_EQ(ToHex(cke.exchange_keys), kClientX25519Public);
  EXPECT_EQ(cke.Describe(), "ClientKeyExchange(ECDHE, <32 bytes>)");
  ExpectTruncationsFail(ParseCkeEcdhe, cke_body);
  ExpectPrefixOffByOneFails(ParseCkeEcdhe, cke_body, {{0, 1, 0x20}});
  Bytes trailing = cke_body;
  trailing.push_back(0);
  ExpectDecodeError(ParseCkeEcdhe, trailing, "trailing byte");
}

// ---- Header ----

TEST(HandshakeHeaderTest, ParseSerializeSplitWrap) {
  auto parse = [](ByteView b) { return HandshakeHeader::Parse(b); };
  HandshakeHeader h = ExpectBytesRoundTrip<HandshakeHeader>(parse, H("010000a1"));
  EXPECT_EQ(h.type, HandshakeType::kClientHello);
  EXPECT_EQ(h.length, 0xa1u);
  ExpectTruncationsFail(parse, H("010000a1"));
  ExpectDecodeError(parse, H("010000a100"), "5-byte header");

  Result<Bytes> wrapped = WrapHandshake(HandshakeType::kFinished, H(kClientVerifyData));
  ASSERT_TRUE(wrapped.ok());
  EXPECT_EQ(ToHex(*wrapped), std::string("1400000c") + kClientVerifyData);
  Result<SplitHandshake> split = SplitHandshakeMessage(*wrapped);
  ASSERT_TRUE(split.ok());
  EXPECT_EQ(split->header, (HandshakeHeader{HandshakeType::kFinished, 12}));
  EXPECT_EQ(ToHex(split->body), kClientVerifyData);

  auto split_fn = [](ByteView b) { return SplitHandshakeMessage(b); };
  ExpectTruncationsFail(split_fn, *wrapped);
  Bytes trailing = *wrapped;
  trailing.push_back(0x16);
  ExpectDecodeError(split_fn, trailing, "bytes after the body");
  ExpectDecodeError(split_fn, H("0e0000"), "short header");
  ASSERT_TRUE(SplitHandshakeMessage(H("0e000000")).ok());

  Result<Bytes> too_big = WrapHandshake(HandshakeType::kCertificate, Bytes(0x1000000, 0));
  ASSERT_FALSE(too_big.ok());
  EXPECT_EQ(AlertOf(too_big.status()), "internal_error");
}

// ---- HelloRequest / ServerHelloDone ----

TEST(EmptyMessagesTest, BodyMustBeEmpty) {
  auto hr = [](ByteView b) { return HelloRequest::Parse(b); };
  auto shd = [](ByteView b) { return ServerHelloDone::Parse(b); };
  ExpectBytesRoundTrip<HelloRequest>(hr, {});
  ExpectBytesRoundTrip<ServerHelloDone>(shd, {});
  ExpectValueRoundTrip(hr, HelloRequest{});
  ExpectDecodeError(hr, H("00"), "HelloRequest with a byte");
  ExpectDecodeError(shd, H("00"), "ServerHelloDone with a byte");
  ExpectDecodeError(shd, H("0000"), "ServerHelloDone with two bytes");
  Result<Bytes> full = SerializeHandshake(HelloRequest{});
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(ToHex(*full), "00000000");
}

// ---- ClientHello built by hand ----

ClientHello MinimalClientHello() {
  ClientHello ch;
  ch.client_version = ProtocolVersion::kTls12;
  ch.random = Seq(0x00);
  ch.cipher_suites = {0xc02f};
  ch.compression_methods = {0};
  return ch;
}
const char kMinimalClientHelloHex[] =
    "0303"
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
    "00"        // session_id
    "0002c02f"  // cipher_suites
    "0100";     // compression_methods

TEST(ClientHelloTest, MinimalEncoding) {
  Result<Bytes> bytes = SerializeToBytes(MinimalClientHello());
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(ToHex(*bytes), kMinimalClientHelloHex);
  ClientHello ch = ExpectBytesRoundTrip<ClientHello>(ParseClientHello, H(kMinimalClientHelloHex));
  EXPECT_TRUE(ch == MinimalClientHello());
  EXPECT_FALSE(ch.extensions.has_value());
  EXPECT_EQ(ch.Describe(),
            "ClientHello(version=TLSv1.2, session_id=<0 bytes>, "
            "suites=[TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256], compression=[0], ext=absent)");
}

TEST(ClientHelloTest, AbsentAndEmptyExtensionsStayDistinct) {
  ClientHello with_empty = MinimalClientHello();
  with_empty.extensions = Extensions();
  EXPECT_FALSE(with_empty == MinimalClientHello());
  Result<Bytes> bytes = SerializeToBytes(with_empty);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(ToHex(*bytes), std::string(kMinimalClientHelloHex) + "0000");
  ClientHello parsed = ExpectBytesRoundTrip<ClientHello>(ParseClientHello, *bytes);
  ASSERT_TRUE(parsed.extensions.has_value());
  EXPECT_TRUE(parsed.extensions->empty());
  ExpectValueRoundTrip(ParseClientHello, with_empty);
  ExpectValueRoundTrip(ParseClientHello, MinimalClientHello());
}

TEST(ClientHelloTest, FullValueRoundTrip) {
  ClientHello ch = MinimalClientHello();
  ch.session_id = Bytes(32, 0xab);
  ch.cipher_suites = {0x0a0a, 0xc02b, 0xc02f, kEmptyRenegotiationInfoScsv};
  ch.compression_methods = {1, 0};
  ch.extensions = Extensions();
  ASSERT_TRUE(ch.extensions->Set(ServerNameExt{{"example.com"}}).ok());
  ASSERT_TRUE(ch.extensions->Set(ExtendedMasterSecretExt{}).ok());
  ASSERT_TRUE(ch.extensions->Set(SessionTicketExt{}).ok());
  ch.extensions->SetRaw(0x3a3a, H("00"));
  ExpectValueRoundTrip(ParseClientHello, ch);
}

TEST(ClientHelloTest, VectorBounds) {
  // Checklist #22; each of these is built with the serializer, which writes what it is
  // given so a scripted peer can send it.
  auto expect_rejected = [](const ClientHello& ch, const std::string& what) {
    Result<Bytes> bytes = SerializeToBytes(ch);
    ASSERT_TRUE(bytes.ok());
    ExpectDecodeError(ParseClientHello, *bytes, what);
  };
  ClientHello ch = MinimalClientHello();
  ch.session_id = Bytes(32, 1);
  ExpectValueRoundTrip(ParseClientHello, ch);
  ch.session_id = Bytes(33, 1);
  expect_rejected(ch, "33-byte session_id");

  ch = MinimalClientHello();
  ch.cipher_suites.clear();
  expect_rejected(ch, "empty cipher_suites");

  ch = MinimalClientHello();
  ch.compression_methods.clear();
  expect_rejected(ch, "empty compression_methods");

  // An odd cipher_suites length cannot come from the struct: patch the bytes.
  ExpectDecodeError(ParseClientHello,
                    H("0303000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
                      "00" "0003c02f00" "0100"),
                    "3-byte cipher_suites");
  // One byte after compression_methods is neither form of the message.
  ExpectDecodeError(ParseClientHello, H(std::string(kMinimalClientHelloHex) + "00"),
                    "one trailing byte");
  // A well-formed block followed by a byte.
  ExpectDecodeError(ParseClientHello, H(std::string(kMinimalClientHelloHex) + "000000"),
                    "byte after the extensions");
}

TEST(ClientHelloTest, DuplicateExtensions) {
  const Bytes bytes = H(std::string(kMinimalClientHelloHex) + "0008" "00170000" "00170000");
  auto r = ClientHello::Parse(bytes);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(AlertOf(r.status()), "decode_error");
  EXPECT_EQ(r.status().message().rfind("ClientHello: extensions:", 0), 0u)
      << r.status().message();
}

TEST(ServerHelloTest, ValueRoundTripAndBounds) {
  ServerHello sh;
  sh.random = Seq(0x40);
  sh.session_id = Bytes(32, 0x11);
  sh.cipher_suite = 0xc02f;
  ExpectValueRoundTrip(ParseServerHello, sh);
  sh.extensions = Extensions();
  ExpectValueRoundTrip(ParseServerHello, sh);
  ASSERT_TRUE(sh.extensions->Set(ExtendedMasterSecretExt{}).ok());
  ASSERT_TRUE(sh.extensions->Set(RenegotiationInfoExt{}).ok());
  ExpectValueRoundTrip(ParseServerHello, sh);

  sh.session_id = Bytes(33, 0x11);
  Result<Bytes> bytes = SerializeToBytes(sh);
  ASSERT_TRUE(bytes.ok());
  ExpectDecodeError(ParseServerHello, *bytes, "33-byte session_id");

  const Bytes dup = H("0303" "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
                      "00" "c02f" "00" "000a" "ff01000100" "ff01000100");
  ExpectDecodeError(ParseServerHello, dup, "duplicate renegotiation_info");
}

// ---- Certificate ----

TEST(CertificateTest, RoundTripsAndBounds) {
  // The empty list a client without a certificate sends (RFC 5246 7.4.6).
  Certificate empty = ExpectBytesRoundTrip<Certificate>(ParseCertificate, H("000000"));
  EXPECT_TRUE(empty.certificate_list.empty());
  Certificate two = ExpectBytesRoundTrip<Certificate>(ParseCertificate,
                                                       H("00000a" "000002aabb" "000002ccdd"));
  ASSERT_EQ(two.certificate_list.size(), 2u);
  EXPECT_EQ(two.certificate_list[1], H("ccdd"));
  ExpectValueRoundTrip(ParseCertificate, two);
  ExpectPrefixOffByOneFails(ParseCertificate, H("00000a" "000002aabb" "000002ccdd"),
                            {{0, 3, 10}, {3, 3, 2}, {8, 3, 2}});
  ExpectDecodeError(ParseCertificate, H("000003000000"), "empty ASN.1Cert");
  ExpectDecodeError(ParseCertificate, H(""), "empty body");
  ExpectDecodeError(ParseCertificate, H("00000000"), "trailing byte");
}

// ---- ServerKeyExchange (DHE) ----

const char kDheSke[] = "0002ffef" "000102" "00021234" "0601" "0002abcd";

TEST(ServerKeyExchangeTest, DheRoundTrip) {
  ServerKeyExchange ske = ExpectBytesRoundTrip<ServerKeyExchange>(ParseSkeDhe, H(kDheSke));
  EXPECT_EQ(ske.kind(), KeyExchangeKind::kDhe);
  const auto& dh = std::get<DhServerParams>(ske.params);
  EXPECT_EQ(dh.dh_p, H("ffef"));
  EXPECT_EQ(dh.dh_g, H("02"));
  EXPECT_EQ(dh.dh_ys, H("1234"));
  EXPECT_EQ(ske.algorithm, SignatureScheme::kRsaPkcs1Sha512);
  EXPECT_EQ(ske.signature, H("abcd"));
  EXPECT_EQ(ToHex(ske.ParamsBytes()), "0002ffef00010200021234");
  ExpectValueRoundTrip(ParseSkeDhe, ske);
}

TEST(ServerKeyExchangeTest, DheNegatives) {
  const Bytes valid = H(kDheSke);
  ExpectTruncationsFail(ParseSkeDhe, valid);
  ExpectPrefixOffByOneFails(ParseSkeDhe, valid,
                            {{0, 2, 2}, {4, 2, 1}, {7, 2, 2}, {13, 2, 2}});
  ExpectDecodeError(ParseSkeDhe, H("0000" "000102" "00021234" "0601" "0000"), "empty dh_p");
  ExpectDecodeError(ParseSkeDhe, H("0002ffef" "0000" "00021234" "0601" "0000"), "empty dh_g");
  ExpectDecodeError(ParseSkeDhe, H("0002ffef" "000102" "0000" "0601" "0000"), "empty dh_Ys");
  ExpectDecodeError(ParseSkeDhe, H(std::string(kDheSke) + "00"), "trailing byte");
}

// RSA_EXPORT's ServerRSAParams (the FREAK message): written for a scripted server to send, never
// parsed: RFC 5246 7.4.3 makes any ServerKeyExchange illegal for RSA key exchange.
TEST(ServerKeyExchangeTest, RsaExportParamsAreWrittenNeverParsed) {
  ServerKeyExchange ske;
  ske.params = RsaServerParams{H("c0ffee"), H("010001")};
  ske.algorithm = SignatureScheme::kRsaPkcs1Sha256;
  ske.signature = H("abcd");
  EXPECT_EQ(ske.kind(), KeyExchangeKind::kRsa);
  EXPECT_EQ(ToHex(ske.ParamsBytes()), "0003c0ffee0003010001");
  Writer w;
  ske.Serialize(w);
  const Bytes body = w.Take();
  EXPECT_EQ(ToHex(body), "0003c0ffee0003010001" "0401" "0002abcd");
  EXPECT_EQ(ske.Describe(),
            "ServerKeyExchange(RSA (export), modulus=<3 bytes>, exponent=<3 bytes>, "
            "sig=rsa_pkcs1_sha256 <2 bytes>)");
  Result<ServerKeyExchange> parsed = ServerKeyExchange::Parse(body, KeyExchangeKind::kRsa);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().alert(), AlertDescription::kUnexpectedMessage);
}

TEST(ServerKeyExchangeTest, EcdheEmptySignatureIsWellFormed) {
  // signature<0..2^16-1>: an empty signature is an encoding the verifier rejects later.
  ServerKeyExchange ske = ExpectBytesRoundTrip<ServerKeyExchange>(
      ParseSkeEcdhe, H("030017" "0104" "0403" "0000"));
  EXPECT_EQ(std::get<EcdhServerParams>(ske.params).named_curve, NamedGroup::kSecp256r1);
  EXPECT_TRUE(ske.signature.empty());
}

// ---- CertificateRequest ----

const char kCertificateRequest[] =
    "020140"               // certificate_types: rsa_sign, ecdsa_sign
    "000404010403"         // rsa_pkcs1_sha256, ecdsa_secp256r1_sha256
    "000a0003aabbcc0003ddeeff";  // two DistinguishedNames

TEST(CertificateRequestTest, RoundTrip) {
  CertificateRequest cr =
      ExpectBytesRoundTrip<CertificateRequest>(ParseCertificateRequest, H(kCertificateRequest));
  EXPECT_EQ(cr.certificate_types, (std::vector<ClientCertificateType>{
                                      ClientCertificateType::kRsaSign,
                                      ClientCertificateType::kEcdsaSign}));
  EXPECT_EQ(cr.supported_signature_algorithms,
            (std::vector<SignatureScheme>{SignatureScheme::kRsaPkcs1Sha256,
                                          SignatureScheme::kEcdsaSecp256r1Sha256}));
  EXPECT_EQ(cr.certificate_authorities, (std::vector<Bytes>{H("aabbcc"), H("ddeeff")}));
  ExpectValueRoundTrip(ParseCertificateRequest, cr);
  EXPECT_EQ(cr.Describe(),
            "CertificateRequest(types=[rsa_sign,ecdsa_sign], "
            "sig_algs=[rsa_pkcs1_sha256,ecdsa_secp256r1_sha256], cas=2)");
  // No CAs is fine.
  ExpectBytesRoundTrip<CertificateRequest>(ParseCertificateRequest, H("0101" "00020401" "0000"));
}

TEST(CertificateRequestTest, Negatives) {
  const Bytes valid = H(kCertificateRequest);
  ExpectTruncationsFail(ParseCertificateRequest, valid);
  ExpectPrefixOffByOneFails(ParseCertificateRequest, valid,
                            {{0, 1, 2}, {3, 2, 4}, {9, 2, 10}, {11, 2, 3}, {16, 2, 3}});
  ExpectDecodeError(ParseCertificateRequest, H("00" "00020401" "0000"), "empty types");
  ExpectDecodeError(ParseCertificateRequest, H("0101" "0000" "0000"), "empty sig algs");
  ExpectDecodeError(ParseCertificateRequest, H("0101" "0003040104" "0000"),
                    "odd sig algs");
  ExpectDecodeError(ParseCertificateRequest, H("0101" "00020401" "00020000"), "empty DN");
  ExpectDecodeError(ParseCertificateRequest, H(std::string(kCertificateRequest) + "00"),
                    "trailing byte");
}

// ---- CertificateVerify ----

TEST(CertificateVerifyTest, RoundTripAndNegatives) {
  const Bytes valid = H("0804" "000401020304");
  CertificateVerify cv = ExpectBytesRoundTrip<CertificateVerify>(ParseCertificateVerify, valid);
  EXPECT_EQ(cv.algorithm, SignatureScheme::kRsaPssRsaeSha256);
  EXPECT_EQ(cv.signature, H("01020304"));
  ExpectValueRoundTrip(ParseCertificateVerify, cv);
  EXPECT_EQ(cv.Describe(), "CertificateVerify(sig=rsa_pss_rsae_sha256 <4 bytes>)");
  ExpectBytesRoundTrip<CertificateVerify>(ParseCertificateVerify, H("04010000"));
  ExpectTruncationsFail(ParseCertificateVerify, valid);
  ExpectPrefixOffByOneFails(ParseCertificateVerify, valid, {{2, 2, 4}});
  ExpectDecodeError(ParseCertificateVerify, H("0804" "00040102030405"), "trailing byte");
}

// ---- ClientKeyExchange, RSA and DHE ----

TEST(ClientKeyExchangeTest, Rsa) {
  // EncryptedPreMasterSecret with its 2-byte length (RFC 5246 7.4.7.1).
  const Bytes valid = H("0004" "deadbeef");
  ClientKeyExchange cke = ExpectBytesRoundTrip<ClientKeyExchange>(ParseCkeRsa, valid);
  EXPECT_EQ(cke.kind, KeyExchangeKind::kRsa);
  EXPECT_EQ(cke.exchange_keys, H("deadbeef"));
  ExpectValueRoundTrip(ParseCkeRsa, cke);
  // <0..2^16-1>: empty is well-formed (decryption fails later, without an early alert).
  ExpectBytesRoundTrip<ClientKeyExchange>(ParseCkeRsa, H("0000"));
  ExpectTruncationsFail(ParseCkeRsa, valid);
  ExpectPrefixOffByOneFails(ParseCkeRsa, valid, {{0, 2, 4}});
  ExpectDecodeError(ParseCkeRsa, H("0004deadbeef00"), "trailing byte");
  // SSLv3-style EPMS without the length prefix is not TLS 1.2.
  ExpectDecodeError(ParseCkeRsa, H("deadbeef"), "no length prefix");
}

TEST(ClientKeyExchangeTest, Dhe) {
  const Bytes valid = H("0003" "010203");
  ClientKeyExchange cke = ExpectBytesRoundTrip<ClientKeyExchange>(ParseCkeDhe, valid);
  EXPECT_EQ(cke.kind, KeyExchangeKind::kDhe);
  ExpectValueRoundTrip(ParseCkeDhe, cke);
  ExpectTruncationsFail(ParseCkeDhe, valid);
  ExpectPrefixOffByOneFails(ParseCkeDhe, valid, {{0, 2, 3}});
  ExpectDecodeError(ParseCkeDhe, H("0000"), "empty dh_Yc");
  ExpectDecodeError(ParseCkeDhe, H("000301020300"), "trailing byte");
}

TEST(ClientKeyExchangeTest, ImplicitFormsAreNotSupported) {
  // The implicit (empty-body) form is only for fixed-(EC)DH client certificates.
  ExpectDecodeError(ParseCkeEcdhe, {}, "empty ECDHE body");
  ExpectDecodeError(ParseCkeDhe, {}, "empty DHE body");
  ExpectDecodeError(ParseCkeEcdhe, H("00"), "empty ECPoint");
}

// ---- NewSessionTicket ----

TEST(NewSessionTicketTest, RoundTripAndNegatives) {
  const Bytes valid = H("00001c20" "0004deadbeef");
  NewSessionTicket t = ExpectBytesRoundTrip<NewSessionTicket>(ParseNewSessionTicket, valid);
  EXPECT_EQ(t.ticket_lifetime_hint, 7200u);
  EXPECT_EQ(t.ticket, H("deadbeef"));
  ExpectValueRoundTrip(ParseNewSessionTicket, t);
  // RFC 5077 3.3: an empty ticket means the server will not issue one after all.
  ExpectBytesRoundTrip<NewSessionTicket>(ParseNewSessionTicket, H("000000000000"));
  ExpectTruncationsFail(ParseNewSessionTicket, valid);
  ExpectPrefixOffByOneFails(ParseNewSessionTicket, valid, {{4, 2, 4}});
  ExpectDecodeError(ParseNewSessionTicket, H("00001c200004deadbeef00"), "trailing byte");
}

// ---- Finished ----

TEST(FinishedTest, LengthIsFixed) {
  Finished f = ExpectBytesRoundTrip<Finished>(ParseFinished, H(kClientVerifyData));
  EXPECT_EQ(f.verify_data, H(kClientVerifyData));
  ExpectValueRoundTrip(ParseFinished, f);
  EXPECT_EQ(f.Describe(), std::string("Finished(verify_data=") + kClientVerifyData + ")");
  // Checklist #46: 11 or 13 bytes is decode_error.
  ExpectTruncationsFail(ParseFinished, H(kClientVerifyData));
  ExpectDecodeError(ParseFinished, H(std::string(kClientVerifyData) + "00"), "13 bytes");
  // A suite may define another verify_data_length.
  ASSERT_TRUE(Finished::Parse(Bytes(32, 1), 32).ok());
  EXPECT_FALSE(Finished::Parse(H(kClientVerifyData), 32).ok());
}

// ---- ChangeCipherSpec and Alert ----

TEST(ChangeCipherSpecTest, ExactlyOneByteOfOne) {
  ExpectBytesRoundTrip<ChangeCipherSpec>(ParseCcs, H("01"));
  ExpectValueRoundTrip(ParseCcs, ChangeCipherSpec{});
  // Checklist #16: unexpected_message.
  ExpectFailure(ParseCcs, H("02"), "unexpected_message", "value 2");
  ExpectFailure(ParseCcs, H("00"), "unexpected_message", "value 0");
  ExpectFailure(ParseCcs, H("0101"), "unexpected_message", "two bytes");
  ExpectFailure(ParseCcs, {}, "unexpected_message", "empty");
}

TEST(AlertTest, ExactlyTwoBytes) {
  Alert a = ExpectBytesRoundTrip<Alert>(ParseAlert, H("0228"));
  EXPECT_EQ(a.level, AlertLevel::kFatal);
  EXPECT_EQ(a.description, AlertDescription::kHandshakeFailure);
  EXPECT_EQ(a.Describe(), "Alert(fatal, handshake_failure)");
  Alert warn = ExpectBytesRoundTrip<Alert>(ParseAlert, H("0100"));
  EXPECT_EQ(warn.Describe(), "Alert(warning, close_notify)");
  // Unregistered values are well-formed; the receiver decides.
  ExpectValueRoundTrip(ParseAlert, Alert{static_cast<AlertLevel>(3),
                                         static_cast<AlertDescription>(0xff)});
  // Checklist #14: 1-byte and 3-byte alerts.
  ExpectDecodeError(ParseAlert, H("02"), "1 byte");
  ExpectDecodeError(ParseAlert, H("022800"), "3 bytes");
  ExpectDecodeError(ParseAlert, {}, "empty");
}

// ---- Dispatch ----

TEST(ParseHandshakeMessageTest, DispatchAndContext) {
  ParseContext ecdhe;
  ParseContext rsa;
  rsa.key_exchange = KeyExchangeKind::kRsa;

  auto ske = ParseHandshakeMessage(HandshakeType::kServerKeyExchange,
                                   Body(kIllustratedServerKeyExchange), ecdhe);
  ASSERT_TRUE(ske.ok());
  EXPECT_TRUE(std::holds_alternative<ServerKeyExchange>(*ske));
  auto ske_rsa = ParseHandshakeMessage(HandshakeType::kServerKeyExchange,
                                       Body(kIllustratedServerKeyExchange), rsa);
  ASSERT_FALSE(ske_rsa.ok());
  EXPECT_EQ(AlertOf(ske_rsa.status()), "unexpected_message");

  auto cke = ParseHandshakeMessage(HandshakeType::kClientKeyExchange, H("0004deadbeef"), rsa);
  ASSERT_TRUE(cke.ok());
  EXPECT_EQ(std::get<ClientKeyExchange>(*cke).kind, KeyExchangeKind::kRsa);

  ParseContext long_finished;
  long_finished.verify_data_length = 13;
  EXPECT_FALSE(ParseHandshakeMessage(HandshakeType::kFinished, H(kClientVerifyData),
                                     long_finished).ok());
  auto fin = ParseHandshakeMessage(HandshakeType::kFinished, H(kClientVerifyData), ecdhe);
  ASSERT_TRUE(fin.ok());
  EXPECT_EQ(Describe(*fin), std::string("Finished(verify_data=") + kClientVerifyData + ")");

  for (uint8_t t : {3, 5, 8, 24, 99, 254}) {
    auto r = ParseHandshakeMessage(static_cast<HandshakeType>(t), {}, ecdhe);
    ASSERT_FALSE(r.ok()) << int{t};
    EXPECT_EQ(AlertOf(r.status()), "unexpected_message");
  }
}

TEST(ParseHandshakeMessageTest, EveryAlternativeRoundTripsThroughTheVariant) {
  ParseContext ctx;
  ctx.key_exchange = KeyExchangeKind::kDhe;
  const std::vector<TypedHandshake> messages = {
      HelloRequest{},
      MinimalClientHello(),
      ServerHello{},
      Certificate{{H("3000")}},
      *ParseSkeDhe(H(kDheSke)),
      *ParseCertificateRequest(H(kCertificateRequest)),
      ServerHelloDone{},
      CertificateVerify{SignatureScheme::kEd25519, H("00")},
      ClientKeyExchange{KeyExchangeKind::kDhe, H("05")},
      NewSessionTicket{1, H("aa")},
      Finished{H(kClientVerifyData)},
      CertificateStatus{CertificateStatus::kOcsp, H("3000")},
  };
  ASSERT_EQ(messages.size(), std::variant_size_v<TypedHandshake>);
  for (const TypedHandshake& m : messages) {
    Result<Bytes> full = SerializeHandshakeMessage(m);
    ASSERT_TRUE(full.ok());
    Result<SplitHandshake> split = SplitHandshakeMessage(*full);
    ASSERT_TRUE(split.ok());
    EXPECT_EQ(split->header.type, TypeOf(m));
    Result<TypedHandshake> back = ParseHandshakeMessage(split->header.type, split->body, ctx);
    ASSERT_TRUE(back.ok()) << Describe(m) << ": " << back.status().ToString();
    EXPECT_TRUE(*back == m) << Describe(m);
  }
}

TEST(WireKeyExchangeTest, FromCipherSuites) {
  EXPECT_EQ(WireKeyExchange(FindCipherSuite(0xc013)->key_exchange), KeyExchangeKind::kEcdhe);
  EXPECT_EQ(WireKeyExchange(FindCipherSuite(0xc02b)->key_exchange), KeyExchangeKind::kEcdhe);
  EXPECT_EQ(WireKeyExchange(FindCipherSuite(0x002f)->key_exchange), KeyExchangeKind::kRsa);
  EXPECT_EQ(WireKeyExchange(FindCipherSuite(0x0033)->key_exchange), KeyExchangeKind::kDhe);
  EXPECT_EQ(WireKeyExchange(FindCipherSuite(0x0034)->key_exchange), std::nullopt);  // DH_anon
  EXPECT_EQ(WireKeyExchange(FindCipherSuite(0x1301)->key_exchange), std::nullopt);
}

}  // namespace
}  // namespace shakedown
