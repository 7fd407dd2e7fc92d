// ScriptedPeer: ties the builder (message_builder.h) and the observer (message_observer.h)
// to the shared state (peer_state.h), and writes records: coalescing, fragmentation,
// protection once the peer's ChangeCipherSpec switched keys, record-level corruption.
#include "harness/peer/scripted_peer.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>

#include "engine/crypto/record_protection.h"
#include "engine/state/handshake_table.h"
#include "engine/wire/handshake.h"
#include "engine/wire/record.h"
#include "harness/peer/field_edits.h"
#include "harness/peer/message_builder.h"
#include "harness/peer/message_observer.h"
#include "harness/peer/peer_state.h"

namespace shakedown {
namespace peer {
namespace {

// RFC 5246 6.2.1 / App. E.1: the peer writes {3,3} in every record header unless a step
// overrides it (many stacks use {3,1} for the first ClientHello; both are legal).
constexpr uint16_t kDefaultRecordVersion = 0x0303;
constexpr uint8_t kHandshakeRecord = static_cast<uint8_t>(ContentType::kHandshake);

class ScriptedPeerImpl final : public ScriptedPeer {
 public:
  ScriptedPeerImpl(Scenario scenario, PeerResources resources)
      : state_(std::move(scenario), std::move(resources)), builder_(state_), observer_(state_) {}

  Status StartConnection(size_t index) override { return state_.StartConnection(index); }
  Status Renegotiate() override { return state_.BeginRenegotiation(); }
  Result<Bytes> Send(const SendStep& step, const SendStep* next) override;
  bool AwaitsTarget(const SendStep& step) const override {
    return state_.connection && builder_.AwaitsTarget(step);
  }
  std::vector<WireItem> Receive(ByteView bytes) override;
  std::vector<Violation> TakeViolations() override {
    std::vector<Violation> out = std::move(state_.violations);
    state_.violations.clear();
    return out;
  }
  const PeerView& view() const override { return state_.view; }
  void CheckUnanswered(bool target_closed) override {
    if (state_.connection) state_.CheckUnanswered(target_closed);
  }

 private:
  // Send without the bookkeeping over the whole step's bytes.
  Result<Bytes> SendRecords(const SendStep& step, const SendStep* next);
  // The legal-order table follows the peer's own steps too, until the peer deviates.
  // The whole handshake messages `bytes` completes, as the target's framer cuts them.
  std::vector<Bytes> FrameSent(ByteView bytes);
  // What sending a message changes once it is out: keys, completion, a pending tamper.
  Status AfterFirstSend(const Outgoing& out);
  void JudgeCutFinished(const std::vector<Bytes>& framed);
  // Records: `hold` keeps the payload to coalesce with the next send.
  Status Emit(uint8_t type, Bytes payload, const RecordOptions& options, bool hold, Bytes* out);
  Status Frame(uint8_t type, ByteView payload, const RecordOptions& options, Bytes* out);
  Status FlushPending(Bytes* out);

  PeerState state_;
  MessageBuilder builder_;
  MessageObserver observer_;
};

Result<Bytes> ScriptedPeerImpl::Send(const SendStep& step, const SendStep* next) {
  if (!state_.connection) return InternalError("Send before StartConnection");
  const bool peers_turn = state_.PeersTurn();
  SD_ASSIGN_OR_RETURN(Bytes out, SendRecords(step, next));
  state_.ScanOwnRecords(out, peers_turn);
  state_.RefreshView();
  return out;
}

Result<Bytes> ScriptedPeerImpl::SendRecords(const SendStep& step, const SendStep* next) {
  PeerConnection& c = state_.conn();
  Bytes out = std::move(c.carry);
  c.carry.clear();
  int repeat = std::max(step.repeat, 1);

  if (step.message == MessageName::kClose) {
    // The peer closes its side (the runner shuts the transport): whatever the target says
    // next answers the close, not the last message (an alert after an RSA ClientKeyExchange
    // is no padding oracle here), and a handshake left unfinished cannot complete.
    c.read_only_rsa_key_exchange = false;
    if (!c.completed) state_.LeaveTable("the peer closed its side");
    return out;
  }

  if (step.message == MessageName::kRaw) {
    Bytes raw = step.raw;
    SD_RETURN_IF_ERROR(ApplyCorruption(step.corrupt, &raw));
    SD_RETURN_IF_ERROR(FlushPending(&out));
    for (int i = 0; i < repeat; ++i) Append(out, raw);
    state_.LeaveTable("raw bytes");  // bytes the table cannot follow
    c.read_only_rsa_key_exchange = false;  // they are read after it
    c.transcript_unsure = true;  // nor the transcript: they may hold handshake records
    // Nor what the target reads after them: a header may make it wait for a long record.
    c.framing_unsure = true;
    return out;
  }

  SD_ASSIGN_OR_RETURN(Outgoing o, builder_.Build(step));
  uint8_t record_type = step.record.content_type.value_or(o.content_type);
  // A bit flip or a cut inside a handshake message changes what the target reads (a random,
  // a key share, a suite) in ways the peer does not parse back: its keys may then differ from
  // the target's. Integrity-checked messages are the exception: the target must refuse those
  // (the tamper invariant), and an `append` only starts the next message (FrameSent).
  if (HandshakeTypeOf(o.name) && !o.tampered &&
      (step.corrupt.xor_bytes.has_value() || step.corrupt.truncate.has_value() ||
       step.malform.has_value())) {
    c.transcript_unsure = true;
  }
  // So does an edited key share: the peer's private key no longer matches the public value
  // the target agrees with, so the pre-master secrets differ.
  if (!o.tampered && !step.set.empty() && (o.name == MessageName::kServerKeyExchange ||
                                           o.name == MessageName::kClientKeyExchange)) {
    c.transcript_unsure = true;
  }
  for (int rep = 0; rep < repeat; ++rep) {
    // RFC 5246 7.4.9: the transcript is every handshake message as sent, HelloRequest
    // excepted (7.4.1.1); a message sent in a record of another type is not one.
    // Whatever goes out in a handshake record is handshake data to the target, even an alert.
    OwnStep own;
    own.name = o.name;
    own.content_type = o.content_type;
    own.record_type = record_type;
    own.restructured = o.restructured;
    own.appended = o.appended;
    own.tampered = o.tampered;
    own.own_record_options =
        step.record.version || step.record.content_type || step.record.protect ||
        step.record.corrupt_record ||
        (step.record.seal && (step.record.seal->inner || step.record.seal->xor_inner));
    own.unsolicited = o.unsolicited;
    own.bad_premaster = o.bad_premaster;
    own.resumption_mismatch = o.resumption_mismatch;
    own.payload = o.payload;
    // A flipped byte in a plaintext handshake record reframes what the target reads (a
    // length that makes it wait for more, say) in ways the peer does not follow: from here
    // on it claims nothing about what the target read (its transcript, if the flip happens,
    // is marked unsure by Frame).
    const bool plaintext = !step.record.protect.value_or(c.write != nullptr);
    if (record_type == kHandshakeRecord && plaintext && step.record.corrupt_record) {
      c.framing_unsure = true;
      c.transcript_unsure = true;  // whether the flip happens (coalescing may drop it) or not
      state_.LeaveTable(std::string(MessageNameString(o.name)) + " in a corrupted record");
    }
    if (record_type == kHandshakeRecord) {
      own.completes_earlier = state_.conn().sent_framer.has_partial_message();
      own.messages = FrameSent(o.payload);
    }
    if (rep == 0 && o.name == MessageName::kFinished && o.restructured &&
        record_type == o.content_type) {
      c.own_finished_cut = o.correct;
    }
    // Kept past AddOwnStep only while a cut Finished awaits the bytes that complete it.
    std::vector<Bytes> framed;
    if (!c.own_finished_cut.empty()) framed = own.messages;
    state_.AddOwnStep(std::move(own));
    bool hold = rep + 1 == repeat && step.record.coalesce_with_next && next != nullptr;
    SD_RETURN_IF_ERROR(Emit(record_type, o.payload, step.record, hold, &out));
    // Sent in records of another type, the message is not one to the target (a CCS in a
    // handshake record is a handshake byte): the peer's state does not move on either.
    if (rep == 0 && record_type == o.content_type) SD_RETURN_IF_ERROR(AfterFirstSend(o));
    JudgeCutFinished(framed);
  }
  return out;
}

// The messages the target receives are the ones its framer cuts from the bytes, not the
// steps: after an `append` the extra bytes start the next message, after a `truncate` the
// next step's bytes complete this one. So the peer frames what it sends the same way, and
// only whole messages enter its transcript (its keys with EMS and its Finished follow what
// the target actually hashed).
std::vector<Bytes> ScriptedPeerImpl::FrameSent(ByteView bytes) {
  PeerConnection& c = state_.conn();
  std::vector<Bytes> out;
  // A header the framer refuses (a length past the limit) stops it there, as it stops the
  // target; the messages completed before it were read all the same.
  (void)c.sent_framer.AddFragment(bytes);
  while (std::optional<HandshakeMessage> m = c.sent_framer.Next()) {
    out.push_back(std::move(m->encoded));
  }
  return out;
}

std::vector<WireItem> ScriptedPeerImpl::Receive(ByteView bytes) {
  if (!state_.connection) {
    WireItem item;
    item.summary = "bytes received before StartConnection";
    item.wire = bytes.ToBytes();
    return {std::move(item)};
  }
  std::vector<WireItem> items = observer_.Receive(bytes);
  state_.RefreshView();
  return items;
}

// A Finished sent restructured is tampered unless the message the target frames from it (with
// what followed) is the correct one.
void ScriptedPeerImpl::JudgeCutFinished(const std::vector<Bytes>& framed) {
  PeerConnection& c = state_.conn();
  if (c.own_finished_cut.empty() || !c.own_finished_sent) return;
  for (const Bytes& m : framed) {
    if (m.empty() || m[0] != static_cast<uint8_t>(HandshakeType::kFinished)) continue;
    c.own_finished_tampered = m != c.own_finished_cut;
    c.own_finished_cut.clear();
    state_.MaybeComplete();
    return;
  }
}

Status ScriptedPeerImpl::AfterFirstSend(const Outgoing& o) {
  PeerConnection& c = state_.conn();
  switch (o.name) {
    case MessageName::kClientKeyExchange:
      // RFC 7627 4: the session hash ends with this message, as sent. Only the first one of
      // the handshake: a second (which the target must refuse) changes nothing the target
      // computed, and its Finished may still be on its way under the first one's keys.
      if (c.key_exchange_done) break;
      c.key_exchange_done = true;
      state_.ComputeMasterSecret();
      break;
    case MessageName::kChangeCipherSpec:
      // Records held for coalescing go out under the old state.
      SD_RETURN_IF_ERROR(FlushPending(&c.carry));
      // RFC 5246 7.1: the CCS switches the write side to the pending keys. With no key exchange yet
      // (an early-CCS vector) there are no keys: the CCS is sent anyway and the peer keeps writing
      // plaintext, as a real early-CCS attacker would.
      state_.InstallWriteProtection();
      // A message cut before the CCS never completes at the target (RFC 5246 7.1 and checklist 5:
      // it refuses handshake bytes across a key change).
      c.sent_framer = HandshakeFramer();
      break;
    case MessageName::kFinished:
      c.own_finished_sent = true;
      c.own_finished_tampered = o.tampered;
      // RFC 5746 3.4 / 3.6: the verify_data a later renegotiation_info carries.
      if (o.correct.size() > kHandshakeHeaderLength) {
        c.verify_data[state_.setup.is_client() ? 0 : 1] =
            Bytes(o.correct.begin() + kHandshakeHeaderLength, o.correct.end());
      }
      state_.MaybeComplete();
      break;
    default:
      break;
  }
  return Status::Ok();
}

Status ScriptedPeerImpl::Emit(uint8_t type, Bytes payload, const RecordOptions& options,
                              bool hold, Bytes* out) {
  PeerConnection& c = state_.conn();
  RecordOptions opts = options;
  if (c.has_pending) {
    if (c.pending_type == type) {
      // Coalesce: the held message and this one share records (RFC 5246 6.2.1).
      Bytes merged = std::move(c.pending_payload);
      Append(merged, payload);
      payload = std::move(merged);
      opts = c.pending_options;
      opts.coalesce_with_next = false;
      c.has_pending = false;
    } else {
      SD_RETURN_IF_ERROR(FlushPending(out));
    }
  }
  if (hold) {
    c.has_pending = true;
    c.pending_type = type;
    c.pending_payload = std::move(payload);
    c.pending_options = opts;
    return Status::Ok();
  }
  return Frame(type, payload, opts, out);
}

Status ScriptedPeerImpl::FlushPending(Bytes* out) {
  PeerConnection& c = state_.conn();
  if (!c.has_pending) return Status::Ok();
  c.has_pending = false;
  return Frame(c.pending_type, c.pending_payload, c.pending_options, out);
}

Status ScriptedPeerImpl::Frame(uint8_t type, ByteView payload, const RecordOptions& options,
                               Bytes* out) {
  PeerConnection& c = state_.conn();
  uint16_t version = options.version.value_or(kDefaultRecordVersion);
  bool protect = options.protect.value_or(c.write != nullptr);
  if (protect && !c.write) {
    return InternalError("record.protect: the peer has no write keys yet");
  }
  SealShape shape;
  if (options.seal) {
    if (!protect) return InternalError("seal: the record is not protected (no keys yet)");
    if (options.seal->padding) shape.cbc_padding = *options.seal->padding;
    shape.cbc_inner = options.seal->inner;
    if (options.seal->xor_inner) {
      shape.xor_inner = options.seal->xor_inner->mask;
      shape.xor_at = options.seal->xor_inner->at;
    }
    if (options.seal->explicit_nonce) {
      std::array<uint8_t, 8> nonce{};
      std::copy(options.seal->explicit_nonce->begin(), options.seal->explicit_nonce->end(),
                nonce.begin());
      shape.gcm_explicit_nonce = nonce;
    }
  }
  // By default within what the hellos negotiated (RFC 6066 4, RFC 8449 4); `fragment` may
  // exceed it on purpose.
  size_t max = options.fragment.value_or(c.record_limits.For(!state_.setup.is_client(), protect));
  SD_ASSIGN_OR_RETURN(std::vector<Record> records, SplitIntoRecords(type, version, payload, max));
  for (Record& r : records) {
    if (protect) {
      SD_ASSIGN_OR_RETURN(r.fragment,
                          c.write->SealShaped(static_cast<ContentType>(type),
                                              static_cast<ProtocolVersion>(version), r.fragment,
                                              shape));
    }
    if (options.corrupt_record) {
      // A flipped plaintext handshake byte enters the target's transcript, not the peer's.
      if (!protect && type == kHandshakeRecord) {
        c.transcript_unsure = true;
        // And, before the target's ServerHello, into the ClientHello the target judges:
        // what the peer believes it offered is no longer sure.
        if (state_.setup.is_client() && !c.server_hello) c.client_hello_unsure = true;
      }
      // After protection: the bytes the target must authenticate are what is damaged.
      SD_RETURN_IF_ERROR(ApplyXor(*options.corrupt_record, &r.fragment, "corrupt_record"));
    }
    SD_RETURN_IF_ERROR(AppendRecord(r, out));
  }
  return Status::Ok();
}

}  // namespace
}  // namespace peer

Result<std::unique_ptr<ScriptedPeer>> ScriptedPeer::Create(const Scenario& scenario,
                                                           const PeerResources& resources) {
  if (!resources.pki) return InternalError("ScriptedPeer: no PKI in the resources");
  return std::unique_ptr<ScriptedPeer>(new peer::ScriptedPeerImpl(scenario, resources));
}

}  // namespace shakedown
