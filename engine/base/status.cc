#include "engine/base/status.h"

namespace shakedown {

std::string Status::ToString() const {
  if (ok()) return "ok";
  auto name = AlertName(static_cast<uint8_t>(alert_));
  std::string out(name ? *name : "alert(" + std::to_string(static_cast<int>(alert_)) + ")");
  out += ": ";
  out += message_;
  return out;
}

Status Status::WithContext(const std::string& context) const {
  if (ok()) return *this;
  return Status(alert_, context + ": " + message_);
}

}  // namespace shakedown
