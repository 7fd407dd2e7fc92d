#include "vectors/generator/malformed_vectors.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "engine/base/alert.h"
#include "engine/wire/registry.h"
#include "harness/scenario/loader.h"
#include "harness/scenario/message_shapes.h"
#include "harness/scenario/scenario.h"
#include "vectors/generator/steps.h"

namespace shakedown {
namespace {

constexpr char kTopic[] = "malformed";
constexpr char kDir[] = "vectors/conformance/malformed";
constexpr char kRegenerate[] =
    "bazel run //vectors/generator:malformed_vectors -- --out "
    "$PWD/vectors/conformance/malformed";
constexpr uint16_t kEcdheSuite = 0xc02f;  // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
constexpr uint16_t kRsaSuite = 0x009c;    // TLS_RSA_WITH_AES_128_GCM_SHA256

using M = MessageName;
using A = AlertDescription;

// Where a malformed message is sent: the handshake up to it, and what the peer's message
// holds there.
struct Context {
  Side role;  // the target's
  MessageName message;
  // "" or what sets this context apart: the key exchange ("rsa", "ecdhe") where it changes the
  // layout, the certificate ("ecdsa"), a resumption ("resumed", "resuming").
  std::string variant;
  KeyExchange kex;
  std::vector<Step> before;
  std::function<void(Scenario*)> setup;
  // The items the peer's message holds (extension entries, certificates) ...
  std::vector<std::string> items;
  // ... and its fields that are empty when sent (no byte to cut, no length to lower).
  std::set<std::string> empty;
  std::string section;  // the RFC section that defines the message
  // Fields whose content the receiver checks on its own (a point, a signature): cut by a
  // length one short, the field may be refused for its content before the message for its
  // length, with these alerts and this reason.
  std::map<std::string, std::pair<std::set<AlertDescription>, std::string>> content_checks = {};
  // A first connection whose session the message's connection resumes; empty: none.
  std::vector<Step> first_connection = {};
};

std::string VariantWords(const std::string& v) {
  if (v == "rsa") return "RSA";
  if (v == "ecdhe") return "ECDHE";
  if (v == "ecdsa") return "ECDSA";
  return v;  // "resumed", "resuming"
}

// A full ECDHE_RSA handshake ended by the peer's close_notify (AppendCloseNotify), for a
// context that resumes its session.
std::vector<Step> FullHandshakeThenClose(Side role) {
  using MN = MessageName;
  std::vector<Step> s;
  if (role == Side::kServer) {
    s = {Send(MN::kClientHello),
         ExpectMessages({MN::kServerHello, MN::kCertificate, MN::kServerKeyExchange,
                         MN::kServerHelloDone}),
         Send(MN::kClientKeyExchange), Send(MN::kChangeCipherSpec), Send(MN::kFinished),
         ExpectMessages({MN::kChangeCipherSpec, MN::kFinished})};
  } else {
    s = {ExpectMessages({MN::kClientHello}), Send(MN::kServerHello), Send(MN::kCertificate),
         Send(MN::kServerKeyExchange), Send(MN::kServerHelloDone),
         ExpectMessages({MN::kClientKeyExchange, MN::kChangeCipherSpec, MN::kFinished}),
         Send(MN::kChangeCipherSpec), Send(MN::kFinished)};
  }
  AppendCloseNotify(role, &s);
  return s;
}

// RFC 8422 5.4 / 5.7 and RFC 5246 7.2.2.
const std::pair<std::set<AlertDescription>, std::string> kPointCheck = {
    {AlertDescription::kIllegalParameter},
    "a point one byte short is no valid point, which a receiver may find before the byte left "
    "over: illegal_parameter (RFC 5246 7.2.2: \"A field in the handshake was out of range or "
    "inconsistent with other fields\") is accepted too."};
const std::pair<std::set<AlertDescription>, std::string> kSignatureCheck = {
    {AlertDescription::kDecryptError},
    "a signature one byte short does not verify, which a receiver may find before the byte left "
    "over: decrypt_error (RFC 5246 7.2.2: \"a signature could not be correctly verified\") is "
    "accepted too."};

std::string Kebab(std::string s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '_' || c == '.') {
      out += '-';
    } else if (c >= 'A' && c <= 'Z') {
      if (i > 0) out += '-';
      out += static_cast<char>(c - 'A' + 'a');
    } else {
      out += c;
    }
  }
  return out;
}

void EcdheSuite(Scenario* s) { s->peer.cipher_suites = {kEcdheSuite}; }

std::vector<Context> Contexts() {
  const std::vector<std::string> ch_extensions = {
      "extensions.server_name", "extensions.supported_groups", "extensions.ec_point_formats",
      "extensions.signature_algorithms", "extensions.extended_master_secret",
      "extensions.renegotiation_info"};
  auto client_auth = [](Scenario* s) {
    EcdheSuite(s);
    // "optional": whatever the server does about a missing certificate (RFC 5246 7.4.6), a
    // malformed one is refused.
    s->target.client_auth = ClientAuthMode::kOptional;
  };
  std::vector<Context> c;
  // ---- The server target reads these (the peer is the client) ----
  c.push_back({Side::kServer, M::kClientHello, "", KeyExchange::kEcdheRsa, {}, EcdheSuite,
               ch_extensions, {"session_id", "extensions.extended_master_secret"},
               "RFC5246 7.4.1.2"});
  c.push_back({Side::kServer, M::kCertificate, "", KeyExchange::kEcdheRsa,
               {Send(M::kClientHello),
                ExpectMessages({M::kServerHello, M::kCertificate, M::kServerKeyExchange,
                                M::kCertificateRequest, M::kServerHelloDone})},
               client_auth, {"certificate_list.0"}, {}, "RFC5246 7.4.6"});
  c.push_back({Side::kServer, M::kClientKeyExchange, "ecdhe", KeyExchange::kEcdheRsa,
               {Send(M::kClientHello),
                ExpectMessages({M::kServerHello, M::kCertificate, M::kServerKeyExchange,
                                M::kServerHelloDone})},
               EcdheSuite, {}, {}, "RFC8422 5.7", {{"exchange_keys", kPointCheck}}});
  c.push_back({Side::kServer, M::kClientKeyExchange, "rsa", KeyExchange::kRsa,
               {Send(M::kClientHello),
                ExpectMessages({M::kServerHello, M::kCertificate, M::kServerHelloDone})},
               [](Scenario* s) { s->peer.cipher_suites = {kRsaSuite}; }, {}, {},
               "RFC5246 7.4.7.1"});
  c.push_back({Side::kServer, M::kCertificateVerify, "", KeyExchange::kEcdheRsa,
               {Send(M::kClientHello),
                ExpectMessages({M::kServerHello, M::kCertificate, M::kServerKeyExchange,
                                M::kCertificateRequest, M::kServerHelloDone}),
                Send(M::kCertificate), Send(M::kClientKeyExchange)},
               client_auth, {}, {}, "RFC5246 7.4.8", {{"signature", kSignatureCheck}}});
  // ---- The client target reads these (the peer is the server) ----
  const std::vector<Step> hello = {ExpectMessages({M::kClientHello})};
  auto then = [](std::vector<Step> steps, std::vector<MessageName> sends) {
    for (MessageName m : sends) steps.push_back(Send(m));
    return steps;
  };
  c.push_back({Side::kClient, M::kServerHello, "", KeyExchange::kEcdheRsa, hello, EcdheSuite,
               {"extensions.extended_master_secret", "extensions.renegotiation_info",
                "extensions.ec_point_formats"},
               {"extensions.extended_master_secret"}, "RFC5246 7.4.1.3"});
  c.push_back({Side::kClient, M::kCertificate, "", KeyExchange::kEcdheRsa,
               then(hello, {M::kServerHello}), EcdheSuite, {"certificate_list.0"}, {},
               "RFC5246 7.4.2"});
  c.push_back({Side::kClient, M::kServerKeyExchange, "", KeyExchange::kEcdheRsa,
               then(hello, {M::kServerHello, M::kCertificate}), EcdheSuite, {}, {},
               "RFC8422 5.4", {{"signature", kSignatureCheck}}});
  c.push_back({Side::kClient, M::kCertificateRequest, "", KeyExchange::kEcdheRsa,
               then(hello, {M::kServerHello, M::kCertificate, M::kServerKeyExchange}), EcdheSuite,
               {}, {"certificate_authorities"}, "RFC5246 7.4.4"});
  c.push_back({Side::kClient, M::kServerHelloDone, "", KeyExchange::kEcdheRsa,
               then(hello, {M::kServerHello, M::kCertificate, M::kServerKeyExchange}), EcdheSuite,
               {}, {}, "RFC5246 7.4.5"});
  std::vector<Step> to_ticket =
      then(hello, {M::kServerHello, M::kCertificate, M::kServerKeyExchange, M::kServerHelloDone});
  to_ticket.push_back(
      ExpectMessages({M::kClientKeyExchange, M::kChangeCipherSpec, M::kFinished}));
  c.push_back({Side::kClient, M::kNewSessionTicket, "", KeyExchange::kEcdheRsa, to_ticket,
               [](Scenario* s) {
                 EcdheSuite(s);
                 s->peer.session_ticket = true;
                 s->target.session_tickets = true;
               },
               {}, {}, "RFC5077 3.3"});
  // ---- ECDSA certificates: a signature in DER (RFC 8422 5.4, 5.8), another chain ----
  auto ecdsa_server = [](Scenario* s) {
    s->peer.cipher_suites = {0xc02b};  // TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
    s->peer.certificate = CertificateKey::kEcdsa;
  };
  c.push_back({Side::kClient, M::kCertificate, "ecdsa", KeyExchange::kEcdheEcdsa,
               then(hello, {M::kServerHello}), ecdsa_server, {"certificate_list.0"}, {},
               "RFC5246 7.4.2"});
  c.push_back({Side::kClient, M::kServerKeyExchange, "ecdsa", KeyExchange::kEcdheEcdsa,
               then(hello, {M::kServerHello, M::kCertificate}), ecdsa_server, {}, {},
               "RFC8422 5.4", {{"signature", kSignatureCheck}}});
  auto ecdsa_client = [](Scenario* s) {
    EcdheSuite(s);
    s->peer.certificate = CertificateKey::kEcdsa;
    s->target.client_auth = ClientAuthMode::kOptional;
  };
  c.push_back({Side::kServer, M::kCertificate, "ecdsa", KeyExchange::kEcdheRsa,
               {Send(M::kClientHello),
                ExpectMessages({M::kServerHello, M::kCertificate, M::kServerKeyExchange,
                                M::kCertificateRequest, M::kServerHelloDone})},
               ecdsa_client, {"certificate_list.0"}, {}, "RFC5246 7.4.6"});
  c.push_back({Side::kServer, M::kCertificateVerify, "ecdsa", KeyExchange::kEcdheRsa,
               {Send(M::kClientHello),
                ExpectMessages({M::kServerHello, M::kCertificate, M::kServerKeyExchange,
                                M::kCertificateRequest, M::kServerHelloDone}),
                Send(M::kCertificate), Send(M::kClientKeyExchange)},
               ecdsa_client, {}, {}, "RFC5246 7.4.8", {{"signature", kSignatureCheck}}});
  // ---- Resumption: the hellos of an abbreviated handshake, with a session id ----
  c.push_back({Side::kServer, M::kClientHello, "resuming", KeyExchange::kEcdheRsa, {},
               EcdheSuite, ch_extensions, {"extensions.extended_master_secret"},
               "RFC5246 7.4.1.2", {}, FullHandshakeThenClose(Side::kServer)});
  c.push_back({Side::kClient, M::kServerHello, "resumed", KeyExchange::kEcdheRsa, hello,
               EcdheSuite,
               {"extensions.extended_master_secret", "extensions.renegotiation_info",
                "extensions.ec_point_formats"},
               {"extensions.extended_master_secret"}, "RFC5246 7.4.1.3", {},
               FullHandshakeThenClose(Side::kClient)});
  return c;
}

// How the edit breaks the message, which decides what the RFC lets the target answer.
enum class Breakage {
  kLength,      // the message ends early or late: its length is wrong
  kMisaligned,  // an inner length is off by one: every later field moves
  kRange,       // a vector outside its <floor..ceiling>
};

struct Edit {
  std::string field;  // "" for trailing
  MalformEdit edit;
  Breakage breakage;
  bool item;          // the field is one item of a vector of items
};

// Every edit that applies to the context's message as the peer sends it.
std::vector<Edit> EditsOf(const Context& c) {
  std::vector<Edit> out;
  const std::vector<FieldShape> shape = MessageShape(c.message, c.kex);
  for (size_t i = 0; i < shape.size(); ++i) {
    const FieldShape& f = shape[i];
    const bool last = i + 1 == shape.size();
    const bool vector = f.length_bytes > 0;
    const bool holds = vector ? c.empty.count(f.name) == 0 : f.fixed > 1;
    // Cutting a hello before its optional extensions leaves a valid hello (RFC 5246 7.4.1.2).
    if (!f.optional) out.push_back({f.name, MalformEdit::kTruncate, Breakage::kLength, false});
    if (f.length_bytes >= 2) {
      out.push_back({f.name, MalformEdit::kTruncateLength, Breakage::kLength, false});
    }
    if (holds) out.push_back({f.name, MalformEdit::kTruncateContent, Breakage::kLength, false});
    if (!vector) continue;
    const Breakage shift = last ? Breakage::kLength : Breakage::kMisaligned;
    out.push_back({f.name, MalformEdit::kLengthPlusOne, shift, false});
    if (holds) out.push_back({f.name, MalformEdit::kLengthMinusOne, shift, false});
    if (f.floor > 0 && holds) out.push_back({f.name, MalformEdit::kEmpty, Breakage::kRange, false});
    if (f.ceiling < 0x4000 && f.ceiling + 1 < (size_t{1} << (8 * f.length_bytes))) {
      out.push_back({f.name, MalformEdit::kOversized, Breakage::kRange, false});
    }
  }
  for (const std::string& item : c.items) {
    const bool holds = c.empty.count(item) == 0;
    out.push_back({item, MalformEdit::kTruncate, Breakage::kLength, true});
    out.push_back({item, MalformEdit::kTruncateLength, Breakage::kLength, true});
    if (holds) out.push_back({item, MalformEdit::kTruncateContent, Breakage::kLength, true});
    out.push_back({item, MalformEdit::kLengthPlusOne, Breakage::kMisaligned, true});
    if (holds) out.push_back({item, MalformEdit::kLengthMinusOne, Breakage::kMisaligned, true});
  }
  out.push_back({"", MalformEdit::kTrailing, Breakage::kLength, false});
  return out;
}

bool IsCertificateItem(const Edit& e) { return e.field.rfind("certificate_list.", 0) == 0; }

// RFC 5246 7.4.1.2 (ClientHello, "as for all other messages"): a message whose amount of data
// does not precisely match its format is refused with decode_error. Checklist 21 holds the
// ClientHello to exactly that, off-by-one inner lengths included.
// The content check a length one short lets the receiver make first, if any.
const std::pair<std::set<AlertDescription>, std::string>* ContentCheck(const Context& c,
                                                                       const Edit& e) {
  if (e.edit != MalformEdit::kLengthMinusOne) return nullptr;
  auto it = c.content_checks.find(e.field);
  return it == c.content_checks.end() ? nullptr : &it->second;
}

// RFC 8422 5.7: an empty ClientKeyExchange body is the implicit encoding, the form for a
// client whose certificate holds a fixed ECDH key. Under ECDHE_RSA it is out of place rather
// than unparseable.
bool IsImplicitEcdhForm(const Context& c, const Edit& e) {
  return c.message == M::kClientKeyExchange && c.kex == KeyExchange::kEcdheRsa &&
         e.edit == MalformEdit::kTruncate && e.field == "exchange_keys";
}

std::set<AlertDescription> AlertsFor(const Context& c, const Edit& e) {
  std::set<AlertDescription> alerts = {A::kDecodeError};
  if (const auto* check = ContentCheck(c, e)) alerts.insert(check->first.begin(), check->first.end());
  if (IsImplicitEcdhForm(c, e)) {
    alerts.insert({A::kIllegalParameter, A::kHandshakeFailure});
  }
  const bool strict = c.message == M::kClientHello && e.breakage != Breakage::kRange;
  if (!strict && e.breakage != Breakage::kLength) alerts.insert(A::kIllegalParameter);
  if (IsCertificateItem(e) && e.breakage != Breakage::kLength) alerts.insert(A::kBadCertificate);
  return alerts;
}

std::string Phrase(const Edit& e) {
  const std::string f = e.field;
  switch (e.edit) {
    case MalformEdit::kTruncate: return "cut short just before its " + f;
    case MalformEdit::kTruncateLength: return "cut short inside the length of its " + f;
    case MalformEdit::kTruncateContent: return "cut short before the last byte of its " + f;
    case MalformEdit::kLengthPlusOne: return "whose " + f + " length says one byte more than it holds";
    case MalformEdit::kLengthMinusOne: return "whose " + f + " length says one byte less than it holds";
    case MalformEdit::kEmpty: return "with an empty " + f;
    case MalformEdit::kOversized: return "with a " + f + " one byte longer than its ceiling";
    case MalformEdit::kTrailing: return "with a byte after its last field";
    case MalformEdit::kShorten: return "whose " + f + " is one byte short";
    case MalformEdit::kLengthen: return "whose " + f + " is one byte long";
  }
  return "";
}

std::string AlertList(const std::set<AlertDescription>& alerts) {
  std::string out;
  size_t i = 0;
  for (AlertDescription a : alerts) {
    out += (i == 0 ? "" : i + 1 == alerts.size() ? " or " : ", ") +
           std::string(*NameOf(Registry::kAlertDescription, static_cast<uint16_t>(a)));
    ++i;
  }
  return out;
}

std::string Notes(const Context& c, const Edit& e) {
  const std::string name(MessageNameString(c.message));
  std::string n =
      "Generated (" + std::string(kDir) + "/README.md). The peer encodes its " + name +
      " as it would and breaks " + (e.field.empty() ? "its end" : e.field) +
      " alone (`malform`, docs/SCENARIOS.md); the handshake header's length follows the new "
      "body, so the target reads one whole message whose inside is wrong. RFC 5246 7.4.1.2: an "
      "implementation \"MUST check that the amount of data in the message precisely matches "
      "one of these formats; if not, then it MUST send a fatal 'decode_error' alert\" (said of "
      "the ClientHello, \"as for all other messages\").";
  switch (e.breakage) {
    case Breakage::kLength:
      n += " Here the message ends early or late";
      n += ContentCheck(c, e) || IsImplicitEcdhForm(c, e) ? "." : ", so decode_error is the only answer.";
      break;
    case Breakage::kMisaligned:
      if (c.message == M::kClientHello) {
        n += " An inner length off by one moves every later field; checklist 21: inner vector "
             "lengths off by one are refused with decode_error.";
      } else {
        n += " An inner length off by one moves every later field, so the message no longer "
             "matches its format (decode_error); a receiver that checks each field as it reads "
             "it may first find one out of range, so illegal_parameter (RFC 5246 7.2.2: \"A "
             "field in the handshake was out of range or inconsistent with other fields\") is "
             "accepted too.";
      }
      break;
    case Breakage::kRange:
      n += " The field's length is outside the range its vector declares (RFC 5246 4.3); "
           "decode_error (\"some field was out of the specified range\") and illegal_parameter "
           "(\"out of range\") both fit by their definitions in RFC 5246 7.2.2 (checklist 22).";
      break;
  }
  if (const auto* check = ContentCheck(c, e)) n += " But " + check->second;
  if (IsImplicitEcdhForm(c, e)) {
    n += " But an empty body is also the implicit encoding of RFC 8422 5.7, the form for a "
         "client certificate with a fixed ECDH key: a server may read it as that form used "
         "without such a certificate, so illegal_parameter and handshake_failure are accepted "
         "too.";
  }
  if (IsCertificateItem(e) && e.breakage != Breakage::kLength) {
    n += " The certificate's own bytes no longer parse as DER: bad_certificate (RFC 5246 "
         "7.2.2: \"A certificate was corrupt\") is accepted as well.";
  }
  return n;
}

Scenario Build(const Context& c, const Edit& e) {
  Scenario s;
  const std::string role = c.role == Side::kServer ? "server" : "client";
  const std::string message =
      Kebab(std::string(MessageNameString(c.message))) + (c.variant.empty() ? "" : "-" + c.variant);
  const std::string what =
      (e.field.empty() ? "" : Kebab(e.field) + "-") + Kebab(std::string(MalformEditName(e.edit)));
  s.id = role + "." + kTopic + "." + message + "." + what;
  s.topic = kTopic;
  s.role = c.role;
  const std::set<AlertDescription> alerts = AlertsFor(c, e);
  s.title = "A " + std::string(MessageNameString(c.message)) +
            (c.variant.empty() ? "" : " (" + VariantWords(c.variant) + ")") +
            " " + Phrase(e) + " is refused with " + AlertList(alerts);
  s.refs = {"RFC5246 7.4.1.2"};
  if (c.section != "RFC5246 7.4.1.2") s.refs.push_back(c.section);
  s.refs.push_back("RFC5246 7.2.2");
  if (e.breakage == Breakage::kRange) s.refs.push_back("RFC5246 4.3");
  if (c.message == M::kClientHello) {
    s.refs.push_back(e.breakage == Breakage::kRange ? "checklist:22" : "checklist:21");
  }
  s.notes = Notes(c, e);
  if (c.setup) c.setup(&s);
  if (!c.first_connection.empty()) {
    ConnectionScript first;
    first.steps = c.first_connection;
    s.connections.push_back(std::move(first));
  }
  ConnectionScript conn;
  conn.resume = !c.first_connection.empty();
  conn.steps = c.before;
  SendStep send;
  send.message = c.message;
  send.malform = Malformation{e.field, e.edit};
  conn.steps.push_back(SendOf(std::move(send)));
  conn.steps.push_back(ExpectFatal(alerts));
  s.connections.push_back(std::move(conn));
  return s;
}

// ---- Extension bodies ----

// One extension whose body is broken inside, in the hello that carries it, where the receiver
// must read it: the extensions a TLS 1.2 stack with ECDHE, RFC 7627 and RFC 5746 processes.
struct ExtensionCase {
  Side role;  // the target's
  const char* extension;
  const char* slug;
  const char* body;  // hex
  const char* what;
  bool range;        // a list below its floor, not a length that disagrees with the bytes
};

std::vector<ExtensionCase> ExtensionCases() {
  std::vector<ExtensionCase> c;
  // RFC 8422 5.1.1: NamedGroupList named_group_list<2..2^16-1>.
  for (Side role : {Side::kServer}) {
    c.push_back({role, "supported_groups", "empty-body", "", "an empty body (no list length)", false});
    c.push_back({role, "supported_groups", "list-length-plus-one", "0005001d0017",
                 "a list length one byte longer than the list", false});
    c.push_back({role, "supported_groups", "list-length-minus-one", "0003001d0017",
                 "a list length one byte shorter than the list", false});
    c.push_back({role, "supported_groups", "empty-list", "0000",
                 "an empty list (NamedGroupList<2..2^16-1>)", true});
    c.push_back({role, "supported_groups", "odd-list", "0003001d00",
                 "a list of three bytes: half a group", false});
    c.push_back({role, "supported_groups", "trailing-byte", "0004001d001700",
                 "a byte after the list", false});
    // RFC 5246 7.4.1.4.1: supported_signature_algorithms<2..2^16-2>.
    c.push_back({role, "signature_algorithms", "empty-body", "", "an empty body", false});
    c.push_back({role, "signature_algorithms", "list-length-plus-one", "000504010804",
                 "a list length one byte longer than the list", false});
    c.push_back({role, "signature_algorithms", "list-length-minus-one", "000304010804",
                 "a list length one byte shorter than the list", false});
    c.push_back({role, "signature_algorithms", "empty-list", "0000",
                 "an empty list (supported_signature_algorithms<2..2^16-2>)", true});
    c.push_back({role, "signature_algorithms", "odd-list", "00030401080400",
                 "a list of three bytes: half a scheme", false});
    c.push_back({role, "signature_algorithms", "trailing-byte", "00040401080400",
                 "a byte after the list", false});
  }
  // RFC 8422 5.1.2: ECPointFormatList ec_point_format_list<1..2^8-1>, both hellos.
  for (Side role : {Side::kServer, Side::kClient}) {
    c.push_back({role, "ec_point_formats", "empty-body", "", "an empty body", false});
    c.push_back({role, "ec_point_formats", "list-length-plus-one", "0200",
                 "a list length one byte longer than the list", false});
    c.push_back({role, "ec_point_formats", "empty-list", "00",
                 "an empty list (ECPointFormatList<1..2^8-1>)", true});
    c.push_back({role, "ec_point_formats", "trailing-byte", "010000", "a byte after the list",
                 false});
    // RFC 7627 5.1: "The extension_data field of this extension SHALL be empty."
    c.push_back({role, "extended_master_secret", "non-empty-body", "00",
                 "one byte in a body that is empty by definition", false});
    // RFC 5746 3.2: renegotiated_connection<0..255>; empty in an initial hello.
    c.push_back({role, "renegotiation_info", "empty-body", "",
                 "an empty body (no renegotiated_connection length)", false});
    c.push_back({role, "renegotiation_info", "length-plus-one", "01",
                 "a renegotiated_connection length of 1 with no byte", false});
    c.push_back({role, "renegotiation_info", "trailing-byte", "0000",
                 "a byte after the empty renegotiated_connection", false});
  }
  return c;
}

Scenario BuildExtension(const ExtensionCase& e) {
  Scenario s;
  const bool server = e.role == Side::kServer;
  const std::string message = server ? "client-hello" : "server-hello";
  s.id = std::string(server ? "server" : "client") + "." + kTopic + "." + message + ".ext-" +
         Kebab(e.extension) + "-" + e.slug;
  s.topic = kTopic;
  s.role = e.role;
  const bool ri = std::string(e.extension) == "renegotiation_info";
  std::set<AlertDescription> alerts = {A::kDecodeError, A::kIllegalParameter};
  // RFC 8422 5.1: a server "unable to complete the ECC handshake while restricting itself to
  // the enumerated curves ... MUST NOT negotiate the use of an ECC cipher suite": with no
  // group and only ECDHE offered, that is a handshake_failure.
  const bool no_groups = e.range && std::string(e.extension) == "supported_groups";
  if (ri || no_groups) alerts.insert(A::kHandshakeFailure);
  s.title = std::string("A ") + (server ? "ClientHello" : "ServerHello") + " whose " +
            e.extension + " extension has " + e.what + " is refused with " + AlertList(alerts);
  s.refs = {"RFC5246 7.4.1.4", "RFC5246 7.2.2"};
  const std::string ext(e.extension);
  if (ext == "supported_groups") s.refs.push_back("RFC8422 5.1.1");
  if (ext == "ec_point_formats") s.refs.push_back("RFC8422 5.1.2");
  if (ext == "signature_algorithms") s.refs.push_back("RFC5246 7.4.1.4.1");
  if (ext == "extended_master_secret") s.refs.push_back("RFC7627 5.1");
  if (ri) s.refs.push_back("RFC5746 3.2");
  if (e.range) s.refs.push_back("RFC5246 4.3");
  s.notes = std::string("Generated (") + kDir + "/README.md). The " +
            (server ? "client peer's ClientHello" : "server peer's ServerHello") + " carries " +
            ext + " with " + e.what + " (body `" + e.body + "`); everything else is as the peer "
            "builds it. The receiver processes this extension, so it must read its body: a body "
            "that does not match the extension's format is a message that \"could not be "
            "decoded\" (decode_error), or a field \"out of range or inconsistent with other "
            "fields\" (illegal_parameter), by their definitions in RFC 5246 7.2.2; both are "
            "accepted.";
  if (ri) {
    s.notes += " A receiver that reads the broken body as a non-empty renegotiated_connection "
               "aborts with handshake_failure (RFC 5746 3.6 and 3.4), which is accepted too.";
  }
  if (no_groups) {
    s.notes += " A server that does not check the list's floor sees no group in common: RFC "
               "8422 5.1 then forbids it an ECC suite, and the client offers only one, so "
               "handshake_failure is accepted too.";
  }
  s.peer.cipher_suites = {kEcdheSuite};
  ConnectionScript conn;
  SendStep hello;
  hello.message = server ? M::kClientHello : M::kServerHello;
  hello.set.push_back({"extensions." + ext, FieldValue{*FromHex(e.body)}});
  if (!server) conn.steps.push_back(ExpectMessages({M::kClientHello}));
  conn.steps.push_back(SendOf(std::move(hello)));
  conn.steps.push_back(ExpectFatal(alerts));
  s.connections.push_back(std::move(conn));
  return s;
}

std::string Readme(const std::map<std::string, int>& counts, size_t total) {
  std::ostringstream o;
  o << "# Malformed messages (generated)\n\n"
    << "Do not edit: regenerate with\n\n    " << kRegenerate << "\n\n"
    << "(`vectors/generator/malformed_vectors.cc`; a test fails when these files differ from "
       "its output).\n\n"
    << "For every handshake message a target reads in a full handshake, in both roles, the\n"
    << "generator takes the message's layout (`harness/scenario/message_shapes.h`: RFC 5246\n"
    << "7.4, RFC 8422 5.4 and 5.7, RFC 5077 3.3) and writes one vector per field and per edit\n"
    << "that applies to it: the message cut short just before the field, inside its length\n"
    << "prefix and before its last byte; its length one byte more and one byte less than it\n"
    << "holds; empty where its floor forbids it; one byte over its ceiling where a record can\n"
    << "carry that; one byte after the last field. The peer plays the handshake up to the\n"
    << "message, sends it with that one field broken (`malform`, docs/SCENARIOS.md) and the\n"
    << "handshake header's length following the body, and expects a fatal alert.\n\n"
    << "## Expected alerts\n\n"
    << "RFC 5246 7.4.1.2 says of the ClientHello, \"as for all other messages\": an\n"
    << "implementation \"MUST check that the amount of data in the message precisely matches\n"
    << "one of these formats; if not, then it MUST send a fatal decode_error alert\".\n\n"
    << "- A message that ends early or late (every truncation, a trailing byte, the last\n"
    << "  field's length off by one): `decode_error` only.\n"
    << "- An inner length off by one moves the later fields. ClientHello: `decode_error` only\n"
    << "  (checklist 21 says so for inner lengths). Other messages: `decode_error` or\n"
    << "  `illegal_parameter`, since a receiver that checks fields as it reads them may find one\n"
    << "  out of range first (RFC 5246 7.2.2).\n"
    << "- A vector outside its declared range (RFC 5246 4.3; empty `cipher_suites`, a 33-byte\n"
    << "  `session_id`): `decode_error` or `illegal_parameter`, both fit by their definitions\n"
    << "  (checklist 22).\n"
    << "- A certificate whose own length is off: `bad_certificate` as well.\n\n"
    << "## Extension bodies\n\n"
    << "The ids with `.ext-` break the inside of one extension the receiver must read\n"
    << "(supported_groups, signature_algorithms, ec_point_formats, extended_master_secret,\n"
    << "renegotiation_info), in the ClientHello (server target) or the ServerHello (client\n"
    << "target), with the extension's own length and the message's following the body: an empty\n"
    << "body, a list length one off, a list below its floor, half an item, a byte after the list.\n"
    << "`decode_error` or `illegal_parameter` (RFC 5246 7.2.2); for renegotiation_info also\n"
    << "`handshake_failure` (RFC 5746 3.6 and 3.4).\n\n"
    << "## Not generated\n\n"
    << "- Cuts before a hello's extensions block: a hello without extensions is valid.\n"
    << "- Finished: `vectors/conformance/finished/*-length-*` cover its only field.\n"
    << "- HelloRequest: a client may ignore it (RFC 5246 7.4.1.1), so what it must do with a\n"
    << "  malformed one is not settled by the RFC.\n"
    << "- Extension bodies the receiver may leave unread (server_name, ALPN, session_ticket's\n"
    << "  opaque ticket, unknown types: RFC 5246 7.4.1.4 lets a server ignore what it does not\n"
    << "  support).\n"
    << "- Fields a message holds empty when the peer sends it (a fresh ClientHello's\n"
    << "  `session_id`, the EMS extension, the CertificateRequest's CA list): no byte to cut.\n\n"
    << "## Counts\n\n"
    << "| role | message | vectors |\n| --- | --- | ---: |\n";
  for (const auto& [key, n] : counts) o << "| " << key << " | " << n << " |\n";
  o << "| all | | " << total << " |\n";
  return o.str();
}

}  // namespace

Result<MalformedVectors> GenerateMalformedVectors() {
  MalformedVectors out;
  std::map<std::string, int> counts;
  std::set<std::string> ids;
  for (const Context& c : Contexts()) {
    for (const Edit& e : EditsOf(c)) {
      SD_RETURN_IF_ERROR(AddGeneratedVector(Build(c, e), kDir, &out.files, &ids));
      const std::string key = std::string(c.role == Side::kServer ? "server" : "client") +
                              " | " + std::string(MessageNameString(c.message)) +
                              (c.variant.empty() ? "" : " (" + c.variant + ")");
      ++counts[key];
    }
  }
  for (const ExtensionCase& e : ExtensionCases()) {
    SD_RETURN_IF_ERROR(AddGeneratedVector(BuildExtension(e), kDir, &out.files, &ids));
    ++counts[std::string(e.role == Side::kServer ? "server | ClientHello" : "client | ServerHello") +
             " extension bodies"];
  }
  const size_t total = out.files.size();
  out.files.push_back({"README.md", Readme(counts, total)});
  std::sort(out.files.begin(), out.files.end(),
            [](const GeneratedFile& a, const GeneratedFile& b) { return a.name < b.name; });
  out.summary = std::to_string(total) + " malformed-message vectors\n";
  return out;
}

}  // namespace shakedown
