#include "engine/crypto/key_schedule.h"

#include <string>

namespace shakedown {
namespace {

Status CheckLength(std::string_view what, ByteView value, size_t expected) {
  if (value.size() == expected) return Status::Ok();
  return InternalError(std::string(what) + ": " + std::to_string(value.size()) +
                       " bytes, expected " + std::to_string(expected));
}

Status CheckNotEmpty(std::string_view what, ByteView value) {
  if (!value.empty()) return Status::Ok();
  return InternalError(std::string(what) + ": empty");
}

}  // namespace

Result<Bytes> ComputeMasterSecret(PrfAlgorithm prf, ByteView pre_master_secret,
                                  ByteView client_random, ByteView server_random) {
  SD_RETURN_IF_ERROR(CheckNotEmpty("master secret: pre_master_secret", pre_master_secret));
  SD_RETURN_IF_ERROR(CheckLength("master secret: client_random", client_random, kRandomLength));
  SD_RETURN_IF_ERROR(CheckLength("master secret: server_random", server_random, kRandomLength));
  // RFC 5246 8.1: seed = ClientHello.random + ServerHello.random.
  Bytes seed = client_random.ToBytes();
  Append(seed, server_random);
  return Prf(prf, pre_master_secret, "master secret", seed, kMasterSecretLength);
}

Result<Bytes> ComputeExtendedMasterSecret(PrfAlgorithm prf, ByteView pre_master_secret,
                                          ByteView session_hash) {
  SD_RETURN_IF_ERROR(
      CheckNotEmpty("extended master secret: pre_master_secret", pre_master_secret));
  // Not tied to HandshakeHashLength: RFC 7627 4 only says "Hash", and FIPS self-tests feed
  // arbitrary-length "session hashes" (vector go-fips-cast-ems-sha256 uses 16 bytes).
  SD_RETURN_IF_ERROR(CheckNotEmpty("extended master secret: session_hash", session_hash));
  // RFC 7627 4: seed = session_hash.
  return Prf(prf, pre_master_secret, "extended master secret", session_hash,
             kMasterSecretLength);
}

Result<Bytes> ComputeMasterSecret(PrfAlgorithm prf, ByteView pre_master_secret,
                                  bool extended_master_secret, ByteView client_random,
                                  ByteView server_random, const Transcript& transcript) {
  if (!extended_master_secret) {
    return ComputeMasterSecret(prf, pre_master_secret, client_random, server_random);
  }
  // RFC 7627 4: session_hash = Hash(ClientHello .. ClientKeyExchange).
  SD_ASSIGN_OR_RETURN(Bytes session_hash, transcript.Hash(prf));
  return ComputeExtendedMasterSecret(prf, pre_master_secret, session_hash);
}

Result<Bytes> ComputeKeyBlock(PrfAlgorithm prf, ByteView master_secret, ByteView client_random,
                              ByteView server_random, size_t length) {
  SD_RETURN_IF_ERROR(CheckLength("key block: master_secret", master_secret, kMasterSecretLength));
  SD_RETURN_IF_ERROR(CheckLength("key block: client_random", client_random, kRandomLength));
  SD_RETURN_IF_ERROR(CheckLength("key block: server_random", server_random, kRandomLength));
  if (length == 0) return InternalError("key block: length 0");
  // RFC 5246 6.3: note the order, server_random + client_random.
  Bytes seed = server_random.ToBytes();
  Append(seed, client_random);
  return Prf(prf, master_secret, "key expansion", seed, length);
}

Result<Bytes> ComputeKeyBlock(const CipherSuiteInfo& suite, ByteView master_secret,
                              ByteView client_random, ByteView server_random) {
  return ComputeKeyBlock(PrfFor(suite.prf), master_secret, client_random, server_random,
                         suite.KeyBlockLength());
}

Result<KeyBlock> SplitKeyBlock(const CipherSuiteInfo& suite, ByteView key_block) {
  SD_RETURN_IF_ERROR(CheckLength(std::string("key block for ") + std::string(suite.name),
                                 key_block, suite.KeyBlockLength()));
  // RFC 5246 6.3: client_write_MAC_key, server_write_MAC_key, client_write_key,
  // server_write_key, client_write_IV, server_write_IV.
  size_t pos = 0;
  auto take = [&](size_t n) {
    Bytes out = key_block.subview(pos, n).ToBytes();
    pos += n;
    return out;
  };
  KeyBlock out;
  out.client_write.mac_key = take(suite.mac_key_length);
  out.server_write.mac_key = take(suite.mac_key_length);
  out.client_write.enc_key = take(suite.enc_key_length);
  out.server_write.enc_key = take(suite.enc_key_length);
  out.client_write.fixed_iv = take(suite.fixed_iv_length);
  out.server_write.fixed_iv = take(suite.fixed_iv_length);
  return out;
}

Result<Bytes> ComputeVerifyData(PrfAlgorithm prf, ByteView master_secret, Side sender,
                                ByteView handshake_hash) {
  SD_RETURN_IF_ERROR(CheckLength("verify_data: master_secret", master_secret,
                                 kMasterSecretLength));
  SD_RETURN_IF_ERROR(
      CheckLength("verify_data: handshake_hash", handshake_hash, HandshakeHashLength(prf)));
  // RFC 5246 7.4.9: finished_label is "client finished" or "server finished".
  std::string_view label =
      sender == Side::kClient ? "client finished" : "server finished";
  return Prf(prf, master_secret, label, handshake_hash, kVerifyDataLength);
}

}  // namespace shakedown
