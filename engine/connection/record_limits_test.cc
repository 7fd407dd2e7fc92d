// Record size limits between two engines: max_fragment_length (RFC 6066 4)
// applies to every record from the ServerHello on, record_size_limit (RFC 8449)
// to protected records only, and a record over the limit is record_overflow.
#include <gtest/gtest.h>

#include "engine/connection/test_support.h"

namespace shakedown {
namespace testing {
namespace {

const uint16_t kGcm = 0xc02f;  // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
// AES-GCM: 8-byte explicit nonce and 16-byte tag around the plaintext (RFC 5288
// 3).
const size_t kGcmExpansion = 24;

// The largest plaintext of `records`: fragments as they are before the
// ChangeCipherSpec, less the AES-GCM expansion after it. Also returns the
// largest unprotected one.
struct Largest {
  size_t plain = 0;
  size_t protected_plain = 0;
};
Largest LargestRecords(ByteView wire) {
  Largest out;
  bool after_ccs = false;
  for (const Record& r : Records(wire)) {
    if (after_ccs) {
      out.protected_plain = std::max(out.protected_plain, r.fragment.size() - kGcmExpansion);
    } else {
      out.plain = std::max(out.plain, r.fragment.size());
    }
    if (r.type == static_cast<uint8_t>(ContentType::kChangeCipherSpec)) after_ccs = true;
  }
  return out;
}

void ExchangeData(Pair& p, size_t size) {
  ASSERT_TRUE(p.client->handshake_complete() && p.server->handshake_complete());
  const Bytes from_client(size, 'c');
  const Bytes from_server(size, 's');
  ASSERT_TRUE(p.client->SendApplicationData(from_client).ok());
  ASSERT_TRUE(p.server->SendApplicationData(from_server).ok());
  ASSERT_TRUE(Pump(p.client, p.server));
  EXPECT_EQ(p.server.Received(), std::string(size, 'c'));
  EXPECT_EQ(p.client.Received(), std::string(size, 's'));
}

TEST(RecordLimitsTest, MaxFragmentLengthFragmentsEveryRecordBothWays) {
  World world;
  Config client = ClientConfig({kGcm});
  client.max_fragment_length = 512;
  Pair p = Handshake(client, ServerConfig({kGcm}), &world);
  EXPECT_EQ(p.client->negotiated().max_fragment_length, 512u);
  EXPECT_EQ(p.server->negotiated().max_fragment_length, 512u);
  ExchangeData(p, 2000);
  // RFC 6066 4: "(including handshake messages)": the server's certificate is
  // fragmented.
  const Largest server = LargestRecords(p.server.all_output);
  const Largest from_client = LargestRecords(p.client.all_output);
  EXPECT_EQ(server.plain, 512u);
  EXPECT_EQ(server.protected_plain, 512u);
  EXPECT_EQ(from_client.protected_plain, 512u);
}

TEST(RecordLimitsTest, ServerMayDeclineMaxFragmentLength) {
  World world;
  Config client = ClientConfig({kGcm});
  client.max_fragment_length = 1024;
  Config server = ServerConfig({kGcm});
  server.accept_max_fragment_length = false;
  Pair p = Handshake(client, server, &world);
  EXPECT_EQ(p.client->negotiated().max_fragment_length, 0u);
  ExchangeData(p, 5000);
  EXPECT_EQ(LargestRecords(p.server.all_output).protected_plain, 5000u);
}

TEST(RecordLimitsTest, RecordSizeLimitBoundsProtectedRecordsOnly) {
  World world;
  Config client = ClientConfig({kGcm});
  client.record_size_limit = 100;
  Config server = ServerConfig({kGcm});
  server.record_size_limit = 300;
  Pair p = Handshake(client, server, &world);
  EXPECT_EQ(p.client->negotiated().record_size_limit, 100u);
  EXPECT_EQ(p.client->negotiated().peer_record_size_limit, 300u);
  EXPECT_EQ(p.server->negotiated().peer_record_size_limit, 100u);
  ExchangeData(p, 1000);
  // RFC 8449 4: "Unprotected messages are not subject to this limit": the
  // certificate record.
  const Largest server_records = LargestRecords(p.server.all_output);
  EXPECT_GT(server_records.plain, 300u);
  EXPECT_EQ(server_records.protected_plain, 100u);
  EXPECT_EQ(LargestRecords(p.client.all_output).protected_plain, 300u);
}

TEST(RecordLimitsTest, ServerWithRecordSizeLimitIgnoresMaxFragmentLength) {
  World world;
  Config client = ClientConfig({kGcm});
  client.max_fragment_length = 512;
  client.record_size_limit = 2000;
  Config server = ServerConfig({kGcm});
  server.record_size_limit = 16384;
  // RFC 8449 5: "MUST ignore a "max_fragment_length" ... if both extensions
  // appear".
  Pair p = Handshake(client, server, &world);
  EXPECT_EQ(p.server->negotiated().max_fragment_length, 0u);
  EXPECT_EQ(p.client->negotiated().peer_record_size_limit, 16384u);
  ExchangeData(p, 3000);
  EXPECT_EQ(LargestRecords(p.server.all_output).protected_plain, 2000u);
  // A server without record_size_limit honours max_fragment_length and ignores
  // the other.
  Pair q = Handshake(client, ServerConfig({kGcm}), &world, 2);
  EXPECT_EQ(q.client->negotiated().max_fragment_length, 512u);
  EXPECT_EQ(q.client->negotiated().peer_record_size_limit, 0u);
  ExchangeData(q, 700);
}

// The server's view after the client's ClientHello asking for 512 bytes, then
// one more record.
const Event* ServerAlertAfter(const Bytes& extra_record, Endpoint* server) {
  World world;
  Config client_config = ClientConfig({kGcm});
  client_config.max_fragment_length = 512;
  Endpoint client = MakeEndpoint(client_config, 1, &world);
  *server = MakeEndpoint(ServerConfig({kGcm}), 2, &world);
  client->Start();
  Bytes in = client.Take();
  Append(in, extra_record);
  (*server)->ReceiveBytes(in);
  server->Take();
  return server->AlertSent();
}

TEST(RecordLimitsTest, RecordOverTheNegotiatedLengthIsRecordOverflow) {
  // RFC 6066 4: the negotiated length limits TLSPlaintext.length; RFC
  // 5246 6.2.1 names the alert for a longer one. 512 bytes is within the limit
  // (the record then fails for what it holds: a handshake message the server
  // cannot take here), 513 is over it.
  Endpoint at, over;
  const Event* alert_at =
      ServerAlertAfter(PlainRecord(ContentType::kHandshake, Bytes(512, 0)), &at);
  ASSERT_NE(alert_at, nullptr);
  EXPECT_NE(alert_at->alert, AlertDescription::kRecordOverflow);
  const Event* alert_over =
      ServerAlertAfter(PlainRecord(ContentType::kHandshake, Bytes(513, 0)), &over);
  ASSERT_NE(alert_over, nullptr);
  EXPECT_EQ(alert_over->alert, AlertDescription::kRecordOverflow) << alert_over->detail;
}

TEST(RecordLimitsTest, CreateRefusesLimitsTheRfcsDoNotAllow) {
  // RFC 6066 4: only 2^9..2^12; RFC 8449 4: "MUST NOT send ... a value smaller
  // than 64".
  Config bad = ClientConfig({kGcm});
  bad.max_fragment_length = 1000;
  DeterministicRng rng(1);
  Environment env;
  env.rng = &rng;
  EXPECT_FALSE(Connection::Create(bad, env).ok());
  bad.max_fragment_length = 0;
  bad.record_size_limit = 63;
  EXPECT_FALSE(Connection::Create(bad, env).ok());
  bad.record_size_limit = 64;
  EXPECT_TRUE(Connection::Create(bad, env).ok());
}

}  // namespace
}  // namespace testing
}  // namespace shakedown
