#include "interop/peer_tools.h"

#include <sstream>

namespace shakedown {
namespace interop {

const char* SuiteName(InteropSuite suite) {
  switch (suite) {
    case InteropSuite::kEcdheRsa:
      return "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256";
    case InteropSuite::kRsa:
      return "TLS_RSA_WITH_AES_128_GCM_SHA256";
    case InteropSuite::kEcdheEcdsa:
      return "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256";
    case InteropSuite::kDheRsa:
      return "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256";
    case InteropSuite::kEcdheEcdsaCcm:
      return "TLS_ECDHE_ECDSA_WITH_AES_128_CCM";
    case InteropSuite::kEcdheRsaCbc:
      return "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA";
  }
  return "";
}

const char* SuiteLabel(InteropSuite suite) {
  switch (suite) {
    case InteropSuite::kEcdheRsa:
      return "EcdheRsa";
    case InteropSuite::kRsa:
      return "RsaKeyExchange";
    case InteropSuite::kEcdheEcdsa:
      return "EcdsaCertificate";
    case InteropSuite::kDheRsa:
      return "DheRsa";
    case InteropSuite::kEcdheEcdsaCcm:
      return "EcdheEcdsaCcm";
    case InteropSuite::kEcdheRsaCbc:
      return "EcdheRsaCbcEtm";
  }
  return "";
}

bool UsesEcdsaCertificate(InteropSuite suite) {
  return suite == InteropSuite::kEcdheEcdsa || suite == InteropSuite::kEcdheEcdsaCcm;
}

const char* FeatureLabel(InteropFeature feature) {
  switch (feature) {
    case InteropFeature::kMaxFragmentLength:
      return "MaxFragmentLength";
    case InteropFeature::kRecordSizeLimit:
      return "RecordSizeLimit";
    case InteropFeature::kHeartbeat:
      return "Heartbeat";
    case InteropFeature::kRenegotiation:
      return "Renegotiation";
  }
  return "";
}

namespace {

std::vector<PeerTool> MakeTable() {
  std::vector<PeerTool> tools;

  PeerTool s_client;
  s_client.library = "openssl";
  s_client.executable = "openssl";
  s_client.package = "openssl";
  s_client.side = Side::kClient;
  // Verifies the engine's chain against the test CA and the name localhost;
  // -verify_return_error makes a bad chain a failed run.
  s_client.command =
      "openssl s_client -connect 127.0.0.1:{port} -servername localhost -CAfile {ca} "
      "-verify_return_error -verify_hostname localhost";
  s_client.suite_args = {{InteropSuite::kRsa, "-cipher AES128-GCM-SHA256"},
                         {InteropSuite::kEcdheEcdsaCcm, "-cipher ECDHE-ECDSA-AES128-CCM"}};
  s_client.client_auth = "-cert {client_cert} -key {client_key}";
  s_client.resume_runs = {"-sess_out {session}/session.pem", "-sess_in {session}/session.pem"};
  s_client.checks_ems = true;
  s_client.suite_reports = {
      {InteropSuite::kEcdheRsa, {"New, TLSv1.2, Cipher is ECDHE-RSA-AES128-GCM-SHA256"}},
      {InteropSuite::kRsa, {"New, TLSv1.2, Cipher is AES128-GCM-SHA256"}},
      {InteropSuite::kEcdheEcdsa,
       {"New, TLSv1.2, Cipher is ECDHE-ECDSA-AES128-GCM-SHA256", "Peer signature type: ECDSA"}},
      {InteropSuite::kDheRsa,
       {"New, TLSv1.2, Cipher is DHE-RSA-AES128-GCM-SHA256", "Server Temp Key: DH, 2048 bits"}},
      {InteropSuite::kEcdheEcdsaCcm, {"New, TLSv1.2, Cipher is ECDHE-ECDSA-AES128-CCM"}},
      // OpenSSL names the version that introduced the suite: "New, TLSv1.0, Cipher is ...".
      {InteropSuite::kEcdheRsaCbc, {"Cipher is ECDHE-RSA-AES128-SHA"}},
  };
  // No record_size_limit or heartbeat in OpenSSL 3.0; s_client renegotiates on an "R" line of
  // its input, which would swallow the rest of the request.
  s_client.feature_args = {{InteropFeature::kMaxFragmentLength, "-maxfraglen 512 -tlsextdebug"}};
  s_client.feature_reports = {
      {InteropFeature::kMaxFragmentLength,
       {"TLS server extension \"max fragment length\" (id=1), len=1"}}};
  s_client.verified_reports = {"Verify return code: 0 (ok)"};
  s_client.resumed_report = "Reused, TLSv1.2, Cipher is ECDHE-RSA-AES128-GCM-SHA256";
  s_client.refused_report = "alert handshake failure";
  s_client.conformance = "openssl s_client -quiet -tls1_2 -ign_eof -connect 127.0.0.1:{port}";
  tools.push_back(s_client);

  PeerTool s_server;
  s_server.library = "openssl";
  s_server.executable = "openssl";
  s_server.package = "openssl";
  s_server.side = Side::kServer;
  // -www answers GET with a page naming the cipher ("New, TLSv1.2, Cipher is ..." or
  // "Reused, ...") and the client certificate, then closes.
  s_server.command = "openssl s_server -accept {port} -cert {cert} -key {key} -www";
  // -Verify 1: request a client certificate, fail without one, validate it against -CAfile.
  s_server.client_auth = "-Verify 1 -CAfile {ca}";
  s_server.client_credential = "rsa";
  s_server.checks_ems = true;
  s_server.suite_reports = {
      {InteropSuite::kEcdheRsa, {"New, TLSv1.2, Cipher is ECDHE-RSA-AES128-GCM-SHA256"}},
      {InteropSuite::kRsa, {"New, TLSv1.2, Cipher is AES128-GCM-SHA256"}},
      {InteropSuite::kEcdheEcdsa, {"New, TLSv1.2, Cipher is ECDHE-ECDSA-AES128-GCM-SHA256"}},
      {InteropSuite::kDheRsa, {"New, TLSv1.2, Cipher is DHE-RSA-AES128-GCM-SHA256"}},
      {InteropSuite::kEcdheEcdsaCcm, {"New, TLSv1.2, Cipher is ECDHE-ECDSA-AES128-CCM"}},
      // OpenSSL names the version that introduced the suite: "New, TLSv1.0, Cipher is ...".
      {InteropSuite::kEcdheRsaCbc, {"Cipher is ECDHE-RSA-AES128-SHA"}},
  };
  s_server.suite_args = {{InteropSuite::kEcdheEcdsaCcm, "-cipher ECDHE-ECDSA-AES128-CCM"}};
  // It honours max_fragment_length requests; OpenSSL 3.0 refuses a client's renegotiation
  // (warning no_renegotiation) unless -client_renegotiation.
  s_server.feature_args = {{InteropFeature::kMaxFragmentLength, ""},
                           {InteropFeature::kRenegotiation, "-client_renegotiation"}};
  // OpenSSL 3.0 ignores supported_groups for TLS 1.2 DHE (no RFC 7919 negotiation): its
  // automatic parameters are a 2048-bit group of its own, sent whatever the client offered.
  s_server.dhe_group = std::nullopt;
  s_server.client_auth_reports = {"Client certificate", "Subject: CN=shakedown RSA client"};
  s_server.client_auth_absent = {"no client certificate available"};
  s_server.resumed_report = "Reused, TLSv1.2, Cipher is ECDHE-RSA-AES128-GCM-SHA256";
  // OpenSSL answers an empty client Certificate with handshake_failure in TLS 1.2.
  s_server.refused_alert = "handshake_failure";
  s_server.conformance = "openssl s_server -quiet -tls1_2 -accept {port} -cert {cert} -key {key}";
  s_server.conformance_client_auth =
      "openssl s_server -quiet -tls1_2 -accept {port} -cert {cert} -key {key} -Verify 1 "
      "-CAfile {ca}";
  tools.push_back(s_server);

  PeerTool gnutls_cli;
  gnutls_cli.library = "gnutls";
  gnutls_cli.executable = "gnutls-cli";
  gnutls_cli.package = "gnutls-bin";
  gnutls_cli.side = Side::kClient;
  // Refuses an untrusted server unless --insecure, which is never given.
  gnutls_cli.command =
      "gnutls-cli -p {port} --x509cafile {ca} --sni-hostname localhost --verify-hostname "
      "localhost {extra} 127.0.0.1";
  // NORMAL leaves out RSA key transport; +RSA adds it.
  gnutls_cli.suite_args = {{InteropSuite::kRsa, "--priority NORMAL:+RSA"},
                           {InteropSuite::kDheRsa, "--priority NORMAL:+DHE-RSA"},
                           {InteropSuite::kEcdheEcdsaCcm, "--priority NORMAL:+AES-128-CCM"}};
  gnutls_cli.client_auth = "--x509certfile {client_cert} --x509keyfile {client_key}";
  gnutls_cli.client_credential = "ecdsa";
  // --resume: a full handshake, disconnect, reconnect offering the session; the request goes
  // over the second connection.
  gnutls_cli.resume_runs = {"--resume"};
  gnutls_cli.checks_ems = true;
  gnutls_cli.suite_reports = {
      {InteropSuite::kEcdheRsa, {"- Description: (TLS1.2-X.509)-(ECDHE-", "-(AES-128-GCM)"}},
      {InteropSuite::kRsa, {"- Description: (TLS1.2-X.509)-(RSA)-(AES-128-GCM)"}},
      {InteropSuite::kEcdheEcdsa, {"-(ECDSA-SHA256)-(AES-128-GCM)"}},
      // RFC 7919: the group the engine chose from GnuTLS's supported_groups.
      {InteropSuite::kDheRsa, {"- Description: (TLS1.2-X.509)-(DHE-FFDHE2048)-", "-(AES-128-GCM)"}},
      {InteropSuite::kEcdheEcdsaCcm, {"-(ECDSA-SHA256)-(AES-128-CCM)"}},
      {InteropSuite::kEcdheRsaCbc, {"-(AES-128-CBC)-(SHA1)"}},
  };
  // --recordsize=512 sends max_fragment_length (code 1) and record_size_limit 512 together
  // (RFC 8449 5 allows it): a server without record_size_limit answers the first, one with it
  // the second.
  gnutls_cli.feature_args = {{InteropFeature::kMaxFragmentLength, "--recordsize=512"},
                             {InteropFeature::kRecordSizeLimit, "--recordsize=512"},
                             {InteropFeature::kHeartbeat, "--heartbeat"},
                             {InteropFeature::kRenegotiation, "--rehandshake"}};
  gnutls_cli.feature_reports = {{InteropFeature::kRenegotiation, {"- ReHandshake was completed"}}};
  gnutls_cli.verified_reports = {"- Status: The certificate is trusted.",
                                 "- Handshake was completed"};
  gnutls_cli.client_auth_reports = {"- Successfully sent 1 certificate(s) to server."};
  gnutls_cli.resumed_report = "*** This is a resumed session";
  tools.push_back(gnutls_cli);

  PeerTool gnutls_serv;
  gnutls_serv.library = "gnutls";
  gnutls_serv.executable = "gnutls-serv";
  gnutls_serv.package = "gnutls-bin";
  gnutls_serv.side = Side::kServer;
  // --http answers GET with an HTML page naming the protocol and the suite (GnuTLS names:
  // ECDHE_RSA_AES_128_GCM_SHA256). Without -a it asks for an optional client certificate,
  // which the engine answers with an empty Certificate (RFC 5246 7.4.6).
  gnutls_serv.command = "gnutls-serv -p {port} --x509certfile {cert} --x509keyfile {key} --http";
  gnutls_serv.suite_args = {{InteropSuite::kRsa, "--priority NORMAL:+RSA"},
                            {InteropSuite::kDheRsa, "--priority NORMAL:+DHE-RSA"},
                            {InteropSuite::kEcdheEcdsaCcm, "--priority NORMAL:+AES-128-CCM"}};
  gnutls_serv.client_auth = "--require-client-cert --verify-client-cert --x509cafile {ca}";
  gnutls_serv.client_credential = "ecdsa";
  gnutls_serv.checks_ems = true;
  gnutls_serv.suite_reports = {
      {InteropSuite::kEcdheRsa, {"ECDHE_RSA_AES_128_GCM_SHA256", "TLS1.2"}},
      {InteropSuite::kRsa, {"RSA_AES_128_GCM_SHA256"}},
      {InteropSuite::kEcdheEcdsa, {"ECDHE_ECDSA_AES_128_GCM_SHA256"}},
      {InteropSuite::kDheRsa, {"DHE_RSA_AES_128_GCM_SHA256"}},
      {InteropSuite::kEcdheEcdsaCcm, {"ECDHE_ECDSA_AES_128_CCM"}},
      {InteropSuite::kEcdheRsaCbc, {"ECDHE_RSA_AES_128_CBC_SHA1"}},
  };
  // --http does not go on after a client's renegotiation request (unexpected_message), so no
  // renegotiation case.
  gnutls_serv.feature_args = {{InteropFeature::kMaxFragmentLength, ""},
                              {InteropFeature::kRecordSizeLimit, "--recordsize=512"},
                              {InteropFeature::kHeartbeat, "--heartbeat"}};
  // gnutls-serv 3.7.9 answers max_fragment_length 512 and then sends its HTTP page in one
  // record of ~900 bytes: RFC 6066 4, "the client and server MUST immediately begin
  // fragmenting messages ... to ensure that no fragment larger than the negotiated length is
  // sent". The engine refuses the record (record_overflow).
  gnutls_serv.feature_deviations = {
      {InteropFeature::kMaxFragmentLength, "exceeds the negotiated limit of 512"}};
  // gnutls-serv logs the certificate it received (and refuses an unverifiable one).
  gnutls_serv.client_auth_reports = {"CN=shakedown ECDSA client"};
  gnutls_serv.client_auth_absent = {"NOT verified"};
  gnutls_serv.conformance =
      "gnutls-serv --priority NORMAL:-VERS-ALL:+VERS-TLS1.2:+RSA:+SHA256 -p {port} "
      "--disable-client-cert --x509certfile {cert} --x509keyfile {key}";
  gnutls_serv.conformance_client_auth =
      "gnutls-serv --priority NORMAL:-VERS-ALL:+VERS-TLS1.2:+RSA:+SHA256 -p {port} "
      "--x509certfile {cert} --x509keyfile {key} --require-client-cert --verify-client-cert "
      "--x509cafile {ca}";
  gnutls_serv.known_failures = {
      {"server.handshake.client-auth-required-empty-certificate", "expect: alert",
       "gnutls-serv 3.7.9 answers an empty client Certificate with decode_error; RFC 5246 "
       "7.4.6 (checklist 43) names handshake_failure"}};
  tools.push_back(gnutls_serv);

  // Botan's tools cannot do client authentication (tls_client has no certificate option;
  // tls_server never sends a CertificateRequest): interop/botan_test.cc covers those cases
  // with Botan's TLS library in-process.
  PeerTool tls_client;
  tls_client.library = "botan";
  tls_client.executable = "botan";
  tls_client.package = "botan";
  tls_client.side = Side::kClient;
  // Validates against the test CA only (and the name localhost); it reports the result as
  // "Certificate validation status: ..." and carries on either way, so the tests check it.
  tls_client.command =
      "botan tls_client localhost --port={port} --trusted-cas={ca_dir} --skip-system-cert-store";
  tls_client.suite_args = {{InteropSuite::kRsa, "--policy={botan_policy}"},
                           {InteropSuite::kDheRsa, "--policy={botan_policy}"},
                           {InteropSuite::kEcdheEcdsaCcm, "--policy={botan_policy}"},
                           {InteropSuite::kEcdheRsaCbc, "--policy={botan_policy}"}};
  // Sessions survive between runs only in its SQLite session database.
  tls_client.resume_runs = {"--session-db={session}/sessions.db --session-db-pass=shakedown",
                            "--session-db={session}/sessions.db --session-db-pass=shakedown"};
  tls_client.suite_reports = {
      {InteropSuite::kEcdheRsa,
       {"Handshake complete, TLS v1.2 using ECDHE_RSA_WITH_AES_128_GCM_SHA256"}},
      {InteropSuite::kRsa, {"Handshake complete, TLS v1.2 using RSA_WITH_AES_128_GCM_SHA256"}},
      {InteropSuite::kEcdheEcdsa,
       {"Handshake complete, TLS v1.2 using ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"}},
      {InteropSuite::kDheRsa,
       {"Handshake complete, TLS v1.2 using DHE_RSA_WITH_AES_128_GCM_SHA256"}},
      {InteropSuite::kEcdheEcdsaCcm,
       {"Handshake complete, TLS v1.2 using ECDHE_ECDSA_WITH_AES_128_CCM"}},
      {InteropSuite::kEcdheRsaCbc,
       {"Handshake complete, TLS v1.2 using ECDHE_RSA_WITH_AES_128_CBC_SHA"}},
  };
  tls_client.verified_reports = {"Certificate validation status: Verified"};
  tls_client.resumed_report = "Session ID {session_id}";
  // An abbreviated handshake has no certificate to validate.
  tls_client.absent_on_resume = "Certificate validation status";
  tools.push_back(tls_client);

  PeerTool tls_server;
  tls_server.library = "botan";
  tls_server.executable = "botan";
  tls_server.package = "botan";
  tls_server.side = Side::kServer;
  tls_server.command = "botan tls_server {cert} {key} --port={port}";
  tls_server.suite_args = tls_client.suite_args;
  tls_server.echo = true;
  // Botan 2 has neither max_fragment_length, record_size_limit nor heartbeat; it accepts a
  // client's renegotiation when its policy says allow_client_initiated_renegotiation.
  tls_server.feature_args = {{InteropFeature::kRenegotiation, "--policy={botan_policy}"}};
  tls_server.suite_reports = tls_client.suite_reports;
  // It prints the session id of each handshake: the same one twice.
  tls_server.resumed_report = "Session ID {session_id}";
  tls_server.resumed_report_count = 2;
  tools.push_back(tls_server);
  return tools;
}

}  // namespace

const std::vector<PeerTool>& PeerTools() {
  static const std::vector<PeerTool>* tools = new std::vector<PeerTool>(MakeTable());
  return *tools;
}

std::vector<PeerTool> PeerToolsWhere(Side side, bool (*keep)(const PeerTool&)) {
  std::vector<PeerTool> out;
  for (const PeerTool& tool : PeerTools()) {
    if (tool.side == side && (keep == nullptr || keep(tool))) out.push_back(tool);
  }
  return out;
}

std::string PeerToolLabel(const PeerTool& tool) {
  return tool.library + (tool.side == Side::kClient ? "_client" : "_server");
}

std::vector<std::string> ExpandToolCommand(const std::string& command, const std::string& extra,
                                       const std::map<std::string, std::string>& vars) {
  std::string line = command;
  size_t at = line.find("{extra}");
  if (at != std::string::npos) {
    line.replace(at, 7, extra);
  } else if (!extra.empty()) {
    line += " " + extra;
  }
  std::vector<std::string> argv;
  std::istringstream words(line);
  for (std::string word; words >> word;) {
    for (const auto& [name, value] : vars) {
      const std::string placeholder = "{" + name + "}";
      for (size_t p = word.find(placeholder); p != std::string::npos;
           p = word.find(placeholder, p + value.size())) {
        word.replace(p, placeholder.size(), value);
      }
    }
    argv.push_back(word);
  }
  return argv;
}

namespace {

void AppendOption(std::string* out, const std::string& what, const std::string& args) {
  if (!args.empty()) *out += "    # " + what + ": " + args + "\n";
}

}  // namespace

std::string PeerCommandLinesMarkdown() {
  std::string out = "```sh\n";
  std::string library;
  for (const PeerTool& tool : PeerTools()) {
    if (tool.library != library) {
      if (!library.empty()) out += "\n";
      library = tool.library;
      out += "# " + library + " (Debian package " + tool.package + ")\n";
    }
    out += tool.command + "\n";
    for (const auto& [suite, args] : tool.suite_args) {
      AppendOption(&out, SuiteName(suite), args);
    }
    AppendOption(&out, tool.side == Side::kClient ? "client certificate"
                                                  : "require a client certificate",
                 tool.client_auth);
    for (size_t i = 0; i < tool.resume_runs.size(); ++i) {
      AppendOption(&out,
                   tool.resume_runs.size() == 1 ? "resumption"
                                                : "resumption, run " + std::to_string(i + 1),
                   tool.resume_runs[i]);
    }
    for (const auto& [feature, args] : tool.feature_args) {
      AppendOption(&out, FeatureLabel(feature), args.empty() ? "(as it is)" : args);
    }
    AppendOption(&out, "exec: target", tool.conformance);
    AppendOption(&out, "exec: target requiring client certificates",
                 tool.conformance_client_auth);
  }
  return out + "```\n";
}

}  // namespace interop
}  // namespace shakedown
