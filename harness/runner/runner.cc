#include "harness/runner/runner.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "engine/base/alert.h"
#include "engine/state/handshake_table.h"
#include "engine/wire/handshake.h"
#include "engine/wire/registry.h"
#include "harness/peer/field_edits.h"
#include "harness/peer/scripted_peer.h"
#include "harness/runner/step_text.h"

namespace shakedown {
namespace {

// Oracle-only runs on network targets: after the target spoke, this much quiet ends its turn.
constexpr int kObserveQuietMs = 100;

using Clock = std::chrono::steady_clock;

// Where a handshake message or CCS sits in the legal table, for the state diagram.
std::optional<FlowStep> FlowOf(Side sender, MessageName name) {
  if (name == MessageName::kChangeCipherSpec) return FlowStep::Ccs(sender);
  std::optional<HandshakeType> type = HandshakeTypeOf(name);
  // RFC 5246 7.4.1.1: HelloRequest is not part of the handshake proper.
  if (!type || *type == HandshakeType::kHelloRequest) return std::nullopt;
  return FlowStep::Handshake(sender, *type);
}

class VectorRun {
 public:
  VectorRun(const Scenario& scenario, Target& target, const RunOptions& options)
      : s_(scenario),
        target_(target),
        options_(options),
        judge_expectations_(options.judge_expectations && s_.judge == JudgedBy::kExpectations),
        start_(Clock::now()) {
    r_.id = s_.id;
    r_.title = s_.title;
    r_.equivalence = s_.equivalence;
    r_.topic = s_.topic;
    r_.file = s_.source;
    r_.refs = s_.refs;
    peer_is_client_ = s_.role == Side::kServer;
  }

  VectorResult Run() {
    // The vector's premise: its expectations hold only for a target that enables exactly
    // these versions. The invariants hold for any target, so an invariants-only run goes on.
    if (judge_expectations_) {
      std::vector<uint16_t> needs = s_.target.versions;
      if (needs.empty()) needs = {0x0303};
      if (needs != options_.target_versions) {
        r_.verdict = Verdict::kNotApplicable;
        r_.rule = kRulePremise;
        r_.message = "the vector needs a target that enables exactly " + VersionList(needs) +
                     "; this one enables " + VersionList(options_.target_versions) +
                     " (a network target declares its versions with --target-versions)";
        Note(r_.message);
        r_.duration_ms = ElapsedMs();
        return std::move(r_);
      }
    }
    if (std::optional<std::string> why = target_.Unsupported(s_)) {
      r_.verdict = Verdict::kNotApplicable;
      r_.rule = kRuleUnsupported;
      r_.message = *why;
      Note(r_.message);
      r_.duration_ms = ElapsedMs();
      return std::move(r_);
    }
    if (!judge_expectations_) {
      Note(s_.judge == JudgedBy::kInvariants
               ? "judged by the invariants alone (the vector says \"judge\": \"invariants\")"
               : "judged by the invariants alone (this run's option: fuzzing or "
                 "--invariants-only)");
    }
    PeerResources resources;
    resources.pki = options_.pki;
    resources.seed = options_.seed;
    Result<std::unique_ptr<ScriptedPeer>> peer = ScriptedPeer::Create(s_, resources);
    if (!peer.ok()) {
      Error(kRuleVector, "the scripted peer cannot play this vector: " + peer.status().message());
    } else {
      peer_ = std::move(peer).value();
      for (size_t i = 0; i < s_.connections.size(); ++i) {
        bool ok = RunConnection(i);
        ConnectionEnd end = end_;
        end.completed = peer_->view().handshake_complete && !peer_->view().renegotiating;
        r_.ends.push_back(std::move(end));
        if (conn_) {
          conn_->Close();
          conn_.reset();
        }
        if (!ok || refused_) break;
      }
    }
    // A crash shows as a close: only then is it worth waiting a moment for the process.
    std::optional<std::string> death =
        target_.AfterVector(hung_, r_.verdict != Verdict::kPass && saw_eof_);
    if (death && r_.verdict != Verdict::kError && r_.rule != kRuleDied) {
      // The death explains whatever else went wrong.
      std::string before = r_.verdict == Verdict::kFail ? "\n(first seen as: " + r_.rule + ": " +
                                                              r_.message + ")"
                                                        : "";
      r_.verdict = Verdict::kFail;
      r_.rule = kRuleDied;
      r_.message = *death + before;
      Note(*death);
    }
    r_.response = awaiting_response_ ? "nothing" : response_;
    r_.duration_ms = ElapsedMs();
    return std::move(r_);
  }

 private:
  enum class ReadOutcome { kItems, kEof, kSilent, kFailed };

  double ElapsedMs() const {
    return std::chrono::duration<double, std::milli>(Clock::now() - start_).count();
  }

  bool Fail(const std::string& rule, const std::string& message) {
    if (r_.verdict == Verdict::kPass) {
      r_.verdict = Verdict::kFail;
      r_.failed_connection = static_cast<int>(connection_);
      r_.failed_step = step_;
      r_.rule = rule;
      r_.message = message;
      Note("FAIL " + rule + ": " + message);
    }
    return false;
  }

  bool Error(const std::string& rule, const std::string& message) {
    r_.verdict = Verdict::kError;
    r_.failed_connection = static_cast<int>(connection_);
    r_.failed_step = step_;
    r_.rule = rule;
    r_.message = message;
    Note("ERROR " + rule + ": " + message);
    return false;
  }

  void Trace(TraceEntry::Kind kind, std::string summary, ByteView bytes) {
    TraceEntry t;
    t.kind = kind;
    t.connection = static_cast<int>(connection_);
    t.step = step_;
    t.summary = std::move(summary);
    if (bytes.size() > options_.max_trace_hex_bytes) {
      t.hex = ToHex(bytes.subview(0, options_.max_trace_hex_bytes)) + "... (" +
              std::to_string(bytes.size()) + " bytes)";
    } else {
      t.hex = ToHex(bytes);
    }
    t.at_ms = ElapsedMs();
    r_.trace.push_back(std::move(t));
  }
  void Note(const std::string& text) { Trace(TraceEntry::Kind::kNote, text, ByteView()); }

  void AddTransition(Side sender, MessageName name) {
    std::optional<FlowStep> step = FlowOf(sender, name);
    if (!step) return;
    Transition t;
    t.connection = static_cast<int>(connection_);
    t.from = last_state_;
    t.label = step->ToString();
    t.to = t.label;
    t.legal = !off_table_ && tracker_.Advance(*step);
    if (!t.legal) off_table_ = true;
    last_state_ = t.to;
    r_.transitions.push_back(std::move(t));
  }

  // The step for ConnectionEnd: what arrives after the last step counts as one step further.
  int EndStep() const {
    return step_ >= 0 ? step_ : static_cast<int>(s_.connections[connection_].steps.size());
  }

  void TakeTargetNotes() {
    if (!conn_) return;
    for (const std::string& n : conn_->TakeNotes()) Note(n);
  }

  // The target's state of mind when it stopped talking: died, or just quiet/closed.
  bool FailQuiet(const std::string& rule, const std::string& message) {
    if (std::optional<std::string> death = conn_->Died()) {
      return Fail(kRuleDied, *death + " (" + message + ")");
    }
    return Fail(rule, message);
  }

  std::string Waited() const {
    return conn_->instant() ? "the target sent nothing (it waits for more input)"
                            : "no answer within " + std::to_string(options_.timeout_ms) + " ms";
  }

  std::string ClosedText() const {
    std::string out = "the target closed the connection";
    if (!eof_error_.empty()) out += " (" + eof_error_ + ")";
    if (bytes_since_item_ > 0) {
      out += " in the middle of a message (" + std::to_string(bytes_since_item_) +
             " bytes of an incomplete record)";
    }
    return out;
  }

  // One read: feeds the peer, queues the items, checks invariants.
  ReadOutcome ReadMore(Deadline deadline) {
    if (eof_) return ReadOutcome::kEof;
    ReadResult r = conn_->Read(deadline);
    TakeTargetNotes();
    if (r.kind == ReadResult::Kind::kSilent) return ReadOutcome::kSilent;
    if (r.kind == ReadResult::Kind::kEof) {
      eof_ = true;
      saw_eof_ = true;
      eof_error_ = r.error;
      if (end_.refusal.empty() && !peer_->view().handshake_complete) {
        end_.refusal = "close";
        end_.step = EndStep();
      }
      if (awaiting_response_) {
        response_ = "close";
        awaiting_response_ = false;
      } else if (!response_.empty() && response_ != "close") {
        response_ += ", then close";
      }
      Trace(TraceEntry::Kind::kReceived, r.error.empty() ? "close" : "close (" + r.error + ")",
            ByteView());
      return ReadOutcome::kEof;
    }
    received_bytes_ += r.data.size();
    bytes_since_item_ += r.data.size();
    if (received_bytes_ > options_.max_received_bytes) {
      Trace(TraceEntry::Kind::kReceived, "raw data", r.data);
      Fail(kRuleFlood, "the target sent more than " + std::to_string(options_.max_received_bytes) +
                           " bytes on one connection");
      return ReadOutcome::kFailed;
    }
    std::vector<WireItem> items = peer_->Receive(r.data);
    if (awaiting_response_ && !items.empty()) {
      response_ = ResponseOf(items.front());
      awaiting_response_ = false;
    }
    const WireItem* undecodable = nullptr;
    for (WireItem& item : items) {
      Trace(TraceEntry::Kind::kReceived, item.summary, item.wire.empty() ? item.bytes : item.wire);
      if (item.kind == WireItem::Kind::kAlert && item.level == AlertLevel::kFatal &&
          end_.refusal.empty()) {
        std::optional<std::string_view> name = AlertName(static_cast<uint8_t>(item.alert));
        end_.refusal = name ? std::string(*name) : "alert " + std::to_string(int(item.alert));
        end_.step = EndStep();
      }
      if (item.kind == WireItem::Kind::kHandshake ||
          item.kind == WireItem::Kind::kChangeCipherSpec ||
          item.kind == WireItem::Kind::kApplicationData) {
        end_.last_progress_step = EndStep();
      }
      bytes_since_item_ = 0;
      Side target = peer_is_client_ ? Side::kServer : Side::kClient;
      if (item.kind == WireItem::Kind::kHandshake) AddTransition(target, item.message);
      if (item.kind == WireItem::Kind::kChangeCipherSpec) {
        AddTransition(target, MessageName::kChangeCipherSpec);
      }
      pending_.push_back(std::move(item));
      if (pending_.back().kind == WireItem::Kind::kUndecodable && undecodable == nullptr &&
          !pending_.back().peer_unsure) {
        undecodable = &pending_.back();
      }
    }
    if (!CheckViolations()) return ReadOutcome::kFailed;
    if (undecodable != nullptr) {
      Fail(kRuleUndecodable, undecodable->summary);
      return ReadOutcome::kFailed;
    }
    return ReadOutcome::kItems;
  }

  bool CheckViolations() {
    std::vector<Violation> v = peer_->TakeViolations();
    if (v.empty()) return true;
    for (size_t i = 1; i < v.size(); ++i) {
      Note("also: " + std::string(ViolationRuleName(v[i].rule)) + ": " + v[i].detail);
    }
    std::string where = pending_.empty() ? "" : " [on " + pending_.back().summary + "]";
    return Fail(InvariantRule(v[0].rule), v[0].detail + where);
  }

  // What has arrived already, or arrives within `ms` (until a close).
  bool Drain(int ms = 0) {
    Deadline deadline = Deadline::AfterMs(conn_->instant() ? 0 : ms);
    while (!eof_) {
      ReadOutcome o = ReadMore(deadline);
      if (o == ReadOutcome::kFailed) return false;
      if (o != ReadOutcome::kItems) break;
    }
    return true;
  }

  // The next item, reading until `deadline`. kItems: *out is set.
  ReadOutcome Next(Deadline deadline, WireItem* out) {
    while (pending_.empty()) {
      ReadOutcome o = ReadMore(deadline);
      if (o != ReadOutcome::kItems) return o;
    }
    *out = std::move(pending_.front());
    pending_.pop_front();
    return ReadOutcome::kItems;
  }

  bool RunConnection(size_t index) {
    connection_ = index;
    step_ = -1;
    pending_.clear();
    eof_ = false;
    eof_error_.clear();
    received_bytes_ = 0;
    bytes_since_item_ = 0;
    write_failed_ = false;
    coalesce_held_ = false;
    tracker_ = HandshakeTracker();
    off_table_ = false;
    last_state_ = "start";
    end_ = ConnectionEnd();

    Status started = peer_->StartConnection(index);
    if (!started.ok()) return Error(kRuleVector, "connection " + std::to_string(index) + ": " +
                                                     started.message());
    Note("connection " + std::to_string(index) + (s_.connections[index].resume ? " (resume)" : ""));
    Result<std::unique_ptr<TargetConnection>> conn = target_.Connect(s_, index);
    if (!conn.ok()) return Error(kRuleConnect, conn.status().message());
    conn_ = std::move(conn).value();
    TakeTargetNotes();

    const std::vector<Step>& steps = s_.connections[index].steps;
    for (size_t i = 0; i < steps.size(); ++i) {
      step_ = static_cast<int>(i);
      const Step& step = steps[i];
      if (!step.comment.empty()) Note(step.comment);
      if (const auto* send = std::get_if<SendStep>(&step.action)) {
        const SendStep* next =
            i + 1 < steps.size() ? std::get_if<SendStep>(&steps[i + 1].action) : nullptr;
        if (!DoSend(*send, next)) return false;
      } else if (std::holds_alternative<Renegotiate>(step.action)) {
        Status begun = peer_->Renegotiate();
        if (!begun.ok()) return Error(kRuleVector, "renegotiate: " + begun.message());
        Note("the peer starts a renegotiation");
      } else if (!DoExpect(std::get<Expectation>(step.action))) {
        return false;
      }
      if (refused_) {
        if (i + 1 < steps.size() || index + 1 < s_.connections.size()) {
          Note("the rest of the vector is not played: it presupposes the messages the target "
               "refused to send");
        }
        break;
      }
    }
    step_ = -1;
    return FinishConnection(steps);
  }

  bool DoSend(const SendStep& send, const SendStep* next) {
    // Let the peer see what the target said so far (its keys, its certificate), and wait for what a
    // network target may still be sending when the message needs it.
    if (!Drain()) return false;
    if (!conn_->instant()) {
      Deadline deadline = Deadline::AfterMs(options_.timeout_ms);
      while (!eof_ && peer_->AwaitsTarget(send)) {
        ReadOutcome o = ReadMore(deadline);
        if (o == ReadOutcome::kFailed) return false;
        if (o != ReadOutcome::kItems) break;
      }
    }
    if (send.message == MessageName::kClose) {
      Result<Bytes> none = peer_->Send(send, next);  // the peer's own state: it has closed
      if (!none.ok()) return Error(kRuleVector, DescribeSend(send) + ": " + none.status().message());
      Trace(TraceEntry::Kind::kSent, "close (the peer's side; no close_notify)", ByteView());
      awaiting_response_ = true;
      response_.clear();
      Status closed = conn_->CloseWrite();
      if (!closed.ok()) Note("close: " + closed.message());
      write_failed_ = true;  // nothing more can be written on this connection
      return true;
    }
    Result<Bytes> bytes = peer_->Send(send, next);
    // (Not when an earlier message waits to be coalesced with this one: it never reached the
    // target, so what the target did proves nothing about it; the vector cannot be played.)
    if (!bytes.ok() && !judge_expectations_ && !coalesce_held_ &&
        (eof_ || peer_->AwaitsTarget(send))) {
      // Judged by invariants alone, the expect steps do not hold the target to the flight this
      // message needs: a target that closed or stayed silent leaves it unbuildable, which ends
      // the vector (judged by what the target did), not an error of the vector.
      Note(std::string(eof_ ? "the target has closed" : "the target has not sent what it needs") +
           "; " + DescribeSend(send) + " cannot be built (" + bytes.status().message() + ")");
      refused_ = true;
      return true;
    }
    if (!bytes.ok()) return Error(kRuleVector, DescribeSend(send) + ": " + bytes.status().message());
    Trace(TraceEntry::Kind::kSent, DescribeSend(send), *bytes);
    if (!send.record.content_type) {
      Side own = peer_is_client_ ? Side::kClient : Side::kServer;
      for (int i = 0; i < send.repeat; ++i) AddTransition(own, send.message);
    }
    awaiting_response_ = true;  // what the target sends next answers this
    response_.clear();
    coalesce_held_ = bytes->empty();
    if (bytes->empty()) return true;  // coalesced with the next send
    if (write_failed_) return true;
    Status w = conn_->Write(*bytes);
    TakeTargetNotes();
    if (!w.ok()) {
      // The target may have closed after an alert: what it said is still to be read.
      write_failed_ = true;
      Note("write failed: " + w.message());
    }
    return true;
  }

  bool DoExpect(const Expectation& e) {
    Deadline deadline = Deadline::AfterMs(options_.timeout_ms);
    if (!judge_expectations_) return Observe(deadline);
    if (!e.messages.empty()) return ExpectMessages(e, deadline);
    if (!e.alerts.empty()) return ExpectAlert(e, deadline);
    if (e.silence_ms) return ExpectSilence(*e.silence_ms);
    return ExpectClose(deadline, "expected a close");
  }

  // Oracle-only runs (fuzzing): an expect step is a point where the target speaks. Whatever
  // it says goes through the peer, whose invariants still judge it; no expectation does.
  bool Observe(Deadline deadline) {
    if (conn_->instant()) {
      if (!Drain()) return false;
    } else {
      while (true) {
        ReadOutcome o = ReadMore(deadline);
        if (o == ReadOutcome::kFailed) return false;
        if (o != ReadOutcome::kItems) break;
        deadline = Deadline::AfterMs(std::min(options_.timeout_ms, kObserveQuietMs));
      }
    }
    pending_.clear();
    return true;
  }

  bool ExpectMessages(const Expectation& e, Deadline deadline) {
    for (size_t k = 0; k < e.messages.size(); ++k) {
      const std::string wanted = std::string(MessageNameString(e.messages[k])) + " (message " +
                                 std::to_string(k + 1) + " of " + MessageList(e.messages) + ")";
      WireItem item;
      ReadOutcome o = Next(deadline, &item);
      if (o == ReadOutcome::kFailed) return false;
      if (o == ReadOutcome::kEof) return FailQuiet(kRuleExpectMessages, "expected " + wanted + ", but " + ClosedText());
      if (o == ReadOutcome::kSilent) {
        if (!conn_->instant()) hung_ = true;
        return FailQuiet(kRuleNoAnswer, "expected " + wanted + ", but " + Waited());
      }
      if (!Matches(item, e.messages[k])) {
        if (item.kind == WireItem::Kind::kAlert && item.level == AlertLevel::kWarning &&
            e.warning_alerts.count(item.alert) != 0) {
          // or_warning: a warning the vector allows on the way; the message is still due.
          Note("the target sent " + item.summary + " before " + wanted +
               ", which the vector accepts (or_warning)");
          --k;
          continue;
        }
        if (item.kind == WireItem::Kind::kAlert && item.level == AlertLevel::kFatal &&
            e.or_alerts.count(item.alert) != 0) {
          // or_alert: the target refused instead, as the vector allows.
          Note("the target refused with " + item.summary + " instead of " + wanted +
               ", which the vector accepts (or_alert)");
          refused_ = true;
          return ExpectCloseAfterFatal(item, deadline);
        }
        if (e.optional.count(e.messages[k]) != 0) {
          // Left out, as it may be: the item is for the next expected message.
          Note(std::string(MessageNameString(e.messages[k])) + " (optional) not sent");
          pending_.push_front(std::move(item));
          continue;
        }
        return Fail(kRuleExpectMessages,
                    "expected " + wanted +
                        (e.or_alerts.empty() ? "" : " or fatal alert " + AlertSet(e.or_alerts)) +
                        ", got " + item.summary);
      }
      if (e.messages[k] == MessageName::kCertificate && !e.certificate.empty()) {
        if (std::optional<std::string> wrong =
                CheckServerCertificate(item, e.certificate, s_.target, *options_.pki)) {
          return Fail(kRuleExpectCheck, *wrong);
        }
      }
      if (k == 0 && !e.check.empty()) {
        if (std::optional<std::string> wrong =
                CheckFields(item, e.check, peer_->view().cipher_suite)) {
          return Fail(kRuleExpectCheck, *wrong);
        }
      }
    }
    return true;
  }

  bool ExpectAlert(const Expectation& e, Deadline deadline) {
    std::string wanted = LevelName(e.alert_level) + " alert " + AlertSet(e.alerts);
    if (!e.warning_alerts.empty()) wanted += " or warning alert " + AlertSet(e.warning_alerts);
    WireItem item;
    ReadOutcome o = Next(deadline, &item);
    if (o == ReadOutcome::kFailed) return false;
    if (o == ReadOutcome::kEof) {
      if (e.close) return true;  // or_close: closing without an alert is accepted here
      return FailQuiet(kRuleExpectAlert, "expected " + wanted + ", but " + ClosedText() +
                                             " without an alert");
    }
    if (o == ReadOutcome::kSilent) {
      if (!conn_->instant()) hung_ = true;
      return FailQuiet(kRuleNoAnswer, "expected " + wanted + ", but " + Waited());
    }
    // or_warning: one of these at warning level, after which the connection may go on.
    if (item.kind == WireItem::Kind::kAlert && item.level == AlertLevel::kWarning &&
        e.warning_alerts.count(item.alert) != 0) {
      return true;
    }
    if (item.kind == WireItem::Kind::kAlert && item.alert == AlertDescription::kCloseNotify &&
        e.close && e.alerts.count(AlertDescription::kCloseNotify) == 0) {
      // An orderly close (RFC 5246 7.2.1) is a close.
      return ExpectClose(deadline, "close_notify, then a close");
    }
    if (item.kind != WireItem::Kind::kAlert || e.alerts.count(item.alert) == 0 ||
        item.level != e.alert_level) {
      return Fail(kRuleExpectAlert, "expected " + wanted + (e.close ? " or a close" : "") +
                                        ", got " + item.summary);
    }
    if (e.alert_level != AlertLevel::kFatal) return true;
    return ExpectCloseAfterFatal(item, deadline);
  }

  // RFC 5246 7.2.2 (checklist B): after a fatal alert the connection closes, nothing more.
  bool ExpectCloseAfterFatal(const WireItem& item, Deadline deadline) {
    WireItem more;
    ReadOutcome o = Next(deadline, &more);
    if (o == ReadOutcome::kFailed) return false;
    if (o == ReadOutcome::kEof) return true;
    if (o == ReadOutcome::kItems) {
      return Fail(kRuleCloseAfterFatal, "the target sent " + more.summary + " after its " +
                                            item.summary);
    }
    if (!conn_->instant()) hung_ = true;
    return Fail(kRuleCloseAfterFatal,
                "the target sent " + item.summary + " but did not close the connection" +
                    (conn_->instant() ? "" : " within " + std::to_string(options_.timeout_ms) +
                                                 " ms"));
  }

  bool ExpectClose(Deadline deadline, const std::string& what) {
    WireItem item;
    ReadOutcome o = Next(deadline, &item);
    if (o == ReadOutcome::kFailed) return false;
    if (o == ReadOutcome::kEof) return true;
    if (o == ReadOutcome::kSilent) {
      if (!conn_->instant()) hung_ = true;
      return FailQuiet(kRuleExpectClose, what + ", but the connection stayed open" +
                                             (conn_->instant() ? "" : " for " +
                                                  std::to_string(options_.timeout_ms) + " ms"));
    }
    if (item.kind == WireItem::Kind::kAlert && item.alert == AlertDescription::kCloseNotify) {
      return ExpectClose(deadline, "expected a close after close_notify");
    }
    return Fail(kRuleExpectClose, what + ", got " + item.summary);
  }

  bool ExpectSilence(int silence_ms) {
    if (!pending_.empty()) {
      return Fail(kRuleExpectSilence, "expected silence for " + std::to_string(silence_ms) +
                                          " ms, got " + pending_.front().summary);
    }
    Deadline deadline = conn_->instant() ? Deadline::AfterMs(0) : Deadline::AfterMs(silence_ms);
    while (true) {
      ReadOutcome o = ReadMore(deadline);
      if (o == ReadOutcome::kFailed) return false;
      if (o == ReadOutcome::kSilent) return true;
      if (o == ReadOutcome::kEof) {
        return FailQuiet(kRuleExpectSilence,
                         "expected silence for " + std::to_string(silence_ms) + " ms, but " +
                             ClosedText());
      }
      if (!pending_.empty()) {
        return Fail(kRuleExpectSilence, "expected silence for " + std::to_string(silence_ms) +
                                            " ms, got " + pending_.front().summary);
      }
    }
  }

  bool FinishConnection(const std::vector<Step>& steps) {
    // What the target sends after the last step is judged too: the peer's invariants read it
    // as it arrives (ReadMore), and a fatal alert nobody expected is a failure.
    if (!Drain(options_.drain_ms)) return false;
    bool ends_with_send = !steps.empty() && std::holds_alternative<SendStep>(steps.back().action);
    for (const WireItem& item : pending_) {
      if (judge_expectations_ && item.kind == WireItem::Kind::kAlert &&
          item.level == AlertLevel::kFatal) {
        step_ = static_cast<int>(steps.size()) - 1;
        return Fail(kRuleExpectAlert,
                    "the target " + std::string(ends_with_send ? "answered the last step with "
                                                               : "sent after the last step ") +
                        item.summary + ", which the vector does not expect");
      }
      Note("not examined by any step: " + item.summary);
    }
    if (std::optional<std::string> death = conn_->Died()) return Fail(kRuleDied, *death);
    // An in-process target has answered everything it read: silence after a message it must
    // refuse at once is acceptance (over a network it may only be slow).
    if (conn_->instant()) {
      peer_->CheckUnanswered(eof_);
      if (!CheckViolations()) return false;
    }
    return CheckAgreement();
  }

  // The agreement oracle: a target that says it completed did so along a path of the legal
  // table with both Finished correct, and when both sides completed, they agree on what they
  // negotiated. (Only in-process targets say whether they completed.)
  bool CheckAgreement() {
    const PeerView& v = peer_->view();
    const Negotiated* n = conn_->negotiated();
    if (n != nullptr && !CheckCompletion(v, *n)) return false;
    if (v.handshake_complete && !CheckProfile(v, n != nullptr)) return false;
    if (!v.handshake_complete || n == nullptr) return true;
    if (v.left_table && n->renegotiations < v.renegotiations) {
      // The peer finished a renegotiation off the table, which the target refused: it reports
      // the handshake before. Nothing both sides completed last to compare.
      Note("the target did not complete the renegotiation the peer finished off the table");
      return true;
    }
    std::vector<std::string> diff;
    auto hex = [](const Bytes& b) { return b.empty() ? std::string("(none)") : ToHex(b); };
    if (static_cast<uint16_t>(v.version) != static_cast<uint16_t>(n->version)) {
      diff.push_back("version");
    }
    if (v.renegotiations != n->renegotiations) {
      diff.push_back("which handshake completed last (peer: renegotiation " +
                     std::to_string(v.renegotiations) + ", target: " +
                     std::to_string(n->renegotiations) + ")");
    }
    if (n->suite == nullptr || n->suite->id != v.cipher_suite) diff.push_back("cipher suite");
    if (v.master_secret != n->master_secret) diff.push_back("master secret");
    if (v.session_id != n->session_id) {
      diff.push_back("session id (peer " + hex(v.session_id) + ", target " + hex(n->session_id) +
                     ")");
    }
    if (v.extended_master_secret != n->extended_master_secret) diff.push_back("EMS");
    if (v.resumed != n->resumed) diff.push_back("resumed");
    if (v.client_random != n->client_random || v.server_random != n->server_random) {
      diff.push_back("randoms");
    }
    if (diff.empty()) {
      Note(std::string("both sides agree: ") + (n->suite ? std::string(n->suite->name) : "?") +
           (n->resumed ? ", resumed" : ", full") + (n->extended_master_secret ? ", EMS" : ""));
      return true;
    }
    return Fail(kRuleAgreement, "the peer and the target completed but disagree on " +
                                    Join(diff, ", "));
  }

  // What the peer saw negotiated, against what the vector's target block allows the target to
  // negotiate: for every target, network ones included, whose own view is not available. Only
  // what configuration alone rules out is checked (a suite the block does not list, EMS it
  // disables); the peer's invariants judge the rest. Over a network a mismatch means the target
  // was started with another profile, so the verdict is an error of the run, not a failure.
  bool CheckProfile(const PeerView& v, bool in_process) {
    const TargetConfig& t = s_.target;
    std::string why;
    if (!t.cipher_suites.empty() &&
        std::find(t.cipher_suites.begin(), t.cipher_suites.end(), v.cipher_suite) ==
            t.cipher_suites.end()) {
      const CipherSuiteInfo* suite = FindCipherSuite(v.cipher_suite);
      why = "the handshake completed with " +
            (suite ? std::string(suite->name) : std::to_string(v.cipher_suite)) +
            ", a suite the vector's target block does not enable";
    } else if (t.extended_master_secret == EmsPolicy::kDisabled && v.extended_master_secret) {
      why = "the handshake completed with the extended master secret, which the vector's target "
            "block disables";
    }
    if (why.empty()) return true;
    if (in_process) return Fail(kRuleProfile, why);
    return Error(kRuleProfile, why + ": the target is not configured as the vector says (start "
                                     "it with this vector's profile, docs/TARGETS.md Profiles)");
  }

  // RFC 5246 7.3 / 7.4.9: a handshake completes only after the flow of the table, each side
  // having verified the other's Finished. A peer that left the table (skipped, repeated or
  // reordered a message, sent application data early, broke a record's framing) or tampered
  // its own Finished has made completion impossible for a correct target; so has a peer that
  // never verified the target's Finished. The exception is a deviation the peer cannot mirror
  // in its own transcript (WireItem::peer_unsure): then nothing is claimed.
  bool CheckCompletion(const PeerView& v, const Negotiated& n) {
    // A renegotiation the target has not completed either: what it reports is the handshake
    // before, which both completed.
    if (v.renegotiating && n.renegotiations <= v.renegotiations) return true;
    // Nor one the peer finished on its side after leaving the table: the target reports the
    // handshake before, which both completed along it.
    if (v.left_table && n.renegotiations < v.renegotiations) return true;
    std::string why;
    if (v.left_table) {
      why = "after the peer left the legal table (" + v.left_table_at + ")";
    } else if (v.own_finished_tampered) {
      why = "although the peer's Finished was tampered";
    } else if (!v.handshake_complete || v.renegotiating) {
      why = "but the peer never completed (it did not verify a Finished from the target)";
    } else {
      return true;
    }
    if (v.transcript_unsure) {
      Note("the target completed " + why + "; not judged: the peer's transcript is unsure");
      return true;
    }
    return Fail(kRuleCompletedIllegally, "the target reports a completed handshake " + why);
  }

  const Scenario& s_;
  Target& target_;
  const RunOptions& options_;
  // The run's option and the vector's "judge" both ask for the expectations.
  const bool judge_expectations_;
  Clock::time_point start_;
  VectorResult r_;
  std::unique_ptr<ScriptedPeer> peer_;
  std::unique_ptr<TargetConnection> conn_;
  bool peer_is_client_ = true;

  // The current connection.
  size_t connection_ = 0;
  int step_ = -1;
  std::deque<WireItem> pending_;  // received, not yet consumed by an expectation
  bool eof_ = false;
  std::string eof_error_;
  size_t received_bytes_ = 0;
  size_t bytes_since_item_ = 0;
  bool write_failed_ = false;
  bool coalesce_held_ = false;  // the peer holds the last send's bytes for the next one
  bool hung_ = false;
  bool refused_ = false;  // an or_alert alternative ended the vector
  // The response to the peer's last send (VectorResult::response).
  bool awaiting_response_ = false;
  std::string response_;
  bool saw_eof_ = false;  // on any connection of the vector
  ConnectionEnd end_;     // the current connection's (VectorResult::ends)
  HandshakeTracker tracker_;
  bool off_table_ = false;
  std::string last_state_ = "start";
};

}  // namespace

VectorResult RunVector(const Scenario& scenario, Target& target, const RunOptions& options) {
  return VectorRun(scenario, target, options).Run();
}

std::string InvariantRule(ViolationRule rule) {
  return "invariant: " + std::string(ViolationRuleName(rule));
}

std::string DescribeStep(const Step& step) {
  if (const auto* send = std::get_if<SendStep>(&step.action)) return DescribeSend(*send);
  if (std::holds_alternative<Renegotiate>(step.action)) return "renegotiate";
  return DescribeExpectation(std::get<Expectation>(step.action));
}

}  // namespace shakedown
