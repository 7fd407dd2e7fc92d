#include "harness/peer/peer_state.h"

#include <algorithm>
#include <string>
#include <utility>

namespace shakedown {
namespace peer {
namespace {

std::vector<uint16_t> DefaultSuites() {
  std::vector<uint16_t> out;
  size_t n = 0;
  const CipherSuiteInfo* table = CipherSuiteTable(&n);
  for (size_t i = 0; i < n; ++i) {
    const CipherSuiteInfo& s = table[i];
    // Not AES-CCM: off by default, as in the engine's list (harness/net/endpoint.cc).
    if (s.engine_supported && !s.IsCcm() &&
        (s.key_exchange == KeyExchange::kRsa || s.IsEcdhe())) {
      out.push_back(s.id);
    }
  }
  return out;
}

const std::vector<SignatureScheme>& DefaultSchemes() {
  static const std::vector<SignatureScheme> kSchemes = {SignatureScheme::kEcdsaSecp256r1Sha256,
                                                        SignatureScheme::kRsaPssRsaeSha256,
                                                        SignatureScheme::kRsaPkcs1Sha256,
                                                        SignatureScheme::kEcdsaSecp384r1Sha384,
                                                        SignatureScheme::kRsaPssRsaeSha384,
                                                        SignatureScheme::kRsaPkcs1Sha384,
                                                        SignatureScheme::kRsaPkcs1Sha512,
                                                        SignatureScheme::kRsaPkcs1Sha1,
                                                        SignatureScheme::kEcdsaSha1};
  return kSchemes;
}

Bytes ToBytes(const Random& r) { return Bytes(r.begin(), r.end()); }

}  // namespace

bool RsaKeyExchange(const PeerConnection& c) {
  return c.suite != nullptr ? c.suite->key_exchange == KeyExchange::kRsa
                            : !c.target_ecdhe.has_value() && !c.target_dhe.has_value();
}

bool DheKeyExchange(const PeerConnection& c) {
  return c.suite != nullptr ? c.suite->IsDhe() : c.target_dhe.has_value();
}

void StripLeadingZeros(Bytes* z) {
  size_t zeros = 0;
  while (zeros < z->size() && (*z)[zeros] == 0) ++zeros;
  z->erase(z->begin(), z->begin() + static_cast<std::ptrdiff_t>(zeros));
}

bool EncryptThenMacNegotiated(const std::optional<ClientHello>& ch, const ServerHello& sh) {
  const CipherSuiteInfo* suite = FindCipherSuite(sh.cipher_suite);
  return ch.has_value() && HasExt(ch->extensions, ExtensionType::kEncryptThenMac) &&
         HasExt(sh.extensions, ExtensionType::kEncryptThenMac) && suite != nullptr &&
         suite->cipher_type == CipherType::kBlock;
}

size_t RecordLimits::For(bool to_client, bool protected_record) const {
  size_t limit = max_fragment_length != 0 ? max_fragment_length : kMaxPlaintextLength;
  const size_t size_limit = to_client ? client_limit : server_limit;
  // RFC 8449 4: "Unprotected messages are not subject to this limit."
  if (protected_record && size_limit != 0) limit = std::min(limit, size_limit);
  return limit;
}

RecordLimits RecordLimitsNegotiated(const std::optional<ClientHello>& ch, const ServerHello& sh) {
  RecordLimits out;
  auto body = [](const std::optional<Extensions>& block, ExtensionType type) -> const Bytes* {
    const Extension* e = FindExt(block, type);
    return e != nullptr ? &e->body : nullptr;
  };
  if (const Bytes* mfl = body(sh.extensions, ExtensionType::kMaxFragmentLength)) {
    Result<MaxFragmentLengthExt> parsed = MaxFragmentLengthExt::Parse(*mfl);
    if (parsed.ok()) out.max_fragment_length = parsed->Length();
  }
  const Bytes* ch_rsl = ch ? body(ch->extensions, ExtensionType::kRecordSizeLimit) : nullptr;
  const Bytes* sh_rsl = body(sh.extensions, ExtensionType::kRecordSizeLimit);
  if (ch_rsl != nullptr && sh_rsl != nullptr) {
    Result<RecordSizeLimitExt> client = RecordSizeLimitExt::Parse(*ch_rsl);
    Result<RecordSizeLimitExt> server = RecordSizeLimitExt::Parse(*sh_rsl);
    if (client.ok() && server.ok()) {
      out.client_limit = std::min<size_t>(client->limit, kMaxPlaintextLength);
      out.server_limit = std::min<size_t>(server->limit, kMaxPlaintextLength);
    }
  }
  return out;
}

bool HasExt(const std::optional<Extensions>& block, ExtensionType type) {
  return block.has_value() && block->Has(type);
}

const Extension* FindExt(const std::optional<Extensions>& block, ExtensionType type) {
  return block ? block->FindRaw(static_cast<uint16_t>(type)) : nullptr;
}

PeerSetup::PeerSetup(Scenario s, PeerResources r)
    : scenario(std::move(s)), resources(std::move(r)) {
  // The peer plays the side the target does not.
  own_side = scenario.role == Side::kServer ? Side::kClient : Side::kServer;
  target_side = own_side == Side::kClient ? Side::kServer : Side::kClient;
  suites = scenario.peer.cipher_suites.empty() ? DefaultSuites() : scenario.peer.cipher_suites;
  groups = scenario.peer.groups;
  if (groups.empty()) groups = {NamedGroup::kX25519, NamedGroup::kSecp256r1};
  schemes = scenario.peer.signature_schemes;
  if (schemes.empty()) schemes = DefaultSchemes();
}

// ---------------------------------------------------------------------------------------
// Connection lifecycle and credentials

Status PeerState::StartConnection(size_t index) {
  const Scenario& scenario = setup.scenario;
  if (index >= scenario.connections.size()) {
    return InternalError("StartConnection(" + std::to_string(index) + "): the scenario has " +
                         std::to_string(scenario.connections.size()) + " connections");
  }
  connection = std::make_unique<PeerConnection>();
  PeerConnection& c = *connection;
  c.index = index;
  // The peer decodes whatever the target sends: a record with an odd version (an alert in a
  // record versioned like the client's hello, say) is still an answer to judge.
  c.reader.set_accept_any_version(true);
  // One generator per connection, so a connection's bytes do not depend on how many draws
  // earlier connections made.
  uint64_t salt = SeedFromName(scenario.id) ^ ((index + 1) * 0x9e3779b97f4a7c15ull);
  c.rng = std::make_unique<DeterministicRng>(setup.resources.seed ^ salt);
  if (setup.is_client() && scenario.connections[index].resume) c.offer = last_session;
  view = PeerView();
  return Status::Ok();
}

Status PeerState::BeginRenegotiation() {
  // After a handshake that completed, or instead of a renegotiation that did not (one the
  // target refused): the saved verify_data stay the last completed handshake's.
  if (!connection || (!connection->completed && connection->renegotiation == 0)) {
    return InternalError("the peer has not completed a handshake on this connection (both "
                         "Finished sent and verified), so there is nothing to renegotiate");
  }
  std::unique_ptr<PeerConnection> old = std::move(connection);
  connection = std::make_unique<PeerConnection>();
  PeerConnection& c = *connection;
  // The connection's own: records and the keys in use, its randomness, bytes in flight.
  c.index = old->index;
  c.rng = std::move(old->rng);
  c.reader = std::move(old->reader);
  c.framer = std::move(old->framer);
  c.sent_framer = std::move(old->sent_framer);
  c.write = std::move(old->write);
  c.read = std::move(old->read);
  c.framing_unsure = old->framing_unsure;
  c.deferred = std::move(old->deferred);
  c.reader_failed = old->reader_failed;
  c.fatal_alert_received = old->fatal_alert_received;
  c.pending_rejections = std::move(old->pending_rejections);
  c.read_since_target_spoke = old->read_since_target_spoke;
  c.read_only_rsa_key_exchange = old->read_only_rsa_key_exchange;
  c.own_record_header = std::move(old->own_record_header);
  c.own_record_left = old->own_record_left;
  c.own_ccs_on_wire = old->own_ccs_on_wire;
  c.has_pending = old->has_pending;
  c.pending_type = old->pending_type;
  c.pending_payload = std::move(old->pending_payload);
  c.pending_options = std::move(old->pending_options);
  c.carry = std::move(old->carry);
  c.heartbeat_requests = std::move(old->heartbeat_requests);
  c.previous_heartbeat = old->previous_heartbeat;
  if (old->client_hello && old->server_hello) {
    std::optional<Result<HeartbeatExt>> client =
        old->client_hello->extensions ? old->client_hello->extensions->Find<HeartbeatExt>()
                                      : std::nullopt;
    std::optional<Result<HeartbeatExt>> server =
        old->server_hello->extensions ? old->server_hello->extensions->Find<HeartbeatExt>()
                                      : std::nullopt;
    c.previous_heartbeat.reset();
    if (client && client->ok() && server && server->ok()) {
      c.previous_heartbeat = std::make_pair((*client)->mode, (*server)->mode);
    }
  }
  // RFC 5746 3.4, 3.6: both sides save the verify_data of the handshake that completed.
  if (old->completed) {
    c.renegotiation = old->renegotiation + 1;
    c.saved_verify_data[0] = old->verify_data[0];
    c.saved_verify_data[1] = old->verify_data[1];
    c.secure_renegotiation =
        old->client_hello && old->server_hello &&
        (HasExt(old->client_hello->extensions, ExtensionType::kRenegotiationInfo) ||
         Contains(old->client_hello->cipher_suites, kEmptyRenegotiationInfoScsv)) &&
        HasExt(old->server_hello->extensions, ExtensionType::kRenegotiationInfo);
  } else {
    c.renegotiation = old->renegotiation;
    c.saved_verify_data[0] = old->saved_verify_data[0];
    c.saved_verify_data[1] = old->saved_verify_data[1];
    c.secure_renegotiation = old->secure_renegotiation;
  }
  RefreshView();
  return Status::Ok();
}

Bytes PeerState::RenegotiatedConnection(bool server_hello) const {
  const PeerConnection& c = conn();
  if (c.renegotiation == 0) return Bytes();
  Bytes out = c.saved_verify_data[0];
  if (server_hello) Append(out, c.saved_verify_data[1]);
  return out;
}

namespace {

// The RSA credential of a role, or its flawed variant (the same key, another certificate). A
// flaw the role has no certificate for (a server's flaw asked of a client credential, as a
// fuzzed server peer sending a CertificateVerify does) leaves the good one.
const Credential* Rsa(const Credential& good, const TestPki::Flawed& flawed, CertificateFlaw flaw) {
  const Credential* pick = &good;
  switch (flaw) {
    case CertificateFlaw::kUntrustedCa:
      pick = &flawed.untrusted_ca;
      break;
    case CertificateFlaw::kExpired:
      pick = &flawed.expired;
      break;
    case CertificateFlaw::kWrongName:
      pick = &flawed.wrong_name;
      break;
    case CertificateFlaw::kNoSigningUsage:
      pick = &flawed.no_signing_usage;
      break;
    case CertificateFlaw::kNone:
      break;
  }
  return pick->key != nullptr ? pick : &good;
}

}  // namespace

const Credential* PeerState::ServerCredential() const {
  const TestPki& pki = *setup.resources.pki;
  const Credential* rsa =
      Rsa(pki.rsa_server, pki.flawed_server, setup.scenario.peer.certificate_flaw);
  // The ECDSA certificate on the curve `certificate` names (P-256 unless P-384 or P-521).
  const Credential* ecdsa = &pki.ecdsa_server;
  if (setup.scenario.peer.certificate == CertificateKey::kEcdsaP384) ecdsa = &pki.ecdsa_p384_server;
  if (setup.scenario.peer.certificate == CertificateKey::kEcdsaP521) ecdsa = &pki.ecdsa_p521_server;
  const CipherSuiteInfo* suite = connection ? connection->suite : nullptr;
  if (suite != nullptr) return suite->key_exchange == KeyExchange::kEcdheEcdsa ? ecdsa : rsa;
  return setup.scenario.peer.certificate == CertificateKey::kRsa ||
                 setup.scenario.peer.certificate == CertificateKey::kNone
             ? rsa
             : ecdsa;
}

const Credential* PeerState::ClientCredential() const {
  const TestPki& pki = *setup.resources.pki;
  if (setup.scenario.peer.certificate == CertificateKey::kEcdsa) return &pki.ecdsa_client;
  if (setup.scenario.peer.certificate == CertificateKey::kRsa) {
    return Rsa(pki.rsa_client, pki.flawed_client, setup.scenario.peer.certificate_flaw);
  }
  return nullptr;
}

// ---------------------------------------------------------------------------------------
// Keys

void PeerState::ComputeMasterSecret() {
  PeerConnection& c = conn();
  if (c.suite == nullptr || c.pre_master_secret.empty()) return;
  // RFC 7627 4 (the session hash ends with the ClientKeyExchange, which is why this runs
  // right after it) or RFC 5246 8.1.
  Result<Bytes> ms =
      shakedown::ComputeMasterSecret(PrfFor(c.suite->prf), c.pre_master_secret, c.ems,
                                     View(c.client_random), View(c.server_random), c.transcript);
  if (!ms.ok()) return;
  c.master_secret = std::move(ms).value();
  c.keys.reset();
  (void)DeriveKeys();
}

Status PeerState::DeriveKeys() {
  PeerConnection& c = conn();
  if (c.keys) return Status::Ok();
  if (c.suite == nullptr || c.master_secret.empty()) {
    return InternalError("no suite or master secret");
  }
  SD_ASSIGN_OR_RETURN(Bytes block, ComputeKeyBlock(*c.suite, c.master_secret, View(c.client_random),
                                                   View(c.server_random)));
  SD_ASSIGN_OR_RETURN(KeyBlock keys, SplitKeyBlock(*c.suite, block));
  c.keys = std::move(keys);
  return Status::Ok();
}

void PeerState::InstallWriteProtection() {
  PeerConnection& c = conn();
  // No suite (a later hello named one the registry does not know): nothing to protect with,
  // even if keys were derived before.
  if (c.write_installed || c.suite == nullptr || !DeriveKeys().ok()) return;
  const TrafficKeys& keys = setup.is_client() ? c.keys->client_write : c.keys->server_write;
  Result<std::unique_ptr<RecordProtection>> p =
      RecordProtection::Create(*c.suite, keys, c.rng.get(), c.etm);
  if (p.ok()) {
    c.write = std::move(p).value();
    c.write_installed = true;
  }
}

void PeerState::InstallReadProtection() {
  PeerConnection& c = conn();
  if (c.read_installed || c.suite == nullptr || !DeriveKeys().ok()) return;
  const TrafficKeys& keys = setup.is_client() ? c.keys->server_write : c.keys->client_write;
  Result<std::unique_ptr<RecordProtection>> p =
      RecordProtection::Create(*c.suite, keys, c.rng.get(), c.etm);
  if (p.ok()) {
    c.read = std::move(p).value();
    c.read_installed = true;
  }
}

Result<Bytes> PeerState::VerifyData(Side sender) {
  PeerConnection& c = conn();
  PrfAlgorithm prf = c.suite != nullptr ? PrfFor(c.suite->prf) : PrfAlgorithm::kSha256;
  // No master secret (a Finished sent before any key exchange): PRF over 48 zero bytes,
  // a well-formed Finished that no correct target can accept.
  Bytes ms = c.master_secret.empty() ? Bytes(kMasterSecretLength, 0) : c.master_secret;
  SD_ASSIGN_OR_RETURN(Bytes hash, c.transcript.Hash(prf));
  return ComputeVerifyData(prf, ms, sender, hash);
}

bool PeerState::OfferedScheme(SignatureScheme scheme) const {
  auto in = [scheme](const std::vector<SignatureScheme>& list) {
    return std::find(list.begin(), list.end(), scheme) != list.end();
  };
  if (in(setup.schemes)) return true;
  const PeerConnection& c = conn();
  if (setup.is_client() && c.client_hello && c.client_hello->extensions) {
    auto s = c.client_hello->extensions->Find<SignatureAlgorithmsExt>();
    return s && s->ok() && in((*s)->schemes);
  }
  return !setup.is_client() && c.sent_certificate_request &&
         in(c.sent_certificate_request->supported_signature_algorithms);
}

bool PeerState::TargetsTurn() const {
  const PeerConnection& c = conn();
  if (c.table_off || c.tracker.Complete()) return false;
  const std::vector<FlowStep> next = c.tracker.LegalNext();
  if (next.empty()) return false;
  for (const FlowStep& step : next) {
    if (step.sender != setup.target_side) return false;
  }
  return true;
}

void PeerState::AddOwnStep(OwnStep step) {
  PeerConnection& c = conn();
  // Once one step waits, the later ones wait behind it: the target reads in order.
  if (!c.deferred.empty() || TargetsTurn()) {
    c.deferred.push_back(std::move(step));
    return;
  }
  ReadOwnStep(std::move(step));
}

void PeerState::ReadOwnStep(OwnStep step) {
  PeerConnection& c = conn();
  // A step may carry several messages (bytes appended to one start the next): once one makes
  // it the target's turn, the target writes its flight before it reads the others.
  if (step.messages.size() > 1) {
    OwnStep rest = step;
    rest.messages.erase(rest.messages.begin());
    rest.tampered = false;  // what the step did to its own message stays with the first
    rest.unsolicited.clear();
    rest.bad_premaster.clear();
    step.messages.resize(1);
    AddToTranscript(step);
    TrackOwn(step);
    if (TargetsTurn()) {
      c.deferred.insert(c.deferred.begin(), std::move(rest));
    } else {
      ReadOwnStep(std::move(rest));
    }
    return;
  }
  AddToTranscript(step);
  TrackOwn(step);
}

void PeerState::AddToTranscript(const OwnStep& o) {
  // RFC 5246 7.4.9: every handshake message but HelloRequest (7.4.1.1).
  for (const Bytes& m : o.messages) {
    if (m[0] != static_cast<uint8_t>(HandshakeType::kHelloRequest)) conn().transcript.Add(m);
  }
}

namespace {

// The rule for a tampered message the target accepted.
ViolationRule TamperRule(MessageName name) {
  switch (name) {
    case MessageName::kCertificateVerify:
      return ViolationRule::kAcceptedTamperedCertificateVerify;
    case MessageName::kServerKeyExchange:
      return ViolationRule::kAcceptedTamperedServerKeyExchange;
    default:
      return ViolationRule::kAcceptedTamperedFinished;  // the only other one the peer tampers
  }
}

// Whether the target reads the step's own message, not only bytes of it: one of the messages
// it frames from the step is the message as sent. A message cut short before it takes its first
// bytes instead (the rest then makes some other message). A restructured message (its own
// framing changed) is judged by what the target frames from its first byte on, if anything.
bool ReadsOwnMessage(const OwnStep& o) {
  if (o.record_type != static_cast<uint8_t>(ContentType::kHandshake)) return true;
  if (o.restructured) return !o.completes_earlier && !o.messages.empty();
  if (o.payload.size() < kHandshakeHeaderLength) return false;
  const size_t length = kHandshakeHeaderLength + DeclaredBodyLength(o.payload);
  if (length > o.payload.size()) return !o.messages.empty();
  for (const Bytes& m : o.messages) {
    if (m.size() == length && std::equal(m.begin(), m.end(), o.payload.begin())) return true;
  }
  return false;
}

}  // namespace

bool PeerState::IsSoundRsaKeyExchange(const OwnStep& o) const {
  const PeerConnection& c = conn();
  if (o.record_type != static_cast<uint8_t>(ContentType::kHandshake) || o.messages.size() != 1 ||
      o.tampered || o.own_record_options || c.suite == nullptr || c.suite->key_exchange != KeyExchange::kRsa ||
      c.target_key == nullptr || c.target_key->algo_name() != "RSA") {
    return false;
  }
  const Bytes& m = o.messages[0];
  // Exactly this message: bytes appended after it (a header the target may refuse) or a
  // piece of an earlier one would be read with it.
  if (m != o.payload || m[0] != static_cast<uint8_t>(HandshakeType::kClientKeyExchange)) {
    return false;
  }
  ParseContext ctx;
  ctx.key_exchange = KeyExchangeKind::kRsa;
  Result<TypedHandshake> parsed = ParseHandshakeMessage(
      HandshakeType::kClientKeyExchange, ByteView(m).subview(kHandshakeHeaderLength), ctx);
  if (!parsed.ok()) return false;
  const auto* cke = std::get_if<ClientKeyExchange>(&*parsed);
  // As long as the modulus: what an RSA decryption takes (RFC 8017 7.2.2 step 1).
  return cke != nullptr && cke->exchange_keys.size() == (c.target_key->key_length() + 7) / 8;
}

void PeerState::ScanOwnRecords(ByteView wire, bool judged) {
  PeerConnection& c = conn();
  while (!wire.empty()) {
    if (c.own_record_left > 0) {
      const size_t n = std::min(c.own_record_left, wire.size());
      c.own_record_left -= n;
      wire = wire.subview(n);
      // An oversized record counts once it is all on the wire: a target may wait for the body
      // of a record before it judges its length (a header alone proves nothing it accepted).
      if (c.own_record_left == 0 && c.own_oversized) {
        c.pending_rejections.push_back(*c.own_oversized);
        c.own_oversized.reset();
      }
      continue;
    }
    const size_t need = kRecordHeaderLength - c.own_record_header.size();
    const size_t n = std::min(need, wire.size());
    c.own_record_header.insert(c.own_record_header.end(), wire.data(), wire.data() + n);
    wire = wire.subview(n);
    if (c.own_record_header.size() < kRecordHeaderLength) return;
    const uint8_t type = c.own_record_header[0];
    const size_t length = (size_t{c.own_record_header[3]} << 8) | c.own_record_header[4];
    c.own_record_header.clear();
    // RFC 5246 6.2.1: "The length MUST NOT exceed 2^14"; 6.2.3: a protected record's, 2^14 +
    // 2048. Whether the target reads this one protected the peer knows only from its own
    // ChangeCipherSpec records, so before one the plaintext limit applies, after, the other.
    const size_t limit = c.own_ccs_on_wire ? kMaxCiphertextLength : kMaxPlaintextLength;
    if (type == static_cast<uint8_t>(ContentType::kChangeCipherSpec)) c.own_ccs_on_wire = true;
    c.own_oversized.reset();
    if (length > limit && judged) {
      c.own_oversized = PendingRejection{
          ViolationRule::kAcceptedOversizedRecord,
          "a record of " + std::to_string(length) + " bytes (at most " + std::to_string(limit) +
              ")",
          "a fatal record_overflow alert (RFC 5246 6.2.1, 6.2.3)"};
    }
    c.own_record_left = length;
  }
}

void PeerState::CheckUnanswered(bool target_closed) {
  PeerConnection& c = conn();
  if (target_closed || c.fatal_alert_received) return;
  for (const PendingRejection& p : TakeAtOnceRejections()) {
    AddViolation(p.rule, "the peer sent " + p.sent +
                             ", and the target read it and waits for more input instead of " +
                             p.instead);
  }
}

std::vector<PendingRejection> PeerState::TakeAtOnceRejections() {
  std::vector<PendingRejection> at_once;
  std::vector<PendingRejection> later;
  for (PendingRejection& p : conn().pending_rejections) {
    (p.at_once ? at_once : later).push_back(std::move(p));
  }
  conn().pending_rejections = std::move(later);
  return at_once;
}

void PeerState::PendOutOfOrder(const std::string& what) {
  conn().pending_rejections.push_back({ViolationRule::kAcceptedOutOfOrder, what + " out of order",
                                       "a fatal alert (RFC 5246 7.4)"});
}

void PeerState::TrackOwn(const OwnStep& o) {
  PeerConnection& c = conn();
  if (c.framing_unsure) {
    c.read_only_rsa_key_exchange = false;
    ++c.read_since_target_spoke;
    return;
  }
  const bool handshake_record = o.record_type == static_cast<uint8_t>(ContentType::kHandshake);
  const size_t read = handshake_record ? o.messages.size() : 1;
  // A message the target has not read whole yet (cut short, waiting for the rest; or cut into by
  // an earlier message's rest) is nothing it could refuse.
  const bool read_whole = ReadsOwnMessage(o);
  // Right after the server's ServerHelloDone: no client Certificate whose check the server
  // may leave until later in the flight.
  c.read_only_rsa_key_exchange =
      setup.is_client() && c.read_since_target_spoke == 0 && read == 1 &&
      IsSoundRsaKeyExchange(o) && !c.table_off && !c.tracker.history().empty() &&
      c.tracker.history().back() ==
          FlowStep::Handshake(Side::kServer, HandshakeType::kServerHelloDone) &&
      c.tracker.IsLegal(FlowStep::Handshake(Side::kClient, HandshakeType::kClientKeyExchange));
  c.read_since_target_spoke += read;
  if (!o.bad_premaster.empty() && read_whole) {
    c.pending_rejections.push_back(
        {ViolationRule::kAcceptedBadPreMasterSecret,
         "an RSA ClientKeyExchange whose pre-master secret it cannot recover (" +
             o.bad_premaster + ")",
         "a failed Finished (RFC 5246 7.4.7.1: go on with a random pre-master secret)",
         /*at_once=*/false});
  }
  if (o.tampered && read_whole) {
    // When a client checks the ServerKeyExchange signature (at once, or with the
    // ServerHelloDone) RFC 5246 7.4.3 leaves open; a Finished or CertificateVerify is checked
    // as it is read.
    c.pending_rejections.push_back({TamperRule(o.name),
                                    "a tampered " + std::string(MessageNameString(o.name)),
                                    "a fatal alert",
                                    /*at_once=*/o.name != MessageName::kServerKeyExchange});
  }
  if (!o.unsolicited.empty() && read_whole) {
    c.pending_rejections.push_back(
        {ViolationRule::kAcceptedUnsolicitedExtension,
         "a ServerHello with " + o.unsolicited + ", which the target's ClientHello did not offer",
         "an unsupported_extension alert (RFC 5246 7.4.1.4)"});
  }
  if (!o.resumption_mismatch.empty() && read_whole) {
    c.pending_rejections.push_back({ViolationRule::kResumptionMismatch, o.resumption_mismatch,
                                    "a fatal alert (RFC 5246 7.4.1.3, RFC 7627 5.3)"});
  }
  if (c.table_off || c.tracker.Complete()) return;
  const std::string what = std::string(MessageNameString(o.name));
  const Side own = setup.own_side;
  constexpr uint8_t kHandshakeRecord = static_cast<uint8_t>(ContentType::kHandshake);
  if (o.record_type == kHandshakeRecord) {
    // What the target reads: the whole handshake messages these bytes complete, framed as it
    // frames them (OwnStep::messages). A truncated message is none yet (the target waits);
    // appended bytes may start the next; a corrupted header may make it another message.
    for (const Bytes& m : o.messages) {
      if (c.table_off || c.tracker.Complete()) return;
      const auto type = static_cast<HandshakeType>(m[0]);
      // RFC 5246 7.4.1.1: a server may send HelloRequest at any time; it is not a table step.
      if (type == HandshakeType::kHelloRequest && own == Side::kServer) continue;
      if (!c.tracker.Advance(FlowStep::Handshake(own, type))) {
        const std::string name = Describe(type);
        LeaveTable(name + " out of order");
        PendOutOfOrder(name);
      } else if (own == Side::kClient && type == HandshakeType::kCertificate) {
        // Whether a CertificateVerify must follow: learned from the certificate list the
        // target reads (3-byte length after the header), when it reads it, as the target
        // learns it.
        c.tracker.Learn(kFlagClientCert, m.size() >= kHandshakeHeaderLength + 3 &&
                                             (m[4] | m[5] | m[6]) != 0);
      }
    }
    return;
  }
  if (o.record_type != o.content_type) {
    LeaveTable(what + " in a foreign record");
    return;
  }
  switch (o.name) {
    case MessageName::kChangeCipherSpec:
      // RFC 5246 7.1: one byte of value 1; a cut or lengthened one is no ChangeCipherSpec.
      if (o.restructured || o.appended) {
        LeaveTable(what + " with its framing corrupted");
      } else if (!c.tracker.Advance(FlowStep::Ccs(own))) {
        LeaveTable(what + " out of order");
        PendOutOfOrder(what);
      }
      break;
    case MessageName::kAlert:
      // A fatal alert or a close ends the exchange; a warning (e.g. no_renegotiation) does not.
      if (o.payload.size() != 2 || o.payload[0] != static_cast<uint8_t>(AlertLevel::kWarning) ||
          o.payload[1] == static_cast<uint8_t>(AlertDescription::kCloseNotify)) {
        LeaveTable("an alert that ends the exchange");
      }
      break;
    case MessageName::kApplicationData:
      // In a renegotiation the records go on under the keys in use (RFC 5246 6), except
      // between the peer's ChangeCipherSpec and its Finished, the first message under the new
      // ones (RFC 5246 7.4.9).
      if (c.renegotiation > 0 && (c.tracker.history().empty() ||
                                  c.tracker.history().back() != FlowStep::Ccs(own))) {
        break;
      }
      // RFC 5246 7.4.9: the Finished is "the first [message] protected with the just
      // negotiated algorithms"; application data comes only once both are verified (7.3).
      LeaveTable("application data before the handshake completed");
      PendOutOfOrder(what);
      break;
    default:
      break;
  }
}

void PeerState::LeaveTable(std::string what) {
  PeerConnection& c = conn();
  if (c.table_off) return;
  c.table_off = true;
  c.table_off_at = std::move(what);
}

void PeerState::AddTargetMessage(ByteView encoded) {
  PeerConnection& c = conn();
  c.transcript.Add(encoded);
  // The observer has advanced the tracker past this message: if the target's flight is over,
  // it goes on to read what the peer sent meanwhile.
  while (!c.deferred.empty() && !TargetsTurn()) {
    OwnStep next = std::move(c.deferred.front());
    c.deferred.erase(c.deferred.begin());
    ReadOwnStep(std::move(next));
  }
}

void PeerState::Resume(const PeerSession& session) {
  PeerConnection& c = conn();
  c.master_secret = session.master_secret;
  c.key_exchange_done = true;
  (void)DeriveKeys();
}

// ---------------------------------------------------------------------------------------
// Completion

const PeerSession* PeerState::OfferedSession(const ClientHello& ch) const {
  if (!ch.session_id.empty()) {
    if (auto it = cache_by_id.find(ch.session_id); it != cache_by_id.end()) return &it->second;
  }
  if (ch.extensions) {
    if (const Extension* t =
            ch.extensions->FindRaw(static_cast<uint16_t>(ExtensionType::kSessionTicket))) {
      if (auto it = cache_by_ticket.find(t->body); it != cache_by_ticket.end()) return &it->second;
    }
  }
  return nullptr;
}

void PeerState::Learn(const ServerHello& sh) {
  PeerConnection& c = conn();
  c.tracker.Learn(kFlagFull, !c.resumed);
  if (c.suite != nullptr) c.tracker.Learn(kFlagEcdhe, c.suite->IsEphemeral());
  // RFC 5077 3.2: the empty session_ticket extension announces a NewSessionTicket.
  c.tracker.Learn(kFlagTicket, HasExt(sh.extensions, ExtensionType::kSessionTicket));
  // RFC 6066 8: the status_request answer makes CertificateStatus legal (and optional).
  c.tracker.Learn(kFlagStatus, HasExt(sh.extensions, ExtensionType::kStatusRequest));
}

void PeerState::MaybeComplete() {
  PeerConnection& c = conn();
  if (c.completed || !c.own_finished_sent || c.own_finished_tampered ||
      !c.target_finished_verified || c.suite == nullptr || !c.server_hello) {
    return;
  }
  c.completed = true;
  PeerSession s;
  s.session_id = c.server_hello->session_id;
  s.version = c.server_hello->server_version;
  s.cipher_suite = c.suite->id;
  s.master_secret = c.master_secret;
  s.extended_master_secret = c.ems;
  s.ticket = c.ticket;
  if (setup.is_client()) {
    last_session = s;
  } else {
    if (!s.session_id.empty()) cache_by_id[s.session_id] = s;
    if (!s.ticket.empty()) cache_by_ticket[s.ticket] = s;
  }
  view.session = s;
}

void PeerState::RefreshView() {
  const PeerConnection& c = conn();
  // What both sides agreed on is fixed when the handshake completes: later deviations of the
  // peer's own (a second ClientKeyExchange, a new hello) must not rewrite it.
  if (view.handshake_complete && c.completed && view.renegotiations == c.renegotiation) return;
  view.left_table = c.table_off;
  view.left_table_at = c.table_off_at;
  view.own_finished_tampered = c.own_finished_tampered;
  view.transcript_unsure = c.transcript_unsure;
  // A renegotiation under way: the rest stays the last completed handshake's.
  view.renegotiating = c.renegotiation > 0 && !c.completed;
  if (view.renegotiating) return;
  view.renegotiations = c.renegotiation;
  view.handshake_complete = c.completed;
  view.resumed = c.resumed;
  if (c.server_hello) {
    view.version = c.server_hello->server_version;
    view.cipher_suite = c.server_hello->cipher_suite;
    view.session_id = c.server_hello->session_id;
    view.server_random = ToBytes(c.server_random);
  }
  if (c.client_hello) view.client_random = ToBytes(c.client_random);
  view.extended_master_secret = c.ems;
  view.master_secret = c.master_secret;
}

}  // namespace peer
}  // namespace shakedown
