#include "engine/wire/extension_registry.h"

#include <gtest/gtest.h>

#include "engine/wire/extensions.h"

namespace shakedown {
namespace {

TEST(ExtensionRegistry, ClientOnlyExtensionsAreNotAllowedInServerHello) {
  // RFC 5246 7.4.1.4.1 (checklist 30), RFC 8422 5.1.1.
  for (ExtensionType t : {ExtensionType::kSignatureAlgorithms, ExtensionType::kSupportedGroups}) {
    const KnownExtension* row = FindKnownExtension(t);
    ASSERT_NE(row, nullptr);
    EXPECT_TRUE(row->AllowedIn(HandshakeType::kClientHello));
    EXPECT_FALSE(row->AllowedIn(HandshakeType::kServerHello));
  }
  const KnownExtension* ems = FindKnownExtension(ExtensionType::kExtendedMasterSecret);
  ASSERT_NE(ems, nullptr);
  EXPECT_TRUE(ems->AllowedIn(HandshakeType::kServerHello));
  EXPECT_FALSE(ems->AllowedIn(HandshakeType::kCertificate));
}

TEST(ExtensionRegistry, UnknownTypesHaveNoRow) {
  EXPECT_EQ(FindKnownExtension(0x1a1a), nullptr);  // GREASE
  EXPECT_EQ(FindKnownExtension(ExtensionType::kSignedCertificateTimestamp), nullptr);
}

TEST(ExtensionRegistry, HeartbeatInBothHellos) {
  // RFC 6520 2: offered in the ClientHello, answered in the ServerHello.
  const KnownExtension* row = FindKnownExtension(ExtensionType::kHeartbeat);
  ASSERT_NE(row, nullptr);
  EXPECT_TRUE(row->AllowedIn(HandshakeType::kClientHello));
  EXPECT_TRUE(row->AllowedIn(HandshakeType::kServerHello));
  EXPECT_TRUE(row->validate(Bytes{1}).ok());
  EXPECT_EQ(row->validate(Bytes{3}).alert(), AlertDescription::kIllegalParameter);
  EXPECT_EQ(row->validate(Bytes{1, 0}).alert(), AlertDescription::kDecodeError);
  EXPECT_EQ(row->describe(Bytes{2}), "heartbeat(peer_not_allowed_to_send)");
}

TEST(ExtensionRegistry, OneRowPerTypeEachWithAReference) {
  const auto& rows = KnownExtensions();
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(FindKnownExtension(rows[i].type), &rows[i]) << Describe(rows[i].type);
    EXPECT_NE(std::string(rows[i].reference), "");
    EXPECT_TRUE(rows[i].in_client_hello) << "in TLS 1.2 every extension starts in ClientHello";
  }
}

TEST(ExtensionRegistry, ValidateUsesTheCodec) {
  const KnownExtension* ems = FindKnownExtension(ExtensionType::kExtendedMasterSecret);
  EXPECT_TRUE(ems->validate(ByteView()).ok());
  // RFC 7627 5.1 (checklist 54): a body is decode_error.
  const Bytes body = {0};
  EXPECT_EQ(ems->validate(body).alert(), AlertDescription::kDecodeError);
  const KnownExtension* groups = FindKnownExtension(ExtensionType::kSupportedGroups);
  const Bytes odd = {0, 3, 0, 29, 0};  // a length that is not a whole number of groups
  EXPECT_EQ(groups->validate(odd).alert(), AlertDescription::kDecodeError);
  const Bytes empty_list = {0, 0};  // named_group_list<2..2^16-1>
  EXPECT_FALSE(groups->validate(empty_list).ok());
}

TEST(ExtensionRegistry, DescribeUsesTheCodecOrSaysWhyNot) {
  const KnownExtension* alpn = FindKnownExtension(ExtensionType::kApplicationLayerProtocolNegotiation);
  Result<Bytes> body = SerializeToBytes(AlpnExt{{"h2"}});
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(alpn->describe(*body), AlpnExt{{"h2"}}.Describe());
  const Bytes truncated = {0, 5, 2, 'h'};
  EXPECT_NE(alpn->describe(truncated).find("malformed"), std::string::npos);
}

}  // namespace
}  // namespace shakedown
