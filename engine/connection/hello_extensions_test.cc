// The connection's extension table against the wire registry, and the four directions of the
// table on hand-made hellos (the handshakes in connection_test.cc cover them end to end).
#include "engine/connection/hello_extensions.h"

#include <gtest/gtest.h>

#include "engine/wire/extension_registry.h"

namespace shakedown {
namespace {

TEST(HelloExtensions, RowsAgreeWithTheWireRegistry) {
  for (const HelloExtension& row : HelloExtensions()) {
    SCOPED_TRACE(Describe(row.type));
    const KnownExtension* known = FindKnownExtension(row.type);
    ASSERT_NE(known, nullptr) << "a row here needs a row in engine/wire/extension_registry.cc";
    EXPECT_TRUE(known->in_client_hello);
    ASSERT_NE(row.client_add, nullptr);
    ASSERT_NE(row.server_parse, nullptr);
    // The server may answer only what a ServerHello may carry, and the client reads exactly that.
    if (row.server_add != nullptr) EXPECT_TRUE(known->in_server_hello);
    EXPECT_EQ(row.client_parse != nullptr, known->in_server_hello);
  }
}

Config ClientWithAlpn() {
  Config c;
  c.alpn = {"h2", "http/1.1"};
  // Both record size extensions: RFC 8449 5 lets a client send both (a server supporting
  // record_size_limit then ignores max_fragment_length).
  c.max_fragment_length = 1024;
  c.record_size_limit = 4000;
  return c;
}

Extensions Offered() {
  Config config = ClientWithAlpn();
  config.session_tickets = true;
  config.server_name = "example.com";
  config.heartbeat = HeartbeatMode::kPeerAllowedToSend;
  config.request_ocsp_status = true;
  ClientHelloInput in{&config, true, false, true, {SignatureScheme::kRsaPkcs1Sha256}, {}};
  Result<Extensions> ext = BuildClientHelloExtensions(in);
  EXPECT_TRUE(ext.ok());
  return *ext;
}

TEST(HelloExtensions, ClientOffersEveryRowItsConfigurationAsksFor) {
  const Extensions offered = Offered();
  ASSERT_EQ(offered.size(), HelloExtensions().size());
  for (size_t i = 0; i < offered.size(); ++i) {
    EXPECT_EQ(offered.list()[i].type, static_cast<uint16_t>(HelloExtensions()[i].type));
  }
  // Without ECDHE suites, no groups or point formats (RFC 8422 5.1); without CBC suites, no
  // encrypt_then_mac (RFC 7366 3); without a name, no SNI.
  Config plain;
  plain.extended_master_secret = EmsPolicy::kDisabled;
  Result<Extensions> rsa_only = BuildClientHelloExtensions({&plain, false, {}, {}});
  ASSERT_TRUE(rsa_only.ok());
  EXPECT_EQ(rsa_only->Describe(), "[signature_algorithms,renegotiation_info]");
}

TEST(HelloExtensions, ServerReadsTheOfferAndAnswersOnlyWhatWasSent) {
  ClientOffer offer;
  ASSERT_TRUE(ReadClientHelloExtensions(Offered(), Config(), &offer).ok());
  EXPECT_TRUE(offer.renegotiation_info && offer.extended_master_secret && offer.point_formats);
  EXPECT_TRUE(offer.ticket.has_value() && offer.ticket->empty());
  ASSERT_TRUE(offer.alpn.has_value());
  EXPECT_EQ(offer.alpn->size(), 2u);

  Negotiated negotiated;
  negotiated.suite = FindCipherSuite(0xc02f);  // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
  negotiated.extended_master_secret = true;
  negotiated.alpn = "h2";
  Result<Extensions> answer = BuildServerHelloExtensions({&offer, &negotiated, true});
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(offer.max_fragment_length_code, uint8_t{2});
  EXPECT_EQ(offer.record_size_limit, uint16_t{4000});
  // server_name acknowledged with empty extension_data (RFC 6066 3); no encrypt_then_mac for
  // AES-GCM (RFC 7366 3).
  EXPECT_EQ(answer->Describe(),
            "[server_name,ec_point_formats,extended_master_secret,session_ticket,"
            "application_layer_protocol_negotiation,renegotiation_info]");
  EXPECT_TRUE(answer->FindRaw(0)->body.empty());
  EXPECT_EQ(offer.server_name, "example.com");
  // Nothing offered, nothing used: an empty block.
  ClientOffer bare;
  Negotiated plain;
  plain.suite = negotiated.suite;
  Result<Extensions> nothing = BuildServerHelloExtensions({&bare, &plain, false});
  ASSERT_TRUE(nothing.ok());
  EXPECT_TRUE(nothing->empty());
}

Extension Ext(ExtensionType type, Bytes body) {
  return {static_cast<uint16_t>(type), std::move(body)};
}

TEST(HelloExtensions, ServerRefusesMalformedOrBadClientExtensions) {
  ClientOffer offer;
  // RFC 7627 5.1 (checklist 54): a body is decode_error.
  Extensions ems(std::vector<Extension>{{static_cast<uint16_t>(ExtensionType::kExtendedMasterSecret), {0}}});
  EXPECT_EQ(ReadClientHelloExtensions(ems, Config(), &offer).alert(),
            AlertDescription::kDecodeError);
  // renegotiation_info: its length byte must cover the body exactly. Its value is recorded
  // for the server, which alone knows whether it must be empty (RFC 5746 3.6 / 3.7).
  Extensions bad_ri(std::vector<Extension>{{static_cast<uint16_t>(ExtensionType::kRenegotiationInfo), {2, 7}}});
  EXPECT_EQ(ReadClientHelloExtensions(bad_ri, Config(), &offer).alert(),
            AlertDescription::kDecodeError);
  Extensions ri(std::vector<Extension>{{static_cast<uint16_t>(ExtensionType::kRenegotiationInfo), {1, 7}}});
  ClientOffer with_ri;
  ASSERT_TRUE(ReadClientHelloExtensions(ri, Config(), &with_ri).ok());
  EXPECT_TRUE(with_ri.renegotiation_info);
  EXPECT_EQ(with_ri.renegotiated_connection, Bytes{7});
  // RFC 8422 5.1.2 (checklist 58): point formats without uncompressed.
  Extensions pf(std::vector<Extension>{{static_cast<uint16_t>(ExtensionType::kEcPointFormats), {1, 1}}});
  EXPECT_EQ(ReadClientHelloExtensions(pf, Config(), &offer).alert(),
            AlertDescription::kIllegalParameter);
  // RFC 6066 4 and RFC 8449 4: one byte and two bytes; a record_size_limit below 64 is
  // illegal_parameter. A max_fragment_length code outside 1..4 parses (the server decides
  // whether it ignores it, RFC 8449 5).
  for (const Bytes& body : {Bytes{}, Bytes{1, 1}}) {
    Extensions mfl(std::vector<Extension>{Ext(ExtensionType::kMaxFragmentLength, body)});
    EXPECT_EQ(ReadClientHelloExtensions(mfl, Config(), &offer).alert(),
              AlertDescription::kDecodeError);
  }
  Extensions mfl5(std::vector<Extension>{Ext(ExtensionType::kMaxFragmentLength, {5})});
  ClientOffer with_mfl;
  ASSERT_TRUE(ReadClientHelloExtensions(mfl5, Config(), &with_mfl).ok());
  EXPECT_EQ(with_mfl.max_fragment_length_code, uint8_t{5});
  for (const Bytes& body : {Bytes{0x40}, Bytes{0, 0x40, 0}}) {
    Extensions rsl(std::vector<Extension>{Ext(ExtensionType::kRecordSizeLimit, body)});
    EXPECT_EQ(ReadClientHelloExtensions(rsl, Config(), &offer).alert(),
              AlertDescription::kDecodeError);
  }
  Extensions rsl63(std::vector<Extension>{Ext(ExtensionType::kRecordSizeLimit, {0, 63})});
  EXPECT_EQ(ReadClientHelloExtensions(rsl63, Config(), &offer).alert(),
            AlertDescription::kIllegalParameter);
  Extensions rsl_big(std::vector<Extension>{Ext(ExtensionType::kRecordSizeLimit, {0xff, 0xff})});
  ClientOffer with_rsl;
  ASSERT_TRUE(ReadClientHelloExtensions(rsl_big, Config(), &with_rsl).ok())
      << "RFC 8449 4: a server MUST NOT enforce the 2^14 ceiling";
  EXPECT_EQ(with_rsl.record_size_limit, uint16_t{0xffff});
  // Unknown and GREASE extensions are ignored (RFC 5246 7.4.1.4).
  Extensions unknown(std::vector<Extension>{{0x1a1a, {1, 2, 3}}, {0x00ff, {}}});
  ClientOffer untouched;
  EXPECT_TRUE(ReadClientHelloExtensions(unknown, Config(), &untouched).ok());
  EXPECT_FALSE(untouched.extended_master_secret || untouched.alpn.has_value());
}

Status ClientReads(std::vector<Extension> server_hello) {
  return ReadServerHelloExtensions(Extensions(std::move(server_hello)), Offered(),
                                   ClientWithAlpn())
      .status();
}

TEST(HelloExtensions, ClientRefusesUnsolicitedForbiddenOrMalformedAnswers) {
  // RFC 5246 7.4.1.4 (checklist 33): not offered (heartbeat: by a client with it off).
  Extensions without_heartbeat = Offered();
  ASSERT_TRUE(without_heartbeat.Remove(static_cast<uint16_t>(ExtensionType::kHeartbeat)));
  EXPECT_EQ(ReadServerHelloExtensions(Extensions({Ext(ExtensionType::kHeartbeat, {1})}),
                                      without_heartbeat, ClientWithAlpn())
                .status()
                .alert(),
            AlertDescription::kUnsupportedExtension);
  EXPECT_EQ(ClientReads({{0x1a1a, {}}}).alert(), AlertDescription::kUnsupportedExtension);
  // Offered, but servers never send them (checklist 30; RFC 8422 5.1.1).
  EXPECT_EQ(ClientReads({Ext(ExtensionType::kSignatureAlgorithms, {0, 2, 4, 1})}).alert(),
            AlertDescription::kUnsupportedExtension);
  EXPECT_EQ(ClientReads({Ext(ExtensionType::kSupportedGroups, {0, 2, 0, 29})}).alert(),
            AlertDescription::kUnsupportedExtension);
  // RFC 5077 3.2 and RFC 6066 3: the server's answers are empty.
  EXPECT_EQ(ClientReads({Ext(ExtensionType::kSessionTicket, {1})}).alert(),
            AlertDescription::kDecodeError);
  EXPECT_EQ(ClientReads({Ext(ExtensionType::kServerName, {0})}).alert(),
            AlertDescription::kDecodeError);
  // RFC 7301 3.1: one protocol, one that was offered.
  EXPECT_EQ(ClientReads({Ext(ExtensionType::kApplicationLayerProtocolNegotiation,
                             {0, 4, 3, 's', 'p', 'y'})})
                .alert(),
            AlertDescription::kIllegalParameter);
  // RFC 6066 4: the answer must be the length requested (1024, code 2).
  EXPECT_EQ(ClientReads({Ext(ExtensionType::kMaxFragmentLength, {1})}).alert(),
            AlertDescription::kIllegalParameter);
  EXPECT_EQ(ClientReads({Ext(ExtensionType::kMaxFragmentLength, {})}).alert(),
            AlertDescription::kDecodeError);
  // RFC 8449 4: below 64.
  EXPECT_EQ(ClientReads({Ext(ExtensionType::kRecordSizeLimit, {0, 0})}).alert(),
            AlertDescription::kIllegalParameter);
  // renegotiation_info whose length byte overruns the body.
  EXPECT_EQ(ClientReads({Ext(ExtensionType::kRenegotiationInfo, {2, 0})}).alert(),
            AlertDescription::kDecodeError);
  // RFC 6520 2: an unknown HeartbeatMode is illegal_parameter; the body is one byte.
  EXPECT_EQ(ClientReads({Ext(ExtensionType::kHeartbeat, {3})}).alert(),
            AlertDescription::kIllegalParameter);
  EXPECT_EQ(ClientReads({Ext(ExtensionType::kHeartbeat, {1, 1})}).alert(),
            AlertDescription::kDecodeError);
}

TEST(HelloExtensions, HeartbeatIsReadOnlyWhenOnAndAnsweredOnlyWhenOffered) {
  Config on;
  on.heartbeat = HeartbeatMode::kPeerNotAllowedToSend;
  const uint16_t type = static_cast<uint16_t>(ExtensionType::kHeartbeat);
  // RFC 6520 2: the client's mode is recorded; an unknown one is illegal_parameter.
  ClientOffer offer;
  ASSERT_TRUE(
      ReadClientHelloExtensions(Extensions(std::vector<Extension>{{type, {1}}}), on, &offer).ok());
  EXPECT_EQ(offer.heartbeat, HeartbeatMode::kPeerAllowedToSend);
  ClientOffer bad;
  EXPECT_EQ(
      ReadClientHelloExtensions(Extensions(std::vector<Extension>{{type, {0}}}), on, &bad).alert(),
      AlertDescription::kIllegalParameter);
  EXPECT_EQ(
      ReadClientHelloExtensions(Extensions(std::vector<Extension>{{type, {}}}), on, &bad).alert(),
      AlertDescription::kDecodeError);
  // Off: a stack without Heartbeat, to which the extension is unknown (RFC 5246 7.4.1.4).
  ClientOffer ignored;
  EXPECT_TRUE(
      ReadClientHelloExtensions(Extensions(std::vector<Extension>{{type, {0}}}), Config(), &ignored)
          .ok());
  EXPECT_EQ(ignored.heartbeat, HeartbeatMode::kOff);

  Negotiated negotiated;
  negotiated.suite = FindCipherSuite(0xc02f);
  ServerHelloInput in{&offer, &negotiated, false, HeartbeatMode::kPeerNotAllowedToSend, {}};
  Result<Extensions> answer = BuildServerHelloExtensions(in);
  ASSERT_TRUE(answer.ok());
  ASSERT_NE(answer->FindRaw(type), nullptr);
  EXPECT_EQ(answer->FindRaw(type)->body, Bytes{2});  // our own mode
  // Not offered: never answered, whatever our mode.
  ClientOffer none;
  in.offer = &none;
  EXPECT_EQ(BuildServerHelloExtensions(in)->FindRaw(type), nullptr);
}

TEST(HelloExtensions, ClientRecordsTheAnswers) {
  Result<ServerAnswer> answer = ReadServerHelloExtensions(
      Extensions(std::vector<Extension>{
          Ext(ExtensionType::kRenegotiationInfo, {0}),
          Ext(ExtensionType::kExtendedMasterSecret, {}), Ext(ExtensionType::kSessionTicket, {}),
          Ext(ExtensionType::kApplicationLayerProtocolNegotiation, {0, 3, 2, 'h', '2'}),
          Ext(ExtensionType::kServerName, {}), Ext(ExtensionType::kMaxFragmentLength, {2}),
          Ext(ExtensionType::kRecordSizeLimit, {0x40, 0x01})}),
      Offered(), ClientWithAlpn());
  ASSERT_TRUE(answer.ok()) << answer.status().message();
  EXPECT_TRUE(answer->renegotiation_info && answer->extended_master_secret &&
              answer->session_ticket);
  EXPECT_TRUE(answer->renegotiated_connection.empty());
  EXPECT_EQ(answer->alpn, "h2");
  EXPECT_EQ(answer->heartbeat, HeartbeatMode::kOff);
  Result<ServerAnswer> heartbeat = ReadServerHelloExtensions(
      Extensions({Ext(ExtensionType::kHeartbeat, {2})}), Offered(), ClientWithAlpn());
  ASSERT_TRUE(heartbeat.ok());
  EXPECT_EQ(heartbeat->heartbeat, HeartbeatMode::kPeerNotAllowedToSend);
  EXPECT_EQ(answer->max_fragment_length, 1024u);
  EXPECT_EQ(answer->record_size_limit, uint16_t{0x4001});
}

// RFC 6066 8: the server reads status_request only when it has a response to staple and
// answers an ocsp request with the empty extension in a full handshake; the client accepts
// only the empty answer.
TEST(HelloExtensions, StatusRequestReadWhenStaplingAndAnsweredEmpty) {
  const Extension ocsp = Ext(ExtensionType::kStatusRequest, {1, 0, 0, 0, 0});
  Config stapler;
  stapler.ocsp_response = {0x30, 0x00};
  // Without a response the extension is ignored, even malformed.
  ClientOffer ignored;
  ASSERT_TRUE(ReadClientHelloExtensions(Extensions({Ext(ExtensionType::kStatusRequest, {1, 0})}),
                                        Config(), &ignored)
                  .ok());
  EXPECT_FALSE(ignored.ocsp_status_request);
  // With one: malformed or empty is decode_error; ocsp_multi (2) is not answered.
  ClientOffer offer;
  for (const Bytes& body : {Bytes{1, 0}, Bytes{}, Bytes{1, 0, 0, 0, 0, 0}}) {
    EXPECT_EQ(ReadClientHelloExtensions(Extensions({Ext(ExtensionType::kStatusRequest, body)}),
                                        stapler, &offer)
                  .alert(),
              AlertDescription::kDecodeError)
        << ToHex(body);
  }
  ClientOffer multi;
  ASSERT_TRUE(
      ReadClientHelloExtensions(Extensions({Ext(ExtensionType::kStatusRequest, {2, 0, 0, 0, 0})}),
                                stapler, &multi)
          .ok());
  EXPECT_FALSE(multi.ocsp_status_request);
  ASSERT_TRUE(ReadClientHelloExtensions(Extensions({ocsp}), stapler, &offer).ok());
  EXPECT_TRUE(offer.ocsp_status_request);
  Negotiated full;
  full.suite = FindCipherSuite(0xc02f);
  Result<Extensions> answer = BuildServerHelloExtensions({&offer, &full, false});
  ASSERT_TRUE(answer.ok());
  ASSERT_NE(answer->FindRaw(5), nullptr);
  EXPECT_TRUE(answer->FindRaw(5)->body.empty());
  // An abbreviated handshake has no Certificate to staple to: no answer.
  Negotiated resumed = full;
  resumed.resumed = true;
  Result<Extensions> none = BuildServerHelloExtensions({&offer, &resumed, false});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->FindRaw(5), nullptr);
  // Client: the empty answer is recorded; anything else is decode_error.
  Result<ServerAnswer> ok = ReadServerHelloExtensions(
      Extensions({Ext(ExtensionType::kStatusRequest, {})}), Extensions({ocsp}), Config());
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_TRUE(ok->status_request);
  Result<ServerAnswer> full_body =
      ReadServerHelloExtensions(Extensions({Ext(ExtensionType::kStatusRequest, {1, 0, 0, 0, 0})}),
                                Extensions({ocsp}), Config());
  EXPECT_EQ(full_body.status().alert(), AlertDescription::kDecodeError);
}

}  // namespace
}  // namespace shakedown
