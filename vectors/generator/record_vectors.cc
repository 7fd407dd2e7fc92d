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

// Both sides use the suite: the peer offers or accepts only it, the target block enables it
// (so an external target that does not by default is configured for it), with an ECDSA
// certificate for ECDHE_ECDSA on the server's side.
void PinSuite(Side role, const CipherSuiteInfo& s, Scenario* v) {
  v->peer.cipher_suites = {s.id};
  v->target.cipher_suites = {s.id};
  if (s.key_exchange == KeyExchange::kEcdheEcdsa) {
    if (role == Side::kServer) {
      v->target.certificate = CertificateKey::kEcdsa;
    } else {
      v->peer.certificate = CertificateKey::kEcdsa;
    }
  }
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
  if (s.IsCcm()) v.refs.push_back("RFC6655 3");
  v.notes =
      std::string("Generated (") + kDir + "/README.md). The peer " +
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
  PinSuite(role, s, &v);
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

// ---- Shaped records: the peer chooses how it seals (SealOptions), within the RFC or across
// what the MAC covers ----

constexpr size_t kFinishedLength = 16;  // handshake header (4) + verify_data (12)

// One way to seal the peer's Finished (or its first application data record). `accept`: the
// RFC allows the shape, so the target must go on; otherwise it must answer bad_record_mac.
struct Shape {
  std::string slug;
  std::string what;
  SealOptions seal;
  bool accept = false;
  bool app_data = false;
  std::vector<std::string> refs;
  std::string rfc;  // the sentence of the RFC the expectation rests on
};

BytesXor XorAt(int64_t at) {
  BytesXor x;
  x.mask = {0x01};
  x.at = at;
  return x;
}

std::vector<Shape> ShapesFor(const CipherSuiteInfo& s) {
  std::vector<Shape> out;
  if (s.cipher_type == CipherType::kBlock) {
    const size_t mac = s.mac_length;
    const size_t block = s.block_length;
    const size_t unpadded = kFinishedLength + mac + 1;
    // The longest padding RFC 5246 6.2.3.2 allows that fills whole blocks: up to 255.
    size_t longest = 255;
    while ((unpadded + longest) % block != 0) --longest;
    const std::string rfc_padding =
        "RFC 5246 6.2.3.2: \"The padding MAY be any length up to 255 bytes, as long as it "
        "results in the TLSCiphertext.length being an integral multiple of the block length\"";
    const std::string rfc_check =
        "RFC 5246 6.2.3.2: each padding byte is filled with the padding length value, and \"the "
        "receiver MUST check this padding and MUST use the bad_record_mac alert to indicate "
        "padding errors\"; a MAC that does not check is bad_record_mac as well (7.2.2; checklist "
        "8)";
    auto padded = [&](std::string slug, std::string what, int64_t at,
                      std::vector<std::string> refs) {
      Shape sh;
      sh.slug = std::move(slug);
      sh.what = std::move(what);
      sh.seal.padding = static_cast<uint8_t>(longest);
      sh.seal.xor_inner = XorAt(at);
      sh.refs = std::move(refs);
      sh.rfc = rfc_check;
      return sh;
    };
    Shape longest_padding;
    longest_padding.slug = "finished-padding-" + std::to_string(longest);
    longest_padding.what = "the longest padding that fills whole blocks (padding_length " +
                           std::to_string(longest) + ")";
    longest_padding.seal.padding = static_cast<uint8_t>(longest);
    longest_padding.accept = true;
    longest_padding.refs = {"RFC5246 6.2.3.2", "checklist:8"};
    longest_padding.rfc = rfc_padding;
    out.push_back(longest_padding);
    const int64_t first_pad = -static_cast<int64_t>(longest) - 1;
    out.push_back(padded("finished-padding-first-byte-wrong",
                         "the first padding byte wrong under a valid MAC (POODLE-TLS)", first_pad,
                         {"RFC5246 6.2.3.2", "checklist:8", "CVE-2014-8730", "attack:17"}));
    out.push_back(padded("finished-padding-last-byte-wrong",
                         "the padding byte before padding_length wrong under a valid MAC", -2,
                         {"RFC5246 6.2.3.2", "checklist:8", "attack:17"}));
    out.push_back(padded("finished-padding-length-wrong",
                         "padding_length one off, its padding bytes unchanged", -1,
                         {"RFC5246 6.2.3.2", "checklist:8", "attack:30"}));
    out.push_back(padded("finished-mac-first-byte-wrong",
                         "the first MAC byte wrong under valid padding",
                         static_cast<int64_t>(kFinishedLength),
                         {"RFC5246 6.2.3.2", "checklist:8", "attack:30"}));
    out.push_back(padded("finished-mac-last-byte-wrong",
                         "the last MAC byte wrong under valid padding",
                         static_cast<int64_t>(kFinishedLength + mac - 1),
                         {"RFC5246 6.2.3.2", "checklist:8", "attack:30"}));
    Shape all_padding;
    all_padding.slug = "finished-all-padding";
    all_padding.what = "two blocks that are all padding (32 bytes of 0x1f): no room for content "
                       "or MAC (CVE-2016-2107's shape)";
    all_padding.seal.inner = Bytes(32, 0x1f);
    all_padding.refs = {"RFC5246 6.2.3.2", "checklist:8", "CVE-2016-2107", "attack:30"};
    all_padding.rfc = rfc_check;
    out.push_back(all_padding);
    return out;
  }
  if (s.record_iv_length == 0) return out;  // ChaCha20-Poly1305: no explicit nonce (RFC 7905)
  const std::string rfc_nonce =
      "RFC 5288 3: the nonce is salt || nonce_explicit, \"the nonce_explicit MAY be the 64-bit "
      "sequence number\" and it is carried in the record: the sender chooses it (distinct per "
      "record under one key), the receiver decrypts with the one the record carries";
  auto nonce = [&](std::string slug, std::string what, Bytes value, bool app_data) {
    Shape sh;
    sh.slug = std::move(slug);
    sh.what = std::move(what);
    sh.seal.explicit_nonce = std::move(value);
    sh.accept = true;
    sh.app_data = app_data;
    sh.refs = {s.IsCcm() ? "RFC6655 3" : "RFC5288 3", "RFC5246 6.2.3.3"};
    sh.rfc = rfc_nonce;
    return sh;
  };
  out.push_back(nonce("finished-explicit-nonce-all-ones", "an explicit nonce of eight 0xff bytes",
                      Bytes(8, 0xff), false));
  out.push_back(nonce("finished-explicit-nonce-pattern", "the explicit nonce 5a01020304050607",
                      Bytes{0x5a, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07}, false));
  out.push_back(nonce("app-data-explicit-nonce-zero",
                      "the explicit nonce 0 on the second record (whose sequence number is 1)",
                      Bytes(8, 0x00), true));
  return out;
}

Scenario BuildShaped(Side role, const CipherSuiteInfo& s, const Shape& shape) {
  const std::string suite(s.name);
  Scenario v;
  v.id = std::string(SideName(role)) + "." + kTopic + "." + Kebab(suite) + "." + shape.slug;
  v.topic = kTopic;
  v.role = role;
  const std::string who = role == Side::kServer ? "A server" : "A client";
  const std::string record = shape.app_data ? "an application data record" : "a Finished record";
  v.title = who + (shape.accept ? " accepts " : " refuses ") + record + " of " + suite +
            " sealed with " + shape.what;
  v.refs = shape.refs;
  v.notes = std::string("Generated (") + kDir + "/README.md). The peer seals " + record + " with " +
            shape.what + " (`seal`). " + shape.rfc + ". " +
            (shape.accept
                 ? "So the target must go on: " +
                       std::string(role == Side::kServer
                                       ? "its own Finished proves it read the peer's"
                                       : "the close_notify it answers under the negotiated keys "
                                         "proves it read the record") +
                       "."
                 : "So the target must answer bad_record_mac, the alert it gives for a bad MAC.");
  PinSuite(role, s, &v);
  ConnectionScript conn;
  conn.steps = HandshakeTo(role, s);
  SendStep finished;
  finished.message = M::kFinished;
  if (!shape.app_data) finished.record.seal = shape.seal;
  conn.steps.push_back(SendOf(std::move(finished), shape.app_data ? "" : "the shaped record"));
  if (shape.accept || shape.app_data) {
    if (role == Side::kServer) {
      conn.steps.push_back(ExpectMessages({M::kChangeCipherSpec, M::kFinished},
                                          shape.app_data ? "" : "the target read the Finished"));
    }
  }
  if (shape.app_data) {
    SendStep data;
    data.message = M::kApplicationData;
    const std::string text = "application data\n";
    data.raw.assign(text.begin(), text.end());
    data.record.seal = shape.seal;
    conn.steps.push_back(SendOf(std::move(data), "the shaped record"));
  }
  if (shape.accept) {
    AppendCloseNotify(role, &conn.steps);
  } else {
    conn.steps.push_back(ExpectFatal({AlertDescription::kBadRecordMac}));
  }
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
    << "  byte.\n"
    << "- AEAD: the explicit nonce (GCM and CCM; ChaCha20-Poly1305 has none, RFC 7905 2), the\n"
    << "  first ciphertext byte, the tag's first and last bytes (8 bytes apart for CCM_8).\n\n"
    << "Shaped records (`seal`): the peer seals its Finished the way the vector says, so the\n"
    << "record decrypts cleanly and only what the shape changes is wrong.\n\n"
    << "- CBC: the longest padding that fills whole blocks (up to 255, RFC 5246 6.2.3.2: must\n"
    << "  be accepted, proven by the handshake completing); under that padding one padding\n"
    << "  byte wrong with a valid MAC (POODLE-TLS), the padding byte before padding_length\n"
    << "  wrong, padding_length one off, the first or the last MAC byte wrong; and two blocks\n"
    << "  that are all padding, with no room for a MAC (CVE-2016-2107's shape): bad_record_mac.\n"
    << "- AES-GCM and AES-CCM: explicit nonces of the sender's choosing (RFC 5288 3, RFC 6655\n"
    << "  3), all ones and a pattern on the Finished and zero on the first application data\n"
    << "  record: accepted.\n\n"
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
      // DHE suites share their record protection with the RSA and ECDHE rows of the same
      // cipher and MAC: the key exchange changes nothing here.
      if (!s.engine_supported || s.IsDhe()) continue;
      for (const Shape& shape : ShapesFor(s)) {
        SD_RETURN_IF_ERROR(AddGeneratedVector(BuildShaped(role, s, shape), kDir, &out.files, &ids));
        ++counts[std::string(SideName(role)) + " | " + std::string(s.name)];
      }
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
