#include "platform/io_status.h"

namespace shakedown {

IoStatus IoStatus::TimedOut(const std::string& what) {
  return IoStatus(IoOutcome::kTimedOut, InternalError("timed out " + what));
}

IoStatus IoStatus::Failed(Status status) {
  if (status.ok()) return IoStatus();
  return IoStatus(IoOutcome::kFailed, std::move(status));
}

IoStatus IoStatus::WithContext(const std::string& context) const {
  if (ok()) return *this;
  return IoStatus(outcome_, status_.WithContext(context));
}

}  // namespace shakedown
