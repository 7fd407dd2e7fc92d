#include "harness/scenario/record_options.h"

#include <utility>

#include "harness/scenario/json_text.h"
#include "harness/scenario/keys.h"

namespace shakedown {

namespace {

constexpr uint64_t kMaxFragment = 0xffff;      // a record length is a uint16
constexpr size_t kGcmExplicitNonceLength = 8;  // RFC 5288 3
constexpr size_t kMaxInner = 0xffff - 16;      // a CBC record's IV and blocks fit a uint16

bool ReadSeal(JsonReader& r, const nlohmann::json& j, const std::string& path, SealOptions* out) {
  if (!r.CheckKeys(j, path, kSealKeys, "seal")) return false;
  if (j.empty())
    return r.Fail(path, "seal needs at least one of padding, inner, xor, explicit_nonce");
  uint64_t n = 0;
  if (j.contains("padding")) {
    if (!r.GetUint(j["padding"], Child(path, "padding"), 0, 255, &n)) return false;
    out->padding = static_cast<uint8_t>(n);
  }
  if (j.contains("inner")) {
    Bytes inner;
    if (!r.GetHex(j["inner"], Child(path, "inner"), &inner)) return false;
    if (inner.empty() || inner.size() > kMaxInner) {
      return r.Fail(Child(path, "inner"), "inner bytes: 1.." + std::to_string(kMaxInner) +
                                              " bytes, got " + std::to_string(inner.size()));
    }
    if (out->padding) {
      return r.Fail(Child(path, "inner"),
                    "\"inner\" replaces content, MAC and padding: \"padding\" has no effect");
    }
    out->inner = std::move(inner);
  }
  if (j.contains("xor")) {
    BytesXor x;
    if (!r.GetBytesXor(j["xor"], Child(path, "xor"), &x)) return false;
    out->xor_inner = std::move(x);
  }
  if (j.contains("explicit_nonce")) {
    Bytes nonce;
    if (!r.GetHex(j["explicit_nonce"], Child(path, "explicit_nonce"), &nonce)) return false;
    if (nonce.size() != kGcmExplicitNonceLength) {
      return r.Fail(
          Child(path, "explicit_nonce"),
          "an AES-GCM explicit nonce is 8 bytes (RFC 5288 3), got " + std::to_string(nonce.size()));
    }
    if (out->padding || out->inner || out->xor_inner) {
      return r.Fail(Child(path, "explicit_nonce"),
                    "an explicit nonce is AES-GCM's; padding, inner and xor are CBC's");
    }
    out->explicit_nonce = std::move(nonce);
  }
  return true;
}

}  // namespace

bool ReadRecordOptions(JsonReader& r, const nlohmann::json& j, const std::string& path,
                       RecordOptions* out) {
  uint64_t n = 0;
  if (j.contains("fragment")) {
    if (!r.GetUint(j["fragment"], Child(path, "fragment"), 1, kMaxFragment, &n)) return false;
    out->fragment = static_cast<size_t>(n);
  }
  if (j.contains("coalesce") &&
      !r.GetBool(j["coalesce"], Child(path, "coalesce"), &out->coalesce_with_next)) {
    return false;
  }
  if (out->coalesce_with_next && out->fragment) {
    return r.Fail(Child(path, "coalesce"),
                  "a step either fragments its message or coalesces it with the next, not both");
  }
  if (j.contains("record_type")) {
    if (!r.GetRegistryValue(j["record_type"], Child(path, "record_type"), Registry::kContentType,
                            0xff, &n)) {
      return false;
    }
    out->content_type = static_cast<uint8_t>(n);
  }
  if (j.contains("record_version")) {
    if (!r.GetVersion(j["record_version"], Child(path, "record_version"), &n)) return false;
    out->version = static_cast<uint16_t>(n);
  }
  if (j.contains("protect")) {
    bool protect = false;
    if (!r.GetBool(j["protect"], Child(path, "protect"), &protect)) return false;
    out->protect = protect;
  }
  if (j.contains("corrupt_record")) {
    const std::string cpath = Child(path, "corrupt_record");
    const nlohmann::json& c = j["corrupt_record"];
    if (!r.CheckKeys(c, cpath, kXorValueKeys, "corrupt_record")) return false;
    if (!c.contains("xor")) return r.Fail(cpath, "corrupt_record needs \"xor\"");
    BytesXor x;
    if (!r.GetBytesXor(c["xor"], Child(cpath, "xor"), &x)) return false;
    out->corrupt_record = std::move(x);
  }
  if (j.contains("seal")) {
    SealOptions seal;
    if (!ReadSeal(r, j["seal"], Child(path, "seal"), &seal)) return false;
    if (out->protect == false) {
      return r.Fail(Child(path, "seal"),
                    "\"seal\" shapes a protected record; \"protect\" is false");
    }
    out->seal = std::move(seal);
  }
  return true;
}

}  // namespace shakedown
