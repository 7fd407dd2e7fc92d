#include "harness/runner/target.h"

#include <map>
#include <string>
#include <utility>

#include "engine/crypto/ocsp.h"
#include "engine/crypto/pki.h"
#include "harness/runner/net_target.h"
#include "harness/runner/reference_target.h"
#include "platform/subprocess.h"

namespace shakedown {
namespace {

Status SpecError(std::string_view spec, const std::string& why,
                 const std::vector<std::string>& libraries) {
  std::string help =
      "a target is \"reference\", \"tcp:HOST:PORT\", \"exec:COMMAND\" with {port} in COMMAND "
      "(e.g. exec:'openssl s_server -accept {port} -cert {cert} -key {key}')";
  if (!libraries.empty()) {
    std::string names;
    for (const std::string& l : libraries) names += (names.empty() ? "" : ", ") + l;
    help += " or an in-process library (" + names + "), optionally with :server or :client";
  }
  return InternalError("bad target \"" + std::string(spec) + "\": " + why + "; " + help);
}

}  // namespace

std::string TargetSpec::ToString() const {
  switch (kind) {
    case Kind::kReference:
      return "reference";
    case Kind::kTcp:
      return "tcp:" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
             std::to_string(port);
    case Kind::kExec:
      return "exec:" + command;
    case Kind::kLibrary:
      return library + (role ? (*role == Side::kServer ? ":server" : ":client") : "");
  }
  return "?";
}

Result<TargetSpec> ParseTargetSpec(std::string_view spec,
                                   const std::vector<std::string>& libraries) {
  TargetSpec out;
  if (spec == "reference") return out;
  for (const std::string& library : libraries) {
    if (spec.rfind(library, 0) != 0) continue;
    std::string_view rest = spec.substr(library.size());
    if (!rest.empty() && rest != ":server" && rest != ":client") continue;
    out.kind = TargetSpec::Kind::kLibrary;
    out.library = library;
    if (rest == ":server") out.role = Side::kServer;
    if (rest == ":client") out.role = Side::kClient;
    return out;
  }
  if (spec.rfind("tcp:", 0) == 0) {
    Result<HostPort> hp = ParseHostPort(spec.substr(4));
    if (!hp.ok()) return SpecError(spec, hp.status().message(), libraries);
    if (hp->port == 0) return SpecError(spec, "port 0", libraries);
    out.kind = TargetSpec::Kind::kTcp;
    out.host = hp->host;
    out.port = hp->port;
    return out;
  }
  if (spec.rfind("exec:", 0) == 0) {
    std::string command(spec.substr(5));
    if (command.find_first_not_of(" \t") == std::string::npos) {
      return SpecError(spec, "no command", libraries);
    }
    if (command.find("{port}") == std::string::npos) {
      return SpecError(spec, "the command has no {port} to listen or connect on", libraries);
    }
    Result<std::string> check = ExpandCommand(command, 1, PemFiles());
    if (!check.ok()) return SpecError(spec, check.status().message(), libraries);
    out.kind = TargetSpec::Kind::kExec;
    out.command = std::move(command);
    return out;
  }
  return SpecError(spec, "unknown kind", libraries);
}

Result<PemFiles> WritePkiPem(const TestPki& pki, const std::string& dir) {
  PemFiles f;
  f.dir = dir;
  f.ca = dir + "/ca.pem";
  f.cert = dir + "/server-rsa.pem";
  f.key = dir + "/server-rsa.key";
  f.ecdsa_cert = dir + "/server-ecdsa.pem";
  f.ecdsa_key = dir + "/server-ecdsa.key";
  f.ecdsa_p384_cert = dir + "/server-ecdsa-p384.pem";
  f.ecdsa_p384_key = dir + "/server-ecdsa-p384.key";
  f.ecdsa_p521_cert = dir + "/server-ecdsa-p521.pem";
  f.ecdsa_p521_key = dir + "/server-ecdsa-p521.key";
  f.client_cert = dir + "/client-rsa.pem";
  f.client_key = dir + "/client-rsa.key";
  f.ecdsa_client_cert = dir + "/client-ecdsa.pem";
  f.ecdsa_client_key = dir + "/client-ecdsa.key";
  SD_RETURN_IF_ERROR(WriteCertificateChainPem(f.ca, {pki.ca_der}));
  SD_RETURN_IF_ERROR(WriteCredentialPem(pki.rsa_server, f.cert, f.key));
  SD_RETURN_IF_ERROR(WriteCredentialPem(pki.ecdsa_server, f.ecdsa_cert, f.ecdsa_key));
  SD_RETURN_IF_ERROR(
      WriteCredentialPem(pki.ecdsa_p384_server, f.ecdsa_p384_cert, f.ecdsa_p384_key));
  SD_RETURN_IF_ERROR(
      WriteCredentialPem(pki.ecdsa_p521_server, f.ecdsa_p521_cert, f.ecdsa_p521_key));
  SD_RETURN_IF_ERROR(WriteCredentialPem(pki.rsa_client, f.client_cert, f.client_key));
  SD_RETURN_IF_ERROR(WriteCredentialPem(pki.ecdsa_client, f.ecdsa_client_cert, f.ecdsa_client_key));
  f.sni_cert = dir + "/server-sni.pem";
  f.sni_key = dir + "/server-sni.key";
  f.sni_name = TestPkiOptions().alternate_server_name;
  f.server_name = TestPkiOptions().server_name;
  SD_RETURN_IF_ERROR(WriteCredentialPem(pki.alternate_server, f.sni_cert, f.sni_key));
  f.ocsp = dir + "/server-rsa.ocsp.der";
  f.ecdsa_ocsp = dir + "/server-ecdsa.ocsp.der";
  for (const auto& [credential, path] :
       {std::make_pair(&pki.rsa_server, f.ocsp), std::make_pair(&pki.ecdsa_server, f.ecdsa_ocsp)}) {
    SD_ASSIGN_OR_RETURN(Bytes response, MakeTestOcspResponse(pki, credential->chain_der.front(),
                                                             OcspResponseKind::kGood));
    SD_RETURN_IF_ERROR(WriteTextFile(path, std::string(response.begin(), response.end())));
  }
  return f;
}

Result<PemFiles> WritePkiPemToTempDir(const TestPki& pki, const std::string& prefix) {
  SD_ASSIGN_OR_RETURN(std::string dir, MakeTempDir(prefix));
  Result<PemFiles> pem = WritePkiPem(pki, dir);
  if (!pem.ok()) RemoveTree(dir);
  return pem;
}

Result<std::string> ExpandCommand(const std::string& command, uint16_t port, const PemFiles& pem,
                                  const std::string& session_file) {
  const std::map<std::string, std::string> values = {
      {"port", std::to_string(port)},
      {"host", "127.0.0.1"},
      {"cert", pem.cert},
      {"key", pem.key},
      {"ca", pem.ca},
      {"ecdsa_cert", pem.ecdsa_cert},
      {"ecdsa_key", pem.ecdsa_key},
      {"ecdsa_p384_cert", pem.ecdsa_p384_cert},
      {"ecdsa_p384_key", pem.ecdsa_p384_key},
      {"ecdsa_p521_cert", pem.ecdsa_p521_cert},
      {"ecdsa_p521_key", pem.ecdsa_p521_key},
      {"client_cert", pem.client_cert},
      {"client_key", pem.client_key},
      {"ecdsa_client_cert", pem.ecdsa_client_cert},
      {"ecdsa_client_key", pem.ecdsa_client_key},
      {"ocsp", pem.ocsp},
      {"ecdsa_ocsp", pem.ecdsa_ocsp},
      {"sni_cert", pem.sni_cert},
      {"sni_key", pem.sni_key},
      {"sni_name", pem.sni_name},
      {"session", session_file},
  };
  std::string out;
  size_t i = 0;
  while (i < command.size()) {
    size_t open = command.find('{', i);
    if (open == std::string::npos) break;
    size_t close = command.find('}', open);
    if (close == std::string::npos) break;
    std::string name = command.substr(open + 1, close - open - 1);
    auto it = values.find(name);
    if (it == values.end()) {
      // Shell syntax such as ${VAR} passes through untouched.
      if (open > 0 && command[open - 1] == '$') {
        out += command.substr(i, close + 1 - i);
        i = close + 1;
        continue;
      }
      return InternalError("unknown placeholder {" + name +
                           "} (known: {port} {host} {cert} {key} {ca} {ecdsa_cert} {ecdsa_key} "
                           "{ecdsa_p384_cert} {ecdsa_p384_key} {ecdsa_p521_cert} {ecdsa_p521_key} "
                           "{client_cert} {client_key} {ecdsa_client_cert} {ecdsa_client_key} "
                           "{ocsp} {ecdsa_ocsp} {sni_cert} {sni_key} {sni_name} {session})");
    }
    out += command.substr(i, open - i) + it->second;
    i = close + 1;
  }
  out += command.substr(i);
  return out;
}

Result<std::unique_ptr<Target>> MakeTarget(const TargetSpec& spec,
                                           const TargetResources& resources) {
  if (resources.pki == nullptr) return InternalError("MakeTarget: no test PKI");
  switch (spec.kind) {
    case TargetSpec::Kind::kReference:
      return MakeReferenceTarget(resources);
    case TargetSpec::Kind::kTcp:
      return MakeTcpTarget(spec.host, spec.port, resources);
    case TargetSpec::Kind::kExec:
      if (resources.pem.dir.empty()) {
        return InternalError("an exec target needs the PKI written as PEM (WritePkiPem)");
      }
      return MakeExecTarget(spec.command, resources);
    case TargetSpec::Kind::kLibrary:
      return InternalError("in-process library targets are made by harness/targets:registry "
                           "(MakeAnyTarget)");
  }
  return InternalError("MakeTarget: unknown kind");
}

}  // namespace shakedown
