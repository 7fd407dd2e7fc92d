#include "harness/scenario/message_shapes.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace shakedown {
namespace {

using Items = FieldShape::Items;

FieldShape Fixed(std::string name, size_t size) {
  FieldShape f;
  f.name = std::move(name);
  f.fixed = size;
  return f;
}

FieldShape Vector(std::string name, size_t length_bytes, size_t floor, size_t ceiling) {
  FieldShape f;
  f.name = std::move(name);
  f.length_bytes = length_bytes;
  f.floor = floor;
  f.ceiling = ceiling;
  return f;
}

FieldShape ItemVector(std::string name, size_t length_bytes, size_t floor, size_t ceiling,
                      Items items, size_t item_length_bytes) {
  FieldShape f = Vector(std::move(name), length_bytes, floor, ceiling);
  f.items = items;
  f.item_length_bytes = item_length_bytes;
  return f;
}

// RFC 5246 7.4.1.4: Extension extensions<0..2^16-1>, optional at the end of a hello.
FieldShape Extensions() {
  FieldShape f = ItemVector("extensions", 2, 0, 0xffff, Items::kExtensions, 0);
  f.optional = true;
  return f;
}

enum class KexShape { kRsa, kDhe, kEcdhe, kNone };

KexShape ShapeOfKex(KeyExchange kex) {
  switch (kex) {
    case KeyExchange::kRsa: return KexShape::kRsa;
    case KeyExchange::kDheRsa:
    case KeyExchange::kDhAnon: return KexShape::kDhe;
    case KeyExchange::kEcdheRsa:
    case KeyExchange::kEcdheEcdsa: return KexShape::kEcdhe;
    default: return KexShape::kNone;
  }
}

std::vector<FieldShape> Shape(MessageName message, KexShape kex) {
  switch (message) {
    case MessageName::kClientHello:  // RFC 5246 7.4.1.2
      return {Fixed("client_version", 2), Fixed("random", 32), Vector("session_id", 1, 0, 32),
              Vector("cipher_suites", 2, 2, 0xfffe), Vector("compression_methods", 1, 1, 0xff),
              Extensions()};
    case MessageName::kServerHello:  // RFC 5246 7.4.1.3
      return {Fixed("server_version", 2), Fixed("random", 32), Vector("session_id", 1, 0, 32),
              Fixed("cipher_suite", 2), Fixed("compression_method", 1), Extensions()};
    case MessageName::kCertificate:  // RFC 5246 7.4.2
      return {ItemVector("certificate_list", 3, 0, 0xffffff, Items::kVectors, 3)};
    case MessageName::kServerKeyExchange:
      if (kex == KexShape::kEcdhe) {  // RFC 8422 5.4: ServerECDHParams, then the signature
        return {Fixed("curve_type", 1), Fixed("named_curve", 2), Vector("public_key", 1, 1, 0xff),
                Fixed("signature_algorithm", 2), Vector("signature", 2, 0, 0xffff)};
      }
      if (kex == KexShape::kDhe) {  // RFC 5246 7.4.3: ServerDHParams, then the signature
        return {Vector("dh_p", 2, 1, 0xffff), Vector("dh_g", 2, 1, 0xffff),
                Vector("dh_ys", 2, 1, 0xffff), Fixed("signature_algorithm", 2),
                Vector("signature", 2, 0, 0xffff)};
      }
      return {};
    case MessageName::kCertificateRequest:  // RFC 5246 7.4.4
      return {Vector("certificate_types", 1, 1, 0xff),
              Vector("supported_signature_algorithms", 2, 2, 0xfffe),
              ItemVector("certificate_authorities", 2, 0, 0xffff, Items::kVectors, 2)};
    case MessageName::kCertificateVerify:  // RFC 5246 7.4.8
      return {Fixed("signature_algorithm", 2), Vector("signature", 2, 0, 0xffff)};
    case MessageName::kClientKeyExchange:
      if (kex == KexShape::kRsa) {  // RFC 5246 7.4.7.1: EncryptedPreMasterSecret
        return {Vector("exchange_keys", 2, 0, 0xffff)};
      }
      if (kex == KexShape::kDhe) {  // RFC 5246 7.4.7.2: explicit dh_Yc<1..2^16-1>
        return {Vector("exchange_keys", 2, 1, 0xffff)};
      }
      if (kex == KexShape::kEcdhe) {  // RFC 8422 5.7: ECPoint<1..2^8-1>
        return {Vector("exchange_keys", 1, 1, 0xff)};
      }
      return {};
    case MessageName::kNewSessionTicket:  // RFC 5077 3.3
      return {Fixed("ticket_lifetime_hint", 4), Vector("ticket", 2, 0, 0xffff)};
    case MessageName::kFinished:  // RFC 5246 7.4.9
      return {Fixed("verify_data", 12)};
    default:
      return {};  // HelloRequest, ServerHelloDone: empty bodies; the rest are not handshake
  }
}

size_t ReadLength(ByteView body, size_t at, size_t n) {
  size_t v = 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | body[at + i];
  return v;
}

void WriteLength(Bytes* body, size_t at, size_t n, size_t value) {
  for (size_t i = 0; i < n; ++i) (*body)[at + n - 1 - i] = static_cast<uint8_t>(value >> (8 * i));
}

std::string ItemName(const FieldShape& f, ByteView body, size_t at, size_t index) {
  if (f.items == Items::kExtensions) {
    const uint16_t type = static_cast<uint16_t>(ReadLength(body, at, 2));
    std::optional<std::string_view> name = NameOf(Registry::kExtensionType, type);
    if (name) return f.name + "." + std::string(*name);
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%04x", type);
    return f.name + "." + hex;
  }
  return f.name + "." + std::to_string(index);
}

// The items inside a vector of items: extension entries or opaque vectors.
Status LocateItems(const FieldShape& f, ByteView body, size_t at, size_t end,
                   std::vector<FieldSpan>* out) {
  const size_t type_bytes = f.items == Items::kExtensions ? 2 : 0;
  const size_t prefix = f.items == Items::kExtensions ? 2 : f.item_length_bytes;
  for (size_t index = 0; at < end; ++index) {
    if (end - at < type_bytes + prefix) {
      return DecodeError(f.name + ": item " + std::to_string(index) + " is cut short");
    }
    FieldSpan s;
    s.name = ItemName(f, body, at, index);
    s.start = at;
    s.prefix_at = at + type_bytes;
    s.length_bytes = prefix;
    s.content_at = s.prefix_at + prefix;
    s.content_size = ReadLength(body, s.prefix_at, prefix);
    s.floor = f.items == Items::kExtensions ? 0 : 1;
    s.ceiling = (size_t{1} << (8 * prefix)) - 1;
    if (s.content_size > end - s.content_at) {
      return DecodeError(s.name + " overruns " + f.name);
    }
    at = s.content_at + s.content_size;
    out->push_back(std::move(s));
  }
  return Status::Ok();
}

// "certificate_list.<index>" for every index, "extensions.<name>" for every name.
bool MatchesPattern(const std::string& pattern, const std::string& field) {
  const size_t dot = pattern.find(".<");
  if (dot == std::string::npos) return pattern == field;
  const std::string stem = pattern.substr(0, dot + 1);
  if (field.size() <= stem.size() || field.compare(0, stem.size(), stem) != 0) return false;
  const std::string rest = field.substr(stem.size());
  if (pattern.compare(dot + 1, std::string::npos, "<index>") == 0) {
    return rest.size() <= 5 && std::all_of(rest.begin(), rest.end(), ::isdigit);
  }
  if (ValueOf(Registry::kExtensionType, rest).has_value()) return true;
  // "0x" and 1-4 hex digits, as in the field catalogue's extensions.0xNNNN.
  return rest.size() > 2 && rest.size() <= 6 && rest.compare(0, 2, "0x") == 0 &&
         std::all_of(rest.begin() + 2, rest.end(), ::isxdigit);
}

// The shapes of `field` (for an item: the item's own shape), one per key exchange layout
// that has it.
std::vector<FieldShape> FindField(MessageName message, const std::string& field) {
  std::vector<FieldShape> found;
  for (KexShape kex : {KexShape::kEcdhe, KexShape::kRsa, KexShape::kDhe}) {
    for (const FieldShape& f : Shape(message, kex)) {
      if (f.name == field) {
        found.push_back(f);
        continue;
      }
      if (f.items == Items::kNone) continue;
      const std::string pattern =
          f.name + (f.items == Items::kExtensions ? ".<name>" : ".<index>");
      if (!MatchesPattern(pattern, field)) continue;
      FieldShape item = Vector(field, f.items == Items::kExtensions ? 2 : f.item_length_bytes,
                               f.items == Items::kExtensions ? 0 : 1, 0);
      item.ceiling = (size_t{1} << (8 * item.length_bytes)) - 1;
      found.push_back(item);
    }
  }
  return found;
}

// Why `edit` cannot apply to a field shaped `f`, or "".
std::string Inapplicable(MalformEdit edit, const FieldShape& f) {
  const bool vector = f.length_bytes > 0;
  switch (edit) {
    case MalformEdit::kTruncate:
    case MalformEdit::kTruncateContent:
      return "";
    case MalformEdit::kTruncateLength:
      return f.length_bytes >= 2 ? "" : "needs a length prefix of two bytes or more";
    case MalformEdit::kLengthPlusOne:
    case MalformEdit::kLengthMinusOne:
      return vector ? "" : "needs a vector (a field with a length prefix)";
    case MalformEdit::kEmpty:
      if (!vector) return "needs a vector (a field with a length prefix)";
      return f.floor > 0 ? "" : "the field may be empty (its floor is 0): nothing to break";
    case MalformEdit::kOversized:
      if (!vector) return "needs a vector (a field with a length prefix)";
      return f.ceiling + 1 < (size_t{1} << (8 * f.length_bytes)) && f.ceiling < 0x4000
                 ? ""
                 : "its length prefix cannot say more than its ceiling in one record";
    case MalformEdit::kTrailing:
      return "names no field";
    case MalformEdit::kShorten:
    case MalformEdit::kLengthen:
      return vector ? "" : "needs a vector (a field with a length prefix)";
  }
  return "";
}

}  // namespace

std::vector<FieldShape> MessageShape(MessageName message, KeyExchange kex) {
  return Shape(message, ShapeOfKex(kex));
}

std::vector<std::string> MalformFieldNames(MessageName message) {
  std::vector<std::string> names;
  for (KexShape kex : {KexShape::kEcdhe, KexShape::kRsa, KexShape::kDhe}) {
    for (const FieldShape& f : Shape(message, kex)) {
      std::vector<std::string> add = {f.name};
      if (f.items == Items::kExtensions) add.push_back(f.name + ".<name>");
      if (f.items == Items::kVectors) add.push_back(f.name + ".<index>");
      for (const std::string& n : add) {
        if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
      }
    }
  }
  return names;
}

Result<std::vector<FieldSpan>> LocateFields(const std::vector<FieldShape>& shape, ByteView body) {
  std::vector<FieldSpan> spans;
  size_t at = 0;
  for (const FieldShape& f : shape) {
    if (at == body.size() && f.optional) break;
    FieldSpan s;
    s.name = f.name;
    s.start = at;
    s.prefix_at = at;
    s.length_bytes = f.length_bytes;
    s.floor = f.floor;
    s.ceiling = f.ceiling;
    if (body.size() - at < f.length_bytes + (f.length_bytes == 0 ? f.fixed : 0)) {
      return DecodeError(f.name + " is cut short");
    }
    s.content_at = at + f.length_bytes;
    s.content_size = f.length_bytes == 0 ? f.fixed : ReadLength(body, at, f.length_bytes);
    if (s.content_size > body.size() - s.content_at) return DecodeError(f.name + " overruns");
    at = s.content_at + s.content_size;
    spans.push_back(s);
    if (f.items != Items::kNone) {
      SD_RETURN_IF_ERROR(LocateItems(f, body, s.content_at, at, &spans));
    }
  }
  if (at != body.size()) return DecodeError(std::to_string(body.size() - at) + " bytes after " +
                                            "the last field");
  return spans;
}

Status ValidateMalformation(MessageName message, const Malformation& m) {
  const std::string name(MessageNameString(message));
  if (m.edit == MalformEdit::kTrailing) {
    if (!m.field.empty()) return InternalError("\"trailing\" names no field");
    if (!HandshakeTypeOf(message).has_value()) {
      return InternalError(name + " is not a handshake message");
    }
    return Status::Ok();
  }
  if (m.field.empty()) {
    return InternalError("\"" + std::string(MalformEditName(m.edit)) + "\" needs a field");
  }
  std::vector<FieldShape> shapes = FindField(message, m.field);
  if (shapes.empty()) {
    std::vector<std::string> names = MalformFieldNames(message);
    std::string list;
    for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
    return InternalError(name + " has no field \"" + m.field + "\" to malform" +
                         (list.empty() ? " (its body is empty: only \"trailing\" applies)"
                                       : "; fields: " + list));
  }
  // Applicable under one key exchange's layout is enough (RSA's EncryptedPreMasterSecret
  // has a 2-byte prefix where ECDHE's point has one).
  std::string why;
  for (const FieldShape& f : shapes) {
    why = Inapplicable(m.edit, f);
    if (why.empty()) break;
  }
  if (!why.empty()) {
    return InternalError("\"" + std::string(MalformEditName(m.edit)) + "\" on " + name + " " +
                         m.field + ": " + why);
  }
  return Status::Ok();
}

Result<Bytes> ApplyMalformation(MessageName message, KeyExchange kex, const Malformation& m,
                                ByteView encoded) {
  if (encoded.size() < 4) return InternalError("malform: no handshake header");
  Bytes body = encoded.subview(4).ToBytes();
  const std::string what = std::string(MessageNameString(message)) + " " + m.field;
  if (m.edit == MalformEdit::kTrailing) {
    body.push_back(0);
  } else {
    Result<std::vector<FieldSpan>> spans = LocateFields(Shape(message, ShapeOfKex(kex)), body);
    if (!spans.ok()) {
      return InternalError("malform: the encoded " + std::string(MessageNameString(message)) +
                           " does not match its layout: " + spans.status().message());
    }
    auto it = std::find_if(spans->begin(), spans->end(),
                           [&](const FieldSpan& s) { return s.name == m.field; });
    if (it == spans->end()) {
      return InternalError("malform: this " + std::string(MessageNameString(message)) +
                           " has no " + m.field + " (with this key exchange and these settings)");
    }
    const FieldSpan& s = *it;
    const size_t value = s.length_bytes ? ReadLength(body, s.prefix_at, s.length_bytes) : 0;
    switch (m.edit) {
      case MalformEdit::kTruncate:
        body.resize(s.start);
        break;
      case MalformEdit::kTruncateLength:
        body.resize(s.prefix_at + 1);
        break;
      case MalformEdit::kTruncateContent:
        if (s.content_size == 0) return InternalError("malform: " + what + " is empty");
        body.resize(s.content_at + s.content_size - 1);
        break;
      case MalformEdit::kLengthPlusOne:
        if (value + 1 >= (size_t{1} << (8 * s.length_bytes))) {
          return InternalError("malform: " + what + " is at its prefix's maximum");
        }
        WriteLength(&body, s.prefix_at, s.length_bytes, value + 1);
        break;
      case MalformEdit::kLengthMinusOne:
        if (value == 0) return InternalError("malform: " + what + " is empty");
        WriteLength(&body, s.prefix_at, s.length_bytes, value - 1);
        break;
      case MalformEdit::kEmpty:
        body.erase(body.begin() + static_cast<std::ptrdiff_t>(s.content_at),
                   body.begin() + static_cast<std::ptrdiff_t>(s.content_at + s.content_size));
        WriteLength(&body, s.prefix_at, s.length_bytes, 0);
        break;
      case MalformEdit::kOversized: {
        // The field's own bytes, then 0x5a up to one byte above the ceiling.
        const size_t grow = s.ceiling + 1 - std::min(s.content_size, s.ceiling + 1);
        body.insert(body.begin() + static_cast<std::ptrdiff_t>(s.content_at + s.content_size),
                    grow, 0x5a);
        WriteLength(&body, s.prefix_at, s.length_bytes, s.ceiling + 1);
        break;
      }
      case MalformEdit::kShorten:
        if (s.content_size == 0) return InternalError("malform: " + what + " is empty");
        body.erase(body.begin() + static_cast<std::ptrdiff_t>(s.content_at + s.content_size - 1));
        WriteLength(&body, s.prefix_at, s.length_bytes, value - 1);
        break;
      case MalformEdit::kLengthen:
        if (value + 1 >= (size_t{1} << (8 * s.length_bytes))) {
          return InternalError("malform: " + what + " is at its prefix's maximum");
        }
        body.insert(body.begin() + static_cast<std::ptrdiff_t>(s.content_at + s.content_size), 0);
        WriteLength(&body, s.prefix_at, s.length_bytes, value + 1);
        break;
      case MalformEdit::kTrailing:
        break;
    }
  }
  if (body.size() > 0xffffff) return InternalError("malform: " + what + ": message too long");
  Bytes out = {encoded[0], static_cast<uint8_t>(body.size() >> 16),
               static_cast<uint8_t>(body.size() >> 8), static_cast<uint8_t>(body.size())};
  Append(out, body);
  return out;
}

}  // namespace shakedown
