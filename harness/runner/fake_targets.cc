#include "harness/runner/fake_targets.h"

namespace shakedown {
namespace {

class TwoFatalAlertsConnection final : public TargetConnection {
 public:
  Status Write(ByteView) override {
    written_ = true;
    return Status::Ok();
  }
  ReadResult Read(Deadline) override {
    ReadResult r;
    if (!written_ || sent_) return r;  // silent
    sent_ = true;
    r.kind = ReadResult::Kind::kData;
    // Two records: Alert(fatal, handshake_failure), twice.
    r.data = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28, 0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28};
    return r;
  }
  void Close() override {}
  bool instant() const override { return true; }

 private:
  bool written_ = false, sent_ = false;
};

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
  return std::unique_ptr<TargetConnection>(new TwoFatalAlertsConnection());
}

Result<std::unique_ptr<TargetConnection>> ClaimsCompletionTarget::Connect(const Scenario&,
                                                                          size_t) {
  return std::unique_ptr<TargetConnection>(new ClaimsCompletionConnection());
}

}  // namespace shakedown
