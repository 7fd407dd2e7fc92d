// The result of a wait or an I/O operation: done, timed out, or failed. A timeout is a kind
// of its own, so callers that treat "nothing arrived yet" differently from "it broke" test
// `timed_out()` instead of matching text. Both failures carry a Status (internal_error, or
// the TLS alert of a connection that failed) whose message says what was awaited or why.
#ifndef SHAKEDOWN_PLATFORM_IO_STATUS_H_
#define SHAKEDOWN_PLATFORM_IO_STATUS_H_

#include <cassert>
#include <string>
#include <utility>
#include <variant>

#include "engine/base/status.h"

namespace shakedown {

enum class IoOutcome { kOk, kTimedOut, kFailed };

class [[nodiscard]] IoStatus {
 public:
  IoStatus() = default;  // OK
  static IoStatus Ok() { return IoStatus(); }
  // "timed out <what>", e.g. "timed out reading".
  static IoStatus TimedOut(const std::string& what);
  // A failure that is not a timeout. An OK `status` gives an OK IoStatus.
  static IoStatus Failed(Status status);

  IoOutcome outcome() const { return outcome_; }
  bool ok() const { return outcome_ == IoOutcome::kOk; }
  bool timed_out() const { return outcome_ == IoOutcome::kTimedOut; }
  const Status& status() const { return status_; }
  AlertDescription alert() const { return status_.alert(); }
  const std::string& message() const { return status_.message(); }
  std::string ToString() const { return status_.ToString(); }
  // Keeps the outcome; prefixes the message (Status::WithContext).
  IoStatus WithContext(const std::string& context) const;

  // Callers that only report or propagate the failure may use it as a plain Status (the
  // kind is dropped there on purpose: nothing above them distinguishes it).
  operator const Status&() const { return status_; }  // NOLINT: implicit by design
  template <typename T>
  operator Result<T>() const {  // NOLINT: for SD_ASSIGN_OR_RETURN in Result<T> functions
    return Result<T>(status_);
  }

 private:
  IoStatus(IoOutcome outcome, Status status) : outcome_(outcome), status_(std::move(status)) {}

  IoOutcome outcome_ = IoOutcome::kOk;
  Status status_;
};

// A value or the IoStatus that explains why there is none (with timed_out()).
template <typename T>
using IoResult = BasicResult<T, IoStatus>;

}  // namespace shakedown

// SD_RETURN_IF_ERROR for functions that return IoStatus: keeps a timeout a timeout.
#define SD_RETURN_IF_IO_ERROR(expr)                 \
  do {                                              \
    ::shakedown::IoStatus sd_io_status_ = (expr);   \
    if (!sd_io_status_.ok()) return sd_io_status_;  \
  } while (0)

#endif  // SHAKEDOWN_PLATFORM_IO_STATUS_H_
