#include "harness/kat.h"

#include <algorithm>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <optional>
#include <set>
#include <string_view>

#include <nlohmann/json.hpp>

#include "engine/base/bytes.h"
#include "engine/base/reader.h"
#include "engine/base/writer.h"
#include "engine/crypto/dh.h"
#include "engine/crypto/key_exchange.h"
#include "engine/crypto/key_schedule.h"
#include "engine/crypto/prf.h"
#include "engine/crypto/record_protection.h"
#include "engine/crypto/rng.h"
#include "engine/crypto/transcript.h"
#include "engine/wire/registry.h"

namespace shakedown {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kSslv3Reason =
    "SSLv3 derivation: RFC 7568 prohibits SSLv3 and the engine does not implement its key "
    "schedule";

std::string Quote(std::string_view field) { return "'" + std::string(field) + "'"; }

// An engine failure on the way to the value a check compares, naming the step.
template <typename T>
Result<T> Engine(std::string_view step, Result<T> result) {
  if (result.ok()) return result;
  return InternalError(std::string(step) + " failed: " + result.status().ToString());
}

// One vector being checked: reads its fields (every error names the field) and records
// results into the report.
class VectorRun {
 public:
  VectorRun(const std::string& file, std::string id, const Json& vector, KatReport* report)
      : file_(file), id_(std::move(id)), vector_(vector), report_(report) {}

  const std::string& id() const { return id_; }
  int results() const { return results_; }

  bool Has(const std::string& field) const { return vector_.contains(field); }

  Result<std::string> String(const std::string& field) const {
    auto it = vector_.find(field);
    if (it == vector_.end()) return DecodeError("field " + Quote(field) + " is missing");
    if (!it->is_string()) return DecodeError("field " + Quote(field) + " is not a string");
    return it->get<std::string>();
  }

  Result<Bytes> Hex(const std::string& field) const {
    SD_ASSIGN_OR_RETURN(std::string text, String(field));
    std::optional<Bytes> bytes = FromHex(text);
    if (!bytes) return DecodeError("field " + Quote(field) + " is not valid hex");
    return *bytes;
  }

  // The first of `fields` that is present.
  Result<Bytes> FirstHex(std::initializer_list<std::string> fields) const {
    for (const std::string& field : fields) {
      if (Has(field)) return Hex(field);
    }
    std::string names;
    for (const std::string& field : fields) names += (names.empty() ? "" : " or ") + Quote(field);
    return DecodeError("field " + names + " is missing");
  }

  Result<uint64_t> Unsigned(const std::string& field) const {
    auto it = vector_.find(field);
    if (it == vector_.end()) return DecodeError("field " + Quote(field) + " is missing");
    if (!it->is_number_unsigned()) {
      return DecodeError("field " + Quote(field) + " is not a non-negative integer");
    }
    return it->get<uint64_t>();
  }

  // "checks": {"name": true|false, ...}, or a list of names (all true).
  Result<std::vector<std::pair<std::string, bool>>> Checks() const {
    auto it = vector_.find("checks");
    if (it == vector_.end()) return DecodeError("field 'checks' is missing");
    std::vector<std::pair<std::string, bool>> out;
    if (it->is_object()) {
      for (const auto& [name, value] : it->items()) {
        if (!value.is_boolean()) {
          return DecodeError("field 'checks': value of '" + name + "' is not a boolean");
        }
        out.emplace_back(name, value.get<bool>());
      }
    } else if (it->is_array()) {
      for (const Json& name : *it) {
        if (!name.is_string()) return DecodeError("field 'checks': an entry is not a string");
        out.emplace_back(name.get<std::string>(), true);
      }
    } else {
      return DecodeError("field 'checks' is neither an object nor an array");
    }
    return out;
  }

  void Pass(std::string_view check) { Record(check, true, ""); }
  void Fail(std::string_view check, std::string detail) { Record(check, false, std::move(detail)); }

  // Compares an engine output with the vector's expected value.
  void Expect(std::string_view check, ByteView expected, const Result<Bytes>& got) {
    if (!got.ok()) return Fail(check, "engine error: " + got.status().ToString());
    if (*got != expected) {
      return Fail(check, "expected " + ToHex(expected) + ", got " + ToHex(*got));
    }
    Pass(check);
  }

  // Runs `body`; if it cannot even compute (a missing field, an engine error on the way),
  // that is one failed `check`.
  void Run(std::string_view check, const std::function<Status()>& body) {
    Status status = body();
    if (!status.ok()) Fail(check, status.message());
  }

  // True the first time it is asked about `check` (for checks several handlers share).
  bool FirstTime(const std::string& check) { return once_.insert(check).second; }

  void SkipCheck(std::string_view check, std::string_view reason) {
    report_->skipped_checks.push_back({file_, id_, std::string(check), std::string(reason)});
  }

 private:
  void Record(std::string_view check, bool passed, std::string detail) {
    report_->results.push_back({file_, id_, std::string(check), passed, std::move(detail)});
    ++results_;
  }

  const std::string& file_;
  std::string id_;
  const Json& vector_;
  KatReport* report_;
  int results_ = 0;
  std::set<std::string> once_;
};

// RFC 5246 7.4.9: a Finished handshake message, header included.
Bytes FinishedMessage(ByteView verify_data) {
  Writer w;
  w.U8(static_cast<uint8_t>(HandshakeType::kFinished));
  w.VectorBytes(3, verify_data);
  return w.Take();
}

// RFC 5246 8.1 uses the hello randoms. Vectors from real connections name them
// client_random/server_random; NIST CAVP names them *_hello_random and gives DIFFERENT
// randoms for key expansion (key_expansion_*_random; see those vectors' notes).
Result<Bytes> HelloRandom(const VectorRun& v, const std::string& side) {
  return v.FirstHex({side + "_hello_random_hex", side + "_random_hex"});
}
Result<Bytes> KeyExpansionRandom(const VectorRun& v, const std::string& side) {
  return v.FirstHex({"key_expansion_" + side + "_random_hex", side + "_random_hex"});
}

Result<const CipherSuiteInfo*> Suite(const VectorRun& v) {
  SD_ASSIGN_OR_RETURN(Bytes id, v.Hex("cipher_suite_hex"));
  if (id.size() != 2) return DecodeError("field 'cipher_suite_hex' is not 2 bytes");
  uint16_t value = static_cast<uint16_t>(id[0] << 8 | id[1]);
  const CipherSuiteInfo* suite = FindCipherSuite(value);
  if (suite == nullptr) {
    return DecodeError("field 'cipher_suite_hex': " + ToHex(id) + " is not in the registry");
  }
  return suite;
}

// ---- PRF vectors ----

void CheckPrfVector(VectorRun& v) {
  v.Run("prf", [&]() -> Status {
    SD_ASSIGN_OR_RETURN(std::string hash, v.String("hash"));
    std::optional<PrfAlgorithm> prf = PrfAlgorithmFromName(hash);
    if (!prf) return DecodeError("field 'hash': unsupported PRF hash '" + hash + "'");
    SD_ASSIGN_OR_RETURN(Bytes secret, v.Hex("secret_hex"));
    // label_hex is authoritative (labels may contain NULs); label must agree with it.
    std::string label;
    if (v.Has("label_hex")) {
      SD_ASSIGN_OR_RETURN(Bytes label_bytes, v.Hex("label_hex"));
      label.assign(label_bytes.begin(), label_bytes.end());
      if (v.Has("label")) {
        SD_ASSIGN_OR_RETURN(std::string text, v.String("label"));
        if (text != label) return DecodeError("field 'label' disagrees with 'label_hex'");
      }
    } else {
      SD_ASSIGN_OR_RETURN(label, v.String("label"));
    }
    SD_ASSIGN_OR_RETURN(Bytes seed, v.Hex("seed_hex"));
    SD_ASSIGN_OR_RETURN(Bytes expected, v.Hex("output_hex"));
    SD_ASSIGN_OR_RETURN(uint64_t out_len, v.Unsigned("output_len"));
    if (out_len != expected.size()) {
      return DecodeError("field 'output_len' is " + std::to_string(out_len) +
                         " but 'output_hex' has " + std::to_string(expected.size()) + " bytes");
    }
    v.Expect("prf", expected, Prf(*prf, secret, label, seed, expected.size()));
    return Status::Ok();
  });
}

// ---- Key-schedule vectors: one function per kind of check ----

void CheckMasterSecret(VectorRun& v, PrfAlgorithm prf) {
  v.Run("master_secret", [&]() -> Status {
    SD_ASSIGN_OR_RETURN(Bytes pms, v.Hex("pre_master_secret_hex"));
    SD_ASSIGN_OR_RETURN(Bytes client_random, HelloRandom(v, "client"));
    SD_ASSIGN_OR_RETURN(Bytes server_random, HelloRandom(v, "server"));
    SD_ASSIGN_OR_RETURN(Bytes expected, v.Hex("master_secret_hex"));
    v.Expect("master_secret", expected,
             ComputeMasterSecret(prf, pms, client_random, server_random));
    return Status::Ok();
  });
}

void CheckExtendedMasterSecret(VectorRun& v, PrfAlgorithm prf) {
  // RFC 7627 4: session_hash = Hash(ClientHello..ClientKeyExchange).
  if (v.Has("handshake_messages_hex")) {
    v.Run("session_hash", [&]() -> Status {
      SD_ASSIGN_OR_RETURN(Bytes messages, v.Hex("handshake_messages_hex"));
      SD_ASSIGN_OR_RETURN(Bytes expected, v.Hex("session_hash_hex"));
      v.Expect("session_hash", expected, HandshakeHash(prf, messages));
      return Status::Ok();
    });
  }
  v.Run("extended_master_secret", [&]() -> Status {
    SD_ASSIGN_OR_RETURN(Bytes pms, v.Hex("pre_master_secret_hex"));
    SD_ASSIGN_OR_RETURN(Bytes session_hash, v.Hex("session_hash_hex"));
    SD_ASSIGN_OR_RETURN(Bytes expected, v.Hex("master_secret_hex"));
    v.Expect("extended_master_secret", expected,
             ComputeExtendedMasterSecret(prf, pms, session_hash));
    return Status::Ok();
  });
}

void CheckKeyBlock(VectorRun& v, PrfAlgorithm prf) {
  Result<Bytes> block = InternalError("not computed");
  v.Run("key_block", [&]() -> Status {
    SD_ASSIGN_OR_RETURN(Bytes master, v.Hex("master_secret_hex"));
    SD_ASSIGN_OR_RETURN(Bytes client_random, KeyExpansionRandom(v, "client"));
    SD_ASSIGN_OR_RETURN(Bytes server_random, KeyExpansionRandom(v, "server"));
    SD_ASSIGN_OR_RETURN(Bytes expected, v.Hex("key_block_hex"));
    block = ComputeKeyBlock(prf, master, client_random, server_random, expected.size());
    v.Expect("key_block", expected, block);
    return Status::Ok();
  });
  if (!block.ok()) return;

  // The split into traffic keys, where the vector gives them.
  const char* kKeyFields[] = {"client_write_mac_key_hex", "server_write_mac_key_hex",
                              "client_write_key_hex", "server_write_key_hex"};
  bool any = std::any_of(std::begin(kKeyFields), std::end(kKeyFields),
                         [&](const char* f) { return v.Has(f); });
  if (!any) return;
  v.Run("key_block_split", [&]() -> Status {
    Bytes expected[4];
    for (int i = 0; i < 4; ++i) {
      SD_ASSIGN_OR_RETURN(expected[i], v.Hex(kKeyFields[i]));
    }
    // The suite's layout (RFC 5246 6.3) if the vector names one; otherwise the layout its
    // key lengths imply (the Go vectors: "macLen=20, keyLen=16, no IVs").
    CipherSuiteInfo layout{};
    if (v.Has("cipher_suite_hex")) {
      SD_ASSIGN_OR_RETURN(const CipherSuiteInfo* suite, Suite(v));
      layout = *suite;
    } else {
      layout.name = "layout from the vector's key lengths";
      layout.mac_key_length = static_cast<uint8_t>(expected[0].size());
      layout.enc_key_length = static_cast<uint8_t>(expected[2].size());
      size_t rest = block->size() - 2 * (expected[0].size() + expected[2].size());
      if (expected[0].size() > 255 || expected[2].size() > 255 || rest % 2 != 0 ||
          rest / 2 > 255) {
        return DecodeError("key lengths in the vector do not fit its key_block_hex");
      }
      layout.fixed_iv_length = static_cast<uint8_t>(rest / 2);
    }
    SD_ASSIGN_OR_RETURN(KeyBlock keys, Engine("SplitKeyBlock", SplitKeyBlock(layout, *block)));
    v.Expect("client_write_mac_key", expected[0], keys.client_write.mac_key);
    v.Expect("server_write_mac_key", expected[1], keys.server_write.mac_key);
    v.Expect("client_write_key", expected[2], keys.client_write.enc_key);
    v.Expect("server_write_key", expected[3], keys.server_write.enc_key);
    return Status::Ok();
  });
}

// The handshake hash a side's Finished covers, as the vector gives it; where the vector
// also gives the messages, records a check that hashing them gives that value.
Result<Bytes> FinishedHandshakeHash(VectorRun& v, PrfAlgorithm prf, Side sender,
                                    bool record_checks) {
  const std::string side = SideName(sender);
  const std::string side_field = side + "_finished_handshake_hash_hex";
  if (v.Has(side_field)) {
    // A captured connection: RFC 5246 7.4.9, each side hashes the messages before its own
    // Finished, so the server's hash also covers the client's Finished.
    SD_ASSIGN_OR_RETURN(Bytes given, v.Hex(side_field));
    SD_ASSIGN_OR_RETURN(Bytes messages, v.Hex("handshake_messages_hex"));
    if (sender == Side::kServer) {
      SD_ASSIGN_OR_RETURN(Bytes client_verify_data, v.Hex("client_verify_data_hex"));
      Append(messages, FinishedMessage(client_verify_data));
    }
    std::string check = side + "_finished_handshake_hash";
    if (record_checks && v.FirstTime(check)) {
      v.Expect(check, given, HandshakeHash(prf, messages));
    }
    return given;
  }
  if (v.Has("handshake_hash_hex")) {
    SD_ASSIGN_OR_RETURN(Bytes given, v.Hex("handshake_hash_hex"));
    if (record_checks && v.Has("handshake_messages_hex") && v.FirstTime("handshake_hash")) {
      SD_ASSIGN_OR_RETURN(Bytes messages, v.Hex("handshake_messages_hex"));
      v.Expect("handshake_hash", given, HandshakeHash(prf, messages));
    }
    return given;
  }
  if (!v.Has("handshake_messages_hex")) {
    return DecodeError("field 'handshake_hash_hex' or 'handshake_messages_hex' is missing");
  }
  SD_ASSIGN_OR_RETURN(Bytes messages, v.Hex("handshake_messages_hex"));
  return Engine("HandshakeHash", HandshakeHash(prf, messages));
}

void CheckVerifyData(VectorRun& v, PrfAlgorithm prf, Side sender) {
  const std::string check = std::string(SideName(sender)) + "_verify_data";
  v.Run(check, [&]() -> Status {
    SD_ASSIGN_OR_RETURN(Bytes master, v.Hex("master_secret_hex"));
    SD_ASSIGN_OR_RETURN(Bytes expected, v.Hex(check + "_hex"));
    SD_ASSIGN_OR_RETURN(Bytes hash, FinishedHandshakeHash(v, prf, sender, true));
    v.Expect(check, expected, ComputeVerifyData(prf, master, sender, hash));
    return Status::Ok();
  });
}
void CheckClientVerifyData(VectorRun& v, PrfAlgorithm prf) {
  CheckVerifyData(v, prf, Side::kClient);
}
void CheckServerVerifyData(VectorRun& v, PrfAlgorithm prf) {
  CheckVerifyData(v, prf, Side::kServer);
}

// Decrypts a captured Finished record (sequence number 0: the first protected record in
// each direction) with keys derived from the vector, and expects the Finished message
// carrying the verify_data the engine computes.
void CheckFinishedRecord(VectorRun& v, PrfAlgorithm prf, Side sender) {
  const std::string side = SideName(sender);
  const std::string check = side + "_finished_record";
  v.Run(check, [&]() -> Status {
    SD_ASSIGN_OR_RETURN(const CipherSuiteInfo* suite, Suite(v));
    SD_ASSIGN_OR_RETURN(Bytes master, v.Hex("master_secret_hex"));
    SD_ASSIGN_OR_RETURN(Bytes client_random, KeyExpansionRandom(v, "client"));
    SD_ASSIGN_OR_RETURN(Bytes server_random, KeyExpansionRandom(v, "server"));
    const std::string field = check + "_hex";
    SD_ASSIGN_OR_RETURN(Bytes record, v.Hex(field));

    // RFC 5246 6.2.1: type, version, length-prefixed fragment.
    Reader reader{ByteView(record)};
    uint8_t type = 0;
    uint16_t version = 0;
    ByteView fragment;
    SD_RETURN_IF_ERROR(reader.U8(field + ": TLSCiphertext.type", &type));
    SD_RETURN_IF_ERROR(reader.U16(field + ": TLSCiphertext.version", &version));
    SD_RETURN_IF_ERROR(reader.VectorBytes(field + ": TLSCiphertext.fragment", 2, 1,
                                          (1u << 14) + 2048, &fragment));  // RFC 5246 6.2.3
    SD_RETURN_IF_ERROR(reader.ExpectEnd(field));
    if (type != static_cast<uint8_t>(ContentType::kHandshake)) {
      return DecodeError(field + ": content type " + std::to_string(type) +
                         " is not handshake(22)");
    }

    SD_ASSIGN_OR_RETURN(Bytes block,
                        Engine("ComputeKeyBlock", ComputeKeyBlock(prf, master, client_random,
                                                                  server_random,
                                                                  suite->KeyBlockLength())));
    SD_ASSIGN_OR_RETURN(KeyBlock keys, Engine("SplitKeyBlock", SplitKeyBlock(*suite, block)));
    SD_ASSIGN_OR_RETURN(Bytes hash, FinishedHandshakeHash(v, prf, sender, false));
    SD_ASSIGN_OR_RETURN(Bytes verify_data,
                        Engine("ComputeVerifyData", ComputeVerifyData(prf, master, sender, hash)));

    DeterministicRng rng(0);  // Open consumes no randomness; Create wants a generator.
    SD_ASSIGN_OR_RETURN(
        std::unique_ptr<RecordProtection> protection,
        Engine("RecordProtection::Create",
               RecordProtection::Create(*suite,
                                        sender == Side::kClient ? keys.client_write
                                                                          : keys.server_write,
                                        &rng)));
    v.Expect(check, FinishedMessage(verify_data),
             protection->Open(ContentType::kHandshake, static_cast<ProtocolVersion>(version),
                              fragment));
    return Status::Ok();
  });
}
void CheckClientFinishedRecord(VectorRun& v, PrfAlgorithm prf) {
  CheckFinishedRecord(v, prf, Side::kClient);
}
void CheckServerFinishedRecord(VectorRun& v, PrfAlgorithm prf) {
  CheckFinishedRecord(v, prf, Side::kServer);
}

// The X25519 pre-master secret of a captured connection (RFC 8422 5.10, RFC 7748 6.1):
// the client's private scalar gives its public value and, with the server's public value,
// the pre-master secret the key-schedule checks start from.
void CheckX25519PreMasterSecret(VectorRun& v, PrfAlgorithm) {
  Result<EcdheKeyPair> client = InternalError("not computed");
  v.Run("client_x25519_public", [&]() -> Status {
    SD_ASSIGN_OR_RETURN(Bytes private_key, v.Hex("client_x25519_private_hex"));
    SD_ASSIGN_OR_RETURN(Bytes expected, v.Hex("client_x25519_public_hex"));
    client = EcdheKeyPair::FromPrivateKey(NamedGroup::kX25519, private_key);
    v.Expect("client_x25519_public", expected,
             client.ok() ? Result<Bytes>(client->public_value()) : client.status());
    return Status::Ok();
  });
  if (!client.ok()) return;
  v.Run("pre_master_secret", [&]() -> Status {
    SD_ASSIGN_OR_RETURN(Bytes server_public, v.Hex("server_x25519_public_hex"));
    SD_ASSIGN_OR_RETURN(Bytes expected, v.Hex("pre_master_secret_hex"));
    v.Expect("pre_master_secret", expected, client->Agree(server_public));
    return Status::Ok();
  });
}

using CheckFunction = void (*)(VectorRun&, PrfAlgorithm);

// The names vectors use in "checks", in the order the checks run. Several names can map to
// one function (the illustrated-tls12 vector names its checks after its own provenance);
// each function runs once per vector.
struct NamedCheck {
  std::string_view name;
  CheckFunction run;
};
constexpr NamedCheck kChecks[] = {
    {"pms_matches_site", CheckX25519PreMasterSecret},
    {"master_secret", CheckMasterSecret},
    {"master_secret_matches_keylog", CheckMasterSecret},
    {"extended_master_secret", CheckExtendedMasterSecret},
    {"key_block", CheckKeyBlock},
    {"key_block_matches_site", CheckKeyBlock},
    {"client_verify_data", CheckClientVerifyData},
    {"client_verify_data_matches_plaintext_capture", CheckClientVerifyData},
    {"server_verify_data", CheckServerVerifyData},
    {"server_verify_data_matches_plaintext_capture", CheckServerVerifyData},
    {"client_finished_record_decrypts_and_mac_ok", CheckClientFinishedRecord},
    {"server_finished_record_decrypts_and_mac_ok", CheckServerFinishedRecord},
};

// Checks vectors name that are outside the key schedule, with the reason.
struct SkippedCheck {
  std::string_view name;
  std::string_view reason;
};
constexpr SkippedCheck kSkippedChecks[] = {
    {"pms_both_sides_equal",
     "needs the server's ephemeral X25519 private key, which the vector does not include "
     "(pms_matches_site checks the client side)"},
};

// Returns false if the vector is not covered (then recorded in report->not_covered).
bool CheckKeyScheduleVector(VectorRun& v, KatReport* report) {
  std::string version;
  if (v.Has("version")) {
    Result<std::string> r = v.String("version");
    if (!r.ok()) {
      v.Fail("version", r.status().message());
      return true;
    }
    version = *r;
  }
  Result<std::string> prf_name = v.String("prf_hash");
  if (!prf_name.ok()) {
    v.Fail("prf_hash", prf_name.status().message());
    return true;
  }
  if (*prf_name == "ssl3" || version == "SSL3.0") {
    report->not_covered.emplace_back(v.id(), std::string(kSslv3Reason));
    return false;
  }
  std::optional<PrfAlgorithm> prf = PrfAlgorithmFromName(*prf_name);
  if (!prf) {
    v.Fail("prf_hash", "field 'prf_hash': unsupported PRF hash '" + *prf_name + "'");
    return true;
  }
  Result<std::vector<std::pair<std::string, bool>>> checks = v.Checks();
  if (!checks.ok()) {
    v.Fail("checks", checks.status().message());
    return true;
  }

  std::set<std::string> wanted;
  for (const auto& [name, enabled] : *checks) {
    if (!enabled) {
      v.SkipCheck(name, "the vector marks it false");
      continue;
    }
    auto known = std::find_if(std::begin(kChecks), std::end(kChecks),
                              [&](const NamedCheck& c) { return c.name == name; });
    auto skipped = std::find_if(std::begin(kSkippedChecks), std::end(kSkippedChecks),
                                [&](const SkippedCheck& c) { return c.name == name; });
    if (known != std::end(kChecks)) {
      wanted.insert(name);
    } else if (skipped != std::end(kSkippedChecks)) {
      v.SkipCheck(name, skipped->reason);
    } else {
      v.Fail(name, "field 'checks': unknown check '" + name + "'");
    }
  }
  std::set<CheckFunction> done;
  for (const NamedCheck& check : kChecks) {
    if (wanted.count(std::string(check.name)) == 0) continue;
    if (!done.insert(check.run).second) continue;
    check.run(v, *prf);
  }
  if (v.results() == 0) v.Fail("checks", "field 'checks' names nothing the runner checks");
  return true;
}

// An RFC 7919 group (vectors/kat/ffdhe_groups.json): the engine's parameters for the code
// point equal the Appendix A formula for (b, X), g, and the printed hex where the file has it.
void CheckFfdheVector(VectorRun& v) {
  Result<uint64_t> code_point = v.Unsigned("code_point");
  Result<uint64_t> b = v.Unsigned("b");
  Result<uint64_t> x = v.Unsigned("X");
  Result<uint64_t> g = v.Unsigned("g");
  if (!code_point.ok() || !b.ok() || !x.ok() || !g.ok() || *b < 130 || *b > 8192) {
    v.Fail("ffdhe", "fields 'code_point', 'b' (130..8192), 'X' and 'g' are required numbers");
    return;
  }
  std::optional<DhGroup> group = FfdheGroup(static_cast<NamedGroup>(*code_point));
  if (!group.has_value()) {
    v.Fail("ffdhe_p", "the engine has no group " + std::to_string(*code_point));
    return;
  }
  v.Expect("ffdhe_p", Rfc7919Prime(*b, *x), group->p);
  v.Expect("ffdhe_g", Bytes{static_cast<uint8_t>(*g)}, group->g);
  if (v.Has("p_hex")) {
    Result<std::string> printed = v.String("p_hex");
    std::string hex = printed.ok() ? *printed : "";
    hex.erase(std::remove(hex.begin(), hex.end(), ' '), hex.end());
    std::optional<Bytes> bytes = FromHex(hex);
    if (!bytes.has_value()) {
      v.Fail("ffdhe_p_hex", "field 'p_hex' is not hex");
    } else {
      v.Expect("ffdhe_p_hex", *bytes, Result<Bytes>(group->p));
    }
  }
}

// A published AEAD vector (vectors/kat/ccm_vectors.json) through the AEAD the engine builds for
// `suite`'s records: the algorithm, key length and tag length (RFC 6655 3: CCM with L = 3) must
// give the published ciphertext || tag, open it back, and refuse it with a tag bit flipped.
void CheckAeadVector(VectorRun& v) {
  Result<std::string> name = v.String("suite");
  const CipherSuiteInfo* suite = name.ok() ? FindCipherSuite(std::string_view(*name)) : nullptr;
  Result<Bytes> key = v.Hex("key_hex");
  Result<Bytes> nonce = v.Hex("nonce_hex");
  Result<Bytes> aad = v.Hex("aad_hex");
  Result<Bytes> plaintext = v.Hex("plaintext_hex");
  Result<Bytes> ciphertext = v.Hex("ciphertext_hex");
  if (suite == nullptr || !key.ok() || !nonce.ok() || !aad.ok() || !plaintext.ok() ||
      !ciphertext.ok() || ciphertext->empty()) {
    v.Fail("aead",
           "fields 'suite' (a registry name), 'key_hex', 'nonce_hex', 'aad_hex', "
           "'plaintext_hex' and 'ciphertext_hex' (non-empty) are required");
    return;
  }
  v.Expect("aead_seal", *ciphertext, AeadSeal(*suite, *key, *nonce, *aad, *plaintext));
  v.Expect("aead_open", *plaintext, AeadOpen(*suite, *key, *nonce, *aad, *ciphertext));
  Bytes flipped = *ciphertext;
  flipped.back() ^= 0x01;
  Result<Bytes> refused = AeadOpen(*suite, *key, *nonce, *aad, flipped);
  if (refused.ok() || refused.status().alert() != AlertDescription::kBadRecordMac) {
    v.Fail("aead_tag_flipped",
           "a tag with its last bit flipped was not refused with "
           "bad_record_mac");
  } else {
    v.Pass("aead_tag_flipped");
  }
}

// A published ECDH vector (vectors/kat/ecdh_vectors.json, NIST CAVS ECC CDH): the engine's
// EcdheKeyPair for `group`, built from the private scalar, must agree with the peer point on
// exactly the shared secret (RFC 8422 5.10: the x-coordinate at the field size).
void CheckEcdhVector(VectorRun& v) {
  Result<std::string> group_name = v.String("group");
  std::optional<uint16_t> group =
      group_name.ok() ? ValueOf(Registry::kNamedGroup, *group_name) : std::nullopt;
  Result<Bytes> private_key = v.Hex("private_hex");
  Result<Bytes> peer_public = v.Hex("peer_public_hex");
  Result<Bytes> shared = v.Hex("shared_secret_hex");
  if (!group.has_value() || !private_key.ok() || !peer_public.ok() || !shared.ok()) {
    v.Fail("ecdh",
           "fields 'group' (a registry name), 'private_hex', 'peer_public_hex' and "
           "'shared_secret_hex' are required");
    return;
  }
  Result<EcdheKeyPair> pair =
      EcdheKeyPair::FromPrivateKey(static_cast<NamedGroup>(*group), *private_key);
  v.Expect("ecdh_shared_secret", *shared, pair.ok() ? pair->Agree(*peer_public) : pair.status());
}

// Returns false if the vector is not covered.
bool RunVector(const std::string& file, size_t index, const Json& vector, KatReport* report) {
  std::string fallback_id = "#" + std::to_string(index);
  if (!vector.is_object()) {
    VectorRun(file, fallback_id, vector, report).Fail("vector", "not a JSON object");
    return true;
  }
  auto id = vector.find("id");
  if (id == vector.end() || !id->is_string() || id->get<std::string>().empty()) {
    VectorRun(file, fallback_id, vector, report)
        .Fail("id", "field 'id' is missing, empty or not a string");
    return true;
  }
  VectorRun v(file, id->get<std::string>(), vector, report);
  try {
    // Key-schedule vectors carry "checks" and "prf_hash"; PRF vectors "prf"/"hash" and output.
    if (v.Has("checks") || v.Has("prf_hash")) return CheckKeyScheduleVector(v, report);
    if (v.Has("output_hex") || v.Has("prf")) {
      CheckPrfVector(v);
      return true;
    }
    if (v.Has("code_point") && v.Has("X")) {
      CheckFfdheVector(v);
      return true;
    }
    if (v.Has("suite") && v.Has("ciphertext_hex")) {
      CheckAeadVector(v);
      return true;
    }
    if (v.Has("group") && v.Has("shared_secret_hex")) {
      CheckEcdhVector(v);
      return true;
    }
    v.Fail("vector",
           "neither a PRF vector (fields 'prf', 'output_hex'), a key-schedule vector (fields "
           "'prf_hash', 'checks'), an RFC 7919 group (fields 'code_point', 'X'), an AEAD "
           "vector (fields 'suite', 'ciphertext_hex') nor an ECDH vector (fields 'group', "
           "'shared_secret_hex')");
  } catch (const std::exception& e) {
    v.Fail("vector", std::string("unexpected error: ") + e.what());
  }
  return true;
}

Status RunFile(const std::string& path, KatReport* report) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InternalError(path + ": cannot open");
  Json doc;
  try {
    doc = Json::parse(in);
  } catch (const std::exception& e) {
    return DecodeError(path + ": not valid JSON: " + e.what());
  }
  if (!doc.is_object()) return DecodeError(path + ": the top level is not a JSON object");
  auto vectors = doc.find("vectors");
  if (vectors == doc.end() || !vectors->is_array()) {
    return DecodeError(path + ": field 'vectors' is missing or not an array");
  }
  auto count = doc.find("count");
  if (count == doc.end() || !count->is_number_unsigned()) {
    return DecodeError(path + ": field 'count' is missing or not a non-negative integer");
  }
  if (count->get<uint64_t>() != vectors->size()) {
    return DecodeError(path + ": field 'count' is " + std::to_string(count->get<uint64_t>()) +
                       " but 'vectors' has " + std::to_string(vectors->size()) + " entries");
  }

  KatFileSummary summary;
  summary.file = path;
  summary.declared_count = static_cast<int>(vectors->size());
  for (size_t i = 0; i < vectors->size(); ++i) {
    if (RunVector(path, i, (*vectors)[i], report)) {
      ++summary.vectors_checked;
    } else {
      ++summary.vectors_not_covered;
    }
  }
  report->files.push_back(summary);
  return Status::Ok();
}

}  // namespace

int KatReport::passed() const {
  return static_cast<int>(
      std::count_if(results.begin(), results.end(), [](const KatResult& r) { return r.passed; }));
}

int KatReport::failed() const { return static_cast<int>(results.size()) - passed(); }

Result<KatReport> RunKatFiles(const std::vector<std::string>& paths) {
  if (paths.empty()) return InternalError("no KAT vector files given");
  KatReport report;
  for (const std::string& path : paths) SD_RETURN_IF_ERROR(RunFile(path, &report));
  return report;
}

Result<KatReport> RunKatDirectory(const std::string& dir) {
  std::vector<std::string> paths;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    if (it->path().extension() == ".json" && it->is_regular_file()) {
      paths.push_back(it->path().string());
    }
  }
  if (ec) return InternalError(dir + ": cannot list: " + ec.message());
  if (paths.empty()) return InternalError(dir + ": no *.json vector files");
  std::sort(paths.begin(), paths.end());
  return RunKatFiles(paths);
}

std::string FormatKatReport(const KatReport& report, bool verbose) {
  std::string out;
  for (const KatResult& r : report.results) {
    if (r.passed && !verbose) continue;
    out += (r.passed ? "PASS " : "FAIL ") + r.file + " " + r.id + " " + r.check;
    if (!r.passed) out += ": " + r.detail;
    out += "\n";
  }
  for (const auto& [id, reason] : report.not_covered) out += "SKIP " + id + ": " + reason + "\n";
  for (const KatSkippedCheck& s : report.skipped_checks) {
    out += "SKIP " + s.id + " " + s.check + ": " + s.reason + "\n";
  }
  int not_covered = 0;
  for (const KatFileSummary& f : report.files) {
    out += f.file + ": " + std::to_string(f.declared_count) + " vectors, " +
           std::to_string(f.vectors_checked) + " checked, " +
           std::to_string(f.vectors_not_covered) + " not covered\n";
    not_covered += f.vectors_not_covered;
  }
  out += "not covered: " + std::to_string(not_covered) + " vectors, " +
         std::to_string(report.skipped_checks.size()) + " checks\n";
  out += "KAT: " + std::to_string(report.passed()) + " passed, " +
         std::to_string(report.failed()) + " failed\n";
  return out;
}

}  // namespace shakedown
