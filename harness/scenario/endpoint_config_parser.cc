#include "harness/scenario/endpoint_config_parser.h"

#include <vector>

#include "harness/scenario/json_text.h"
#include "harness/scenario/keys.h"

namespace shakedown {
namespace {

constexpr size_t kMaxServerName = 255;

}  // namespace

bool EndpointConfigParser::GetCertificate(const Json& j, const std::string& path, bool is_server,
                                          CertificateKey* out) {
  const std::string cpath = Child(path, "certificate");
  if (!GetConfigChoice(j["certificate"], cpath,
                       {CertificateKey::kRsa, CertificateKey::kEcdsa, CertificateKey::kEcdsaP384,
                        CertificateKey::kEcdsaP521, CertificateKey::kNone},
                       out)) {
    return false;
  }
  if (!is_server && (*out == CertificateKey::kEcdsaP384 || *out == CertificateKey::kEcdsaP521)) {
    return Fail(cpath, "\"" + std::string(ConfigName(*out)) +
                           "\" is a server certificate; a client's is \"rsa\", \"ecdsa\" or "
                           "\"none\"");
  }
  return true;
}

bool EndpointConfigParser::GetHeartbeat(const Json& j, const std::string& path,
                                        HeartbeatMode* out) {
  return !j.contains("heartbeat") ||
         GetConfigChoice(j["heartbeat"], Child(path, "heartbeat"),
                         {HeartbeatMode::kOff, HeartbeatMode::kPeerAllowedToSend,
                          HeartbeatMode::kPeerNotAllowedToSend},
                         out);
}

bool EndpointConfigParser::ParsePeer(const Json& j, const std::string& path, PeerConfig* out) {
  if (!CheckKeys(j, path, kPeerKeys, "peer")) return false;
  std::vector<uint64_t> list;
  if (j.contains("cipher_suites")) {
    if (!GetRegistryList(j["cipher_suites"], Child(path, "cipher_suites"), Registry::kCipherSuite,
                         false, &list)) {
      return false;
    }
    out->cipher_suites.assign(list.begin(), list.end());
  }
  if (j.contains("groups")) {
    if (!GetRegistryList(j["groups"], Child(path, "groups"), Registry::kNamedGroup, false, &list)) {
      return false;
    }
    out->groups.clear();
    for (uint64_t v : list) out->groups.push_back(static_cast<NamedGroup>(v));
  }
  if (j.contains("signature_schemes")) {
    if (!GetRegistryList(j["signature_schemes"], Child(path, "signature_schemes"),
                         Registry::kSignatureScheme, false, &list)) {
      return false;
    }
    out->signature_schemes.clear();
    for (uint64_t v : list) out->signature_schemes.push_back(static_cast<SignatureScheme>(v));
  }
  if (j.contains("certificate") &&
      !GetCertificate(j, path, /*is_server=*/role_ == Side::kClient, &out->certificate)) {
    return false;
  }
  if (j.contains("certificate_flaw")) {
    const std::string fpath = Child(path, "certificate_flaw");
    if (!GetConfigChoice(j["certificate_flaw"], fpath,
                         {CertificateFlaw::kNone, CertificateFlaw::kUntrustedCa,
                          CertificateFlaw::kExpired, CertificateFlaw::kWrongName,
                          CertificateFlaw::kNoSigningUsage},
                         &out->certificate_flaw)) {
      return false;
    }
    if (out->certificate_flaw != CertificateFlaw::kNone &&
        out->certificate != CertificateKey::kRsa) {
      return Fail(fpath, "the flawed certificates are RSA ones: \"certificate\" must be \"rsa\"");
    }
    const bool server_only = out->certificate_flaw == CertificateFlaw::kWrongName ||
                             out->certificate_flaw == CertificateFlaw::kNoSigningUsage;
    if (server_only && role_ == Side::kServer) {
      return Fail(fpath, Quote(ConfigName(out->certificate_flaw)) +
                             " is a server certificate's flaw; here the peer is the client");
    }
  }
  if (j.contains("extended_master_secret") &&
      !GetBool(j["extended_master_secret"], Child(path, "extended_master_secret"),
               &out->extended_master_secret)) {
    return false;
  }
  if (j.contains("encrypt_then_mac") &&
      !GetBool(j["encrypt_then_mac"], Child(path, "encrypt_then_mac"), &out->encrypt_then_mac)) {
    return false;
  }
  if (j.contains("renegotiation_info") &&
      !GetBool(j["renegotiation_info"], Child(path, "renegotiation_info"),
               &out->renegotiation_info)) {
    return false;
  }
  if (j.contains("session_ticket") &&
      !GetBool(j["session_ticket"], Child(path, "session_ticket"), &out->session_ticket)) {
    return false;
  }
  if (!GetHeartbeat(j, path, &out->heartbeat)) return false;
  if (j.contains("server_name")) {
    if (!GetString(j["server_name"], Child(path, "server_name"), &out->server_name)) return false;
    if (out->server_name.size() > kMaxServerName) {
      return Fail(Child(path, "server_name"), "longer than 255 bytes");
    }
  }
  if (j.contains("version")) {
    uint64_t v = 0;
    if (!GetVersion(j["version"], Child(path, "version"), &v)) return false;
    out->version = static_cast<ProtocolVersion>(v);
  }
  if (j.contains("dh_group")) {
    const std::string gpath = Child(path, "dh_group");
    if (!GetChoice(j["dh_group"], gpath, DhGroupChoices(), &out->dh_group)) return false;
    if (role_ == Side::kServer) {
      return Fail(gpath, "the server chooses the DH group; here the peer is the client");
    }
  }
  if (j.contains("dh_secret_leading_zero")) {
    const std::string zpath = Child(path, "dh_secret_leading_zero");
    if (!GetBool(j["dh_secret_leading_zero"], zpath, &out->dh_secret_leading_zero)) return false;
    if (out->dh_secret_leading_zero && role_ == Side::kClient) {
      return Fail(zpath, "only a client peer can choose its exponent after the server's; here "
                         "the peer is the server");
    }
  }
  if (j.contains("dh_public_leading_zeros")) {
    uint64_t n = 0;
    if (!GetUint(j["dh_public_leading_zeros"], Child(path, "dh_public_leading_zeros"), 0, 16,
                 &n)) {
      return false;
    }
    out->dh_public_leading_zeros = static_cast<uint8_t>(n);
  }
  if (j.contains("status_request") &&
      !GetBool(j["status_request"], Child(path, "status_request"), &out->status_request)) {
    return false;
  }
  if (j.contains("ocsp_response")) {
    const std::string opath = Child(path, "ocsp_response");
    if (!GetChoice(j["ocsp_response"], opath, OcspResponseChoices(), &out->ocsp_response)) {
      return false;
    }
    if (role_ == Side::kServer) {
      return Fail(opath,
                  "only a server peer staples an OCSP response; here the peer is the "
                  "client");
    }
  }
  return ParseRecordLimits(j, path, /*is_client=*/role_ == Side::kServer, &out->max_fragment_length,
                           &out->record_size_limit);
}

bool EndpointConfigParser::ParseRecordLimits(const Json& j, const std::string& path,
                                             bool is_client, uint16_t* max_fragment_length,
                                             uint16_t* record_size_limit) {
  uint64_t n = 0;
  if (j.contains("max_fragment_length")) {
    const std::string mpath = Child(path, "max_fragment_length");
    if (!is_client) {
      // RFC 6066 4: only a client asks; a server answers whatever valid length was asked.
      return Fail(mpath, "only a client requests a maximum fragment length (RFC 6066 4); this "
                         "block is the server's, which answers a valid request with the same "
                         "length (a different answer goes in a ServerHello through \"set\": "
                         "{\"extensions.max_fragment_length\": hex})");
    }
    if (!GetUint(j["max_fragment_length"], mpath, 512, 4096, &n)) return false;
    if (n != 512 && n != 1024 && n != 2048 && n != 4096) {
      return Fail(mpath, "RFC 6066 4 allows 512, 1024, 2048 or 4096 (another code goes in a "
                         "ClientHello through \"set\": {\"extensions.max_fragment_length\": hex})");
    }
    *max_fragment_length = static_cast<uint16_t>(n);
  }
  if (j.contains("record_size_limit")) {
    if (!GetUint(j["record_size_limit"], Child(path, "record_size_limit"), 64, 16384, &n)) {
      return false;
    }
    *record_size_limit = static_cast<uint16_t>(n);
  }
  return true;
}

bool EndpointConfigParser::ParseTarget(const Json& j, const std::string& path, TargetConfig* out) {
  if (!CheckKeys(j, path, kTargetKeys, "target")) return false;
  if (j.contains("certificate")) {
    if (!GetCertificate(j, path, /*is_server=*/role_ == Side::kServer, &out->certificate)) {
      return false;
    }
    if (out->certificate == CertificateKey::kNone && role_ == Side::kServer) {
      return Fail(Child(path, "certificate"),
                  "a server target needs a certificate (\"rsa\" or \"ecdsa\"); \"none\" is for "
                  "client targets without a client certificate");
    }
  }
  if (j.contains("client_auth")) {
    if (!GetConfigChoice(
            j["client_auth"], Child(path, "client_auth"),
            {ClientAuthMode::kNone, ClientAuthMode::kOptional, ClientAuthMode::kRequired},
            &out->client_auth)) {
      return false;
    }
    if (out->client_auth != ClientAuthMode::kNone && role_ == Side::kClient) {
      return Fail(Child(path, "client_auth"),
                  "client_auth configures a server target; for a client target, the peer "
                  "server sends CertificateRequest");
    }
  }
  if (j.contains("cipher_suites")) {
    std::vector<uint64_t> list;
    if (!GetRegistryList(j["cipher_suites"], Child(path, "cipher_suites"), Registry::kCipherSuite,
                         false, &list)) {
      return false;
    }
    out->cipher_suites.assign(list.begin(), list.end());
  }
  if (j.contains("groups")) {
    std::vector<uint64_t> list;
    if (!GetRegistryList(j["groups"], Child(path, "groups"), Registry::kNamedGroup, false,
                         &list)) {
      return false;
    }
    for (uint64_t v : list) out->groups.push_back(static_cast<NamedGroup>(v));
  }
  if (j.contains("session_tickets") &&
      !GetBool(j["session_tickets"], Child(path, "session_tickets"), &out->session_tickets)) {
    return false;
  }
  if (j.contains("renegotiation") &&
      !GetConfigChoice(j["renegotiation"], Child(path, "renegotiation"),
                       {RenegotiationPolicy::kRefuse, RenegotiationPolicy::kAccept,
                        RenegotiationPolicy::kInitiate},
                       &out->renegotiation)) {
    return false;
  }
  if (!GetHeartbeat(j, path, &out->heartbeat)) return false;
  if (j.contains("ocsp") && !GetBool(j["ocsp"], Child(path, "ocsp"), &out->ocsp)) return false;
  if (j.contains("sni")) {
    const std::string spath = Child(path, "sni");
    if (!GetChoice(j["sni"], spath, SniChoices(), &out->sni)) return false;
    if (role_ == Side::kClient) {
      return Fail(spath,
                  "sni configures a server target's certificates by name; a client "
                  "target's server_name is the peer's \"server_name\"");
    }
    if (out->certificate != CertificateKey::kRsa) {
      return Fail(spath,
                  "the alternate certificate is an RSA one: \"certificate\" must be "
                  "\"rsa\"");
    }
  }
  if (!ParseRecordLimits(j, path, /*is_client=*/role_ == Side::kClient, &out->max_fragment_length,
                         &out->record_size_limit)) {
    return false;
  }
  if (j.contains("versions")) {
    const std::string vpath = Child(path, "versions");
    const Json& list = j["versions"];
    if (!list.is_array() || list.empty()) {
      return Fail(vpath, "expected a non-empty list of versions (\"TLSv1.1\", \"0x0302\")");
    }
    for (size_t i = 0; i < list.size(); ++i) {
      uint64_t v = 0;
      if (!GetVersion(list[i], Child(vpath, std::to_string(i)), &v)) return false;
      if (!out->versions.empty() && v <= out->versions.back()) {
        return Fail(Child(vpath, std::to_string(i)),
                    "versions are listed once each, in ascending order");
      }
      out->versions.push_back(static_cast<uint16_t>(v));
    }
    if (out->versions == std::vector<uint16_t>{0x0303}) {
      return Fail(vpath, "[\"TLSv1.2\"] is the default: leave the key out");
    }
  }
  if (j.contains("extended_master_secret") &&
      !GetConfigChoice(j["extended_master_secret"], Child(path, "extended_master_secret"),
                       {EmsPolicy::kEnabled, EmsPolicy::kRequired, EmsPolicy::kDisabled},
                       &out->extended_master_secret)) {
    return false;
  }
  return true;
}

}  // namespace shakedown
