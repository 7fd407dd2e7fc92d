// Moves bytes between a sans-I/O Connection and a connected socket until a condition holds
// (handshake complete, application data received, connection closed), the connection
// fails, or a deadline passes. This is the only place that does the I/O loop, so the CLI,
// the interop tests and anything else that puts the engine on a real socket behave alike.
#ifndef SHAKEDOWN_HARNESS_NET_PUMP_H_
#define SHAKEDOWN_HARNESS_NET_PUMP_H_

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/status.h"
#include "engine/connection/connection.h"
#include "platform/deadline.h"
#include "platform/fd.h"
#include "platform/io_status.h"

namespace shakedown {

enum class PumpUntil {
  kHandshakeComplete,
  kApplicationData,  // at least one application data record arrived during this run
  kClosed,           // the connection is dead (close_notify or fatal alert) or the peer hung up
};

class SocketPump {
 public:
  // Neither is owned; `fd` is a connected, non-blocking socket.
  SocketPump(Connection* connection, int fd) : connection_(connection), fd_(fd) {}

  // Stops any wait within ~50 ms once *cancel becomes true (e.g. set by a signal handler).
  void set_cancel(const std::atomic<bool>* cancel) { cancel_ = cancel; }

  // Runs until `done()` holds. Output is flushed first, so an alert the connection queued
  // before dying is on the wire when this returns. Errors:
  // - the connection failed: its failure() Status (alert and reason), with context;
  // - the peer closed the TCP stream first: "peer closed the connection ...";
  // - deadline or cancel: timed_out(), naming what was awaited.
  IoStatus RunUntil(const std::function<bool()>& done, Deadline deadline,
                    const std::string& what = "the condition");
  IoStatus RunUntil(PumpUntil until, Deadline deadline);

  // Queues application data (the handshake must be complete) and flushes it.
  IoStatus Send(ByteView data, Deadline deadline);
  // Sends close_notify and flushes it; does not wait for the peer's.
  IoStatus Close(Deadline deadline);
  // Writes whatever the connection has queued.
  IoStatus Flush(Deadline deadline);

  // Application data received so far, concatenated.
  const Bytes& received() const { return received_; }
  std::string received_text() const { return std::string(received_.begin(), received_.end()); }
  // Every event the connection reported so far, in order.
  const std::vector<Event>& events() const { return events_; }
  // The peer ended the TCP stream (read returned end of file).
  bool peer_closed() const { return peer_closed_; }

 private:
  void CollectEvents();

  Connection* connection_;
  int fd_;
  const std::atomic<bool>* cancel_ = nullptr;
  Bytes received_;
  std::vector<Event> events_;
  size_t app_records_ = 0;
  bool peer_closed_ = false;
};

// One-shot form of SocketPump::RunUntil for callers that need no buffered state.
IoStatus RunOverSocket(Connection& connection, int fd, PumpUntil until, Deadline deadline);

// "sent fatal handshake_failure: <reason>" / "received fatal bad_certificate" / the failure
// Status when no alert was exchanged: for one-line reports.
std::string DescribeFailure(const Connection& connection, const std::vector<Event>& events);
// The RFC 6520 name of a HeartbeatMode ("peer_allowed_to_send"), "off" for none.
std::string_view HeartbeatModeName(HeartbeatMode mode);
// "TLS 1.2 TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 x25519 full ems client-cert=no".
std::string DescribeNegotiated(const Negotiated& negotiated);

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_NET_PUMP_H_
