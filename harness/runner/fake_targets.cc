#include "harness/runner/fake_targets.h"

#include <utility>

namespace shakedown {
namespace {

// Sends `records` once, after the first write, then (if `then_close`) closes.
class AnswerOnceConnection final : public TargetConnection {
 public:
  AnswerOnceConnection(Bytes records, bool then_close)
      : records_(std::move(records)), then_close_(then_close) {}
  Status Write(ByteView) override {
    written_ = true;
    return Status::Ok();
  }
  ReadResult Read(Deadline) override {
    ReadResult r;
    if (!written_) return r;  // silent
    if (sent_) {
      if (then_close_) r.kind = ReadResult::Kind::kEof;
      return r;
    }
    sent_ = true;
    r.kind = ReadResult::Kind::kData;
    r.data = records_;
    return r;
  }
  void Close() override {}
  bool instant() const override { return true; }

 private:
  Bytes records_;
  bool then_close_;
  bool written_ = false, sent_ = false;
};

// Alert(fatal, handshake_failure) as a record.
const Bytes kHandshakeFailure = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28};

class ClaimsCompletionConnection final : public TargetConnection {
 public:
  Status Write(ByteView) override { return Status::Ok(); }
  ReadResult Read(Deadline) override { return ReadResult(); }  // silent
  void Close() override {}
  bool instant() const override { return true; }
  const Negotiated* negotiated() const override { return &negotiated_; }

 private:
  Negotiated negotiated_;
};

}  // namespace

Result<std::unique_ptr<TargetConnection>> TwoFatalAlertsTarget::Connect(const Scenario&, size_t) {
  Bytes twice = kHandshakeFailure;
  twice.insert(twice.end(), kHandshakeFailure.begin(), kHandshakeFailure.end());
  return std::unique_ptr<TargetConnection>(new AnswerOnceConnection(twice, false));
}

Result<std::unique_ptr<TargetConnection>> RefusingTarget::Connect(const Scenario&, size_t) {
  return std::unique_ptr<TargetConnection>(new AnswerOnceConnection(kHandshakeFailure, true));
}

Result<std::unique_ptr<TargetConnection>> ClaimsCompletionTarget::Connect(const Scenario&,
                                                                          size_t) {
  return std::unique_ptr<TargetConnection>(new ClaimsCompletionConnection());
}

}  // namespace shakedown
