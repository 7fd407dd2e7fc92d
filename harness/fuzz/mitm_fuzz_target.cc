#include "harness/fuzz/mitm_fuzz_target.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <utility>

#include "engine/connection/observer.h"
#include "engine/connection/session.h"
#include "engine/crypto/rng.h"
#include "engine/state/handshake_table.h"
#include "engine/wire/registry.h"

namespace shakedown {
namespace {

constexpr int kMaxPumpRounds = 64;
constexpr size_t kMaxStreamBytes = 256 * 1024;
constexpr size_t kRecordHeader = 5;
constexpr size_t kHandshakeHeader = 4;
constexpr uint8_t kTypeCcs = 20, kTypeAlert = 21, kTypeHandshake = 22, kTypeAppData = 23;
constexpr uint64_t kClock = 1800000000;  // fixed: sessions and tickets never expire mid-run

Bytes Record(uint8_t type, uint8_t v0, uint8_t v1, ByteView body) {
  const size_t len = std::min<size_t>(body.size(), 0xffff);
  Bytes r = {type, v0, v1, static_cast<uint8_t>(len >> 8), static_cast<uint8_t>(len)};
  r.insert(r.end(), body.data(), body.data() + len);
  return r;
}

// Records the handshake as one side hashed it, from the engine's Observer.
class SideObserver final : public Observer {
 public:
  explicit SideObserver(MitmSideRecord* record) : record_(record) {}
  void OnMessage(Direction direction, const FlowStep& step, ByteView encoded,
                 size_t /*transcript_offset*/) override {
    // Not part of handshake_messages (RFC 5246 7.4.1.1, 7.1).
    if (step.change_cipher_spec || step.type == HandshakeType::kHelloRequest) return;
    if (step.type == HandshakeType::kFinished) {
      if (direction == Direction::kSent) {
        record_->finished_sent.assign(encoded.data(), encoded.data() + encoded.size());
        record_->transcript_before_finished_sent = record_->transcript.size();
      } else {
        record_->finished_received.assign(encoded.data(), encoded.data() + encoded.size());
        record_->transcript_before_finished_received = record_->transcript.size();
      }
    }
    Append(record_->transcript, encoded);
  }

 private:
  MitmSideRecord* record_;
};

struct Endpoint {
  Endpoint(Side s, uint64_t seed, MitmSideRecord* r) : side(s), rng(seed), record(r), observer(r) {}
  Side side;
  DeterministicRng rng;
  MitmSideRecord* record;
  SideObserver observer;
  std::unique_ptr<Connection> connection;
  bool fatal_sent = false;

  // Takes the connection's output and events, recording them and any activity after its
  // fatal alert.
  Bytes Collect() {
    Bytes out = connection->TakeOutput();
    std::vector<Event> events = connection->TakeEvents();
    std::string& after = record->activity_after_fatal_alert;
    if (fatal_sent && after.empty() && !out.empty()) {
      after = "sent " + std::to_string(out.size()) + " bytes after its fatal alert";
    }
    bool fatal_now = fatal_sent;
    for (const Event& e : events) {
      if (fatal_now && after.empty() && e.type != EventType::kClosed) {
        after =
            "reported event " + std::to_string(static_cast<int>(e.type)) + " after its fatal alert";
      }
      switch (e.type) {
        case EventType::kHandshakeComplete: record->completed = true; break;
        case EventType::kApplicationData:
          if (!record->completed) record->application_data_before_complete = true;
          Append(record->application_data_received, e.data);
          break;
        case EventType::kAlertSent:
          if (e.level == AlertLevel::kFatal) {
            if (!record->fatal_alert_sent) record->fatal_alert_sent = e.alert;
            fatal_now = true;
          } else {
            record->warning_alert_sent = true;
          }
          break;
        case EventType::kAlertReceived:
          if (e.level == AlertLevel::kFatal) record->fatal_alert_received = true;
          break;
        case EventType::kClosed: break;
        case EventType::kHeartbeatResponse:
          break;
      }
    }
    fatal_sent = fatal_now;
    return out;
  }
};

// One element of a handshake record's body being rebuilt by message-level operations.
struct Piece {
  enum class Kind { kHandshakeBytes, kRecord, kBreak };
  Kind kind;
  Bytes data;
};

// One direction of one connection: what the sender produced, the operations addressed to it
// and what was delivered.
class Stream {
 public:
  Stream(std::vector<const TamperOp*> ops, size_t* applied)
      : ops_(std::move(ops)), applied_(applied) {}

  // The records of `output`, tampered, ready to deliver (a record per element).
  std::vector<Bytes> Process(const Bytes& output) {
    Append(produced_, output);
    std::vector<Bytes> result;
    size_t pos = 0;
    while (pos + kRecordHeader <= output.size()) {
      const size_t len = size_t{output[pos + 3]} << 8 | output[pos + 4];
      if (pos + kRecordHeader + len > output.size()) break;
      Bytes record(output.begin() + pos, output.begin() + pos + kRecordHeader + len);
      pos += kRecordHeader + len;
      for (Bytes& unit : ProcessRecord(std::move(record))) result.push_back(std::move(unit));
    }
    // The engine only writes whole records; anything else goes through unchanged.
    if (pos < output.size()) result.emplace_back(output.begin() + pos, output.end());
    return result;
  }

  // What a swap or coalesce still holds, released at quiescence.
  std::vector<Bytes> Release() {
    std::vector<Bytes> out;
    if (coalesce_held_) out.push_back(std::move(*coalesce_held_));
    coalesce_held_.reset();
    for (Bytes& b : swap_held_) out.push_back(std::move(b));
    swap_held_.clear();
    return out;
  }

  void NoteDelivered(const Bytes& unit) { Append(delivered_, unit); }
  bool over_budget() const { return delivered_.size() > kMaxStreamBytes; }
  bool tampered() const { return produced_ != delivered_; }

 private:
  std::vector<Bytes> ProcessRecord(Bytes record) {
    const size_t index = records_++;
    bool swap = false, coalesce = false;
    std::vector<Bytes> units;
    if (record[0] == kTypeHandshake && !sender_ccs_) {
      units = ApplyMessageOps(record, &coalesce);
    } else {
      units.push_back(record);
    }
    if (record[0] == kTypeCcs) sender_ccs_ = true;
    for (const TamperOp* op : ops_) {
      if (op->by_message || op->index != index) continue;
      ++*applied_;
      ApplyRecordOp(*op, record, &units, &swap, &coalesce);
    }
    if (coalesce_held_) {
      if (units.empty()) {
        units.push_back(std::move(*coalesce_held_));
      } else {
        units[0] = Coalesce(*coalesce_held_, units[0]);
      }
      coalesce_held_.reset();
    }
    if (coalesce && !units.empty()) {
      coalesce_held_ = std::move(units.back());
      units.pop_back();
    }
    for (Bytes& b : swap_held_) units.push_back(std::move(b));
    swap_held_.clear();
    if (swap) std::swap(swap_held_, units);
    return units;
  }

  static Bytes Coalesce(const Bytes& a, const Bytes& b) {
    if (a.size() < kRecordHeader || b.size() < kRecordHeader) {
      Bytes out = a;
      Append(out, b);
      return out;
    }
    Bytes body(a.begin() + kRecordHeader, a.end());
    body.insert(body.end(), b.begin() + kRecordHeader, b.end());
    return Record(a[0], a[1], a[2], body);
  }

  static Bytes Injected(const TamperOp& op, const Bytes& like) {
    const uint8_t v0 = like.size() > 2 ? like[1] : 3, v1 = like.size() > 2 ? like[2] : 3;
    switch (static_cast<Injection>(op.value % kInjectionCount)) {
      case Injection::kChangeCipherSpec: return Record(kTypeCcs, v0, v1, Bytes{1});
      case Injection::kAlert:
        return Record(kTypeAlert, v0, v1,
                      Bytes{op.payload.size() > 0 ? op.payload[0] : uint8_t{2},
                            op.payload.size() > 1 ? op.payload[1] : uint8_t{40}});
      case Injection::kApplicationData: return Record(kTypeAppData, v0, v1, op.payload);
      case Injection::kHelloRequest: return Record(kTypeHandshake, v0, v1, Bytes{0, 0, 0, 0});
      case Injection::kRaw: return op.payload;
    }
    return op.payload;
  }

  // Flip, set, truncate and insert on one byte string (a record or a handshake message).
  static void EditBytes(const TamperOp& op, Bytes* b) {
    switch (op.kind) {
      case OpKind::kFlipBit:
        if (!b->empty()) (*b)[op.offset % b->size()] ^= static_cast<uint8_t>(1u << (op.value % 8));
        break;
      case OpKind::kSetByte:
        if (!b->empty()) (*b)[op.offset % b->size()] = op.value;
        break;
      case OpKind::kTruncate:
        if (!b->empty()) b->resize(op.offset % b->size());
        break;
      case OpKind::kInsert:
        b->insert(b->begin() + op.offset % (b->size() + 1), op.payload.begin(), op.payload.end());
        break;
      default: break;
    }
  }

  static void ApplyRecordOp(const TamperOp& op, const Bytes& original, std::vector<Bytes>* units,
                            bool* swap, bool* coalesce) {
    switch (op.kind) {
      case OpKind::kDrop: units->clear(); break;
      case OpKind::kDuplicate: {
        std::vector<Bytes> copy = *units;
        units->insert(units->end(), copy.begin(), copy.end());
        break;
      }
      case OpKind::kSwapWithNext: *swap = true; break;
      case OpKind::kCoalesce: *coalesce = true; break;
      case OpKind::kInject: units->insert(units->begin(), Injected(op, original)); break;
      case OpKind::kSplit: {
        if (units->empty() || (*units)[0].size() < kRecordHeader + 2) break;
        const Bytes r = (*units)[0];
        const size_t body = r.size() - kRecordHeader;
        const size_t at = kRecordHeader + 1 + op.offset % (body - 1);
        (*units)[0] =
            Record(r[0], r[1], r[2], ByteView(r.data() + kRecordHeader, at - kRecordHeader));
        units->insert(units->begin() + 1,
                      Record(r[0], r[1], r[2], ByteView(r.data() + at, r.size() - at)));
        break;
      }
      default:
        if (!units->empty()) EditBytes(op, &(*units)[0]);
        break;
    }
  }

  // Splits a plaintext handshake record into its messages, applies the message-addressed
  // operations and frames the result again (the original framing if nothing applies).
  std::vector<Bytes> ApplyMessageOps(const Bytes& record, bool* coalesce) {
    const ByteView body(record.data() + kRecordHeader, record.size() - kRecordHeader);
    std::vector<std::vector<Piece>> slots;
    size_t pos = 0;
    while (pos + kHandshakeHeader <= body.size()) {
      const size_t len = size_t{body[pos + 1]} << 16 | size_t{body[pos + 2]} << 8 | body[pos + 3];
      if (pos + kHandshakeHeader + len > body.size()) break;
      slots.push_back({{Piece::Kind::kHandshakeBytes,
                        Bytes(body.data() + pos, body.data() + pos + kHandshakeHeader + len)}});
      pos += kHandshakeHeader + len;
    }
    const size_t first = messages_;
    messages_ += slots.size();
    bool any = false;
    for (const TamperOp* op : ops_) {
      if (!op->by_message || op->index < first || op->index >= first + slots.size()) continue;
      ++*applied_;
      any = true;
      ApplyMessageOp(*op, record, op->index - first, &slots, coalesce);
    }
    if (!any) return {record};
    std::vector<Bytes> units;
    Bytes current;
    auto flush = [&] {
      if (!current.empty()) units.push_back(Record(record[0], record[1], record[2], current));
      current.clear();
    };
    for (const std::vector<Piece>& slot : slots) {
      for (const Piece& p : slot) {
        if (p.kind == Piece::Kind::kHandshakeBytes) {
          Append(current, p.data);
        } else {
          flush();
          if (p.kind == Piece::Kind::kRecord) units.push_back(p.data);
        }
      }
    }
    current.insert(current.end(), body.data() + pos, body.data() + body.size());
    flush();
    return units;
  }

  static void ApplyMessageOp(const TamperOp& op, const Bytes& record, size_t k,
                             std::vector<std::vector<Piece>>* slots, bool* coalesce) {
    std::vector<Piece>& slot = (*slots)[k];
    Piece* message = nullptr;
    for (Piece& p : slot) {
      if (p.kind == Piece::Kind::kHandshakeBytes) {
        message = &p;
        break;
      }
    }
    switch (op.kind) {
      case OpKind::kDrop: slot.clear(); break;
      case OpKind::kDuplicate: {
        std::vector<Piece> copy = slot;
        slot.insert(slot.end(), copy.begin(), copy.end());
        break;
      }
      case OpKind::kSwapWithNext:
        if (k + 1 < slots->size()) std::swap(slot, (*slots)[k + 1]);
        break;
      case OpKind::kCoalesce:
        *coalesce = true;  // a message has no "next record": the containing record does
        break;
      case OpKind::kInject: {
        const Injection kind = static_cast<Injection>(op.value % kInjectionCount);
        if (kind == Injection::kHelloRequest) {
          slot.insert(slot.begin(), Piece{Piece::Kind::kHandshakeBytes, Bytes{0, 0, 0, 0}});
        } else if (kind == Injection::kRaw) {
          slot.insert(slot.begin(), Piece{Piece::Kind::kHandshakeBytes, op.payload});
        } else {
          slot.insert(slot.begin(), Piece{Piece::Kind::kRecord, Injected(op, record)});
        }
        break;
      }
      case OpKind::kSplit: {
        if (message == nullptr) break;
        const Bytes m = message->data;
        const size_t at = op.offset % (m.size() + 1);
        message->data.assign(m.begin(), m.begin() + at);
        const size_t i = message - slot.data();
        slot.insert(slot.begin() + i + 1,
                    {Piece{Piece::Kind::kBreak, {}},
                     Piece{Piece::Kind::kHandshakeBytes, Bytes(m.begin() + at, m.end())}});
        break;
      }
      default:
        if (message == nullptr) break;
        EditBytes(op, &message->data);
        if (op.fix_length && message->data.size() >= kHandshakeHeader &&
            (op.kind == OpKind::kTruncate || op.kind == OpKind::kInsert)) {
          const size_t len = message->data.size() - kHandshakeHeader;
          message->data[1] = static_cast<uint8_t>(len >> 16);
          message->data[2] = static_cast<uint8_t>(len >> 8);
          message->data[3] = static_cast<uint8_t>(len);
        }
        break;
    }
  }

  std::vector<const TamperOp*> ops_;
  size_t* applied_;
  size_t records_ = 0;
  size_t messages_ = 0;
  bool sender_ccs_ = false;  // after it, the sender's handshake records are encrypted
  Bytes produced_;
  Bytes delivered_;
  std::vector<Bytes> swap_held_;
  std::optional<Bytes> coalesce_held_;
};

void Deliver(Endpoint& to, Stream& stream, std::vector<Bytes> units, Delivery delivery) {
  Bytes all;
  for (Bytes& unit : units) {
    if (stream.over_budget()) return;
    stream.NoteDelivered(unit);
    if (delivery == Delivery::kRecord) {
      to.connection->ReceiveBytes(unit);
    } else {
      Append(all, unit);
    }
  }
  if (delivery == Delivery::kFlight) {
    if (!all.empty()) to.connection->ReceiveBytes(all);
  } else if (delivery != Delivery::kRecord) {
    const size_t chunk = delivery == Delivery::kByte ? 1 : 5;
    for (size_t i = 0; i < all.size(); i += chunk) {
      to.connection->ReceiveBytes(ByteView(all.data() + i, std::min(chunk, all.size() - i)));
    }
  }
}

// Moves bytes both ways until neither side produces any and nothing is held back.
void Pump(Endpoint& client, Endpoint& server, Stream& c2s, Stream& s2c, Delivery delivery) {
  for (int round = 0; round < kMaxPumpRounds; ++round) {
    bool moved = false;
    for (bool from_client : {true, false}) {
      Endpoint& from = from_client ? client : server;
      Endpoint& to = from_client ? server : client;
      Stream& stream = from_client ? c2s : s2c;
      Bytes out = from.Collect();
      if (out.empty()) continue;
      moved = true;
      Deliver(to, stream, stream.Process(out), delivery);
    }
    if (moved) continue;
    std::vector<Bytes> held_c2s = c2s.Release(), held_s2c = s2c.Release();
    if (held_c2s.empty() && held_s2c.empty()) break;
    Deliver(server, c2s, std::move(held_c2s), delivery);
    Deliver(client, s2c, std::move(held_s2c), delivery);
  }
  client.Collect();
  server.Collect();
}

void RecordNegotiated(const Connection& c, MitmSideRecord* r) {
  const Negotiated& n = c.negotiated();
  r->master_secret = n.master_secret;
  r->cipher_suite = n.suite != nullptr ? n.suite->id : 0;
  r->version = static_cast<uint16_t>(n.version);
  r->extended_master_secret = n.extended_master_secret;
  r->resumed = n.resumed;
}

std::string DescribeSide(const char* who, const MitmSideRecord& s) {
  std::string out = std::string(who) + (s.completed ? " completed" : " did not complete");
  if (s.completed) out += s.resumed ? " (resumed)" : " (full)";
  if (s.fatal_alert_sent) {
    out += ", sent fatal " +
           std::string(AlertName(static_cast<uint8_t>(*s.fatal_alert_sent)).value_or("alert"));
  }
  if (s.fatal_alert_received) out += ", received a fatal alert";
  if (!s.application_data_received.empty()) {
    out += ", received " + std::to_string(s.application_data_received.size()) + " bytes of data";
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<MitmFuzzTarget>> MitmFuzzTarget::Create(uint64_t seed) {
  std::unique_ptr<MitmFuzzTarget> t(new MitmFuzzTarget());
  t->seed_ = seed;
  DeterministicRng rng(seed);
  SD_ASSIGN_OR_RETURN(t->pki_, GenerateTestPki(rng));
  MitmConfig base;
  base.client_auth = ClientAuthMode::kOptional;
  SD_ASSIGN_OR_RETURN(t->server_context_, SharedContext::Create(t->ServerConfig(base), rng));
  SD_ASSIGN_OR_RETURN(t->client_context_, SharedContext::Create(t->ClientConfig(base), rng));
  base.client_has_certificate = false;
  SD_ASSIGN_OR_RETURN(t->client_context_no_cert_,
                      SharedContext::Create(t->ClientConfig(base), rng));
  return t;
}

Config MitmFuzzTarget::ServerConfig(const MitmConfig& m) const {
  Config c;
  c.role = Side::kServer;
  c.cipher_suites = MitmSuiteSets()[m.suite_set % 8].suites;
  c.credentials = {pki_.rsa_server, pki_.ecdsa_server};
  c.client_auth = m.client_auth;
  c.extended_master_secret = m.extended_master_secret ? EmsPolicy::kEnabled : EmsPolicy::kDisabled;
  c.session_tickets = m.session_tickets;
  c.ticket_key = Bytes(32, 0x5a);
  return c;
}

Config MitmFuzzTarget::ClientConfig(const MitmConfig& m) const {
  Config c;
  c.role = Side::kClient;
  c.cipher_suites = MitmSuiteSets()[m.suite_set % 8].suites;
  c.server_name = "localhost";
  c.extended_master_secret = m.extended_master_secret ? EmsPolicy::kEnabled : EmsPolicy::kDisabled;
  c.session_tickets = m.session_tickets;
  if (m.client_has_certificate) c.credentials = {pki_.rsa_client, pki_.ecdsa_client};
  return c;
}

MitmRunResult MitmFuzzTarget::Run(const MitmInput& input) {
  MitmRunResult result;
  result.input = input;
  const MitmConfig& config = input.config;
  InMemorySessionCache cache(16, 86400);
  std::optional<Session> session;
  bool first_unbroken = false;
  const int connections = config.resume ? 2 : 1;
  for (int n = 0; n < connections; ++n) {
    MitmConnectionRecord record;
    Config client_config = ClientConfig(config);
    if (n == 1 && session) {
      client_config.resume = session;
      record.offered_session = true;
      record.offered_master_secret = session->master_secret;
      record.resumption_expected = first_unbroken;
    }
    const uint64_t base = seed_ * 16 + static_cast<uint64_t>(n) * 2;
    Endpoint client(Side::kClient, base + 1, &record.client);
    Endpoint server(Side::kServer, base + 2, &record.server);
    Environment cenv, senv;
    cenv.rng = &client.rng;
    senv.rng = &server.rng;
    cenv.clock = senv.clock = [] { return kClock; };
    cenv.observer = &client.observer;
    senv.observer = &server.observer;
    senv.session_cache = &cache;
    cenv.shared = config.client_has_certificate ? client_context_ : client_context_no_cert_;
    senv.shared = server_context_;
    auto c = Connection::Create(client_config, cenv);
    auto s = Connection::Create(ServerConfig(config), senv);
    if (!c.ok() || !s.ok()) {
      // Every MitmConfig maps to a valid pair of configurations; say so loudly if not.
      result.findings.push_back(
          {"mitm_configuration_rejected", n, (c.ok() ? s.status() : c.status()).ToString()});
      break;
    }
    client.connection = std::move(c).value();
    server.connection = std::move(s).value();

    std::vector<const TamperOp*> c_ops, s_ops;
    for (const TamperOp& op : input.ops) {
      if (op.connection != n) continue;
      (op.sender == Side::kClient ? c_ops : s_ops).push_back(&op);
    }
    Stream c2s(std::move(c_ops), &result.ops_applied);
    Stream s2c(std::move(s_ops), &result.ops_applied);

    client.connection->Start();
    Pump(client, server, c2s, s2c, config.delivery);
    // The application phase: each side that completed sends its message.
    for (Endpoint* e : {&client, &server}) {
      if (!e->record->completed) continue;
      const char* text = e->side == Side::kClient ? kMitmClientMessage : kMitmServerMessage;
      Status sent = e->connection->SendApplicationData(
          ByteView(reinterpret_cast<const uint8_t*>(text), std::strlen(text)));
      if (!sent.ok()) continue;
      if (e->fatal_sent && e->record->activity_after_fatal_alert.empty()) {
        e->record->activity_after_fatal_alert = "accepted application data after its fatal alert";
      }
      e->record->sent_application_data = true;
    }
    Pump(client, server, c2s, s2c, config.delivery);

    RecordNegotiated(*client.connection, &record.client);
    RecordNegotiated(*server.connection, &record.server);
    record.tampered = c2s.tampered() || s2c.tampered();
    for (MitmFinding& f : JudgeMitmConnection(record, n)) result.findings.push_back(std::move(f));

    result.summary += "connection " + std::to_string(n) +
                      (record.tampered ? " (tampered): " : " (untampered): ") +
                      DescribeSide("client", record.client) + "; " +
                      DescribeSide("server", record.server) + "\n";
    if (n == 0) {
      const MitmSideRecord& cr = record.client;
      const MitmSideRecord& sr = record.server;
      // A client offers a session only from a connection that did not end in a fatal alert
      // (RFC 5246 7.2.2); resumption is expected when neither side saw one.
      if (cr.completed && !cr.fatal_alert_sent && !cr.fatal_alert_received) {
        session = client.connection->session();
        if (session && session->session_id.empty() && session->ticket.empty()) session.reset();
      }
      first_unbroken =
          session.has_value() && sr.completed && !sr.fatal_alert_sent && !sr.fatal_alert_received;
    }
    result.connections.push_back(std::move(record));
  }
  for (const MitmFinding& f : result.findings) {
    result.summary += "FINDING " + f.rule + " (connection " + std::to_string(f.connection) +
                      "): " + f.message + "\n";
  }
  return result;
}

}  // namespace shakedown
