#include "harness/net/endpoint.h"

#include <botan/pk_keys.h>
#include <botan/system_rng.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <thread>
#include <utility>

#include "engine/base/bytes.h"
#include "engine/connection/shared_context.h"
#include "engine/crypto/pki.h"
#include "engine/wire/registry.h"
#include "harness/net/pump.h"

namespace shakedown {
namespace {

uint64_t SystemSeconds() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

ByteView AsBytes(std::string_view text) {
  return ByteView(reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

int SuiteRank(const CipherSuiteInfo& suite) {
  int kx = suite.key_exchange == KeyExchange::kEcdheEcdsa ? 0
           : suite.key_exchange == KeyExchange::kEcdheRsa ? 1
                                                          : 2;
  int cipher = suite.cipher_type == CipherType::kAead ? 0 : 1;
  return cipher * 10 + kx + (suite.key_exchange == KeyExchange::kRsa ? 100 : 0);
}

bool LooksLikeHttp(std::string_view request) {
  for (std::string_view method : {"GET ", "HEAD ", "POST ", "PUT ", "OPTIONS "}) {
    if (request.substr(0, method.size()) == method) return true;
  }
  return false;
}

// An HTTP request is complete at its blank line; anything else at the end of a line.
bool RequestComplete(std::string_view request) {
  if (LooksLikeHttp(request)) {
    return request.find("\r\n\r\n") != std::string_view::npos ||
           request.find("\n\n") != std::string_view::npos;
  }
  return request.find('\n') != std::string_view::npos;
}

std::string FirstLine(std::string_view text) {
  std::string_view line = text.substr(0, text.find_first_of("\r\n"));
  return std::string(line.substr(0, 80));
}

// Forwards to another observer under a lock: connections on several workers report at once.
class LockedObserver final : public Observer {
 public:
  LockedObserver(Observer* observer, std::mutex* mutex) : observer_(observer), mutex_(mutex) {}
  void OnStateChange(std::string_view from, std::string_view to) override {
    std::lock_guard<std::mutex> lock(*mutex_);
    observer_->OnStateChange(from, to);
  }
  void OnMessage(Direction direction, const FlowStep& step, ByteView encoded,
                 size_t transcript_offset) override {
    std::lock_guard<std::mutex> lock(*mutex_);
    observer_->OnMessage(direction, step, encoded, transcript_offset);
  }
  void OnSecret(std::string_view label, ByteView client_random, ByteView secret) override {
    std::lock_guard<std::mutex> lock(*mutex_);
    observer_->OnSecret(label, client_random, secret);
  }
  void OnAlert(Direction direction, AlertLevel level, AlertDescription description) override {
    std::lock_guard<std::mutex> lock(*mutex_);
    observer_->OnAlert(direction, level, description);
  }

 private:
  Observer* observer_;
  std::mutex* mutex_;
};

}  // namespace

std::vector<uint16_t> DefaultCipherSuites() {
  size_t count = 0;
  const CipherSuiteInfo* table = CipherSuiteTable(&count);
  std::vector<const CipherSuiteInfo*> suites;
  for (size_t i = 0; i < count; ++i) {
    // AES-CCM (RFC 6655, RFC 7251) only when named (--suites, a vector's target block): OpenSSL
    // 3 leaves it out of its default list and puts CCM_8's 64-bit tag at security level 0, and
    // leaving all twelve out keeps the default ClientHello and the suite chosen as they were.
    if (table[i].engine_supported && !table[i].IsCcm()) suites.push_back(&table[i]);
  }
  std::stable_sort(suites.begin(), suites.end(),
                   [](const CipherSuiteInfo* a, const CipherSuiteInfo* b) {
                     return SuiteRank(*a) < SuiteRank(*b);
                   });
  std::vector<uint16_t> ids;
  for (const CipherSuiteInfo* suite : suites) ids.push_back(suite->id);
  return ids;
}

Result<std::vector<uint16_t>> CipherSuitesFromNames(const std::vector<std::string>& names) {
  std::vector<uint16_t> ids;
  for (const std::string& name : names) {
    const CipherSuiteInfo* suite = FindCipherSuite(std::string_view(name));
    if (suite == nullptr) {
      return IllegalParameter("unknown cipher suite '" + name +
                              "' (use IANA names such as TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)");
    }
    if (!suite->engine_supported) {
      return IllegalParameter("cipher suite '" + name + "' is not supported by the engine");
    }
    ids.push_back(suite->id);
  }
  if (ids.empty()) return IllegalParameter("no cipher suites given");
  return ids;
}

Result<Credential> LoadCredentialPem(const std::string& cert_path, const std::string& key_path) {
  Credential credential;
  SD_ASSIGN_OR_RETURN(credential.chain_der, LoadCertificateChainPem(cert_path));
  SD_ASSIGN_OR_RETURN(std::unique_ptr<Botan::Private_Key> key, LoadPrivateKeyPem(key_path));
  credential.key = std::move(key);
  return credential;
}

std::string StatusPageResponse(const Negotiated& negotiated) {
  std::string body = std::string(kStatusPageTitle) + "\n";
  body += "version: " + Describe(negotiated.version) + "\n";
  body += "cipher suite: " +
          (negotiated.suite ? std::string(negotiated.suite->name) : std::string("none")) + "\n";
  if (negotiated.group) {
    body += "group: " + Describe(Registry::kNamedGroup, static_cast<uint16_t>(*negotiated.group)) +
            "\n";
  }
  body += std::string("session: ") + (negotiated.resumed ? "resumed" : "full handshake") + "\n";
  body += "session id: " + ToHex(negotiated.session_id) + "\n";
  body += std::string("extended master secret: ") +
          (negotiated.extended_master_secret ? "yes" : "no") + "\n";
  body += std::string("client certificate: ") +
          (negotiated.client_authenticated ? "verified" : "none") + "\n";
  if (negotiated.renegotiations != 0) {
    body += "renegotiations: " + std::to_string(negotiated.renegotiations) + "\n";
  }
  // RFC 6520 2: the mode the client's heartbeat extension said.
  if (negotiated.peer_heartbeat != HeartbeatMode::kOff) {
    body += "heartbeat: " + std::string(HeartbeatModeName(negotiated.peer_heartbeat)) + "\n";
  }
  // RFC 6066 4 / RFC 8449: what binds the records, when the hellos agreed on a limit.
  if (negotiated.max_fragment_length != 0) {
    body += "max fragment length: " + std::to_string(negotiated.max_fragment_length) + "\n";
  }
  if (negotiated.record_size_limit != 0) {
    body += "record size limit: " + std::to_string(negotiated.record_size_limit) +
            " (ours), " + std::to_string(negotiated.peer_record_size_limit) + " (yours)\n";
  }
  return "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

std::string ServedConnection::Summary() const {
  std::string line = "#" + std::to_string(index) + " " + peer;
  if (handshake_complete) line += " " + DescribeNegotiated(negotiated);
  if (!status.ok()) return line + " failed: " + status.message();
  line += " ok";
  if (!request.empty()) line += " request=\"" + FirstLine(request) + "\"";
  return line;
}

ReferenceServer::~ReferenceServer() = default;

Result<std::unique_ptr<ReferenceServer>> ReferenceServer::Create(ServerOptions options) {
  options.config.role = Side::kServer;
  if (options.workers == 0) return IllegalParameter("ServerOptions.workers: must be at least 1");
  if (!options.make_rng) {
    options.make_rng = [](uint64_t) { return std::make_unique<Botan::System_RNG>(); };
  }
  if (!options.clock) options.clock = SystemSeconds;
  std::unique_ptr<ReferenceServer> server(new ReferenceServer(std::move(options)));
  ServerOptions& own = server->options_;
  // One ticket key for every worker's context: a ticket sealed on one opens on all.
  if (own.config.ticket_key.empty()) {
    own.config.ticket_key.resize(32);
    own.make_rng(0)->randomize(own.config.ticket_key.data(), own.config.ticket_key.size());
  }
  if (own.session_cache != nullptr) {
    server->locked_cache_ = std::make_unique<LockedSessionCache>(own.session_cache);
  }
  if (own.observer != nullptr) {
    server->locked_observer_ =
        std::make_unique<LockedObserver>(own.observer, &server->callback_mutex_);
  }
  SD_ASSIGN_OR_RETURN(server->shared_, server->NewContext());
  return server;
}

Result<std::shared_ptr<SharedContext>> ReferenceServer::NewContext() {
  // The ticket key is set, so the generator only serves what SharedContext::Create may draw.
  std::unique_ptr<Botan::RandomNumberGenerator> rng = options_.make_rng(0);
  return SharedContext::Create(options_.config, *rng);
}

ServedConnection ReferenceServer::Serve(Fd socket, const std::string& peer,
                                        const std::atomic<bool>* cancel) {
  const uint64_t index = ++served_;
  return ServeOn(shared_, index, options_.make_rng(index), std::move(socket), peer, cancel);
}

ServedConnection ReferenceServer::ServeOn(const std::shared_ptr<SharedContext>& context,
                                          uint64_t index,
                                          std::unique_ptr<Botan::RandomNumberGenerator> rng,
                                          Fd socket, const std::string& peer,
                                          const std::atomic<bool>* cancel) {
  ServedConnection served;
  served.index = index;
  served.peer = peer;
  Environment env;
  env.rng = rng.get();
  env.clock = options_.clock;
  env.session_cache = locked_cache_.get();
  env.observer = locked_observer_.get();
  env.shared = context;
  Result<std::unique_ptr<Connection>> created = Connection::Create(options_.config, env);
  if (!created.ok()) {
    served.status = IoStatus::Failed(created.status());
    return served;
  }
  Connection& connection = **created;
  SocketPump pump(&connection, socket.get());
  pump.set_cancel(cancel);
  connection.Start();

  auto finish = [&](IoStatus status) {
    served.status = std::move(status);
    served.request = pump.received_text();
    served.events = pump.events();
    served.handshake_complete = connection.handshake_complete();
    if (served.handshake_complete) served.negotiated = connection.negotiated();
    return served;
  };

  IoStatus status = pump.RunUntil(PumpUntil::kHandshakeComplete,
                                  Deadline::After(options_.handshake_timeout));
  if (!status.ok()) return finish(status);

  // The request: a peer that hangs up (or sends close_notify) without one is fine, e.g. a
  // client that only checks the handshake or sets up a session to resume.
  const bool silent = options_.reply == ServerReply::kNone;
  size_t consumed = 0;  // bytes of pump.received() already answered or ignored
  while (true) {
    status = pump.RunUntil(
        [&] {
          std::string_view pending(reinterpret_cast<const char*>(pump.received().data()) + consumed,
                                   pump.received().size() - consumed);
          return (!silent && RequestComplete(pending)) || connection.dead() || pump.peer_closed();
        },
        Deadline::After(options_.request_timeout), "a request");
    if (!status.ok()) {
      // Going quiet after an echoed line is how an interactive session ends; a silent server's peer
      // may stay quiet as long as it likes.
      if (status.timed_out() && (served.answered || silent)) status = IoStatus::Ok();
      break;
    }
    std::string text = pump.received_text().substr(consumed);
    if (silent || !RequestComplete(text) || connection.dead()) {
      if (std::optional<Status> failure = connection.failure()) {
        status = IoStatus::Failed(
            Status::Error(failure->alert(), "TLS connection failed after the handshake: " +
                                                DescribeFailure(connection, pump.events())));
      }
      break;  // the peer closed (with or without close_notify)
    }
    size_t end = text.rfind('\n') + 1;  // whole lines only
    if (options_.reply == ServerReply::kHttp) {
      if (LooksLikeHttp(text)) {
        status = pump.Send(AsBytes(StatusPageResponse(connection.negotiated())),
                           Deadline::After(options_.request_timeout));
        served.answered = status.ok();
        break;
      }
      consumed += end;  // not a request: ignored
      continue;
    }
    status = pump.Send(AsBytes(std::string_view(text).substr(0, end)),
                       Deadline::After(options_.request_timeout));
    if (!status.ok()) break;
    served.answered = true;
    consumed += end;
  }
  if (!connection.dead()) {
    IoStatus closed = pump.Close(Deadline::AfterMs(1000));
    if (status.ok() && !closed.ok() && !served.answered) status = closed;
  }
  return finish(status);
}

Status ReferenceServer::Run(const TcpListener& listener, const std::atomic<bool>& stop,
                            uint64_t max_connections,
                            const std::function<void(const ServedConnection&)>& on_connection) {
  const size_t workers = options_.workers;
  while (worker_contexts_.size() + 1 < workers) {
    Result<std::shared_ptr<SharedContext>> context = NewContext();
    if (!context.ok()) return context.status();
    worker_contexts_.push_back(std::move(*context));
  }

  struct Job {
    Fd socket;
    std::string peer;
    uint64_t index = 0;
    std::unique_ptr<Botan::RandomNumberGenerator> rng;
  };
  std::mutex mutex;
  std::condition_variable job_ready;  // a job was queued, or accepting ended
  std::condition_variable worker_free;
  std::deque<Job> jobs;
  size_t in_flight = 0;  // accepted and not yet finished: never more than `workers`
  bool accepting = true;

  auto work = [&](const std::shared_ptr<SharedContext>& context) {
    while (true) {
      Job job;
      {
        std::unique_lock<std::mutex> lock(mutex);
        job_ready.wait(lock, [&] { return !jobs.empty() || !accepting; });
        if (jobs.empty()) return;
        job = std::move(jobs.front());
        jobs.pop_front();
      }
      ServedConnection served =
          ServeOn(context, job.index, std::move(job.rng), std::move(job.socket), job.peer, &stop);
      if (on_connection) {
        std::lock_guard<std::mutex> lock(callback_mutex_);
        on_connection(served);
      }
      {
        std::lock_guard<std::mutex> lock(mutex);
        --in_flight;
      }
      worker_free.notify_one();
    }
  };
  std::vector<std::thread> threads;
  threads.emplace_back(work, shared_);
  for (size_t i = 0; i + 1 < workers; ++i) threads.emplace_back(work, worker_contexts_[i]);

  Status status = Status::Ok();
  uint64_t count = 0;
  while (!stop.load() && (max_connections == 0 || count < max_connections)) {
    {
      // Accept only for a free worker: the others wait in the listener's backlog, not in memory.
      std::unique_lock<std::mutex> lock(mutex);
      if (!worker_free.wait_for(lock, std::chrono::milliseconds(100),
                                [&] { return in_flight < workers; })) {
        continue;  // look at `stop` again
      }
    }
    Job job;
    // Short accept slices so `stop` is noticed quickly.
    IoResult<Fd> socket = AcceptTcp(listener, Deadline::AfterMs(100), &job.peer);
    if (!socket.ok()) {
      if (socket.timed_out()) continue;
      status = socket.status();
      break;
    }
    job.socket = std::move(*socket);
    job.index = ++served_;
    job.rng = options_.make_rng(job.index);  // here, in accept order, not on the workers
    ++count;
    {
      std::lock_guard<std::mutex> lock(mutex);
      ++in_flight;
      jobs.push_back(std::move(job));
    }
    job_ready.notify_one();
  }
  {
    std::lock_guard<std::mutex> lock(mutex);
    accepting = false;
  }
  job_ready.notify_all();
  for (std::thread& thread : threads) thread.join();
  return status;
}

ClientResult RunClient(const std::string& host, uint16_t port, const ClientOptions& options,
                       const std::atomic<bool>* cancel) {
  ClientResult result;
  Deadline deadline = Deadline::After(options.timeout);
  IoResult<Fd> socket = ConnectTcp(host, port, deadline);
  if (!socket.ok()) {
    result.status = socket.status();
    return result;
  }
  Botan::System_RNG system_rng;
  Config config = options.config;
  config.role = Side::kClient;
  Environment env;
  env.rng = options.rng != nullptr ? options.rng : &system_rng;
  env.clock = options.clock ? options.clock : SystemSeconds;
  env.observer = options.observer;
  Result<std::unique_ptr<Connection>> created = Connection::Create(config, env);
  if (!created.ok()) {
    result.status = IoStatus::Failed(created.status());
    return result;
  }
  Connection& connection = **created;
  SocketPump pump(&connection, socket->get());
  pump.set_cancel(cancel);
  auto finish = [&](IoStatus status) {
    result.status = std::move(status);
    result.handshake_complete = connection.handshake_complete();
    if (result.handshake_complete) {
      result.negotiated = connection.negotiated();
      result.session = connection.session();
    }
    result.response = pump.received_text();
    result.events = pump.events();
    return result;
  };

  connection.Start();
  IoStatus status = pump.RunUntil(PumpUntil::kHandshakeComplete, deadline);
  if (!status.ok() || (options.request.empty() && !options.wait_for_close)) {
    if (status.ok()) (void)pump.Close(Deadline::AfterMs(1000));
    return finish(status);
  }
  // A client told to renegotiate (RenegotiationPolicy::kInitiate, which starts one as soon as
  // the first handshake completes) sends its request once the server has answered it, by
  // completing it or refusing it with no_renegotiation: RFC 5246 allows application data
  // interleaved with a handshake, but OpenSSL 3.0 and Botan 2 servers answer it with
  // unexpected_message.
  if (options.config.renegotiation == RenegotiationPolicy::kInitiate &&
      connection.negotiated().secure_renegotiation) {
    auto answered = [&] {
      int completed = 0;
      for (const Event& e : pump.events()) {
        if (e.type == EventType::kHandshakeComplete) ++completed;
        if (e.type == EventType::kAlertReceived && e.alert == AlertDescription::kNoRenegotiation) {
          return true;
        }
      }
      return completed >= 2;
    };
    status = pump.RunUntil(
        [&] { return answered() || connection.dead() || pump.peer_closed(); }, deadline,
        "the answer to the renegotiation");
    if (!status.ok()) return finish(status);
  }
  if (!options.request.empty()) {
    status = pump.Send(AsBytes(options.request), deadline);
    if (!status.ok()) return finish(status);
  }

  auto expected = [&] {
    return !options.expect.empty() &&
           pump.received_text().find(options.expect) != std::string::npos;
  };
  bool idle_mode = options.idle.count() > 0;
  while (true) {
    size_t before = pump.received().size();
    Deadline wait = idle_mode && before > 0 ? deadline.Min(Deadline::After(options.idle)) : deadline;
    status = pump.RunUntil(
        [&] {
          return expected() || connection.dead() || pump.peer_closed() ||
                 (idle_mode && pump.received().size() > before);
        },
        wait, "the response");
    if (!status.ok()) {
      // Quiet for `idle` after some data: the response is taken to be complete.
      if (status.timed_out() && idle_mode && before > 0 && !deadline.expired()) {
        status = IoStatus::Ok();
      }
      break;
    }
    if (expected() || connection.dead() || pump.peer_closed()) break;
  }
  if (status.ok() && connection.failure()) {
    status = IoStatus::Failed(Status::Error(
        connection.failure()->alert(), std::string("TLS connection failed after the ") +
                                           (options.request.empty() ? "handshake: " : "request: ") +
                                           DescribeFailure(connection, pump.events())));
  }
  if (status.ok() && !options.expect.empty() && !expected()) {
    status = IoStatus::Failed(
        InternalError("the response ended without '" + options.expect + "'"));
  }
  if (!connection.dead()) (void)pump.Close(Deadline::AfterMs(1000));
  return finish(status);
}

}  // namespace shakedown
