// Status and Result: the engine's error channel. No exceptions cross engine/ boundaries;
// every failure names what went wrong and the alert it maps to, so the alert sent for each
// error path is testable in one place.
#ifndef SHAKEDOWN_ENGINE_BASE_STATUS_H_
#define SHAKEDOWN_ENGINE_BASE_STATUS_H_

#include <cassert>
#include <string>
#include <utility>
#include <variant>

#include "engine/base/alert.h"

namespace shakedown {

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  static Status Ok() { return Status(); }
  static Status Error(AlertDescription alert, std::string message) {
    return Status(alert, std::move(message));
  }

  bool ok() const { return !failed_; }
  // The alert this failure maps to; close_notify for an OK status.
  AlertDescription alert() const { return alert_; }
  // What failed and why, e.g. "ClientHello.cipher_suites: length 3 is not a multiple of 2".
  const std::string& message() const { return message_; }
  // "decode_error: <message>", or "ok".
  std::string ToString() const;

  // Prefixes the message with a context such as a field path: "ServerHello: " + message.
  Status WithContext(const std::string& context) const;

 private:
  Status(AlertDescription alert, std::string message)
      : failed_(true), alert_(alert), message_(std::move(message)) {}

  bool failed_ = false;
  AlertDescription alert_ = AlertDescription::kCloseNotify;
  std::string message_;
};

inline Status DecodeError(std::string message) {
  return Status::Error(AlertDescription::kDecodeError, std::move(message));
}
inline Status IllegalParameter(std::string message) {
  return Status::Error(AlertDescription::kIllegalParameter, std::move(message));
}
inline Status InternalError(std::string message) {
  return Status::Error(AlertDescription::kInternalError, std::move(message));
}

// A value or the error that explains why there is none: a Status here (Result<T>), an
// IoStatus for I/O (platform/io_status.h, IoResult<T>, which adds timed_out()).
template <typename T, typename E>
class [[nodiscard]] BasicResult {
 public:
  BasicResult(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  BasicResult(E error) : v_(std::move(error)) {  // NOLINT: implicit by design
    assert(!std::get<E>(v_).ok() && "a result built from an OK status");
  }

  bool ok() const { return v_.index() == 0; }
  E status() const { return ok() ? E() : std::get<E>(v_); }
  // Only for an error kind that has timeouts (IoStatus).
  bool timed_out() const { return !ok() && std::get<E>(v_).timed_out(); }

  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, E> v_;
};

template <typename T>
using Result = BasicResult<T, Status>;

}  // namespace shakedown

#define SD_CONCAT_INNER_(a, b) a##b
#define SD_CONCAT_(a, b) SD_CONCAT_INNER_(a, b)

// Returns the Status from the enclosing function if `expr` (a Status) failed.
#define SD_RETURN_IF_ERROR(expr)                        \
  do {                                                  \
    ::shakedown::Status sd_status_ = (expr);            \
    if (!sd_status_.ok()) return sd_status_;            \
  } while (0)

// `lhs = value of expr` (a Result<T>), or returns its Status from the enclosing function.
#define SD_ASSIGN_OR_RETURN(lhs, expr) \
  SD_ASSIGN_OR_RETURN_IMPL_(SD_CONCAT_(sd_result_, __LINE__), lhs, expr)
#define SD_ASSIGN_OR_RETURN_IMPL_(result, lhs, expr) \
  auto result = (expr);                              \
  if (!result.ok()) return result.status();          \
  lhs = std::move(result).value()

#endif  // SHAKEDOWN_ENGINE_BASE_STATUS_H_
