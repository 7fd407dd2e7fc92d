// Record protection with Botan 2. Every Botan call sits inside a try block: exceptions
// never leave this file.
//
// Sequence numbers (RFC 5246 6.1): Seal consumes one only when it produces a record (a
// refused Seal sent nothing). Open consumes one for every record it is given, whether or
// not it authenticates: the record took its place in the stream, and after a failure the
// connection is dead anyway. After 2^64-1 has been used, both fail (RFC 5246 6.1: sequence
// numbers do not wrap).
#include "engine/crypto/record_protection.h"

#include <botan/aead.h>
#include <botan/cipher_mode.h>
#include <botan/exceptn.h>
#include <botan/mac.h>
#include <botan/mem_ops.h>
#include <botan/rng.h>

#include <algorithm>
#include <array>
#include <exception>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace shakedown {

namespace {

constexpr size_t kMaxPlaintext = 1u << 14;    // RFC 5246 6.2.1
constexpr size_t kMaxFragmentField = 0xffff;  // what TLSCiphertext.length can express
constexpr size_t kExplicitNonceLength = 8;    // RFC 5288 3, RFC 6655 3

// The one Status for every authentication, padding and length failure on Open
// (RFC 5246 6.2.3.2, 7.2.2; checklist rows 8 and 10). Nothing in it says which check
// failed, so neither the alert nor the text is a padding oracle.
Status BadRecordMac() {
  return Status::Error(AlertDescription::kBadRecordMac, "record authentication failed");
}

Status RecordOverflow(size_t length) {
  // RFC 5246 6.2.1/6.2.2, checklist row 3.
  return Status::Error(AlertDescription::kRecordOverflow,
                       "TLSPlaintext.length: decrypted fragment of " + std::to_string(length) +
                           " bytes exceeds 2^14");
}

Status SequenceExhausted() {
  return InternalError("record protection: sequence number space exhausted (RFC 5246 6.1)");
}

void PutU64(uint64_t v, uint8_t* out) {
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<uint8_t>(v);
    v >>= 8;
  }
}

// RFC 5246 6.2.3.1 / 6.2.3.3: seq_num(8) || type(1) || version(2) || length(2). It is
// both the MAC prefix for CBC suites and the AEAD additional data.
std::array<uint8_t, 13> PseudoHeader(uint64_t seq, ContentType type, ProtocolVersion version,
                                     size_t length) {
  std::array<uint8_t, 13> out{};
  PutU64(seq, out.data());
  out[8] = static_cast<uint8_t>(type);
  out[9] = static_cast<uint8_t>(static_cast<uint16_t>(version) >> 8);
  out[10] = static_cast<uint8_t>(version);
  out[11] = static_cast<uint8_t>(length >> 8);
  out[12] = static_cast<uint8_t>(length);
  return out;
}

// All-ones if a <= b, else zero, without a branch (a, b < 2^32).
uint32_t CtLessOrEqual(uint32_t a, uint32_t b) {
  return static_cast<uint32_t>((static_cast<uint64_t>(b) - a) >> 63) - 1u;
}
// All-ones if v != 0, else zero.
uint32_t CtNonZero(uint32_t v) { return 0u - ((v | (0u - v)) >> 31); }

// Tracks the 64-bit sequence number and its exhaustion.
class SequenceCounter {
 public:
  uint64_t value() const { return next_; }
  bool exhausted() const { return exhausted_; }
  // Returns the number to use and advances.
  uint64_t Take() {
    const uint64_t v = next_++;
    if (next_ == 0) exhausted_ = true;
    return v;
  }

 private:
  uint64_t next_ = 0;
  bool exhausted_ = false;
};

// ---- AEAD: AES-GCM (RFC 5288), AES-CCM (RFC 6655) and ChaCha20-Poly1305 (RFC 7905) ----

Result<std::unique_ptr<Botan::AEAD_Mode>> MakeAead(const CipherSuiteInfo& suite, ByteView key,
                                                   Botan::Cipher_Dir direction);
void ReleaseAead(std::unique_ptr<Botan::AEAD_Mode> aead, const CipherSuiteInfo& suite,
                 Botan::Cipher_Dir direction);

class AeadProtection final : public RecordProtection {
 public:
  // `explicit_nonce`: GCM and CCM carry 8 bytes of the nonce in the record; ChaCha20-Poly1305
  // none. `tag_len`: 16, or 8 for the _CCM_8 suites. The Botan objects are made on first use:
  // one direction's state only seals or only opens, so the other is never built.
  AeadProtection(bool explicit_nonce, size_t tag_len, Bytes fixed_iv, const CipherSuiteInfo& suite,
                 Bytes key)
      : explicit_len_(explicit_nonce ? kExplicitNonceLength : 0),
        tag_len_(tag_len),
        fixed_iv_(std::move(fixed_iv)),
        suite_(suite),
        key_(std::move(key)) {}
  ~AeadProtection() override {
    Botan::secure_scrub_memory(key_.data(), key_.size());
    ReleaseAead(std::move(enc_), suite_, Botan::ENCRYPTION);
    ReleaseAead(std::move(dec_), suite_, Botan::DECRYPTION);
  }

  Result<Bytes> SealShaped(ContentType type, ProtocolVersion version, ByteView plaintext,
                           const SealShape& shape) override {
    if (seq_.exhausted()) return SequenceExhausted();
    if (shape.cbc_padding || shape.cbc_inner || !shape.xor_inner.empty()) {
      return InternalError("record protection: CBC padding and inner bytes are not shapes of an "
                           "AEAD record");
    }
    if (shape.gcm_explicit_nonce && explicit_len_ == 0) {
      return InternalError("record protection: ChaCha20-Poly1305 has no explicit nonce (RFC 7905)");
    }
    if (explicit_len_ + plaintext.size() + tag_len_ > kMaxFragmentField) {
      return InternalError("record protection: plaintext of " +
                           std::to_string(plaintext.size()) + " bytes does not fit a record");
    }
    const uint64_t seq = seq_.value();
    // RFC 5288 3 (and RFC 6655 3): the explicit nonce only has to be unique per key; the
    // sequence number is.
    std::array<uint8_t, 8> explicit_nonce{};
    PutU64(seq, explicit_nonce.data());
    if (shape.gcm_explicit_nonce) explicit_nonce = *shape.gcm_explicit_nonce;
    const Bytes nonce = Nonce(seq, explicit_nonce.data());
    const auto ad = PseudoHeader(seq, type, version, plaintext.size());
    if (enc_ == nullptr) {
      SD_ASSIGN_OR_RETURN(enc_, MakeAead(suite_, key_, Botan::ENCRYPTION));
    }
    Botan::secure_vector<uint8_t> buf(plaintext.begin(), plaintext.end());
    try {
      enc_->reset();
      enc_->set_associated_data(ad.data(), ad.size());
      enc_->start(nonce.data(), nonce.size());
      enc_->finish(buf);
    } catch (const std::exception& e) {
      return InternalError(std::string("record protection: AEAD seal failed: ") + e.what());
    }
    seq_.Take();
    Bytes out;
    out.reserve(explicit_len_ + buf.size());
    out.insert(out.end(), explicit_nonce.begin(), explicit_nonce.begin() + explicit_len_);
    out.insert(out.end(), buf.begin(), buf.end());
    return out;
  }

  Result<Bytes> Open(ContentType type, ProtocolVersion version, ByteView ciphertext) override {
    if (seq_.exhausted()) return SequenceExhausted();
    const uint64_t seq = seq_.Take();
    // Too short for the explicit nonce and the tag: nothing to authenticate, the same
    // bad_record_mac (RFC 5246 6.2.3.3).
    if (ciphertext.size() < explicit_len_ + tag_len_) return BadRecordMac();
    const Bytes nonce = Nonce(seq, ciphertext.data());
    const size_t plaintext_len = ciphertext.size() - explicit_len_ - tag_len_;
    const auto ad = PseudoHeader(seq, type, version, plaintext_len);
    if (dec_ == nullptr) {
      SD_ASSIGN_OR_RETURN(dec_, MakeAead(suite_, key_, Botan::DECRYPTION));
    }
    Botan::secure_vector<uint8_t> buf(ciphertext.begin() + explicit_len_, ciphertext.end());
    try {
      dec_->reset();
      dec_->set_associated_data(ad.data(), ad.size());
      dec_->start(nonce.data(), nonce.size());
      dec_->finish(buf);
    } catch (const Botan::Invalid_Authentication_Tag&) {
      return BadRecordMac();  // RFC 5246 6.2.3.3, checklist row 10
    } catch (const std::exception& e) {
      return InternalError(std::string("record protection: AEAD open failed: ") + e.what());
    }
    if (buf.size() > kMaxPlaintext) return RecordOverflow(buf.size());
    return Bytes(buf.begin(), buf.end());
  }

  uint64_t sequence_number() const override { return seq_.value(); }

 private:
  // GCM (RFC 5288 3) and CCM (RFC 6655 3): salt(4) || explicit(8). ChaCha20-Poly1305 (RFC 7905
  // 2): the 12-byte IV XOR the sequence number, big-endian, left-padded to 12 bytes.
  Bytes Nonce(uint64_t seq, const uint8_t* explicit_nonce) const {
    Bytes nonce = fixed_iv_;
    if (explicit_len_ > 0) {
      nonce.insert(nonce.end(), explicit_nonce, explicit_nonce + explicit_len_);
    } else {
      uint8_t seq_bytes[8];
      PutU64(seq, seq_bytes);
      for (size_t i = 0; i < 8; ++i) nonce[4 + i] ^= seq_bytes[i];
    }
    return nonce;
  }

  size_t explicit_len_;
  size_t tag_len_;
  Bytes fixed_iv_;
  CipherSuiteInfo suite_;
  Bytes key_;
  std::unique_ptr<Botan::AEAD_Mode> enc_;
  std::unique_ptr<Botan::AEAD_Mode> dec_;
  SequenceCounter seq_;
};

// SealShape's XOR: where it starts in `inner` bytes (xor_at < 0 counts from the end), or
// internal_error when it runs outside them.
Result<size_t> XorStart(const SealShape& shape, size_t inner) {
  const int64_t start =
      shape.xor_at >= 0 ? shape.xor_at : static_cast<int64_t>(inner) + shape.xor_at;
  if (start < 0 || static_cast<size_t>(start) + shape.xor_inner.size() > inner) {
    return InternalError("record protection: XOR at " + std::to_string(shape.xor_at) + " of " +
                         std::to_string(shape.xor_inner.size()) + " bytes runs past the " +
                         std::to_string(inner) + " inner bytes");
  }
  return static_cast<size_t>(start);
}

void ApplyXor(const SealShape& shape, size_t start, Botan::secure_vector<uint8_t>* buf) {
  for (size_t i = 0; i < shape.xor_inner.size(); ++i) (*buf)[start + i] ^= shape.xor_inner[i];
}

// ---- CBC + HMAC, MAC-then-encrypt with explicit IV (RFC 5246 6.2.3.2) ----

class CbcProtection final : public RecordProtection {
 public:
  CbcProtection(std::unique_ptr<Botan::MessageAuthenticationCode> mac,
                std::unique_ptr<Botan::MessageAuthenticationCode> dummy_mac,
                std::unique_ptr<Botan::Cipher_Mode> enc, std::unique_ptr<Botan::Cipher_Mode> dec,
                size_t block, Botan::RandomNumberGenerator* rng)
      : mac_(std::move(mac)), dummy_mac_(std::move(dummy_mac)), enc_(std::move(enc)),
        dec_(std::move(dec)), mac_len_(mac_->output_length()), block_(block), rng_(rng) {}

  Result<Bytes> SealShaped(ContentType type, ProtocolVersion version, ByteView plaintext,
                           const SealShape& shape) override {
    if (seq_.exhausted()) return SequenceExhausted();
    if (shape.gcm_explicit_nonce) {
      return InternalError("record protection: a CBC record has no GCM explicit nonce");
    }
    const size_t unpadded = plaintext.size() + mac_len_ + 1;
    const size_t padding_length =
        shape.cbc_padding ? *shape.cbc_padding : (block_ - unpadded % block_) % block_;
    if ((unpadded + padding_length) % block_ != 0) {
      return InternalError("record protection: padding_length " + std::to_string(padding_length) +
                           " leaves " + std::to_string(unpadded + padding_length) +
                           " bytes of content, MAC and padding, not whole " +
                           std::to_string(block_) + "-byte blocks");
    }
    if (shape.cbc_inner && (shape.cbc_inner->empty() || shape.cbc_inner->size() % block_ != 0)) {
      return InternalError("record protection: inner bytes of " +
                           std::to_string(shape.cbc_inner->size()) + " are not whole " +
                           std::to_string(block_) + "-byte blocks");
    }
    const size_t inner = shape.cbc_inner ? shape.cbc_inner->size() : unpadded + padding_length;
    SD_ASSIGN_OR_RETURN(const size_t xor_start, XorStart(shape, inner));
    const size_t total = block_ + inner;
    if (total > kMaxFragmentField) {
      return InternalError("record protection: plaintext of " +
                           std::to_string(plaintext.size()) + " bytes does not fit a record");
    }
    const uint64_t seq = seq_.value();
    Bytes out(block_);
    Botan::secure_vector<uint8_t> buf(plaintext.begin(), plaintext.end());
    try {
      const auto header = PseudoHeader(seq, type, version, plaintext.size());
      mac_->update(header.data(), header.size());
      mac_->update(plaintext.data(), plaintext.size());
      const Botan::secure_vector<uint8_t> tag = mac_->final();
      buf.insert(buf.end(), tag.begin(), tag.end());
      // GenericBlockCipher: padding_length+1 bytes, each equal to padding_length.
      buf.insert(buf.end(), padding_length + 1, static_cast<uint8_t>(padding_length));
      if (shape.cbc_inner) buf.assign(shape.cbc_inner->begin(), shape.cbc_inner->end());
      ApplyXor(shape, xor_start, &buf);
      // RFC 5246 6.2.3.2: a fresh unpredictable IV per record (BEAST, attacks.md row 31).
      rng_->randomize(out.data(), block_);
      enc_->start(out.data(), block_);
      enc_->finish(buf);
    } catch (const std::exception& e) {
      return InternalError(std::string("record protection: CBC seal failed: ") + e.what());
    }
    seq_.Take();
    out.insert(out.end(), buf.begin(), buf.end());
    return out;
  }

  Result<Bytes> Open(ContentType type, ProtocolVersion version, ByteView ciphertext) override {
    if (seq_.exhausted()) return SequenceExhausted();
    const uint64_t seq = seq_.Take();
    // IV, then at least MAC + padding_length byte, in whole blocks (checklist row 8).
    const size_t min_len = block_ + std::max(mac_len_ + 1, block_);
    if (ciphertext.size() < min_len || ciphertext.size() % block_ != 0) return BadRecordMac();

    Botan::secure_vector<uint8_t> buf(ciphertext.begin() + block_, ciphertext.end());
    const size_t n = buf.size();
    uint32_t good = 0;
    size_t content_len = 0;
    try {
      dec_->start(ciphertext.data(), block_);
      dec_->finish(buf);

      // Padding check with no data-dependent branch (RFC 5246 6.2.3.2; Lucky 13,
      // checklist row 9). `size_ok`: padding + MAC fit in the record.
      const uint32_t pad = buf[n - 1];
      const uint32_t size_ok = CtLessOrEqual(pad + 1 + static_cast<uint32_t>(mac_len_),
                                             static_cast<uint32_t>(n));
      good = size_ok;
      const size_t scan = std::min<size_t>(256, n);
      for (size_t i = 0; i < scan; ++i) {
        const uint32_t in_pad = CtLessOrEqual(static_cast<uint32_t>(i), pad);
        good &= ~(in_pad & CtNonZero(buf[n - 1 - i] ^ pad));
      }
      // With bad padding, MAC everything before the last mac_len bytes (as Botan and
      // OpenSSL do) so the MAC work does not reveal the padding verdict.
      const size_t strip = (pad + 1) & good;
      content_len = n - mac_len_ - strip;

      const auto header = PseudoHeader(seq, type, version, content_len);
      mac_->update(header.data(), header.size());
      mac_->update(buf.data(), content_len);
      const Botan::secure_vector<uint8_t> tag = mac_->final();
      // Hash the bytes the real MAC skipped, so both paths hash about n bytes in total.
      dummy_mac_->update(buf.data() + content_len, n - content_len);
      (void)dummy_mac_->final();
      const bool mac_ok = Botan::constant_time_compare(tag.data(), buf.data() + content_len,
                                                       mac_len_);
      good &= 0u - static_cast<uint32_t>(mac_ok);
    } catch (const std::exception& e) {
      return InternalError(std::string("record protection: CBC open failed: ") + e.what());
    }
    if (good != 0xffffffffu) return BadRecordMac();
    if (content_len > kMaxPlaintext) return RecordOverflow(content_len);
    return Bytes(buf.begin(), buf.begin() + content_len);
  }

  uint64_t sequence_number() const override { return seq_.value(); }

 private:
  std::unique_ptr<Botan::MessageAuthenticationCode> mac_;
  std::unique_ptr<Botan::MessageAuthenticationCode> dummy_mac_;
  std::unique_ptr<Botan::Cipher_Mode> enc_;
  std::unique_ptr<Botan::Cipher_Mode> dec_;
  size_t mac_len_;
  size_t block_;
  Botan::RandomNumberGenerator* rng_;
  SequenceCounter seq_;
};

// ---- CBC + HMAC, encrypt-then-MAC (RFC 7366 3) ----

// encrypt(content || padding) || MAC, the MAC over the record header (its length that of
// IV || ciphertext), the IV and the ciphertext.
class EtmCbcProtection final : public RecordProtection {
 public:
  EtmCbcProtection(std::unique_ptr<Botan::MessageAuthenticationCode> mac,
                   std::unique_ptr<Botan::Cipher_Mode> enc, std::unique_ptr<Botan::Cipher_Mode> dec,
                   size_t block, Botan::RandomNumberGenerator* rng)
      : mac_(std::move(mac)), enc_(std::move(enc)), dec_(std::move(dec)),
        mac_len_(mac_->output_length()), block_(block), rng_(rng) {}

  Result<Bytes> SealShaped(ContentType type, ProtocolVersion version, ByteView plaintext,
                           const SealShape& shape) override {
    if (seq_.exhausted()) return SequenceExhausted();
    if (shape.gcm_explicit_nonce) {
      return InternalError("record protection: a CBC record has no GCM explicit nonce");
    }
    const size_t unpadded = plaintext.size() + 1;
    const size_t padding_length =
        shape.cbc_padding ? *shape.cbc_padding : (block_ - unpadded % block_) % block_;
    Botan::secure_vector<uint8_t> buf(plaintext.begin(), plaintext.end());
    buf.insert(buf.end(), padding_length + 1, static_cast<uint8_t>(padding_length));
    if (shape.cbc_inner) buf.assign(shape.cbc_inner->begin(), shape.cbc_inner->end());
    if (buf.empty() || buf.size() % block_ != 0) {
      return InternalError("record protection: " + std::to_string(buf.size()) +
                           " bytes of content and padding are not whole " +
                           std::to_string(block_) + "-byte blocks");
    }
    SD_ASSIGN_OR_RETURN(const size_t xor_start, XorStart(shape, buf.size()));
    ApplyXor(shape, xor_start, &buf);
    const size_t fragment = block_ + buf.size();
    if (fragment + mac_len_ > kMaxFragmentField) {
      return InternalError("record protection: plaintext of " +
                           std::to_string(plaintext.size()) + " bytes does not fit a record");
    }
    Bytes out(block_);
    try {
      // RFC 5246 6.2.3.2: a fresh unpredictable IV per record.
      rng_->randomize(out.data(), block_);
      enc_->start(out.data(), block_);
      enc_->finish(buf);
      out.insert(out.end(), buf.begin(), buf.end());
      const auto header = PseudoHeader(seq_.value(), type, version, fragment);
      mac_->update(header.data(), header.size());
      mac_->update(out.data(), out.size());
      const Botan::secure_vector<uint8_t> tag = mac_->final();
      out.insert(out.end(), tag.begin(), tag.end());
    } catch (const std::exception& e) {
      return InternalError(std::string("record protection: CBC seal failed: ") + e.what());
    }
    seq_.Take();
    return out;
  }

  Result<Bytes> Open(ContentType type, ProtocolVersion version, ByteView ciphertext) override {
    if (seq_.exhausted()) return SequenceExhausted();
    const uint64_t seq = seq_.Take();
    // IV, at least one block, the MAC; the encrypted part in whole blocks.
    if (ciphertext.size() < 2 * block_ + mac_len_ ||
        (ciphertext.size() - mac_len_) % block_ != 0) {
      return BadRecordMac();
    }
    const size_t fragment = ciphertext.size() - mac_len_;
    try {
      // RFC 7366 3: "The MAC SHALL be evaluated before any further processing such as
      // decryption is performed, and if the MAC verification fails, then processing SHALL
      // terminate immediately ... a fatal bad_record_mac MUST be generated."
      const auto header = PseudoHeader(seq, type, version, fragment);
      mac_->update(header.data(), header.size());
      mac_->update(ciphertext.data(), fragment);
      const Botan::secure_vector<uint8_t> tag = mac_->final();
      if (!Botan::constant_time_compare(tag.data(), ciphertext.data() + fragment, mac_len_)) {
        return BadRecordMac();
      }
      Botan::secure_vector<uint8_t> buf(ciphertext.begin() + block_,
                                        ciphertext.begin() + fragment);
      dec_->start(ciphertext.data(), block_);
      dec_->finish(buf);
      // Authenticated: the padding check needs no constant time. RFC 5246 6.2.3.2: each
      // padding byte equals padding_length, else bad_record_mac.
      const size_t n = buf.size();
      const size_t pad = buf[n - 1];
      if (pad + 1 > n) return BadRecordMac();
      for (size_t i = 0; i <= pad; ++i) {
        if (buf[n - 1 - i] != pad) return BadRecordMac();
      }
      const size_t content_len = n - pad - 1;
      if (content_len > kMaxPlaintext) return RecordOverflow(content_len);
      return Bytes(buf.begin(), buf.begin() + content_len);
    } catch (const std::exception& e) {
      return InternalError(std::string("record protection: CBC open failed: ") + e.what());
    }
  }

  uint64_t sequence_number() const override { return seq_.value(); }

 private:
  std::unique_ptr<Botan::MessageAuthenticationCode> mac_;
  std::unique_ptr<Botan::Cipher_Mode> enc_;
  std::unique_ptr<Botan::Cipher_Mode> dec_;
  size_t mac_len_;
  size_t block_;
  Botan::RandomNumberGenerator* rng_;
  SequenceCounter seq_;
};

// The suite's AEAD by Botan name; empty for a suite without one. RFC 6655 3: CCM with a 12-byte
// nonce, so a 3-byte length field (L = 15 - 12), and the suite's tag length.
std::string AeadName(const CipherSuiteInfo& suite) {
  const std::string tag_and_l = "(" + std::to_string(suite.mac_length) + ",3)";
  switch (suite.cipher) {
    case BulkCipher::kAes128Gcm:
      return "AES-128/GCM";
    case BulkCipher::kAes256Gcm:
      return "AES-256/GCM";
    case BulkCipher::kAes128Ccm:
      return "AES-128/CCM" + tag_and_l;
    case BulkCipher::kAes256Ccm:
      return "AES-256/CCM" + tag_and_l;
    case BulkCipher::kChaCha20Poly1305:
      return "ChaCha20Poly1305";
    default:
      return "";
  }
}

// Unkeyed AEAD objects of finished connections, per thread, by name and direction: building
// one by name costs more than keying it, and every connection needs two.
constexpr size_t kAeadPoolSize = 16;
// Keyed by (bulk cipher, tag length, direction): what AeadName() says, without building it.
using AeadPoolKey = std::tuple<int, size_t, int>;
using AeadPool = std::map<AeadPoolKey, std::vector<std::unique_ptr<Botan::AEAD_Mode>>>;
AeadPoolKey PoolKey(const CipherSuiteInfo& suite, Botan::Cipher_Dir direction) {
  return {static_cast<int>(suite.cipher), suite.mac_length, static_cast<int>(direction)};
}
AeadPool& ThreadAeadPool() {
  thread_local AeadPool pool;
  return pool;
}

// Wipes the key and keeps the object for the next connection of this thread.
void ReleaseAead(std::unique_ptr<Botan::AEAD_Mode> aead, const CipherSuiteInfo& suite,
                 Botan::Cipher_Dir direction) {
  if (aead == nullptr) return;
  aead->clear();
  std::vector<std::unique_ptr<Botan::AEAD_Mode>>& free =
      ThreadAeadPool()[PoolKey(suite, direction)];
  if (free.size() < kAeadPoolSize) free.push_back(std::move(aead));
}

// The keyed AEAD of a suite, its tag the suite's length. Throws only on Botan's own errors.
Result<std::unique_ptr<Botan::AEAD_Mode>> MakeAead(const CipherSuiteInfo& suite, ByteView key,
                                                   Botan::Cipher_Dir direction) {
  std::unique_ptr<Botan::AEAD_Mode> aead;
  std::vector<std::unique_ptr<Botan::AEAD_Mode>>& free =
      ThreadAeadPool()[PoolKey(suite, direction)];
  if (!free.empty()) {
    aead = std::move(free.back());
    free.pop_back();
  } else {
    const std::string name = AeadName(suite);
    if (!name.empty()) aead = Botan::AEAD_Mode::create(name, direction);
  }
  if (!aead)
    return InternalError("record protection: Botan lacks an AEAD for " + std::string(suite.name));
  if (aead->tag_size() != suite.mac_length || key.size() != suite.enc_key_length) {
    return InternalError("record protection: inconsistent AEAD parameters for " +
                         std::string(suite.name));
  }
  aead->set_key(key.data(), key.size());
  return aead;
}

Status CheckLength(const char* what, size_t got, size_t want, const CipherSuiteInfo& suite) {
  if (got == want) return Status::Ok();
  return InternalError("record protection: " + std::string(what) + " is " + std::to_string(got) +
                       " bytes, " + std::string(suite.name) + " needs " + std::to_string(want));
}

}  // namespace

Result<std::unique_ptr<RecordProtection>> RecordProtection::Create(
    const CipherSuiteInfo& suite, const TrafficKeys& keys, Botan::RandomNumberGenerator* rng,
    bool encrypt_then_mac) {
  if (suite.key_exchange == KeyExchange::kTls13) {
    // RFC 8446 5.2 protects records differently (inner type, other nonce and AAD).
    return InternalError("record protection: " + std::string(suite.name) +
                         " is a TLS 1.3 suite; only TLS 1.2 record protection is implemented");
  }
  const std::string aead_name = AeadName(suite);
  std::string cbc_name;
  switch (suite.cipher) {
    case BulkCipher::kAes128Gcm:
    case BulkCipher::kAes256Gcm:
    case BulkCipher::kAes128Ccm:
    case BulkCipher::kAes256Ccm:
    case BulkCipher::kChaCha20Poly1305:
      break;
    case BulkCipher::kAes128Cbc: cbc_name = "AES-128/CBC/NoPadding"; break;
    case BulkCipher::kAes256Cbc: cbc_name = "AES-256/CBC/NoPadding"; break;
    default:
      return InternalError("record protection: bulk cipher of " + std::string(suite.name) +
                           " is not supported");
  }
  SD_RETURN_IF_ERROR(CheckLength("enc_key", keys.enc_key.size(), suite.enc_key_length, suite));
  SD_RETURN_IF_ERROR(CheckLength("mac_key", keys.mac_key.size(), suite.mac_key_length, suite));
  SD_RETURN_IF_ERROR(
      CheckLength("fixed_iv", keys.fixed_iv.size(), suite.fixed_iv_length, suite));

  try {
    if (!aead_name.empty()) {
      const bool explicit_nonce = suite.cipher != BulkCipher::kChaCha20Poly1305;
      if (suite.mac != MacAlgorithm::kAead || keys.fixed_iv.size() != (explicit_nonce ? 4u : 12u) ||
          suite.record_iv_length != (explicit_nonce ? kExplicitNonceLength : 0u)) {
        return InternalError("record protection: inconsistent AEAD parameters for " +
                             std::string(suite.name));
      }
      if (AeadName(suite).empty()) {
        return InternalError("record protection: Botan lacks an AEAD for " +
                             std::string(suite.name));
      }
      return std::unique_ptr<RecordProtection>(
          new AeadProtection(explicit_nonce, suite.mac_length, keys.fixed_iv, suite, keys.enc_key));
    }

    std::string mac_name;
    switch (suite.mac) {
      case MacAlgorithm::kSha1: mac_name = "HMAC(SHA-1)"; break;
      case MacAlgorithm::kSha256: mac_name = "HMAC(SHA-256)"; break;
      case MacAlgorithm::kSha384: mac_name = "HMAC(SHA-384)"; break;
      default:
        return InternalError("record protection: MAC of " + std::string(suite.name) +
                             " is not supported");
    }
    if (rng == nullptr) {
      return InternalError("record protection: CBC suites need an rng for explicit IVs");
    }
    auto mac = Botan::MessageAuthenticationCode::create(mac_name);
    auto dummy_mac = Botan::MessageAuthenticationCode::create(mac_name);
    auto enc = Botan::Cipher_Mode::create(cbc_name, Botan::ENCRYPTION);
    auto dec = Botan::Cipher_Mode::create(cbc_name, Botan::DECRYPTION);
    if (!mac || !dummy_mac || !enc || !dec) {
      return InternalError("record protection: Botan lacks " + cbc_name + " or " + mac_name);
    }
    const size_t block = enc->default_nonce_length();  // CBC: the block size
    if (mac->output_length() != suite.mac_length || block != suite.block_length ||
        block != suite.record_iv_length) {
      return InternalError("record protection: inconsistent CBC parameters for " +
                           std::string(suite.name));
    }
    mac->set_key(keys.mac_key.data(), keys.mac_key.size());
    dummy_mac->set_key(keys.mac_key.data(), keys.mac_key.size());
    enc->set_key(keys.enc_key.data(), keys.enc_key.size());
    dec->set_key(keys.enc_key.data(), keys.enc_key.size());
    if (encrypt_then_mac) {
      return std::unique_ptr<RecordProtection>(
          new EtmCbcProtection(std::move(mac), std::move(enc), std::move(dec), block, rng));
    }
    return std::unique_ptr<RecordProtection>(new CbcProtection(
        std::move(mac), std::move(dummy_mac), std::move(enc), std::move(dec), block, rng));
  } catch (const std::exception& e) {
    return InternalError("record protection: " + std::string(suite.name) + ": " + e.what());
  }
}

namespace {

Result<Bytes> AeadOnce(const CipherSuiteInfo& suite, ByteView key, ByteView nonce, ByteView ad,
                       ByteView in, Botan::Cipher_Dir direction) {
  Botan::secure_vector<uint8_t> buf(in.begin(), in.end());
  try {
    SD_ASSIGN_OR_RETURN(auto aead, MakeAead(suite, key, direction));
    aead->set_associated_data(ad.data(), ad.size());
    aead->start(nonce.data(), nonce.size());
    aead->finish(buf);
  } catch (const Botan::Invalid_Authentication_Tag&) {
    return BadRecordMac();
  } catch (const std::exception& e) {
    return InternalError(std::string("record protection: AEAD failed: ") + e.what());
  }
  return Bytes(buf.begin(), buf.end());
}

}  // namespace

Result<Bytes> AeadSeal(const CipherSuiteInfo& suite, ByteView key, ByteView nonce, ByteView ad,
                       ByteView plaintext) {
  return AeadOnce(suite, key, nonce, ad, plaintext, Botan::ENCRYPTION);
}

Result<Bytes> AeadOpen(const CipherSuiteInfo& suite, ByteView key, ByteView nonce, ByteView ad,
                       ByteView ciphertext) {
  return AeadOnce(suite, key, nonce, ad, ciphertext, Botan::DECRYPTION);
}

}  // namespace shakedown
