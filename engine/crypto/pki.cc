#include "engine/crypto/pki.h"

#include <botan/asn1_obj.h>
#include <botan/base64.h>
#include <botan/ber_dec.h>
#include <botan/bigint.h>
#include <botan/data_src.h>
#include <botan/ec_group.h>
#include <botan/ecdsa.h>
#include <botan/pkcs10.h>
#include <botan/pkcs8.h>
#include <botan/rsa.h>
#include <botan/x509_ca.h>
#include <botan/x509cert.h>
#include <botan/x509self.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <fstream>
#include <sstream>
#include <string_view>
#include <utility>

#include "engine/crypto/memo.h"

namespace shakedown {
namespace {

// RFC 8017 A.1 rsaEncryption and RFC 5480 2.1.1 id-ecPublicKey.
constexpr char kRsaEncryptionOid[] = "1.2.840.113549.1.1.1";
constexpr char kEcPublicKeyOid[] = "1.2.840.10045.2.1";

struct PemBlock {
  std::string label;
  Bytes der;
  bool encrypted = false;  // RFC 1421 "Proc-Type: 4,ENCRYPTED" header (OpenSSL traditional)
};

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return InternalError(path + ": cannot open: " + std::strerror(errno));
  }
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) return InternalError(path + ": read error");
  return contents.str();
}

// Every -----BEGIN X----- ... -----END X----- block (RFC 7468), in order. Text outside
// blocks is ignored, as OpenSSL does.
Result<std::vector<PemBlock>> ParsePem(const std::string& text, const std::string& path) {
  static constexpr std::string_view kBegin = "-----BEGIN ";
  static constexpr std::string_view kDashes = "-----";
  std::vector<PemBlock> blocks;
  size_t pos = 0;
  while ((pos = text.find(kBegin, pos)) != std::string::npos) {
    const size_t label_start = pos + kBegin.size();
    const size_t label_end = text.find(kDashes, label_start);
    if (label_end == std::string::npos) {
      return InternalError(path + ": PEM block " + std::to_string(blocks.size()) +
                           ": unterminated BEGIN line");
    }
    PemBlock block;
    block.label = text.substr(label_start, label_end - label_start);
    const std::string end_line = "-----END " + block.label + "-----";
    const size_t body_start = label_end + kDashes.size();
    const size_t body_end = text.find(end_line, body_start);
    const std::string where =
        path + ": PEM block " + std::to_string(blocks.size()) + " (" + block.label + ")";
    if (body_end == std::string::npos) {
      return InternalError(where + ": no \"" + end_line + "\" line");
    }
    std::string body = text.substr(body_start, body_end - body_start);
    if (body.find(':') != std::string::npos) {
      // Header lines: only the encryption headers exist in practice.
      block.encrypted = body.find("ENCRYPTED") != std::string::npos;
      if (!block.encrypted) return InternalError(where + ": unexpected header lines");
    } else {
      try {
        const Botan::secure_vector<uint8_t> der = Botan::base64_decode(body, true);
        block.der.assign(der.begin(), der.end());
      } catch (const std::exception& e) {
        return InternalError(where + ": bad base64: " + e.what());
      }
      if (block.der.empty()) return InternalError(where + ": empty body");
    }
    blocks.push_back(std::move(block));
    pos = body_end + end_line.size();
  }
  return blocks;
}

Result<std::vector<PemBlock>> LoadPem(const std::string& path) {
  SD_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  SD_ASSIGN_OR_RETURN(std::vector<PemBlock> blocks, ParsePem(text, path));
  if (blocks.empty()) return InternalError(path + ": no PEM block found");
  return blocks;
}

// RFC 5915 3: ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING,
// parameters [0] ECParameters OPTIONAL, publicKey [1] BIT STRING OPTIONAL }.
std::unique_ptr<Botan::Private_Key> LoadEcPrivateKey(const Bytes& der) {
  size_t version = 0;
  Botan::secure_vector<uint8_t> private_bytes;
  Botan::OID curve;
  Botan::BER_Decoder(der)
      .start_cons(Botan::SEQUENCE)
      .decode(version)
      .decode(private_bytes, Botan::OCTET_STRING)
      .decode_optional(curve, Botan::ASN1_Tag(0), Botan::PRIVATE)
      .discard_remaining();
  if (version != 1) throw Botan::Decoding_Error("ECPrivateKey version is not 1");
  if (curve.empty()) throw Botan::Decoding_Error("ECPrivateKey has no named curve");
  const Botan::EC_Group group(curve);
  const Botan::AlgorithmIdentifier alg(Botan::OID(kEcPublicKeyOid),
                                       group.DER_encode(Botan::EC_DOMPAR_ENC_OID));
  return std::make_unique<Botan::ECDSA_PrivateKey>(
      alg, Botan::secure_vector<uint8_t>(der.begin(), der.end()));
}

std::unique_ptr<Botan::Private_Key> LoadKeyBlock(const PemBlock& block) {
  const Botan::secure_vector<uint8_t> der(block.der.begin(), block.der.end());
  if (block.label == "PRIVATE KEY") {
    Botan::DataSource_Memory source(der);
    return Botan::PKCS8::load_key(source);
  }
  if (block.label == "RSA PRIVATE KEY") {
    // RFC 8017 A.1.2 RSAPrivateKey, the body PKCS#8 wraps.
    const Botan::AlgorithmIdentifier alg(Botan::OID(kRsaEncryptionOid),
                                         Botan::AlgorithmIdentifier::USE_NULL_PARAM);
    return std::make_unique<Botan::RSA_PrivateKey>(alg, der);
  }
  return LoadEcPrivateKey(block.der);
}

}  // namespace

// ---- Loading ----

Result<std::vector<Bytes>> LoadCertificateChainPem(const std::string& path) {
  SD_ASSIGN_OR_RETURN(std::vector<PemBlock> blocks, LoadPem(path));
  std::vector<Bytes> chain;
  for (size_t i = 0; i < blocks.size(); ++i) {
    if (blocks[i].label != "CERTIFICATE") continue;
    try {
      Botan::X509_Certificate cert(blocks[i].der.data(), blocks[i].der.size());
    } catch (const std::exception& e) {
      return InternalError(path + ": PEM block " + std::to_string(i) +
                           " (CERTIFICATE): not an X.509 certificate: " + e.what());
    }
    chain.push_back(std::move(blocks[i].der));
  }
  if (chain.empty()) return InternalError(path + ": no CERTIFICATE block");
  return chain;
}

Result<std::unique_ptr<Botan::Private_Key>> LoadPrivateKeyPem(const std::string& path) {
  SD_ASSIGN_OR_RETURN(std::vector<PemBlock> blocks, LoadPem(path));
  std::string seen;
  for (size_t i = 0; i < blocks.size(); ++i) {
    const PemBlock& block = blocks[i];
    const std::string where = path + ": PEM block " + std::to_string(i) + " (" + block.label + ")";
    if (block.label == "ENCRYPTED PRIVATE KEY" ||
        (block.encrypted && block.label.find("PRIVATE KEY") != std::string::npos)) {
      return InternalError(where + ": encrypted private keys are not supported");
    }
    if (block.label != "PRIVATE KEY" && block.label != "RSA PRIVATE KEY" &&
        block.label != "EC PRIVATE KEY") {
      seen += (seen.empty() ? "" : ", ") + block.label;
      continue;  // e.g. "EC PARAMETERS" before an EC key, or certificates in the same file
    }
    try {
      std::unique_ptr<Botan::Private_Key> key = LoadKeyBlock(block);
      if (key == nullptr) return InternalError(where + ": unsupported key");
      return key;
    } catch (const std::exception& e) {
      return InternalError(where + ": cannot load key: " + e.what());
    }
  }
  return InternalError(path + ": no private key block (found: " + seen + ")");
}

Result<std::shared_ptr<const LeafCertificate>> ReadLeafCertificate(ByteView der) {
  static auto* memo = new Memo<std::shared_ptr<const LeafCertificate>>(1024);
  const MemoKey memo_key = MemoKeyBuilder("leaf certificate").Add(der).Finish();
  if (auto known = memo->Find(memo_key)) return *known;
  std::unique_ptr<Botan::X509_Certificate> cert;
  try {
    cert = std::make_unique<Botan::X509_Certificate>(der.data(), der.size());
  } catch (const std::exception& e) {
    // RFC 5246 7.2.2: bad_certificate, "a certificate was corrupt".
    return Status::Error(AlertDescription::kBadCertificate,
                         std::string("Certificate: not a valid X.509 certificate: ") + e.what());
  }
  auto leaf = std::make_shared<LeafCertificate>();
  try {
    std::unique_ptr<Botan::Public_Key> key = cert->load_subject_public_key();
    if (key == nullptr) throw Botan::Decoding_Error("no key");
    leaf->key = std::move(key);
  } catch (const std::exception& e) {
    return Status::Error(AlertDescription::kUnsupportedCertificate,
                         std::string("Certificate: unsupported subject public key: ") + e.what());
  }
  const Botan::Key_Constraints usage = cert->constraints();
  if (usage != Botan::NO_CONSTRAINTS) {
    leaf->allows_key_encipherment = (usage & Botan::KEY_ENCIPHERMENT) != 0;
    leaf->allows_digital_signature = (usage & Botan::DIGITAL_SIGNATURE) != 0;
  }
  memo->Keep(memo_key, leaf);
  return std::shared_ptr<const LeafCertificate>(std::move(leaf));
}

Result<std::shared_ptr<const Botan::Public_Key>> PublicKeyFromCertificate(ByteView der) {
  SD_ASSIGN_OR_RETURN(std::shared_ptr<const LeafCertificate> leaf, ReadLeafCertificate(der));
  return leaf->key;
}

// ---- Writing ----

std::string CertificatesToPem(const std::vector<Bytes>& chain_der) {
  std::string out;
  for (const Bytes& der : chain_der) {
    const std::string b64 = Botan::base64_encode(der.data(), der.size());
    out += "-----BEGIN CERTIFICATE-----\n";
    for (size_t i = 0; i < b64.size(); i += 64) out += b64.substr(i, 64) + "\n";  // RFC 7468 2
    out += "-----END CERTIFICATE-----\n";
  }
  return out;
}

Result<std::string> PrivateKeyToPem(const Botan::Private_Key& key) {
  try {
    return Botan::PKCS8::PEM_encode(key);
  } catch (const std::exception& e) {
    return InternalError(std::string("cannot encode private key: ") + e.what());
  }
}

namespace {

Status WriteWithMode(const std::string& path, const std::string& contents, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return InternalError(path + ": cannot create: " + std::strerror(errno));
  size_t done = 0;
  while (done < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string error = std::strerror(errno);
      ::close(fd);
      return InternalError(path + ": write failed: " + error);
    }
    done += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) return InternalError(path + ": close failed: " + std::strerror(errno));
  return Status::Ok();
}

}  // namespace

Result<Bytes> ReadBinaryFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InternalError("cannot read " + path + ": " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  const std::string data = text.str();
  return Bytes(data.begin(), data.end());
}

Status WriteTextFile(const std::string& path, const std::string& contents) {
  return WriteWithMode(path, contents, 0644);
}

Status WriteCertificateChainPem(const std::string& path, const std::vector<Bytes>& chain_der) {
  return WriteTextFile(path, CertificatesToPem(chain_der));
}

Status WritePrivateKeyPem(const std::string& path, const Botan::Private_Key& key) {
  SD_ASSIGN_OR_RETURN(std::string pem, PrivateKeyToPem(key));
  return WriteWithMode(path, pem, 0600);
}

Status WriteCredentialPem(const Credential& credential, const std::string& cert_path,
                          const std::string& key_path) {
  if (credential.key == nullptr) return InternalError("credential has no key");
  SD_RETURN_IF_ERROR(WriteCertificateChainPem(cert_path, credential.chain_der));
  return WritePrivateKeyPem(key_path, *credential.key);
}

// ---- Test PKI ----

namespace {

struct LeafSpec {
  std::string common_name;
  bool server;
  Botan::Key_Constraints usage;
  std::string dns;  // server: the DNS SAN (and no IP SAN when it is not server_name)
};

Credential IssueLeafAt(const Botan::X509_CA& ca, Botan::RandomNumberGenerator& rng,
                       std::shared_ptr<Botan::Private_Key> key, const LeafSpec& spec,
                       const TestPkiOptions& options, std::chrono::system_clock::time_point from,
                       std::chrono::system_clock::time_point to);

Credential IssueLeaf(const Botan::X509_CA& ca, Botan::RandomNumberGenerator& rng,
                     std::shared_ptr<Botan::Private_Key> key, const LeafSpec& spec,
                     const TestPkiOptions& options) {
  return IssueLeafAt(ca, rng, std::move(key), spec, options, options.not_before,
                     options.not_before + options.validity);
}

Credential IssueLeafAt(const Botan::X509_CA& ca, Botan::RandomNumberGenerator& rng,
                       std::shared_ptr<Botan::Private_Key> key, const LeafSpec& spec,
                       const TestPkiOptions& options, std::chrono::system_clock::time_point from,
                       std::chrono::system_clock::time_point to) {
  const Botan::X509_Time not_before(from);
  const Botan::X509_Time not_after(to);
  Botan::X509_Cert_Options opts;
  opts.common_name = spec.common_name;
  opts.organization = "shakedown";
  opts.start = not_before;
  opts.end = not_after;
  opts.constraints = spec.usage;
  if (spec.server) {
    opts.dns = spec.dns.empty() ? options.server_name : spec.dns;
    if (spec.dns.empty()) opts.ip = options.server_ip;
    opts.add_ex_constraint("PKIX.ServerAuth");
  } else {
    opts.add_ex_constraint("PKIX.ClientAuth");
  }
  const Botan::PKCS10_Request request = Botan::X509::create_cert_req(opts, *key, "SHA-256", rng);
  // The serial number is drawn from rng: unique per PKI, yet reproducible from a seed.
  const Botan::X509_Certificate cert = ca.sign_request(request, rng, not_before, not_after);
  Credential credential;
  credential.chain_der.push_back(cert.BER_encode());
  credential.key = std::move(key);
  return credential;
}

}  // namespace

Result<TestPki> GenerateTestPki(Botan::RandomNumberGenerator& rng, const TestPkiOptions& options) {
  if (options.validity.count() <= 0) return InternalError("test PKI: validity must be positive");
  try {
    const Botan::EC_Group p256("secp256r1");
    TestPki pki;
    if (options.rsa_ca) {
      pki.ca_key = std::make_shared<Botan::RSA_PrivateKey>(rng, options.rsa_bits);
    } else {
      pki.ca_key = std::make_shared<Botan::ECDSA_PrivateKey>(rng, p256);
    }
    Botan::X509_Cert_Options ca_opts;
    ca_opts.common_name = "shakedown test CA";
    ca_opts.organization = "shakedown";
    ca_opts.start = Botan::X509_Time(options.not_before);
    ca_opts.end = Botan::X509_Time(options.not_before + options.validity);
    ca_opts.CA_key(1);  // keyCertSign | cRLSign, pathLenConstraint 1
    const Botan::X509_Certificate ca_cert =
        Botan::X509::create_self_signed_cert(ca_opts, *pki.ca_key, "SHA-256", rng);
    pki.ca_der = ca_cert.BER_encode();
    const Botan::X509_CA ca(ca_cert, *pki.ca_key, "SHA-256", rng);

    const auto signing = Botan::Key_Constraints(Botan::DIGITAL_SIGNATURE);
    // RSA server keys also decrypt the pre-master secret (RFC 5246 7.4.2, checklist 41).
    const auto rsa_server_usage =
        Botan::Key_Constraints(Botan::DIGITAL_SIGNATURE | Botan::KEY_ENCIPHERMENT);

    pki.rsa_server =
        IssueLeaf(ca, rng, std::make_shared<Botan::RSA_PrivateKey>(rng, options.rsa_bits),
                  {options.server_name, true, rsa_server_usage}, options);
    pki.ecdsa_server = IssueLeaf(ca, rng, std::make_shared<Botan::ECDSA_PrivateKey>(rng, p256),
                                 {options.server_name, true, signing}, options);
    pki.rsa_client =
        IssueLeaf(ca, rng, std::make_shared<Botan::RSA_PrivateKey>(rng, options.rsa_bits),
                  {"shakedown RSA client", false, signing}, options);
    pki.ecdsa_client = IssueLeaf(ca, rng, std::make_shared<Botan::ECDSA_PrivateKey>(rng, p256),
                                 {"shakedown ECDSA client", false, signing}, options);

    // The flawed certificates, drawn after the good ones so that those stay as they were for
    // a seed. Each shares its key with the good certificate of its role.
    auto other_key = std::make_shared<Botan::ECDSA_PrivateKey>(rng, p256);
    ca_opts.common_name = "shakedown untrusted CA";
    const Botan::X509_Certificate other_cert =
        Botan::X509::create_self_signed_cert(ca_opts, *other_key, "SHA-256", rng);
    pki.other_ca_der = other_cert.BER_encode();
    const Botan::X509_CA other_ca(other_cert, *other_key, "SHA-256", rng);
    const auto year = std::chrono::hours(24 * 365);
    const auto expired_from = options.not_before - 2 * year;
    const auto expired_to = options.not_before - year;
    const LeafSpec server{options.server_name, true, rsa_server_usage, ""};
    const LeafSpec client{"shakedown RSA client", false, signing, ""};
    pki.flawed_server.untrusted_ca = IssueLeaf(other_ca, rng, pki.rsa_server.key, server, options);
    pki.flawed_server.expired =
        IssueLeafAt(ca, rng, pki.rsa_server.key, server, options, expired_from, expired_to);
    pki.flawed_server.wrong_name = IssueLeaf(
        ca, rng, pki.rsa_server.key,
        {"wrong-name.invalid", true, rsa_server_usage, "wrong-name.invalid"}, options);
    pki.flawed_server.no_signing_usage = IssueLeaf(
        ca, rng, pki.rsa_server.key,
        {options.server_name, true, Botan::Key_Constraints(Botan::KEY_ENCIPHERMENT), ""}, options);
    pki.flawed_client.untrusted_ca = IssueLeaf(other_ca, rng, pki.rsa_client.key, client, options);
    pki.flawed_client.expired =
        IssueLeafAt(ca, rng, pki.rsa_client.key, client, options, expired_from, expired_to);
    // Drawn last, so that everything above stays as it was for a seed.
    pki.ecdsa_p384_server = IssueLeaf(
        ca, rng, std::make_shared<Botan::ECDSA_PrivateKey>(rng, Botan::EC_Group("secp384r1")),
        {options.server_name, true, signing}, options);
    pki.ecdsa_p521_server = IssueLeaf(
        ca, rng, std::make_shared<Botan::ECDSA_PrivateKey>(rng, Botan::EC_Group("secp521r1")),
        {options.server_name, true, signing}, options);
    // Drawn after everything else for the same reason.
    pki.alternate_server = IssueLeaf(
        ca, rng, std::make_shared<Botan::RSA_PrivateKey>(rng, options.rsa_bits),
        {options.alternate_server_name, true, rsa_server_usage, options.alternate_server_name},
        options);
    return pki;
  } catch (const std::exception& e) {
    return InternalError(std::string("test PKI: ") + e.what());
  }
}

}  // namespace shakedown
