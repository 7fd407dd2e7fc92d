#include "harness/peer/field_edits.h"

#include <algorithm>
#include <string>
#include <utility>

#include "engine/base/reader.h"

namespace shakedown {
namespace {

Status FieldError(std::string_view field, const std::string& why) {
  return InternalError("set " + std::string(field) + ": " + why);
}

Status UnknownField(std::string_view message, std::string_view field) {
  return InternalError("set " + std::string(field) + ": " + std::string(message) +
                       " has no such field the peer can set");
}

template <typename Enum>
Result<std::vector<Enum>> EnumList(const FieldEdit& e) {
  SD_ASSIGN_OR_RETURN(std::vector<uint64_t> list, EditNumberList(e, 0xffff));
  std::vector<Enum> out;
  for (uint64_t v : list) out.push_back(static_cast<Enum>(v));
  return out;
}

Result<Random> EditRandom(const FieldEdit& e, const Random& current) {
  SD_ASSIGN_OR_RETURN(Bytes b, EditBytes(e, ByteView(current.data(), current.size())));
  if (b.size() != current.size()) {
    return FieldError(e.field, "a random is 32 bytes, got " + std::to_string(b.size()));
  }
  Random r;
  std::copy(b.begin(), b.end(), r.begin());
  return r;
}

// Edits shared by ClientHello and ServerHello: the extension block and its entries.
// Returns true in *handled when the field was an extensions field.
Status EditExtensions(const FieldEdit& e, std::optional<Extensions>* block, bool* handled) {
  *handled = false;
  if (e.field == "extensions") {
    *handled = true;
    if (std::holds_alternative<std::monostate>(e.value.value)) {
      block->reset();
      return Status::Ok();
    }
    // Hex: the extension list without the block's length. Parsed leniently (duplicates and
    // any type survive) so a vector can send what Extensions::Parse would refuse.
    const Bytes* list = std::get_if<Bytes>(&e.value.value);
    if (list == nullptr) return FieldError(e.field, "expected null or hex");
    Reader r(*list);
    std::vector<Extension> parsed;
    while (!r.empty()) {
      Extension ext;
      ByteView body;
      Status s = r.U16("extension_type", &ext.type);
      if (s.ok()) s = r.VectorBytes("extension_data", 2, 0, 0xffff, &body);
      if (!s.ok()) {
        return FieldError(e.field, "not a list of extensions (" + s.message() + ")");
      }
      ext.body = body.ToBytes();
      parsed.push_back(std::move(ext));
    }
    *block = Extensions(std::move(parsed));
    return Status::Ok();
  }
  if (e.field.rfind("extensions.", 0) != 0) return Status::Ok();
  *handled = true;
  std::optional<uint16_t> type = ExtensionFieldType(e.field);
  if (!type) return FieldError(e.field, "unknown extension name");
  if (std::holds_alternative<std::monostate>(e.value.value)) {
    if (block->has_value()) (*block)->Remove(*type);
    return Status::Ok();
  }
  const Extension* existing = block->has_value() ? (*block)->FindRaw(*type) : nullptr;
  Bytes current = existing != nullptr ? existing->body : Bytes();
  SD_ASSIGN_OR_RETURN(Bytes body, EditBytes(e, current));
  if (!block->has_value()) block->emplace();
  (*block)->SetRaw(*type, std::move(body));
  return Status::Ok();
}

Status Edit(const FieldEdit& e, ClientHello* m) {
  bool handled = false;
  SD_RETURN_IF_ERROR(EditExtensions(e, &m->extensions, &handled));
  if (handled) return Status::Ok();
  if (e.field == "client_version") {
    SD_ASSIGN_OR_RETURN(uint64_t v, EditNumber(e, 0xffff));
    m->client_version = static_cast<ProtocolVersion>(v);
  } else if (e.field == "random") {
    SD_ASSIGN_OR_RETURN(m->random, EditRandom(e, m->random));
  } else if (e.field == "session_id") {
    SD_ASSIGN_OR_RETURN(m->session_id, EditBytes(e, m->session_id));
  } else if (e.field == "cipher_suites") {
    SD_ASSIGN_OR_RETURN(m->cipher_suites, EnumList<uint16_t>(e));
  } else if (e.field == "compression_methods") {
    SD_ASSIGN_OR_RETURN(std::vector<uint64_t> list, EditNumberList(e, 0xff));
    m->compression_methods.assign(list.begin(), list.end());
  } else {
    return UnknownField("ClientHello", e.field);
  }
  return Status::Ok();
}

Status Edit(const FieldEdit& e, ServerHello* m) {
  bool handled = false;
  SD_RETURN_IF_ERROR(EditExtensions(e, &m->extensions, &handled));
  if (handled) return Status::Ok();
  if (e.field == "server_version") {
    SD_ASSIGN_OR_RETURN(uint64_t v, EditNumber(e, 0xffff));
    m->server_version = static_cast<ProtocolVersion>(v);
  } else if (e.field == "random") {
    SD_ASSIGN_OR_RETURN(m->random, EditRandom(e, m->random));
  } else if (e.field == "session_id") {
    SD_ASSIGN_OR_RETURN(m->session_id, EditBytes(e, m->session_id));
  } else if (e.field == "cipher_suite") {
    SD_ASSIGN_OR_RETURN(uint64_t v, EditNumber(e, 0xffff));
    m->cipher_suite = static_cast<uint16_t>(v);
  } else if (e.field == "compression_method") {
    SD_ASSIGN_OR_RETURN(uint64_t v, EditNumber(e, 0xff));
    m->compression_method = static_cast<uint8_t>(v);
  } else {
    return UnknownField("ServerHello", e.field);
  }
  return Status::Ok();
}

Status Edit(const FieldEdit& e, Certificate* m) {
  if (e.field != "certificate_list") return UnknownField("Certificate", e.field);
  SD_ASSIGN_OR_RETURN(m->certificate_list, EditBytesList(e));
  return Status::Ok();
}

Status Edit(const FieldEdit& e, ServerKeyExchange* m) {
  if (e.field == "signature_algorithm") {
    SD_ASSIGN_OR_RETURN(uint64_t v, EditNumber(e, 0xffff));
    m->algorithm = static_cast<SignatureScheme>(v);
  } else if (e.field == "signature") {
    SD_ASSIGN_OR_RETURN(m->signature, EditBytes(e, m->signature));
  } else if (e.field == "named_curve" || e.field == "public_key") {
    auto* ec = std::get_if<EcdhServerParams>(&m->params);
    if (ec == nullptr) return FieldError(e.field, "not an ECDHE ServerKeyExchange");
    if (e.field == "named_curve") {
      SD_ASSIGN_OR_RETURN(uint64_t v, EditNumber(e, 0xffff));
      ec->named_curve = static_cast<NamedGroup>(v);
    } else {
      SD_ASSIGN_OR_RETURN(ec->public_key, EditBytes(e, ec->public_key));
    }
  } else if (e.field == "dh_p" || e.field == "dh_g" || e.field == "dh_ys") {
    auto* dh = std::get_if<DhServerParams>(&m->params);
    if (dh == nullptr) return FieldError(e.field, "not a DHE ServerKeyExchange");
    Bytes* target = e.field == "dh_p" ? &dh->dh_p : e.field == "dh_g" ? &dh->dh_g : &dh->dh_ys;
    SD_ASSIGN_OR_RETURN(*target, EditBytes(e, *target));
  } else if (e.field == "rsa_modulus" || e.field == "rsa_exponent") {
    // The params become a temporary RSA key (RSA_EXPORT's ServerRSAParams; the FREAK message).
    if (!std::holds_alternative<RsaServerParams>(m->params)) m->params = RsaServerParams{};
    auto& rsa = std::get<RsaServerParams>(m->params);
    Bytes* target = e.field == "rsa_modulus" ? &rsa.rsa_modulus : &rsa.rsa_exponent;
    SD_ASSIGN_OR_RETURN(*target, EditBytes(e, *target));
  } else {
    return UnknownField("ServerKeyExchange", e.field);
  }
  return Status::Ok();
}

Status Edit(const FieldEdit& e, CertificateRequest* m) {
  if (e.field == "certificate_types") {
    SD_ASSIGN_OR_RETURN(m->certificate_types, EnumList<ClientCertificateType>(e));
  } else if (e.field == "supported_signature_algorithms") {
    SD_ASSIGN_OR_RETURN(m->supported_signature_algorithms, EnumList<SignatureScheme>(e));
  } else if (e.field == "certificate_authorities") {
    SD_ASSIGN_OR_RETURN(m->certificate_authorities, EditBytesList(e));
  } else {
    return UnknownField("CertificateRequest", e.field);
  }
  return Status::Ok();
}

Status Edit(const FieldEdit& e, CertificateVerify* m) {
  if (e.field == "signature_algorithm") {
    SD_ASSIGN_OR_RETURN(uint64_t v, EditNumber(e, 0xffff));
    m->algorithm = static_cast<SignatureScheme>(v);
  } else if (e.field == "signature") {
    SD_ASSIGN_OR_RETURN(m->signature, EditBytes(e, m->signature));
  } else {
    return UnknownField("CertificateVerify", e.field);
  }
  return Status::Ok();
}

Status Edit(const FieldEdit& e, ClientKeyExchange* m) {
  if (e.field != "exchange_keys") return UnknownField("ClientKeyExchange", e.field);
  SD_ASSIGN_OR_RETURN(m->exchange_keys, EditBytes(e, m->exchange_keys));
  return Status::Ok();
}

Status Edit(const FieldEdit& e, NewSessionTicket* m) {
  if (e.field == "ticket_lifetime_hint") {
    SD_ASSIGN_OR_RETURN(uint64_t v, EditNumber(e, 0xffffffff));
    m->ticket_lifetime_hint = static_cast<uint32_t>(v);
  } else if (e.field == "ticket") {
    SD_ASSIGN_OR_RETURN(m->ticket, EditBytes(e, m->ticket));
  } else {
    return UnknownField("NewSessionTicket", e.field);
  }
  return Status::Ok();
}

Status Edit(const FieldEdit& e, CertificateStatus* m) {
  if (e.field == "status_type") {
    SD_ASSIGN_OR_RETURN(uint64_t v, EditNumber(e, 0xff));
    m->status_type = static_cast<uint8_t>(v);
  } else if (e.field == "response") {
    SD_ASSIGN_OR_RETURN(m->response, EditBytes(e, m->response));
  } else {
    return UnknownField("CertificateStatus", e.field);
  }
  return Status::Ok();
}

Status Edit(const FieldEdit& e, Finished* m) {
  if (e.field != "verify_data") return UnknownField("Finished", e.field);
  SD_ASSIGN_OR_RETURN(m->verify_data, EditBytes(e, m->verify_data));
  return Status::Ok();
}

Status Edit(const FieldEdit& e, HelloRequest*) { return UnknownField("HelloRequest", e.field); }
Status Edit(const FieldEdit& e, ServerHelloDone*) {
  return UnknownField("ServerHelloDone", e.field);
}

}  // namespace

std::optional<MessageName> MessageNameOfType(HandshakeType type) {
  for (MessageName name : AllMessageNames()) {
    if (HandshakeTypeOf(name) == type) return name;
  }
  return std::nullopt;
}

Result<uint64_t> EditNumber(const FieldEdit& edit, uint64_t max) {
  const uint64_t* v = std::get_if<uint64_t>(&edit.value.value);
  if (v == nullptr) return FieldError(edit.field, "expected a number");
  if (*v > max) return FieldError(edit.field, std::to_string(*v) + " does not fit the field");
  return *v;
}

Status ApplyXor(const BytesXor& x, Bytes* value, std::string_view field) {
  int64_t size = static_cast<int64_t>(value->size());
  int64_t at = x.at < 0 ? size + x.at : x.at;
  if (at < 0 || at + static_cast<int64_t>(x.mask.size()) > size) {
    return InternalError(std::string(field) + ": xor of " + std::to_string(x.mask.size()) +
                         " bytes at " + std::to_string(x.at) + " falls outside the " +
                         std::to_string(size) + "-byte value");
  }
  for (size_t i = 0; i < x.mask.size(); ++i) (*value)[at + i] ^= x.mask[i];
  return Status::Ok();
}

Result<Bytes> EditBytes(const FieldEdit& edit, ByteView current) {
  if (const Bytes* b = std::get_if<Bytes>(&edit.value.value)) return *b;
  if (const BytesXor* x = std::get_if<BytesXor>(&edit.value.value)) {
    Bytes out = current.ToBytes();
    SD_RETURN_IF_ERROR(ApplyXor(*x, &out, edit.field));
    return out;
  }
  return FieldError(edit.field, "expected hex bytes or an xor");
}

Result<std::vector<uint64_t>> EditNumberList(const FieldEdit& edit, uint64_t max) {
  const auto* list = std::get_if<std::vector<uint64_t>>(&edit.value.value);
  if (list == nullptr) return FieldError(edit.field, "expected a list of numbers");
  for (uint64_t v : *list) {
    if (v > max) return FieldError(edit.field, std::to_string(v) + " does not fit the field");
  }
  return *list;
}

Result<std::vector<Bytes>> EditBytesList(const FieldEdit& edit) {
  const auto* list = std::get_if<std::vector<Bytes>>(&edit.value.value);
  if (list == nullptr) return FieldError(edit.field, "expected a list of hex strings");
  return *list;
}

std::optional<uint16_t> ExtensionFieldType(std::string_view field) {
  constexpr std::string_view kPrefix = "extensions.";
  if (field.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  std::string_view name = field.substr(kPrefix.size());
  if (name.substr(0, 2) == "0x") {
    // 1 to 4 hex digits (scenario.cc's FindField accepts the same).
    std::string digits(name.substr(2));
    if (digits.empty() || digits.size() > 4) return std::nullopt;
    digits.insert(0, 4 - digits.size(), '0');
    std::optional<Bytes> b = FromHex(digits);
    if (!b) return std::nullopt;
    return static_cast<uint16_t>((*b)[0] << 8 | (*b)[1]);
  }
  return ValueOf(Registry::kExtensionType, name);
}

Status ApplyFieldEdits(const std::vector<FieldEdit>& edits, TypedHandshake* message) {
  for (const FieldEdit& e : edits) {
    SD_RETURN_IF_ERROR(std::visit([&](auto& m) { return Edit(e, &m); }, *message));
  }
  return Status::Ok();
}

Status ApplyAlertEdits(const std::vector<FieldEdit>& edits, Alert* alert) {
  for (const FieldEdit& e : edits) {
    SD_ASSIGN_OR_RETURN(uint64_t v, EditNumber(e, 0xff));
    if (e.field == "level") {
      alert->level = static_cast<AlertLevel>(v);
    } else if (e.field == "description") {
      alert->description = static_cast<AlertDescription>(v);
    } else {
      return UnknownField("Alert", e.field);
    }
  }
  return Status::Ok();
}

bool HasCorruption(const Corruption& c) {
  return c.xor_bytes.has_value() || c.truncate.has_value() || !c.append.empty();
}

Status ApplyCorruption(const Corruption& c, Bytes* encoded) {
  if (c.xor_bytes) SD_RETURN_IF_ERROR(ApplyXor(*c.xor_bytes, encoded, "corrupt.xor"));
  if (c.truncate && *c.truncate < encoded->size()) encoded->resize(*c.truncate);
  Append(*encoded, c.append);
  return Status::Ok();
}

}  // namespace shakedown
