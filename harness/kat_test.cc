#include "harness/kat.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

namespace shakedown {
namespace {

using Json = nlohmann::json;

const char kPrfFile[] = "vectors/kat/prf_vectors.json";
const char kKeyScheduleFile[] = "vectors/kat/keyschedule_vectors.json";
const char kFfdheFile[] = "vectors/kat/ffdhe_groups.json";
const char kCcmFile[] = "vectors/kat/ccm_vectors.json";
const char kEcdhFile[] = "vectors/kat/ecdh_vectors.json";

Json Load(const std::string& path) {
  std::ifstream in(path);
  return Json::parse(in);
}

std::string WriteTemp(const std::string& name, const std::string& contents) {
  std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << contents;
  return path;
}

std::string WriteVectors(const std::string& name, const Json& vectors) {
  Json doc = {{"count", vectors.size()}, {"vectors", vectors}};
  return WriteTemp(name, doc.dump());
}

std::vector<KatResult> Failures(const KatReport& report) {
  std::vector<KatResult> out;
  for (const KatResult& r : report.results) {
    if (!r.passed) out.push_back(r);
  }
  return out;
}

std::string LastLine(const std::string& text) {
  std::string trimmed = text.substr(0, text.size() - 1);  // drop the final newline
  return trimmed.substr(trimmed.rfind('\n') + 1);
}

const KatResult* Find(const KatReport& report, const std::string& id, const std::string& check) {
  for (const KatResult& r : report.results) {
    if (r.id == id && r.check == check) return &r;
  }
  return nullptr;
}

// ---- The shipped vector files ----

TEST(Kat, ShippedFilesAllPass) {
  Result<KatReport> report = RunKatFiles({kPrfFile, kKeyScheduleFile});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  std::string text = FormatKatReport(*report);
  EXPECT_EQ(report->failed(), 0) << text;

  ASSERT_EQ(report->files.size(), 2u);
  // Every PRF vector is covered.
  EXPECT_EQ(report->files[0].declared_count, 55);
  EXPECT_EQ(report->files[0].vectors_checked, 55);
  EXPECT_EQ(report->files[0].vectors_not_covered, 0);
  // 57 key-schedule vectors; the 3 SSLv3 ones are not covered.
  EXPECT_EQ(report->files[1].declared_count, 57);
  EXPECT_EQ(report->files[1].vectors_checked, 54);
  EXPECT_EQ(report->files[1].vectors_not_covered, 3);

  std::set<std::string> not_covered;
  for (const auto& [id, reason] : report->not_covered) {
    not_covered.insert(id);
    EXPECT_NE(reason.find("RFC 7568"), std::string::npos) << reason;
  }
  EXPECT_EQ(not_covered, (std::set<std::string>{"go-gnutls-ssl3.0-3", "s2n-gnutls-ssl3-master",
                                                "tlslite-ng-finished-ssl3"}));
  // Number of checks: 55 PRF; key schedule: 40 CAVP x (master secret, key block) = 80,
  // 3 Go TLS 1.0 x (master secret, key block, 4 keys) = 18, 2 plain master secrets, 2 EMS
  // from a session hash, 3 tlslite EMS x (session hash, EMS) = 6, 3 tlslite Finished x
  // (handshake hash, client, server) = 9, illustrated-tls12: master secret, key block, 4 keys,
  // 2 x (Finished handshake hash, verify_data), 2 Finished records, client X25519 public
  // value and pre-master secret = 14.
  EXPECT_EQ(report->passed(), 55 + 80 + 18 + 2 + 2 + 6 + 9 + 14) << text;

  const std::string illustrated = "illustrated-tls12-ecdhe-x25519-aes128cbc-sha";
  for (const char* check :
       {"client_x25519_public", "pre_master_secret", "master_secret", "key_block", "client_write_mac_key", "server_write_mac_key",
        "client_write_key", "server_write_key", "client_finished_handshake_hash",
        "client_verify_data", "server_finished_handshake_hash", "server_verify_data",
        "client_finished_record", "server_finished_record"}) {
    const KatResult* r = Find(*report, illustrated, check);
    ASSERT_NE(r, nullptr) << check;
    EXPECT_TRUE(r->passed) << check << ": " << r->detail;
  }
  // "Both sides equal" needs the server's private key, which the vector lacks: listed.
  ASSERT_EQ(report->skipped_checks.size(), 1u);
  EXPECT_EQ(report->skipped_checks[0].check, "pms_both_sides_equal");

  EXPECT_EQ(LastLine(text), "KAT: 186 passed, 0 failed");
}

TEST(Kat, EveryShippedVectorIsCheckedOrListed) {
  Result<KatReport> report = RunKatFiles({kPrfFile, kKeyScheduleFile});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  std::set<std::string> seen;
  for (const KatResult& r : report->results) seen.insert(r.id);
  for (const auto& [id, reason] : report->not_covered) seen.insert(id);
  for (const char* file : {kPrfFile, kKeyScheduleFile}) {
    Json doc = Load(file);
    for (const Json& v : doc["vectors"]) {
      EXPECT_EQ(seen.count(v["id"].get<std::string>()), 1u) << v["id"];
    }
  }
}

TEST(Kat, DirectoryRunsEveryFile) {
  Result<KatReport> by_dir = RunKatDirectory("vectors/kat");
  // Name order.
  Result<KatReport> by_files =
      RunKatFiles({kCcmFile, kEcdhFile, kFfdheFile, kKeyScheduleFile, kPrfFile});
  ASSERT_TRUE(by_dir.ok()) << by_dir.status().ToString();
  ASSERT_TRUE(by_files.ok());
  EXPECT_EQ(by_dir->passed(), by_files->passed());
  EXPECT_EQ(by_dir->failed(), 0);
  ASSERT_EQ(by_dir->files.size(), 5u);
  EXPECT_EQ(by_dir->files[0].file, "vectors/kat/ccm_vectors.json");
}

TEST(Kat, CcmVectorsSealOpenAndRefuseAFlippedTag) {
  Result<KatReport> report = RunKatFiles({kCcmFile});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  // Three vectors: seal, open, flipped tag each.
  EXPECT_EQ(report->passed(), 3 * 3) << FormatKatReport(*report, true);
  EXPECT_EQ(report->failed(), 0);
  // The CCM_8 vector under a 16-byte-tag suite: the published bytes are not what it gives.
  Json doc = Load(kCcmFile);
  doc["vectors"][0]["suite"] = "TLS_RSA_WITH_AES_128_CCM";
  while (doc["vectors"].size() > 1) doc["vectors"].erase(1);
  doc["count"] = 1;
  const std::string path = ::testing::TempDir() + "/ccm_wrong.json";
  std::ofstream(path) << doc.dump();
  Result<KatReport> wrong = RunKatFiles({path});
  ASSERT_TRUE(wrong.ok());
  std::set<std::string> failed;
  for (const KatResult& r : wrong->results) {
    if (!r.passed) failed.insert(r.id + " " + r.check);
  }
  EXPECT_EQ(failed, (std::set<std::string>{"sp800-38c-example-3 aead_seal",
                                           "sp800-38c-example-3 aead_open"}));
}

TEST(Kat, EcdhVectorsGiveTheSharedSecretOnEveryNistCurve) {
  Result<KatReport> report = RunKatFiles({kEcdhFile});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  // P-256, P-384 and two P-521 vectors.
  EXPECT_EQ(report->passed(), 4) << FormatKatReport(*report, true);
  EXPECT_EQ(report->failed(), 0);
  // One bit of the peer's point flipped: off the curve, refused, so the vector fails.
  Json doc = Load(kEcdhFile);
  std::string point = doc["vectors"][3]["peer_public_hex"];
  point.back() = point.back() == '0' ? '1' : '0';
  doc["vectors"][3]["peer_public_hex"] = point;
  const std::string path = ::testing::TempDir() + "/ecdh_wrong.json";
  std::ofstream(path) << doc.dump();
  Result<KatReport> wrong = RunKatFiles({path});
  ASSERT_TRUE(wrong.ok());
  ASSERT_EQ(wrong->failed(), 1);
  for (const KatResult& r : wrong->results) {
    if (!r.passed) EXPECT_EQ(r.id + " " + r.check, "cavs-ecccdh-secp521r1-1 ecdh_shared_secret");
  }
}

TEST(Kat, Rfc7919GroupsMatchTheFormulaAndThePrintedHex) {
  Result<KatReport> report = RunKatFiles({kFfdheFile});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  // Five groups: p and g each; the hex of the two the file transcribes.
  EXPECT_EQ(report->passed(), 5 * 2 + 2) << FormatKatReport(*report, true);
  EXPECT_EQ(report->failed(), 0);
  // A wrong X is a failure naming the group.
  Json doc = Load(kFfdheFile);
  doc["vectors"][0]["X"] = 560317;
  while (doc["vectors"].size() > 1) doc["vectors"].erase(1);
  doc["count"] = 1;
  const std::string path = ::testing::TempDir() + "/ffdhe_wrong.json";
  std::ofstream(path) << doc.dump();
  Result<KatReport> wrong = RunKatFiles({path});
  ASSERT_TRUE(wrong.ok());
  ASSERT_EQ(wrong->failed(), 1);
  for (const KatResult& r : wrong->results) {
    if (!r.passed) EXPECT_EQ(r.id + " " + r.check, "rfc7919-ffdhe2048 ffdhe_p");
  }
}

// ---- Wrong expected values are failures naming the vector ----

Json PrfVector() {
  // ietf-msg03416-sha256, shortened to its first 16 output bytes.
  return {{"id", "prf-ok"},
          {"prf", "TLS1.2 P_SHA256"},
          {"hash", "sha256"},
          {"secret_hex", "9bbe436ba940f017b17652849a71db35"},
          {"label", "test label"},
          {"label_hex", "74657374206c6162656c"},
          {"seed_hex", "a0ba9f936cda311827a6f796ffd5198c"},
          {"output_len", 16},
          {"output_hex", "e3f229ba727be17b8d122620557cd453"}};
}

TEST(Kat, WrongPrfOutputIsAFailureNamingTheVector) {
  Json bad = PrfVector();
  bad["id"] = "prf-wrong";
  bad["output_hex"] = "e3f229ba727be17b8d122620557cd454";  // last byte changed
  std::string path = WriteVectors("wrong_prf.json", Json::array({PrfVector(), bad}));
  Result<KatReport> report = RunKatFiles({path});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->passed(), 1);
  ASSERT_EQ(report->failed(), 1);
  KatResult f = Failures(*report)[0];
  EXPECT_EQ(f.id, "prf-wrong");
  EXPECT_EQ(f.file, path);
  EXPECT_EQ(f.check, "prf");
  EXPECT_EQ(f.detail,
            "expected e3f229ba727be17b8d122620557cd454, got e3f229ba727be17b8d122620557cd453");
  std::string text = FormatKatReport(*report);
  EXPECT_NE(text.find("FAIL " + path + " prf-wrong prf: expected e3f229ba727be17b8d122620557cd454"
                      ", got e3f229ba727be17b8d122620557cd453\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(LastLine(text), "KAT: 1 passed, 1 failed");
  // Passing checks are listed only when verbose.
  EXPECT_EQ(text.find("PASS"), std::string::npos);
  EXPECT_NE(FormatKatReport(*report, true).find("PASS " + path + " prf-ok prf\n"),
            std::string::npos);
}

Json IllustratedVector() {
  Json doc = Load(kKeyScheduleFile);
  for (const Json& v : doc["vectors"]) {
    if (v["id"] == "illustrated-tls12-ecdhe-x25519-aes128cbc-sha") return v;
  }
  ADD_FAILURE() << "illustrated vector not found";
  return Json::object();
}

TEST(Kat, WrongMasterSecretIsAFailure) {
  Json v = IllustratedVector();
  v["checks"] = {{"master_secret_matches_keylog", true}};
  std::string ms = v["master_secret_hex"];
  ms[0] = ms[0] == '0' ? '1' : '0';
  v["master_secret_hex"] = ms;
  Result<KatReport> report = RunKatFiles({WriteVectors("wrong_ms.json", Json::array({v}))});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->failed(), 1);
  EXPECT_EQ(Failures(*report)[0].check, "master_secret");
  EXPECT_EQ(Failures(*report)[0].detail.rfind("expected " + ms + ", got ", 0), 0u);
}

TEST(Kat, WrongPreMasterSecretIsAFailure) {
  Json v = IllustratedVector();
  v["checks"] = {{"pms_matches_site", true}};
  std::string pms = v["pre_master_secret_hex"];
  pms[0] = pms[0] == '0' ? '1' : '0';
  v["pre_master_secret_hex"] = pms;
  Result<KatReport> report = RunKatFiles({WriteVectors("wrong_pms.json", Json::array({v}))});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->passed(), 1);  // the client public value still matches
  ASSERT_EQ(report->failed(), 1);
  EXPECT_EQ(Failures(*report)[0].check, "pre_master_secret");
}

TEST(Kat, TamperedFinishedRecordFailsToOpen) {
  Json v = IllustratedVector();
  std::string record = v["client_finished_record_hex"];
  record.back() = record.back() == '0' ? '1' : '0';  // last byte of the CBC padding block
  v["client_finished_record_hex"] = record;
  Result<KatReport> report = RunKatFiles({WriteVectors("tampered.json", Json::array({v}))});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->failed(), 1) << FormatKatReport(*report);
  KatResult f = Failures(*report)[0];
  EXPECT_EQ(f.check, "client_finished_record");
  EXPECT_NE(f.detail.find("bad_record_mac"), std::string::npos) << f.detail;
}

TEST(Kat, WrongHandshakeHashIsAFailure) {
  Json v = IllustratedVector();
  std::string messages = v["handshake_messages_hex"];
  messages[10] = messages[10] == '0' ? '1' : '0';
  v["handshake_messages_hex"] = messages;
  Result<KatReport> report = RunKatFiles({WriteVectors("wrong_hash.json", Json::array({v}))});
  ASSERT_TRUE(report.ok());
  std::set<std::string> failed;
  for (const KatResult& r : Failures(*report)) failed.insert(r.check);
  EXPECT_EQ(failed, (std::set<std::string>{"client_finished_handshake_hash",
                                           "server_finished_handshake_hash"}));
}

// ---- Missing or malformed fields name the file, the vector and the field ----

TEST(Kat, MissingFieldIsAFailureNamingIt) {
  Json v = PrfVector();
  v.erase("seed_hex");
  std::string path = WriteVectors("missing_field.json", Json::array({v}));
  Result<KatReport> report = RunKatFiles({path});
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->failed(), 1);
  std::string text = FormatKatReport(*report);
  EXPECT_NE(text.find("FAIL " + path + " prf-ok prf: field 'seed_hex' is missing\n"),
            std::string::npos)
      << text;
}

TEST(Kat, MalformedFieldsAreFailures) {
  Json not_hex = PrfVector();
  not_hex["id"] = "not-hex";
  not_hex["secret_hex"] = "zz";
  Json bad_len = PrfVector();
  bad_len["id"] = "bad-len";
  bad_len["output_len"] = 17;
  Json bad_hash = PrfVector();
  bad_hash["id"] = "bad-hash";
  bad_hash["hash"] = "sha3";
  Json no_id = PrfVector();
  no_id.erase("id");
  Json label_mismatch = PrfVector();
  label_mismatch["id"] = "label-mismatch";
  label_mismatch["label"] = "test label!";
  Json ks_no_checks = IllustratedVector();
  ks_no_checks["id"] = "no-checks";
  ks_no_checks.erase("checks");
  Json ks_unknown_check = IllustratedVector();
  ks_unknown_check["id"] = "unknown-check";
  ks_unknown_check["checks"] = {{"frobnicate", true}};
  Json ks_missing_random = IllustratedVector();
  ks_missing_random["id"] = "missing-random";
  ks_missing_random["checks"] = {{"key_block", true}};
  ks_missing_random.erase("server_random_hex");

  Result<KatReport> report = RunKatFiles({WriteVectors(
      "malformed_fields.json",
      Json::array({not_hex, bad_len, bad_hash, no_id, label_mismatch, ks_no_checks,
                   ks_unknown_check, ks_missing_random, Json("a string")}))});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->passed(), 0) << FormatKatReport(*report);
  std::vector<std::pair<std::string, std::string>> got;  // (id, detail)
  for (const KatResult& r : Failures(*report)) got.emplace_back(r.id, r.detail);
  std::vector<std::pair<std::string, std::string>> want = {
      {"not-hex", "field 'secret_hex' is not valid hex"},
      {"bad-len", "field 'output_len' is 17 but 'output_hex' has 16 bytes"},
      {"bad-hash", "field 'hash': unsupported PRF hash 'sha3'"},
      {"#3", "field 'id' is missing, empty or not a string"},
      {"label-mismatch", "field 'label' disagrees with 'label_hex'"},
      {"no-checks", "field 'checks' is missing"},
      {"unknown-check", "field 'checks': unknown check 'frobnicate'"},
      {"missing-random",
       "field 'key_expansion_server_random_hex' or 'server_random_hex' is missing"},
      {"#8", "not a JSON object"},
  };
  EXPECT_EQ(got, want);
  // A bad vector still counts as checked (failed), never as silently skipped.
  ASSERT_EQ(report->files.size(), 1u);
  EXPECT_EQ(report->files[0].vectors_checked, 9);
}

TEST(Kat, Sslv3IsListedAsNotCovered) {
  Json v = {{"id", "ssl3-vector"},
            {"version", "SSL3.0"},
            {"prf_hash", "ssl3"},
            {"checks", {{"master_secret", true}}}};
  Result<KatReport> report = RunKatFiles({WriteVectors("ssl3.json", Json::array({v}))});
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->results.empty());
  ASSERT_EQ(report->not_covered.size(), 1u);
  EXPECT_EQ(report->not_covered[0].first, "ssl3-vector");
  std::string text = FormatKatReport(*report);
  EXPECT_NE(text.find("SKIP ssl3-vector: SSLv3 derivation"), std::string::npos) << text;
  EXPECT_NE(text.find("not covered: 1 vectors"), std::string::npos) << text;
  EXPECT_EQ(LastLine(text), "KAT: 0 passed, 0 failed");
}

// ---- Malformed files are run errors naming the file ----

void ExpectRunError(const std::string& path, const std::string& needle) {
  Result<KatReport> report = RunKatFiles({path});
  ASSERT_FALSE(report.ok()) << path;
  EXPECT_NE(report.status().message().find(path), std::string::npos)
      << report.status().message();
  EXPECT_NE(report.status().message().find(needle), std::string::npos)
      << report.status().message();
}

TEST(Kat, MalformedFilesAreRunErrors) {
  ExpectRunError(WriteTemp("truncated.json", R"({"count": 1, "vectors": [{"id": "x")"),
                 "not valid JSON");
  ExpectRunError(WriteTemp("array.json", "[]"), "not a JSON object");
  ExpectRunError(WriteTemp("no_vectors.json", R"({"count": 0})"), "field 'vectors'");
  ExpectRunError(WriteTemp("no_count.json", R"({"vectors": []})"), "field 'count'");
  ExpectRunError(WriteTemp("bad_count.json", R"({"count": 2, "vectors": [{}]})"),
                 "field 'count' is 2 but 'vectors' has 1 entries");
  ExpectRunError(::testing::TempDir() + "/does_not_exist.json", "cannot open");
  EXPECT_FALSE(RunKatFiles({}).ok());
  EXPECT_FALSE(RunKatDirectory(::testing::TempDir() + "/no_such_dir").ok());
}

}  // namespace
}  // namespace shakedown
