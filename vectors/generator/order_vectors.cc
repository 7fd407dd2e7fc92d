#include "vectors/generator/order_vectors.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "engine/base/alert.h"
#include "engine/base/algorithm.h"
#include "engine/base/bytes.h"
#include "engine/state/handshake_table.h"
#include "engine/wire/registry.h"
#include "harness/scenario/loader.h"
#include "harness/scenario/scenario.h"
#include "vectors/generator/order_rules.h"
#include "vectors/generator/steps.h"

namespace shakedown {
namespace {

using namespace order_rules;  // NOLINT: the generator is written in the rules' terms

using HT = HandshakeType;

constexpr char kTopic[] = "order";
constexpr char kDir[] = "vectors/conformance/order";
constexpr char kRegenerate[] =
    "bazel run //vectors/generator:order_vectors -- --out $PWD/vectors/conformance/order";
// One suite per key exchange, both in every default list of the peer and the reference target.
constexpr uint16_t kEcdheSuite = 0xc02f;  // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
constexpr uint16_t kRsaSuite = 0x009c;    // TLS_RSA_WITH_AES_128_GCM_SHA256

// ---- Steps ----

Step ExpectUnexpectedMessage() { return ExpectFatal({AlertDescription::kUnexpectedMessage}); }

// The steps of flow.steps[begin, end) as `role`'s peer plays them: a send for each peer step,
// one expect for each run of target steps.
std::vector<Step> Play(const HandshakeFlow& flow, size_t begin, size_t end, Side role) {
  const Side peer = role == Side::kServer ? Side::kClient : Side::kServer;
  std::vector<Step> steps;
  std::vector<MessageName> group;
  // RFC 5077 3.1: a server resuming from a ticket "MAY renew the ticket by including a
  // NewSessionTicket handshake message after the ServerHello in the abbreviated handshake":
  // a server target's renewal is optional (RFC 5077 3.2), never required of it.
  const bool renewal_optional = role == Side::kServer && (flow.flags & kFlagFull) == 0 &&
                                (flow.flags & kFlagTicket) != 0;
  auto flush = [&] {
    if (!group.empty()) {
      const bool renews =
          renewal_optional && std::find(group.begin(), group.end(),
                                        MessageName::kNewSessionTicket) != group.end();
      Step expect = ExpectMessages(std::move(group));
      if (renews) {
        std::get<Expectation>(expect.action).optional = {MessageName::kNewSessionTicket};
        expect.comment = "the server may renew the ticket or not (RFC 5077 3.1)";
      }
      steps.push_back(std::move(expect));
    }
    group.clear();
  };
  for (size_t j = begin; j < end; ++j) {
    const FlowStep& s = flow.steps[j];
    if (s.sender != peer) {
      group.push_back(MessageOf(s));
      continue;
    }
    flush();
    if (role == Side::kClient && IsHandshake(s, HT::kServerHello) &&
        (flow.flags & kFlagFull) == 0 && (flow.flags & kFlagTicket) != 0) {
      // The scripted peer announces a ticket only in a full handshake; this flow has
      // NewSessionTicket in the abbreviated one too.
      SendStep sh;
      sh.message = MessageName::kServerHello;
      sh.set.push_back({"extensions.session_ticket", FieldValue{Bytes{}}});
      steps.push_back(SendOf(std::move(sh),
                             "RFC 5077 3.2: the empty session_ticket extension announces a "
                             "NewSessionTicket, in an abbreviated handshake too"));
      continue;
    }
    steps.push_back(Send(MessageOf(s)));
  }
  flush();
  return steps;
}

const HandshakeFlow& FullEcdheFlow(bool ticket) {
  const uint32_t want = kFlagFull | kFlagEcdhe | (ticket ? kFlagTicket : 0u);
  for (const HandshakeFlow& f : HandshakeFlows()) {
    if (f.flags == want) return f;
  }
  return HandshakeFlows().front();  // unreachable: the table has every full flow
}

// The target configuration and peer settings the facts in `k` need, and nothing more, so
// that flows that share a prefix (and what the target knows there) share the vector.
void ApplySetup(const Known& k, Side role, Scenario* s) {
  if (k.full_known) s->peer.cipher_suites = {k.full && !k.ecdhe ? kRsaSuite : kEcdheSuite};
  if (k.ticket) {
    s->peer.session_ticket = true;
    s->target.session_tickets = true;
  }
  if (k.status) {
    // RFC 6066 8: the client asks for ocsp and the server answers (and may staple).
    s->peer.status_request = true;
    s->target.ocsp = true;
  }
  if (role == Side::kServer) {
    // "optional": a server that requires a certificate may end an empty-certificate
    // handshake with handshake_failure (RFC 5246 7.4.6), which is not what these test.
    if (k.auth) s->target.client_auth = ClientAuthMode::kOptional;
    if (k.cert_known && !k.cert) s->peer.certificate = CertificateKey::kNone;
  } else if (k.cert_known && !k.cert) {
    s->target.certificate = CertificateKey::kNone;
  }
}

// Connection(s) around `main`: an abbreviated flow first completes a full ECDHE handshake
// (with a ticket when the flow has one) whose session the second connection resumes.
void SetConnections(const Known& k, Side role, std::vector<Step> main, Scenario* s) {
  s->connections.clear();
  if (k.full_known && !k.full) {
    ConnectionScript first;
    first.steps = Play(FullEcdheFlow(k.ticket), 0, FullEcdheFlow(k.ticket).steps.size(), role);
    AppendCloseNotify(role, &first.steps);
    s->connections.push_back(std::move(first));
  }
  ConnectionScript conn;
  conn.resume = !s->connections.empty();
  conn.steps = std::move(main);
  s->connections.push_back(std::move(conn));
}

// ---- Injections the peer cannot build ----

enum class Form { kNative, kRaw, kSubstituted };

Bytes HandshakeMessage(HT type, const Bytes& body) {
  Bytes out = {static_cast<uint8_t>(type), static_cast<uint8_t>(body.size() >> 16),
               static_cast<uint8_t>(body.size() >> 8), static_cast<uint8_t>(body.size())};
  Append(out, body);
  return out;
}

Bytes PlaintextRecord(const Bytes& fragment) {
  // RFC 5246 6.2.1: handshake(22), {3,3}, length.
  Bytes out = {22, 3, 3, static_cast<uint8_t>(fragment.size() >> 8),
               static_cast<uint8_t>(fragment.size())};
  Append(out, fragment);
  return out;
}

// A message the scripted peer cannot build, sent as the bytes of `message`: in plaintext, the
// whole record by hand (Raw); encrypted, where Raw cannot be, in place of the bytes of a message
// the peer always builds (HelloRequest, which touches neither its transcript nor its state), so
// that the peer encrypts them.
Step HandBuiltInjection(const Bytes& message, bool is_protected, std::string plaintext_comment,
               std::string encrypted_comment) {
  if (!is_protected) {
    SendStep raw;
    raw.message = MessageName::kRaw;
    raw.raw = PlaintextRecord(message);
    return SendOf(std::move(raw), std::move(plaintext_comment));
  }
  SendStep carrier;
  carrier.message = MessageName::kHelloRequest;
  carrier.corrupt.truncate = 0;
  carrier.corrupt.append = message;
  return SendOf(std::move(carrier), std::move(encrypted_comment));
}

// A minimal well-formed message of `m`, for the points where the scripted peer cannot build
// one: the parser of a target that parses before it checks the order still sees a valid body.
Bytes MinimalMessage(MessageName m, bool rsa) {
  Bytes body;
  if (m == MessageName::kClientKeyExchange) {
    if (rsa) {
      // RFC 5246 7.4.7.1: EncryptedPreMasterSecret<0..2^16-1>, as long as an RSA-2048 block.
      body = {0x01, 0x00};
      body.resize(2 + 256, 0x5a);
    } else {
      // RFC 8422 5.7: ECPoint<1..2^8-1>; the X25519 base point.
      body = {32, 9};
      body.resize(33, 0);
    }
  } else {
    // RFC 5246 7.4.1.3: TLS 1.2, a fixed random, no session id, the ECDHE suite, no
    // compression, no extensions.
    body = {3, 3};
    body.resize(2 + 32, 0x5a);
    Append(body, Bytes{0, kEcdheSuite >> 8, kEcdheSuite & 0xff, 0});
  }
  return HandshakeMessage(*HandshakeTypeOf(m), body);
}

// Why the scripted peer (harness/peer/scripted_peer.cc) cannot build `m` at this point, or ""
// when it can. It builds every message from any state except: a ClientKeyExchange needs the
// server's key (RSA: the certificate it received; ECDHE: the ServerKeyExchange it received),
// and a ServerHello needs a ClientHello sent or received.
std::string Unbuildable(MessageName m, Side role, const Known& k, size_t i) {
  const bool peer_is_client = role == Side::kServer;
  if (m == MessageName::kClientKeyExchange) {
    if (peer_is_client) {
      if (!k.full_known) return "the client peer has received no server key yet";
      if (!k.full) {
        return "an abbreviated handshake has no server Certificate or ServerKeyExchange, so "
               "the client peer has no key to encrypt to or agree with";
      }
      return "";
    }
    if (k.full_known && k.full && !k.ecdhe && k.cert_known && k.cert) return "";
    return "a server peer builds a ClientKeyExchange only in RSA key exchange after a client "
           "certificate, whose key it encrypts to";
  }
  if (m == MessageName::kServerHello && peer_is_client && i == 0) {
    return "the client peer builds a ServerHello from the ClientHello it sent, and has sent none";
  }
  return "";
}

// Handshake types no TLS 1.2 flow has: TLS 1.3's (RFC 8446 4) and one that no RFC assigns.
struct ForeignType {
  uint8_t type;
  const char* slug;   // in the vector id
  const char* words;  // in the title
  Bytes body;         // a well-formed body of its own kind
  const char* why;
};

const std::vector<ForeignType>& ForeignTypes() {
  static const std::vector<ForeignType> types = {
      {8, "tls13-encrypted-extensions", "a TLS 1.3 EncryptedExtensions", {0, 0},
       "EncryptedExtensions (type 8, RFC 8446 4.3.1) exists only in TLS 1.3"},
      {24, "tls13-key-update", "a TLS 1.3 KeyUpdate", {0},
       "KeyUpdate (type 24, RFC 8446 4.6.3) exists only in TLS 1.3"},
      {5, "tls13-end-of-early-data", "a TLS 1.3 EndOfEarlyData", {},
       "EndOfEarlyData (type 5, RFC 8446 4.5) exists only in TLS 1.3"},
      {99, "unassigned-type-99", "a handshake message of the unassigned type 99", {},
       "type 99 is unassigned in the IANA TLS HandshakeType registry"},
  };
  return types;
}

// ---- Assembly ----

struct Vector {
  Scenario scenario;
  std::string file;
};

std::string FileName(const std::string& id) {
  // "server.order.full-rsa.after-x.y" -> "server-full-rsa-after-x-y.json"
  std::string rest = id;
  const std::string marker = std::string(".") + kTopic + ".";
  size_t at = rest.find(marker);
  if (at != std::string::npos) rest.erase(at, marker.size() - 1);
  std::replace(rest.begin(), rest.end(), '.', '-');
  return rest + ".json";
}

// The scenario without what names or explains it: two vectors with the same key are the
// same test.
std::string ContentKey(Scenario s) {
  s.id = "x.x.x";
  s.title = "x";
  s.refs = {"RFC5246"};
  s.notes.clear();
  for (ConnectionScript& c : s.connections) {
    for (Step& step : c.steps) step.comment.clear();
  }
  return SerializeScenarioJson(s);
}

struct FlowCount {
  size_t points = 0;    // (point, message) pairs this flow yields
  size_t vectors = 0;   // of them, vectors no earlier flow yielded
  size_t positive = 0;  // HelloRequest-ignored vectors
};

struct HandBuilt {
  std::string id;
  std::string how;  // "Raw record" / "substituted into a HelloRequest step (encrypted)"
  std::string why;
};

class Generator {
 public:
  Status Run();
  OrderVectors Output() const;

 private:
  Status Add(Vector v, bool positive, const std::string& flow_name, Side role);
  Status Negative(Side role, const HandshakeFlow& flow, size_t i, MessageName m);
  Status Positive(const HandshakeFlow& flow, size_t i);
  Status Foreign(Side role, const HandshakeFlow& flow, size_t i, const struct ForeignType& f);
  Status Teardown(Side role, const HandshakeFlow& flow, size_t i);
  std::string Readme() const;

  std::map<std::string, Vector> by_id_;
  std::map<std::string, std::string> id_by_content_;
  // [role][flow name]
  std::map<std::string, std::map<std::string, FlowCount>> counts_;
  std::vector<std::string> flow_order_;
  size_t native_ = 0;
  size_t foreign_ = 0;  // vectors of handshake types no TLS 1.2 flow has
  size_t after_handshake_ = 0;  // (flow, message) pairs injected after both Finished
  size_t teardown_ = 0;         // vectors where the peer closes its side
  size_t legal_ = 0;
  std::vector<HandBuilt> hand_built_;
  std::vector<std::string> skipped_;  // "<role> <flow> <point> <message>: why"
};

std::string Capitalised(const char* s) {
  std::string out(s);
  out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

Status Generator::Add(Vector v, bool positive, const std::string& flow_name, Side role) {
  const std::string key = ContentKey(v.scenario);
  FlowCount& count = counts_[SideName(role)][flow_name];
  if (!positive) count.points++;
  auto seen = id_by_content_.find(key);
  if (seen != id_by_content_.end()) {
    if (seen->second != v.scenario.id) {
      return InternalError("one vector under two ids: " + seen->second + " and " +
                           v.scenario.id);
    }
    return Status::Ok();  // the same test, reached through another flow
  }
  if (by_id_.count(v.scenario.id) != 0) {
    return InternalError("two different vectors with the id " + v.scenario.id);
  }
  // The loader is strict: every vector must load back to exactly this scenario.
  const std::string json = SerializeScenarioJson(v.scenario);
  Result<Scenario> loaded = ParseScenarioJson(json, std::string(kDir) + "/" + v.file);
  if (!loaded.ok()) {
    return InternalError(v.scenario.id + " does not load: " + loaded.status().message());
  }
  if (*loaded != v.scenario) {
    return InternalError(v.scenario.id + " does not load back unchanged:\n" + json);
  }
  (positive ? count.positive : count.vectors)++;
  id_by_content_[key] = v.scenario.id;
  by_id_[v.scenario.id] = std::move(v);
  return Status::Ok();
}

Status Generator::Negative(Side role, const HandshakeFlow& flow, size_t i, MessageName m) {
  const Side peer = role == Side::kServer ? Side::kClient : Side::kServer;
  const Known k = KnownAt(flow, i);
  const HandshakeTracker tracker = TrackerAt(flow, i);
  const std::vector<FlowStep> prefix(flow.steps.begin(), flow.steps.begin() + i);
  const bool is_protected = Contains(prefix, FlowStep::Ccs(peer));
  const std::string where = i == 0 ? "at-start" : "after-" + StepSlug(flow.steps[i - 1]);
  const std::string id = std::string(SideName(role)) + "." + kTopic + "." + FlowShortName(k) +
                         "." + where + "." + Kebab(MessageNameString(m));

  // The injected step.
  std::string comment = "not legal here: the table allows " + LegalList(tracker);
  if (is_protected) {
    comment += "; encrypted, the " + std::string(SideName(peer)) + "'s keys being active";
  }
  Step inject;
  const std::string cannot = Unbuildable(m, role, k, i);
  Form form = Form::kNative;
  if (cannot.empty()) {
    SendStep send;
    send.message = m;
    if (m == MessageName::kApplicationData) {
      const std::string text = "early application data";
      send.raw.assign(text.begin(), text.end());
    }
    inject = SendOf(std::move(send), comment);
  } else {
    const Bytes message = MinimalMessage(m, k.full_known && k.full && !k.ecdhe);
    const std::string name(MessageNameString(m));
    inject = HandBuiltInjection(message, is_protected,
                       "a minimal " + name + " in a plaintext record, built by hand: " + cannot +
                           "; " + comment,
                       "a minimal " + name +
                           " built by hand, in place of the HelloRequest's bytes (truncate 0, "
                           "append) so that the peer encrypts it: " + cannot + "; " + comment);
    form = is_protected ? Form::kSubstituted : Form::kRaw;
  }

  Scenario s;
  s.id = id;
  s.topic = kTopic;
  s.role = role;
  const std::string place =
      i == 0 ? "as the first message" : "right after " + StepWords(flow.steps[i - 1]);
  s.title = Capitalised(SideName(role)) + " rejects " + MessageWords(m) + " from the " +
            SideName(peer) + " " + place + " (" + FlowWords(k) + ")";
  Judgement j = Judge(m, role, flow, i, k, tracker);
  s.refs = j.refs;
  s.notes = j.notes;
  if (form != Form::kNative) {
    s.notes += " The scripted peer cannot build this " + std::string(MessageNameString(m)) +
               " here (" + cannot + "), so the vector sends a minimal well-formed one built by hand.";
  }
  ApplySetup(k, role, &s);
  std::vector<Step> steps = Play(flow, 0, i, role);
  steps.push_back(std::move(inject));
  steps.push_back(ExpectUnexpectedMessage());
  SetConnections(k, role, std::move(steps), &s);

  Vector v{std::move(s), FileName(id)};
  const bool fresh = by_id_.count(id) == 0;
  SD_RETURN_IF_ERROR(Add(std::move(v), false, flow.name, role));
  if (fresh) {
    if (form == Form::kNative) {
      native_++;
    } else {
      hand_built_.push_back({id,
                             form == Form::kRaw ? "In a Raw plaintext record"
                                                : "Encrypted, as the bytes of a HelloRequest "
                                                  "step",
                             cannot});
    }
  }
  return Status::Ok();
}

// A handshake type no TLS 1.2 flow has, at a point where the peer sends next: never legal, so
// refused like any message out of order, or as one the target cannot decode.
Status Generator::Foreign(Side role, const HandshakeFlow& flow, size_t i, const ForeignType& f) {
  const Side peer = role == Side::kServer ? Side::kClient : Side::kServer;
  const Known k = KnownAt(flow, i);
  const HandshakeTracker tracker = TrackerAt(flow, i);
  const std::vector<FlowStep> prefix(flow.steps.begin(), flow.steps.begin() + i);
  const bool is_protected = Contains(prefix, FlowStep::Ccs(peer));
  const std::string where = i == 0 ? "at-start" : "after-" + StepSlug(flow.steps[i - 1]);
  const std::string id = std::string(SideName(role)) + "." + kTopic + "." + FlowShortName(k) +
                         "." + where + "." + f.slug;
  const Bytes message = HandshakeMessage(static_cast<HT>(f.type), f.body);
  std::string comment = std::string(f.words) + ", built by hand; the table allows " +
                        LegalList(tracker);
  Step inject = HandBuiltInjection(message, is_protected, comment + "; in a plaintext record",
                          comment + "; encrypted, in place of a HelloRequest's bytes (truncate 0, "
                                    "append)");
  Scenario s;
  s.id = id;
  s.topic = kTopic;
  s.role = role;
  const std::string place =
      i == 0 ? "as the first message" : "right after " + StepWords(flow.steps[i - 1]);
  s.title = Capitalised(SideName(role)) + " rejects " + f.words + " from the " + SideName(peer) +
            " " + place + " (" + FlowWords(k) + ")";
  s.refs = {"RFC5246 7.3", "RFC5246 7.4", "RFC5246 7.2.2", "checklist:15"};
  s.notes = std::string(f.why) + ": no TLS 1.2 flow has it (engine/state/handshake_table.h; "
            "legal next here: " + LegalList(tracker) + "). RFC 5246 7.4: \"sending handshake "
            "messages in an unexpected order results in a fatal error\"; the RFC names no "
            "alert. unexpected_message fits by its definition (RFC 5246 7.2.2: \"An "
            "inappropriate message was received\"; checklist 15), and decode_error (\"A "
            "message could not be decoded\") fits a receiver that does not know the type, so "
            "both are accepted. The message is well formed for its own kind, built by hand "
            "since the scripted peer builds only TLS 1.2's messages.";
  ApplySetup(k, role, &s);
  std::vector<Step> steps = Play(flow, 0, i, role);
  steps.push_back(std::move(inject));
  steps.push_back(ExpectFatal({AlertDescription::kUnexpectedMessage,
                               AlertDescription::kDecodeError}));
  SetConnections(k, role, std::move(steps), &s);
  Vector v{std::move(s), FileName(id)};
  const bool fresh = by_id_.count(id) == 0;
  SD_RETURN_IF_ERROR(Add(std::move(v), false, flow.name, role));
  if (fresh) foreign_++;
  return Status::Ok();
}

// The peer closes its side of the connection (no close_notify) at a point where it would send
// next. RFC 5246 names no answer to that, so any alert (or none) before the target's own close
// is accepted; what the vector holds the target to is closing rather than waiting forever,
// and, in process, not reporting a handshake the peer never completed (the completion oracle).
Status Generator::Teardown(Side role, const HandshakeFlow& flow, size_t i) {
  const Side peer = role == Side::kServer ? Side::kClient : Side::kServer;
  const Known k = KnownAt(flow, i);
  const std::string where = i == 0 ? "at-start" : "after-" + StepSlug(flow.steps[i - 1]);
  const std::string id = std::string(SideName(role)) + "." + kTopic + "." + FlowShortName(k) +
                         "." + where + ".peer-closes";
  Scenario s;
  s.id = id;
  s.topic = kTopic;
  s.role = role;
  const std::string place =
      i == 0 ? "before anything" : "right after " + StepWords(flow.steps[i - 1]);
  s.title = Capitalised(SideName(role)) + " closes when the " + SideName(peer) +
            " closes its side " + place + " (" + FlowWords(k) + ")";
  s.refs = {"RFC5246 7.2.1", "RFC5246 7.2.2"};
  s.notes = "The peer closes its side of the connection without close_notify (a `Close` step: "
            "a TCP half-close). RFC 5246 7.2.1 asks each party to send close_notify before "
            "closing its write side and, since TLS 1.1, no longer makes the session "
            "unresumable when one does not; it names no answer to an unannounced close. The "
            "target cannot complete a handshake that the peer has left, so it must close too, "
            "after any alert or none (all are accepted, but those RFC 5246 7.2.2 forbids); a "
            "target that waits on is the failure, and an in-process target that reports a "
            "completed handshake the peer never finished fails the completion oracle.";
  ApplySetup(k, role, &s);
  std::vector<Step> steps = Play(flow, 0, i, role);
  SendStep close;
  close.message = MessageName::kClose;
  steps.push_back(SendOf(std::move(close)));
  Expectation e;
  size_t n = 0;
  const RegistryEntry* alerts = RegistryEntries(Registry::kAlertDescription, &n);
  for (size_t a = 0; a < n; ++a) {
    const uint16_t v = alerts[a].value;
    // RFC 5246 7.2.2 forbids decryption_failed, no_certificate and export_restriction;
    // close_notify and user_canceled are warnings.
    if (v == 21 || v == 41 || v == 60 || v == 0 || v == 90) continue;
    e.alerts.insert(static_cast<AlertDescription>(v));
  }
  e.warning_alerts = {AlertDescription::kCloseNotify, AlertDescription::kUserCanceled};
  e.close = true;
  Step expect;
  expect.action = std::move(e);
  expect.comment = "a close, with or without an alert first";
  steps.push_back(std::move(expect));
  SetConnections(k, role, std::move(steps), &s);
  Vector v{std::move(s), FileName(id)};
  const bool fresh = by_id_.count(id) == 0;
  SD_RETURN_IF_ERROR(Add(std::move(v), false, flow.name, role));
  if (fresh) teardown_++;
  return Status::Ok();
}

// RFC 5246 7.4.1.1: "This message will be ignored by the client if the client is currently
// negotiating a session", and it is not hashed (7.4.9): the whole flow must still complete.
Status Generator::Positive(const HandshakeFlow& flow, size_t i) {
  const Side role = Side::kClient;
  const Known all = KnownAt(flow, flow.steps.size());
  const HandshakeTracker tracker = TrackerAt(flow, i);
  const bool is_protected = Contains(std::vector<FlowStep>(flow.steps.begin(),
                                                           flow.steps.begin() + i),
                                     FlowStep::Ccs(Side::kServer));
  const std::string id = std::string("client.") + kTopic + "." + FlowShortName(all) + ".after-" +
                         StepSlug(flow.steps[i - 1]) + ".hello-request";
  Scenario s;
  s.id = id;
  s.topic = kTopic;
  s.role = role;
  s.title = "Client ignores HelloRequest right after " + StepWords(flow.steps[i - 1]) +
            " and completes the handshake (" + FlowWords(all) + ")";
  s.refs = {"RFC5246 7.4", "RFC5246 7.4.1.1", "RFC5246 7.4.9", "checklist:20"};
  s.notes = "RFC 5246 7.4.1.1: HelloRequest \"will be ignored by the client if the client is "
            "currently negotiating a session\" and \"MUST NOT be included in the message "
            "hashes\" (also 7.4: not bound by the ordering rules). So the handshake goes on and "
            "both Finished verify over a transcript without it (checklist 20). Legal next from "
            "the server here: " + LegalList(tracker) + ".";
  ApplySetup(all, role, &s);
  std::vector<Step> steps = Play(flow, 0, i, role);
  steps.push_back(Send(MessageName::kHelloRequest,
                       std::string("mid-handshake: to be ignored") +
                           (is_protected ? "; encrypted, the server's keys being active" : "")));
  std::vector<Step> rest = Play(flow, i, flow.steps.size(), role);
  steps.insert(steps.end(), rest.begin(), rest.end());
  if (flow.steps.back().sender == Side::kServer) {
    AppendCloseNotify(role, &steps);
  }
  SetConnections(all, role, std::move(steps), &s);
  Vector v{std::move(s), FileName(id)};
  return Add(std::move(v), true, flow.name, role);
}

Status Generator::Run() {
  std::vector<MessageName> injectable;
  for (MessageName m : AllMessageNames()) {
    if (HandshakeTypeOf(m).has_value() || m == MessageName::kChangeCipherSpec ||
        m == MessageName::kApplicationData) {
      injectable.push_back(m);
    }
  }
  for (const HandshakeFlow& flow : HandshakeFlows()) flow_order_.push_back(flow.name);
  for (Side role : {Side::kServer, Side::kClient}) {
    const Side peer = role == Side::kServer ? Side::kClient : Side::kServer;
    for (const HandshakeFlow& flow : HandshakeFlows()) {
      counts_[SideName(role)][flow.name];  // every flow has a row, even with nothing new
      for (size_t i = 0; i < flow.steps.size(); ++i) {
        if (flow.steps[i].sender != peer) continue;
        const HandshakeTracker tracker = TrackerAt(flow, i);
        for (MessageName m : injectable) {
          if (m == MessageName::kHelloRequest && peer == Side::kServer) {
            SD_RETURN_IF_ERROR(Positive(flow, i));
            continue;
          }
          if (m != MessageName::kApplicationData) {
            const FlowStep step = m == MessageName::kChangeCipherSpec
                                      ? FlowStep::Ccs(peer)
                                      : FlowStep::Handshake(peer, *HandshakeTypeOf(m));
            if (tracker.IsLegal(step)) {
              legal_++;
              continue;
            }
          }
          SD_RETURN_IF_ERROR(Negative(role, flow, i, m));
        }
        for (const ForeignType& f : ForeignTypes()) SD_RETURN_IF_ERROR(Foreign(role, flow, i, f));
        SD_RETURN_IF_ERROR(Teardown(role, flow, i));
      }
      // After both Finished the handshake is over (RFC 5246 7.4.9): no handshake message of
      // the flow is legal any more but the ones that start a new handshake (a ClientHello to
      // a server, a HelloRequest to a client: renegotiation, which a target may refuse with a
      // warning or ignore) and no ChangeCipherSpec. Application data is what comes next.
      const size_t end = flow.steps.size();
      for (MessageName m : injectable) {
        if (m == MessageName::kApplicationData) continue;
        if (m == (peer == Side::kClient ? MessageName::kClientHello : MessageName::kHelloRequest)) {
          continue;
        }
        SD_RETURN_IF_ERROR(Negative(role, flow, end, m));
        after_handshake_++;
      }
      for (const ForeignType& f : ForeignTypes()) SD_RETURN_IF_ERROR(Foreign(role, flow, end, f));
      SD_RETURN_IF_ERROR(Teardown(role, flow, end));
    }
  }
  return Status::Ok();
}

std::string Generator::Readme() const {
  std::ostringstream o;
  size_t total[2] = {0, 0}, positive[2] = {0, 0};
  for (const auto& [id, v] : by_id_) total[v.scenario.role == Side::kServer ? 0 : 1]++;
  for (const auto& [role, flows] : counts_) {
    for (const auto& [name, c] : flows) positive[role == "server" ? 0 : 1] += c.positive;
  }
  o << "# Out-of-order vectors (generated)\n\n"
    << "Do not edit: every file here is written by `vectors/generator/order_vectors.cc` from the\n"
    << "engine's legal-order table (`engine/state/handshake_table.h`, RFC 5246 7.3 Figures 1 and 2,\n"
    << "RFC 5077 3.1/3.2), and `//vectors/generator:order_vectors_test` fails when these files\n"
    << "differ from what the generator writes. Regenerate with\n\n"
    << "```sh\n" << kRegenerate << "\n```\n\n"
    << "## What they test\n\n"
    << "For each of the table's " << HandshakeFlows().size() << " flows, each point where the scripted peer sends next,\n"
    << "and each message the peer could send there — every TLS 1.2 handshake message the scenario\n"
    << "language can send, ChangeCipherSpec, and application data (attack 8) — that the table does\n"
    << "not allow at that point, a vector plays the flow correctly up to the point, sends that\n"
    << "message, and expects a fatal `unexpected_message` and a close. Both target roles.\n\n"
    << "The point after both Finished is one of them: there the handshake is over (RFC 5246\n"
    << "7.4.9), and every message of the flow is out of order but those that start a new\n"
    << "handshake (a ClientHello to a server, a HelloRequest to a client: renegotiation, which\n"
    << "a target may refuse with a warning or ignore) and application data (ids\n"
    << "`...after-server-finished.<message>`, or `after-client-finished` in abbreviated flows).\n\n"
    << "At the same points the peer also closes its side of the connection without close_notify\n"
    << "(" << teardown_ << " vectors, ids ending `.peer-closes`): the target must close too, after\n"
    << "any alert or none (RFC 5246 7.2.1 names no answer), never wait on; in process it must not\n"
    << "report a handshake the peer never completed.\n\n"
    << "At the same points, handshake types that no TLS 1.2 flow has (" << foreign_ << " vectors,\n"
    << "ids ending `.tls13-encrypted-extensions`, `.tls13-key-update`, `.tls13-end-of-early-data`,\n"
    << "`.unassigned-type-99`): TLS 1.3's EncryptedExtensions, KeyUpdate and EndOfEarlyData, and a\n"
    << "type no RFC assigns, each well formed for its own kind and built by hand (a Raw record, or\n"
    << "encrypted in place of a HelloRequest's bytes). Expected: a fatal `unexpected_message`, or\n"
    << "`decode_error` from a receiver that does not know the type (RFC 5246 7.2.2; checklist 15).\n\n"
    << "- The legal set is the table's, with the flags learned where the target learns them: key\n"
    << "  exchange, full/abbreviated and ticket at ServerHello, client auth at CertificateRequest\n"
    << "  (or ServerHelloDone without one), an empty or real client certificate at the client's\n"
    << "  Certificate.\n"
    << "- A vector's setup holds only what the target knows at the point (suite, tickets, client\n"
    << "  auth, the client certificate; a first full connection and `resume` for abbreviated flows),\n"
    << "  so flows that share a prefix share one vector; the id names those facts (`any` before\n"
    << "  ServerHello). Ids: `<role>.order.<facts>.after-<last step>.<message>` (`at-start` for the\n"
    << "  first message).\n"
    << "- The alert: RFC 5246 7.4 makes an out-of-order handshake message a fatal error and 7.1/7.3\n"
    << "  place ChangeCipherSpec, without naming an alert; `unexpected_message` is the alert by\n"
    << "  definition (7.2.2) and the one checklist rows 15 (by definition), 17 (unspecified), 18, 19,\n"
    << "  20, 38, 39, 43 and 44 name, so every vector expects exactly `{unexpected_message}`. Refs\n"
    << "  name the specific rows (18: Finished without ChangeCipherSpec, 20: HelloRequest from a\n"
    << "  client, CVE-2014-0224 for ChangeCipherSpec before any key exchange, ...).\n"
    << "- After the peer's ChangeCipherSpec the peer's messages, the injected one included, are\n"
    << "  encrypted under its keys.\n"
    << "- HelloRequest sent to a client mid-handshake is legal: RFC 5246 7.4.1.1 says the client\n"
    << "  ignores it, and it is not hashed. Those points get a positive vector instead (the\n"
    << "  handshake completes and both Finished verify); a HelloRequest from a client to a server\n"
    << "  is rejected (checklist 20).\n\n";
  o << "## Counts\n\n"
    << "Vectors: " << by_id_.size() << " — server target " << total[0] << " (" << positive[0]
    << " positive), client target " << total[1] << " (" << positive[1]
    << " positive: HelloRequest ignored). Illegal (point, message) pairs per flow, and how many\n"
    << "of them became a vector no earlier flow of the table had already yielded:\n\n"
    << "| flow | server: pairs | server: new vectors | client: pairs | client: new vectors | client: HelloRequest ignored |\n"
    << "| --- | ---: | ---: | ---: | ---: | ---: |\n";
  for (const std::string& name : flow_order_) {
    const FlowCount& s = counts_.at("server").at(name);
    const FlowCount& c = counts_.at("client").at(name);
    o << "| " << name << " | " << s.points << " | " << s.vectors << " | " << c.points << " | "
      << c.vectors << " | " << c.positive << " |\n";
  }
  o << "\n" << legal_ << " (point, message) pairs are legal per the table (the flows' own next "
    << "steps) and have no vector. A HelloRequest-ignored vector plays its whole flow, so its id\n"
    << "names the flow (`client.order.<flow>.after-<step>.hello-request`).\n\n";
  o << "## Injections the peer cannot build\n\n"
    << "The scripted peer (`harness/peer/scripted_peer.cc`) builds every message from any state,\n"
    << "except a ClientKeyExchange without the server's key (RSA: a certificate it received;\n"
    << "ECDHE: a ServerKeyExchange it received) and a ServerHello before any ClientHello. Those\n"
    << "vectors send a minimal well-formed message built by hand: in a `Raw` plaintext record\n"
    << "before the peer's ChangeCipherSpec; after it (`Raw` cannot be encrypted) as the bytes of\n"
    << "a `HelloRequest` step replaced with `corrupt: {truncate: 0, append: ...}`, which the\n"
    << "peer encrypts like any message. " << hand_built_.size() << " vectors:\n\n";
  // Grouped by how and why, in generation order.
  std::vector<std::pair<std::string, std::vector<std::string>>> groups;
  for (const HandBuilt& h : hand_built_) {
    const std::string head = h.how + ": " + h.why;
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&](const auto& g) { return g.first == head; });
    if (it == groups.end()) it = groups.insert(groups.end(), {head, {}});
    it->second.push_back(h.id);
  }
  for (const auto& [head, ids] : groups) {
    o << "- " << head << " (" << ids.size() << "):\n";
    for (const std::string& id : ids) o << "  - `" << id << "`\n";
  }
  o << "\n## Injections that could not be expressed\n\n";
  if (skipped_.empty()) {
    o << "None: every illegal (point, message) pair of the table has a vector, except the "
         "server-target pairs below.\n";
  } else {
    for (const std::string& s : skipped_) o << "- " << s << "\n";
  }
  o << "\n## A server's ticket renewal\n\n"
    << "RFC 5077 3.1 lets a server that resumes from a ticket renew it (\"it MAY renew the ticket\n"
    << "by including a NewSessionTicket handshake message after the ServerHello in the\n"
    << "abbreviated handshake\"). A server target's abbreviated ticket flight is therefore\n"
    << "expected with NewSessionTicket optional (`\"optional\": [\"NewSessionTicket\"]`): the\n"
    << "vectors hold the server to the table either way, never to the MAY. OpenSSL 3.0, GnuTLS 3.7\n"
    << "and Botan 2.19 resume without renewing. For a client target the scripted server decides.\n\n"
    << "## Resumption setup\n\n"
    << "An abbreviated vector first completes a full handshake on connection 0. A server target's\n"
    << "connection 0 ends with a close_notify from the client peer, answered by the server's\n"
    << "close_notify or a close: RFC 5246 7.2.1 allows a server to drop the session of a\n"
    << "connection closed without close_notify (OpenSSL 3.0 does), so the resumption must not\n"
    << "depend on it. A client target's connection 0 ends the same way, but the client must\n"
    << "answer the close_notify (RFC 5246 7.2.1): its answer, read under the negotiated keys, is\n"
    << "the proof that it accepted the server's Finished.\n\n"
    << "## Acceptance\n\n"
    << "A client vector whose handshake must complete (a HelloRequest to be ignored) ends the same\n"
    << "way: the server peer sends close_notify after its Finished and the client must answer with\n"
    << "its own close_notify under the negotiated keys. Silence would not tell a client that\n"
    << "accepted from one that stopped reading.\n";
  return o.str();
}

OrderVectors Generator::Output() const {
  OrderVectors out;
  for (const auto& [id, v] : by_id_) {
    out.files.push_back({v.file, SerializeScenarioJson(v.scenario)});
  }
  out.files.push_back({"README.md", Readme()});
  std::sort(out.files.begin(), out.files.end(),
            [](const GeneratedFile& a, const GeneratedFile& b) { return a.name < b.name; });
  size_t positive = 0;
  for (const auto& [role, flows] : counts_) {
    for (const auto& [name, c] : flows) positive += c.positive;
  }
  std::ostringstream s;
  s << by_id_.size() << " vectors (" << by_id_.size() - positive << " out-of-order, " << positive
    << " HelloRequest-ignored, " << foreign_ << " of foreign handshake types); injections: "
    << native_ << " built by the peer, "
    << hand_built_.size() << " hand-built (Raw or substituted), " << skipped_.size()
    << " skipped (cannot be expressed); " << legal_
    << " (point, message) pairs legal per the table\n";
  for (const auto& [role, flows] : counts_) {
    size_t n = 0;
    for (const auto& [name, c] : flows) n += c.vectors + c.positive;
    s << "  " << role << " target: " << n << " vectors\n";
  }
  out.summary = s.str();
  return out;
}

}  // namespace

Result<OrderVectors> GenerateOrderVectors() {
  Generator g;
  SD_RETURN_IF_ERROR(g.Run());
  return g.Output();
}

Status WriteOrderVectors(const OrderVectors& vectors, const std::string& dir,
                         std::vector<std::string>* removed) {
  return WriteGeneratedFiles(vectors.files, dir, removed);
}

}  // namespace shakedown
