#include "harness/targets/isolated/isolated.h"

#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>

#include "engine/base/bytes.h"
#include "engine/wire/registry.h"
#include "harness/scenario/loader.h"
#include "harness/scenario/writer.h"
#include "platform/deadline.h"
#include "platform/subprocess.h"

namespace shakedown {
namespace {

using json = nlohmann::json;

constexpr size_t kMaxFrame = 64u << 20;  // a reply holds at most what a library wrote

// ---- Frames over a socket, each wait bounded by a deadline ----

enum class Wait { kReady, kTimedOut, kFailed };

Wait WaitFor(int fd, short events, const Deadline& deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    int rc = poll(&p, 1, deadline.PollTimeoutMs());
    if (rc > 0) return Wait::kReady;
    if (rc == 0) return Wait::kTimedOut;
    if (errno != EINTR) return Wait::kFailed;
  }
}

// "": sent; else why not ("timed out", "closed", ...).
std::string WriteAll(int fd, const std::string& data, const Deadline& deadline) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      done += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      Wait w = WaitFor(fd, POLLOUT, deadline);
      if (w == Wait::kTimedOut) return "timed out";
      if (w == Wait::kFailed) return "poll failed";
      continue;
    }
    return "the channel is closed";
  }
  return "";
}

std::string ReadExact(int fd, std::string* out, size_t n, const Deadline& deadline) {
  out->resize(n);
  size_t done = 0;
  while (done < n) {
    ssize_t got = recv(fd, out->data() + done, n - done, MSG_DONTWAIT);
    if (got > 0) {
      done += static_cast<size_t>(got);
      continue;
    }
    if (got == 0) return "the channel is closed";
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      Wait w = WaitFor(fd, POLLIN, deadline);
      if (w == Wait::kTimedOut) return "timed out";
      if (w == Wait::kFailed) return "poll failed";
      continue;
    }
    return "the channel is closed";
  }
  return "";
}

std::string SendFrame(int fd, const json& j, const Deadline& deadline) {
  const std::string body = j.dump();
  std::string frame(4, '\0');
  for (int i = 0; i < 4; ++i) frame[i] = static_cast<char>((body.size() >> (24 - 8 * i)) & 0xff);
  return WriteAll(fd, frame + body, deadline);
}

// "": *out holds the frame.
std::string ReceiveFrame(int fd, json* out, const Deadline& deadline) {
  std::string header;
  if (std::string e = ReadExact(fd, &header, 4, deadline); !e.empty()) return e;
  size_t size = 0;
  for (int i = 0; i < 4; ++i) size = (size << 8) | static_cast<uint8_t>(header[i]);
  if (size > kMaxFrame) return "a frame of " + std::to_string(size) + " bytes";
  std::string body;
  if (std::string e = ReadExact(fd, &body, size, deadline); !e.empty()) return e;
  *out = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (out->is_discarded() || !out->is_object()) return "a frame that is not a JSON object";
  return "";
}

Bytes HexField(const json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_string()) return {};
  std::optional<Bytes> b = FromHex(j[key].get<std::string>());
  return b ? *b : Bytes();
}

// ---- The worker ----

// Everything the connection has said since the last reply.
json Reply(TargetConnection* conn) {
  json r = json::object();
  Bytes out;
  bool eof = false;
  if (conn != nullptr) {
    for (;;) {
      ReadResult rr = conn->Read(Deadline::AfterMs(0));
      if (rr.kind == ReadResult::Kind::kData) {
        out.insert(out.end(), rr.data.begin(), rr.data.end());
        continue;
      }
      eof = rr.kind == ReadResult::Kind::kEof;
      break;
    }
    r["notes"] = conn->TakeNotes();
    if (const Negotiated* n = conn->negotiated()) r["negotiated"] = NegotiatedToJson(*n);
  }
  r["out"] = ToHex(out);
  r["eof"] = eof;
  return r;
}

}  // namespace

std::string NegotiatedToJson(const Negotiated& n) {
  json j;
  j["version"] = static_cast<uint16_t>(n.version);
  j["suite"] = n.suite ? json(n.suite->id) : json(nullptr);
  j["group"] = n.group ? json(static_cast<uint16_t>(*n.group)) : json(nullptr);
  j["dh_bits"] = n.dh_bits;
  j["session_id"] = ToHex(n.session_id);
  j["resumed"] = n.resumed;
  j["extended_master_secret"] = n.extended_master_secret;
  j["encrypt_then_mac"] = n.encrypt_then_mac;
  j["secure_renegotiation"] = n.secure_renegotiation;
  j["renegotiations"] = n.renegotiations;
  j["status_request"] = n.status_request;
  j["client_authenticated"] = n.client_authenticated;
  j["ticket_issued"] = n.ticket_issued;
  j["server_name"] = n.server_name;
  j["max_fragment_length"] = n.max_fragment_length;
  j["record_size_limit"] = n.record_size_limit;
  j["peer_record_size_limit"] = n.peer_record_size_limit;
  j["client_random"] = ToHex(n.client_random);
  j["server_random"] = ToHex(n.server_random);
  j["master_secret"] = ToHex(n.master_secret);
  return j.dump();
}

Result<Negotiated> NegotiatedFromJson(const std::string& text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return DecodeError("negotiated: not a JSON object");
  Negotiated n;
  try {
    n.version = static_cast<ProtocolVersion>(j.at("version").get<uint16_t>());
    if (!j.at("suite").is_null()) n.suite = FindCipherSuite(j.at("suite").get<uint16_t>());
    if (!j.at("group").is_null()) n.group = static_cast<NamedGroup>(j.at("group").get<uint16_t>());
    n.dh_bits = j.at("dh_bits").get<size_t>();
    n.session_id = HexField(j, "session_id");
    n.resumed = j.at("resumed").get<bool>();
    n.extended_master_secret = j.at("extended_master_secret").get<bool>();
    n.encrypt_then_mac = j.at("encrypt_then_mac").get<bool>();
    n.secure_renegotiation = j.at("secure_renegotiation").get<bool>();
    n.renegotiations = j.at("renegotiations").get<int>();
    n.status_request = j.at("status_request").get<bool>();
    n.client_authenticated = j.at("client_authenticated").get<bool>();
    n.ticket_issued = j.at("ticket_issued").get<bool>();
    n.server_name = j.at("server_name").get<std::string>();
    n.max_fragment_length = j.at("max_fragment_length").get<size_t>();
    n.record_size_limit = j.at("record_size_limit").get<size_t>();
    n.peer_record_size_limit = j.at("peer_record_size_limit").get<size_t>();
  } catch (const json::exception& e) {
    return DecodeError(std::string("negotiated: ") + e.what());
  }
  n.client_random = HexField(j, "client_random");
  n.server_random = HexField(j, "server_random");
  n.master_secret = HexField(j, "master_secret");
  return n;
}

int ServeLibraryTarget(Target& target, int fd) {
  std::unique_ptr<TargetConnection> conn;
  for (;;) {
    json request;
    // The parent bounds every wait; the worker waits for its next request as long as it lives.
    if (!ReceiveFrame(fd, &request, Deadline::AfterMs(24LL * 3600 * 1000)).empty()) return 0;
    const std::string op = request.value("op", "");
    json reply;
    if (op == "connect") {
      if (conn) conn->Close();
      conn.reset();
      Result<Scenario> s = ParseScenarioCbor(HexField(request, "scenario"), "isolated");
      if (!s.ok()) {
        reply = Reply(nullptr);
        reply["error"] = "the scenario did not reach the worker: " + s.status().message();
      } else {
        Result<std::unique_ptr<TargetConnection>> c =
            target.Connect(*s, request.value("index", size_t{0}));
        if (c.ok()) {
          conn = std::move(c).value();
          reply = Reply(conn.get());
        } else {
          reply = Reply(nullptr);
          reply["error"] = c.status().message();
        }
      }
    } else if (conn && op == "write") {
      Status w = conn->Write(HexField(request, "data"));
      reply = Reply(conn.get());
      if (!w.ok()) reply["write_error"] = w.message();
    } else if (conn && op == "close_write") {
      (void)conn->CloseWrite();
      reply = Reply(conn.get());
    } else if (conn && op == "close") {
      conn->Close();
      reply = Reply(conn.get());
      conn.reset();
    } else {
      reply = Reply(nullptr);
      reply["error"] = "unexpected request \"" + op + "\"";
    }
    if (!SendFrame(fd, reply, Deadline::AfterMs(60000)).empty()) return 0;
  }
}

namespace {

// ---- The parent ----

// The worker process, shared by the target and its current connection.
class Worker {
 public:
  explicit Worker(IsolationOptions options) : options_(std::move(options)) {}

  // Sends `request` and waits for the reply; on failure the worker is dead (or killed as
  // hung) and `death()` says so.
  std::optional<json> Call(const json& request) {
    if (!death_.empty()) return std::nullopt;
    if (!process_ || !process_->running()) {
      if (!Start()) return std::nullopt;
    }
    const Deadline deadline = Deadline::AfterMs(options_.reply_timeout_ms);
    std::string e = SendFrame(process_->stdin_socket(), request, deadline);
    json reply;
    if (e.empty()) e = ReceiveFrame(process_->stdin_socket(), &reply, deadline);
    if (e.empty()) return reply;
    Fail(e == "timed out");
    return std::nullopt;
  }

  // "" while the worker is alive.
  const std::string& death() const { return death_; }
  // After a vector: a death is reported once, and the next vector starts a fresh worker.
  std::optional<std::string> TakeDeath() {
    if (death_.empty()) return std::nullopt;
    std::string d = std::move(death_);
    death_.clear();
    process_.reset();
    return d;
  }

 private:
  bool Start() {
    SubprocessOptions o;
    o.argv = options_.worker_argv;
    o.stdin_pipe = true;
    Result<std::unique_ptr<Subprocess>> p = Subprocess::Start(std::move(o));
    if (!p.ok()) {
      death_ = "target died: the library worker did not start: " + p.status().message();
      return false;
    }
    process_ = std::move(p).value();
    return true;
  }

  void Fail(bool timed_out) {
    ExitStatus status;
    if (timed_out) {
      status = process_->Kill(0);
      death_ = "target hung: the library worker did not answer within " +
               std::to_string(options_.reply_timeout_ms) + " ms (killed)";
    } else {
      // The channel closed: the worker is exiting; give it a moment to be reaped.
      IoResult<ExitStatus> waited = process_->Wait(Deadline::AfterMs(2000));
      status = waited.ok() ? waited.value() : process_->Kill(0);
      death_ = "target died: the library worker " + status.ToString();
    }
    std::string err = process_->Stderr();
    if (err.size() > 2000) err = "..." + err.substr(err.size() - 2000);
    if (!err.empty()) death_ += "; stderr: " + err;
  }

  IsolationOptions options_;
  std::unique_ptr<Subprocess> process_;
  std::string death_;
};

class IsolatedConnection final : public TargetConnection {
 public:
  explicit IsolatedConnection(Worker* worker) : worker_(worker) {}
  ~IsolatedConnection() override { Close(); }

  // Takes a reply's output, notes and negotiated parameters.
  void Absorb(const json& reply) {
    Bytes out = HexField(reply, "out");
    pending_.insert(pending_.end(), out.begin(), out.end());
    eof_ = eof_ || reply.value("eof", false);
    if (reply.contains("notes") && reply["notes"].is_array()) {
      for (const json& n : reply["notes"]) {
        if (n.is_string()) notes_.push_back(n.get<std::string>());
      }
    }
    if (reply.contains("negotiated") && reply["negotiated"].is_string()) {
      Result<Negotiated> n = NegotiatedFromJson(reply["negotiated"].get<std::string>());
      if (n.ok()) {
        negotiated_ = std::move(n).value();
      } else {
        notes_.push_back("isolation: " + n.status().message());
      }
    }
  }

  Status Write(ByteView data) override {
    if (eof_ || gone()) return InternalError("the library closed the connection");
    std::optional<json> r = worker_->Call({{"op", "write"}, {"data", ToHex(data)}});
    if (!r) return InternalError(worker_->death());
    Absorb(*r);
    if (r->contains("write_error")) {
      return InternalError((*r)["write_error"].get<std::string>());
    }
    return Status::Ok();
  }

  ReadResult Read(Deadline) override {
    ReadResult r;
    if (!pending_.empty()) {
      r.kind = ReadResult::Kind::kData;
      r.data = std::move(pending_);
      pending_.clear();
    } else if (eof_ || gone()) {
      r.kind = ReadResult::Kind::kEof;
    }
    return r;
  }

  Status CloseWrite() override {
    if (eof_ || gone()) return Status::Ok();
    std::optional<json> r = worker_->Call({{"op", "close_write"}});
    if (r) Absorb(*r);
    return Status::Ok();
  }

  void Close() override {
    if (closed_) return;
    closed_ = true;
    if (gone()) return;
    std::optional<json> r = worker_->Call({{"op", "close"}});
    if (r) Absorb(*r);
  }

  bool instant() const override { return true; }
  const Negotiated* negotiated() const override { return negotiated_ ? &*negotiated_ : nullptr; }
  std::vector<std::string> TakeNotes() override {
    std::vector<std::string> out = std::move(notes_);
    notes_.clear();
    return out;
  }
  std::optional<std::string> Died() override {
    if (!gone()) return std::nullopt;
    return worker_->death();
  }

 private:
  bool gone() const { return !worker_->death().empty(); }

  Worker* worker_;
  Bytes pending_;
  bool eof_ = false;
  bool closed_ = false;
  std::vector<std::string> notes_;
  std::optional<Negotiated> negotiated_;
};

class IsolatedTarget final : public Target {
 public:
  IsolatedTarget(std::unique_ptr<Library> local, IsolationOptions options)
      : local_(MakeLibraryTarget(std::move(local))), worker_(std::move(options)) {}

  Result<std::unique_ptr<TargetConnection>> Connect(const Scenario& scenario,
                                                    size_t index) override {
    auto conn = std::make_unique<IsolatedConnection>(&worker_);
    std::optional<json> r = worker_.Call({{"op", "connect"},
                                          {"index", index},
                                          {"scenario", ToHex(SerializeScenarioCbor(scenario))}});
    // A worker that died here still gives a connection: the runner reads its death from it.
    if (r) {
      if (r->contains("error")) return InternalError((*r)["error"].get<std::string>());
      conn->Absorb(*r);
    }
    return std::unique_ptr<TargetConnection>(std::move(conn));
  }

  std::optional<std::string> AfterVector(bool, bool) override { return worker_.TakeDeath(); }

  // Answered in this process by the same library target the worker runs (no connection).
  std::optional<std::string> Unsupported(const Scenario& scenario) override {
    return local_->Unsupported(scenario);
  }
  std::string describe() const override { return local_->describe() + ", isolated in a worker"; }

 private:
  std::unique_ptr<Target> local_;
  Worker worker_;
};

}  // namespace

std::unique_ptr<Target> MakeIsolatedLibraryTarget(std::unique_ptr<Library> local,
                                                  IsolationOptions options) {
  return std::make_unique<IsolatedTarget>(std::move(local), std::move(options));
}

}  // namespace shakedown
