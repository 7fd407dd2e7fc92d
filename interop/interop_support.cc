#include "interop/interop_support.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <cctype>
#include <thread>

#include "engine/crypto/rng.h"
#include "engine/wire/registry.h"
#include "harness/net/pump.h"

namespace shakedown {
namespace interop {
namespace {

// Fixed, so a failure reproduces with the same certificates.
constexpr uint64_t kPkiSeed = 20240101;

// Peers ignore SIGPIPE problems of ours: a peer that hangs up must not kill the test.
const bool kSigpipeIgnored = [] {
  signal(SIGPIPE, SIG_IGN);
  return true;
}();

}  // namespace

const TestPki& Pki() {
  static const TestPki* pki = [] {
    DeterministicRng rng(kPkiSeed);
    Result<TestPki> made = GenerateTestPki(rng);
    if (!made.ok()) {
      ADD_FAILURE() << "GenerateTestPki: " << made.status().ToString();
      return new TestPki();
    }
    return new TestPki(std::move(*made));
  }();
  return *pki;
}

const PkiFiles& Files() {
  static const PkiFiles* files = [] {
    auto* f = new PkiFiles();
    Result<std::string> dir = MakeTempDir("shakedown-interop-pki");
    if (!dir.ok()) {
      ADD_FAILURE() << dir.status().ToString();
      return f;
    }
    f->dir = *dir;
    f->ca = f->dir + "/ca.pem";
    f->ca_dir = f->dir + "/cas";
    mkdir(f->ca_dir.c_str(), 0755);
    const TestPki& pki = Pki();
    std::vector<Status> written = {
        WriteCertificateChainPem(f->ca, {pki.ca_der}),
        WriteCertificateChainPem(f->ca_dir + "/ca.pem", {pki.ca_der}),
    };
    auto write = [&](const Credential& credential, const std::string& name, std::string* cert,
                     std::string* key) {
      *cert = f->dir + "/" + name + ".pem";
      *key = f->dir + "/" + name + ".key";
      written.push_back(WriteCredentialPem(credential, *cert, *key));
    };
    write(pki.rsa_server, "rsa_server", &f->rsa_server_cert, &f->rsa_server_key);
    write(pki.ecdsa_server, "ecdsa_server", &f->ecdsa_server_cert, &f->ecdsa_server_key);
    write(pki.rsa_client, "rsa_client", &f->rsa_client_cert, &f->rsa_client_key);
    write(pki.ecdsa_client, "ecdsa_client", &f->ecdsa_client_cert, &f->ecdsa_client_key);
    f->botan_policy = f->dir + "/botan_policy.txt";
    // Botan 2's default policy has no static RSA and no DHE: key_exchange_methods lacks RSA
    // and DH, and signature_methods lacks IMPLICIT (the "signature" of RSA key transport);
    // its ciphers lack AES-128/CCM and CBC (AES-128); a server refuses a client's
    // renegotiation.
    written.push_back(WriteTextFile(f->botan_policy,
                                    "key_exchange_methods = ECDH DH RSA\n"
                                    "signature_methods = ECDSA RSA IMPLICIT\n"
                                    "ciphers = ChaCha20Poly1305 AES-256/GCM AES-128/GCM "
                                    "AES-128/CCM AES-128\n"
                                    "allow_client_initiated_renegotiation = true\n"));
    for (const Status& status : written) {
      if (!status.ok()) ADD_FAILURE() << status.ToString();
    }
    return f;
  }();
  return *files;
}

std::string Tool(const std::string& name) { return FindExecutable(name).value_or(""); }

uint16_t SuiteId(const std::string& name) {
  const CipherSuiteInfo* suite = FindCipherSuite(std::string_view(name));
  EXPECT_NE(suite, nullptr) << name;
  return suite ? suite->id : 0;
}

ServerOptions EngineServerOptions(const std::string& suite, std::vector<Credential> credentials) {
  ServerOptions options;
  options.config.cipher_suites = {SuiteId(suite)};
  options.config.credentials = std::move(credentials);
  options.handshake_timeout = std::chrono::milliseconds(10000);
  options.request_timeout = std::chrono::milliseconds(10000);
  return options;
}

EngineServer::EngineServer(ServerOptions options) {
  Result<TcpListener> listener = ListenTcp();
  if (!listener.ok()) {
    status_ = listener.status();
    return;
  }
  listener_ = std::move(*listener);
  options.session_cache = &cache_;
  Result<std::unique_ptr<ReferenceServer>> server = ReferenceServer::Create(std::move(options));
  if (!server.ok()) {
    status_ = server.status();
    return;
  }
  server_ = std::move(*server);
  thread_ = std::thread([this] {
    Status status = server_->Run(listener_, stop_, 0, [this](const ServedConnection& served) {
      std::lock_guard<std::mutex> lock(mutex_);
      served_.push_back(served);
    });
    if (!status.ok()) ADD_FAILURE() << "engine server: " << status.ToString();
  });
}

EngineServer::~EngineServer() {
  // The flag also cancels a connection in progress, so this join is quick.
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

std::optional<ServedConnection> EngineServer::WaitServed(size_t n,
                                                         std::chrono::milliseconds timeout) {
  Deadline deadline = Deadline::After(timeout);
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (served_.size() >= n) return served_[n - 1];
    }
    if (deadline.expired()) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::string EngineServer::Log() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string log = "engine server log (" + std::to_string(served_.size()) + " connections):\n";
  for (const ServedConnection& served : served_) log += "  " + served.Summary() + "\n";
  return log;
}

ClientOptions EngineClientOptions(const std::string& suite, const std::string& request,
                                  const std::string& expect) {
  ClientOptions options;
  options.config.cipher_suites = {SuiteId(suite)};
  options.config.server_name = "localhost";
  options.request = request;
  options.expect = expect;
  options.idle = std::chrono::milliseconds(1000);
  options.timeout = kPeerTimeout;
  return options;
}

ClientResult EngineConnect(uint16_t port, const ClientOptions& options) {
  return RunClient("127.0.0.1", port, options);
}

std::string Describe(const ClientResult& result) {
  std::string text = "engine client: " + result.status.ToString() + "\n";
  if (result.handshake_complete) text += "  negotiated: " + DescribeNegotiated(result.negotiated) + "\n";
  text += "  response (" + std::to_string(result.response.size()) + " bytes): " +
          result.response.substr(0, 2000) + "\n";
  return text;
}

std::string PeerRun::Describe() const {
  return (process ? process->Describe() : std::string("peer not started\n")) +
         "run status: " + status.ToString() + "\n";
}

PeerRun RunPeerClient(std::vector<std::string> argv, const std::string& input,
                      std::chrono::milliseconds timeout) {
  PeerRun run;
  SubprocessOptions options;
  options.argv = std::move(argv);
  options.stdin_pipe = true;
  Result<std::unique_ptr<Subprocess>> process = Subprocess::Start(std::move(options));
  if (!process.ok()) {
    run.status = IoStatus::Failed(process.status());
    return run;
  }
  run.process = std::move(*process);
  Deadline deadline = Deadline::After(timeout);
  if (!input.empty()) {
    IoStatus written = run.process->WriteStdin(input, deadline);
    if (!written.ok()) run.status = written;
  }
  IoResult<ExitStatus> exit = run.process->Wait(deadline);
  if (!exit.ok()) {
    if (run.status.ok()) run.status = exit.status();
    run.exit = run.process->Kill();
  } else {
    run.exit = *exit;
  }
  run.process->CloseStdin();
  run.out = run.process->Stdout();
  run.err = run.process->Stderr();
  return run;
}

Result<std::unique_ptr<Subprocess>> StartPeerServer(
    const std::function<std::vector<std::string>(uint16_t port)>& make_argv, uint16_t* port_out,
    std::chrono::milliseconds timeout) {
  Deadline deadline = Deadline::After(timeout);
  IoStatus last;
  for (int attempt = 0; attempt < 3; ++attempt) {
    SD_ASSIGN_OR_RETURN(uint16_t port, PickFreePort());
    SubprocessOptions options;
    options.argv = make_argv(port);
    // Some servers (openssl s_server) quit at end of input: give them a pipe that stays open.
    options.stdin_pipe = true;
    SD_ASSIGN_OR_RETURN(std::unique_ptr<Subprocess> process, Subprocess::Start(options));
    last = WaitForListening(*process, port, deadline);
    if (last.ok()) {
      *port_out = port;
      return process;
    }
    if (last.timed_out()) break;
  }
  return last;
}

bool WaitForStdout(const Subprocess& process, const std::string& text,
                   std::chrono::milliseconds timeout) {
  Deadline deadline = Deadline::After(timeout);
  while (process.Stdout().find(text) == std::string::npos) {
    if (deadline.expired()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

std::string ToUpperHex(ByteView bytes) {
  std::string hex = ToHex(bytes);
  for (char& c : hex) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return hex;
}

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t count = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size())) {
    ++count;
  }
  return count;
}

ServedConnection ExpectServed(EngineServer& server, size_t n, const std::string& suite) {
  std::optional<ServedConnection> served = server.WaitServed(n, std::chrono::seconds(5));
  if (!served) {
    ADD_FAILURE() << "the engine server did not report connection " << n << "\n" << server.Log();
    return ServedConnection();
  }
  EXPECT_TRUE(served->status.ok()) << served->Summary();
  EXPECT_TRUE(served->handshake_complete) << served->Summary();
  if (served->negotiated.suite != nullptr) {
    EXPECT_EQ(served->negotiated.suite->name, suite);
  }
  return *served;
}

}  // namespace interop
}  // namespace shakedown
