#include "vectors/generator/record_vectors.h"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "engine/base/alert.h"
#include "engine/wire/registry.h"
#include "harness/scenario/loader.h"
#include "harness/scenario/scenario.h"
#include "vectors/generator/steps.h"

namespace shakedown {
namespace {

constexpr char kTopic[] = "record-protection";
constexpr char kDir[] = "vectors/conformance/record-protection";
constexpr char kRegenerate[] =
    "bazel run //vectors/generator:record_vectors -- --out "
    "$PWD/vectors/conformance/record-protection";

using M = MessageName;

// A byte of a protected record, by its offset in the record's fragment (negative: from the
// end), and what it is.
struct Spot {
  const char* slug;
  int at;
  const char* what;
};

std::vector<Spot> SpotsFor(const CipherSuiteInfo& s) {
  if (s.cipher_type == CipherType::kBlock) {
    // RFC 5246 6.2.3.2: IV, then the CBC ciphertext of content, MAC, padding, padding_length.
    const int block = s.block_length;
    return {{"iv", 0, "the first byte of the explicit IV (it changes the first plaintext block)"},
            {"first-block", block, "the first byte of the first ciphertext block"},
            {"second-last-block", -1 - block,
             "the last byte of the second-to-last ciphertext block (it garbles the plaintext "
             "block before the last and flips the padding_length byte)"},
            {"last-byte", -1, "the last byte (it garbles the block holding the padding)"}};
  }
  std::vector<Spot> spots;
  if (s.record_iv_length > 0) {
    // RFC 5288 3: the 8-byte nonce_explicit before the ciphertext.
    spots.push_back({"explicit-nonce", 0, "the first byte of the explicit nonce"});
  }
  spots.push_back({"first-ciphertext-byte", s.record_iv_length, "the first ciphertext byte"});
  spots.push_back({"tag-first-byte", -static_cast<int>(s.mac_length),
                   "the first byte of the authentication tag"});
  spots.push_back({"tag-last-byte", -1, "the last byte of the authentication tag"});
  return spots;
}

std::string Kebab(std::string_view name) {
  // "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" -> "ecdhe-rsa-aes-128-gcm-sha256"
  std::string s(name);
  if (s.rfind("TLS_", 0) == 0) s = s.substr(4);
  const size_t with = s.find("_WITH_");
  if (with != std::string::npos) s.replace(with, 6, "_");
  for (char& c : s) c = c == '_' ? '-' : static_cast<char>(std::tolower(c));
  return s;
}

Step Corrupted(MessageName m, int at, std::string comment) {
  SendStep send;
  send.message = m;
  BytesXor x;
  x.mask = {0x01};
  x.at = at;
  send.record.corrupt_record = x;
  if (m == M::kApplicationData) {
    const std::string text = "application data\n";
    send.raw.assign(text.begin(), text.end());
  }
  return SendOf(std::move(send), std::move(comment));
}

// The handshake up to the peer's Finished, in the target's role.
std::vector<Step> HandshakeTo(Side role, const CipherSuiteInfo& s) {
  const bool ske = s.IsEcdhe();
  std::vector<Step> steps;
  if (role == Side::kServer) {
    steps.push_back(Send(M::kClientHello));
    std::vector<MessageName> flight = {M::kServerHello, M::kCertificate};
    if (ske) flight.push_back(M::kServerKeyExchange);
    flight.push_back(M::kServerHelloDone);
    steps.push_back(ExpectMessages(flight));
    steps.push_back(Send(M::kClientKeyExchange));
    steps.push_back(Send(M::kChangeCipherSpec));
  } else {
    steps.push_back(ExpectMessages({M::kClientHello}));
    steps.push_back(Send(M::kServerHello));
    steps.push_back(Send(M::kCertificate));
    if (ske) steps.push_back(Send(M::kServerKeyExchange));
    steps.push_back(Send(M::kServerHelloDone));
    steps.push_back(ExpectMessages({M::kClientKeyExchange, M::kChangeCipherSpec, M::kFinished}));
    steps.push_back(Send(M::kChangeCipherSpec));
  }
  return steps;
}

Scenario Build(Side role, const CipherSuiteInfo& s, const Spot& spot, bool app_data) {
  const std::string role_name(SideName(role));
  const std::string suite(s.name);
  const std::string record = app_data ? "app-data" : "finished";
  Scenario v;
  v.id = role_name + "." + kTopic + "." + Kebab(suite) + "." + record + "-" + spot.slug;
  v.topic = kTopic;
  v.role = role;
  const bool cbc = s.cipher_type == CipherType::kBlock;
  v.title = std::string(role == Side::kServer ? "A server" : "A client") + " refuses " +
            (app_data ? "an application data record" : "a Finished record") + " of " + suite +
            " with one bit flipped in " + spot.what;
  v.refs = {cbc ? "RFC5246 6.2.3.2" : "RFC5246 6.2.3.3", "RFC5246 7.2.2",
            cbc ? "checklist:8" : "checklist:10"};
  v.notes = std::string("Generated (") + kDir + "/README.md). The peer " +
            (app_data ? "completes the handshake, then sends application data" : "sends its Finished") +
            " protected under " + suite + ", with one bit flipped in " + spot.what +
            " as the record goes on the wire (`corrupt_record`). " +
            (cbc ? "RFC 5246 6.2.3.2: a record whose MAC or padding does not check \"MUST\" be "
                   "answered with bad_record_mac, the same alert for both (decryption_failed "
                   "MUST NOT be sent, 7.2.2; checklist 8)."
                 : "RFC 5246 6.2.3.3: \"If the decryption fails, a fatal bad_record_mac alert "
                   "MUST be generated\" (checklist 10).") +
            " The target block names the suite so that a target which does not enable it by "
            "default is configured for it: the premise is a record of this suite.";
  v.peer.cipher_suites = {s.id};
  v.target.cipher_suites = {s.id};
  if (s.key_exchange == KeyExchange::kEcdheEcdsa) {
    if (role == Side::kServer) {
      v.target.certificate = CertificateKey::kEcdsa;
    } else {
      v.peer.certificate = CertificateKey::kEcdsa;
    }
  }
  ConnectionScript conn;
  conn.steps = HandshakeTo(role, s);
  if (app_data) {
    conn.steps.push_back(Send(M::kFinished));
    if (role == Side::kServer) {
      conn.steps.push_back(ExpectMessages({M::kChangeCipherSpec, M::kFinished}));
    }
    conn.steps.push_back(Corrupted(M::kApplicationData, spot.at, "the first record after "
                                                                 "the handshake"));
  } else {
    conn.steps.push_back(Corrupted(M::kFinished, spot.at, "the first protected record"));
  }
  conn.steps.push_back(ExpectFatal({AlertDescription::kBadRecordMac}));
  v.connections.push_back(std::move(conn));
  return v;
}

std::string Readme(const std::map<std::string, int>& counts, size_t total) {
  std::ostringstream o;
  o << "# Record protection (generated)\n\n"
    << "Do not edit: regenerate with\n\n    " << kRegenerate << "\n\n"
    << "(`vectors/generator/record_vectors.cc`; a test fails when these files differ from its "
       "output).\n\n"
    << "For every cipher suite the engine negotiates (`engine/wire/registry.h`), both target\n"
    << "roles, and the bytes of a protected record each mechanism covers, one vector flips one\n"
    << "bit of that byte in the peer's first protected record (its Finished) or in the first\n"
    << "application data record after the handshake (`corrupt_record`), and expects a fatal\n"
    << "`bad_record_mac` and a close: the only alert RFC 5246 allows (6.2.3.2 for CBC, with\n"
    << "`decryption_failed` forbidden by 7.2.2; 6.2.3.3 for AEAD; checklist 8 and 10).\n\n"
    << "- CBC: the explicit IV, the first ciphertext block, the second-to-last block (which\n"
    << "  garbles the block before the last and flips the padding_length byte) and the last\n"
    << "  byte. A bit flip cannot change padding bytes alone (the block before is garbled\n"
    << "  with them), so the POODLE-against-TLS case, a valid MAC with bad padding, needs a\n"
    << "  peer that chooses its padding, which it cannot yet.\n"
    << "- AEAD: the explicit nonce (GCM; ChaCha20-Poly1305 has none, RFC 7905 2), the first\n"
    << "  ciphertext byte, the tag's first and last bytes.\n\n"
    << "Each vector names its suite in the target block (and an ECDSA certificate for\n"
    << "ECDHE_ECDSA), so an external target is configured for it.\n\n"
    << "## Counts\n\n| role | suite | vectors |\n| --- | --- | ---: |\n";
  for (const auto& [key, n] : counts) o << "| " << key << " | " << n << " |\n";
  o << "| all | | " << total << " |\n";
  return o.str();
}

}  // namespace

Result<RecordVectors> GenerateRecordVectors() {
  RecordVectors out;
  std::map<std::string, int> counts;
  std::set<std::string> ids;
  size_t n = 0;
  const CipherSuiteInfo* table = CipherSuiteTable(&n);
  for (Side role : {Side::kServer, Side::kClient}) {
    for (size_t i = 0; i < n; ++i) {
      const CipherSuiteInfo& s = table[i];
      if (!s.engine_supported) continue;
      for (const Spot& spot : SpotsFor(s)) {
        for (bool app_data : {false, true}) {
          SD_RETURN_IF_ERROR(
              AddGeneratedVector(Build(role, s, spot, app_data), kDir, &out.files, &ids));
          ++counts[std::string(SideName(role)) + " | " + std::string(s.name)];
        }
      }
    }
  }
  const size_t total = out.files.size();
  out.files.push_back({"README.md", Readme(counts, total)});
  std::sort(out.files.begin(), out.files.end(),
            [](const GeneratedFile& a, const GeneratedFile& b) { return a.name < b.name; });
  out.summary = std::to_string(total) + " record-protection vectors\n";
  return out;
}

}  // namespace shakedown
