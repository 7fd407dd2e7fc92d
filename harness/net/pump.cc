#include "harness/net/pump.h"

#include <cstdint>

#include "engine/base/alert.h"
#include "engine/wire/registry.h"

namespace shakedown {
namespace {

// Large enough for a maximal protected record (2^14 + 2048 + 5 header bytes).
constexpr size_t kReadChunk = 1 << 15;
// How often a wait looks at the cancel flag.
constexpr int kCancelCheckMs = 50;

std::string AlertNameOf(AlertDescription alert) {
  std::optional<std::string_view> name = AlertName(static_cast<uint8_t>(alert));
  return name ? std::string(*name) : "alert(" + std::to_string(static_cast<int>(alert)) + ")";
}

}  // namespace

void SocketPump::CollectEvents() {
  for (Event& event : connection_->TakeEvents()) {
    if (event.type == EventType::kApplicationData) {
      Append(received_, event.data);
      ++app_records_;
    }
    events_.push_back(std::move(event));
  }
}

IoStatus SocketPump::Flush(Deadline deadline) {
  Bytes out = connection_->TakeOutput();
  if (out.empty()) return IoStatus::Ok();
  return WriteAll(fd_, out, deadline).WithContext("sending to the peer");
}

IoStatus SocketPump::RunUntil(const std::function<bool()>& done, Deadline deadline,
                              const std::string& what) {
  Bytes buffer(kReadChunk);
  while (true) {
    IoStatus flushed = Flush(deadline);
    CollectEvents();
    if (done()) return IoStatus::Ok();
    if (connection_->dead()) {
      if (std::optional<Status> failure = connection_->failure()) {
        return IoStatus::Failed(Status::Error(
            failure->alert(),
            "TLS connection failed before " + what + ": " + DescribeFailure(*connection_, events_)));
      }
      return IoStatus::Failed(
          InternalError("the TLS connection was closed (close_notify) before " + what));
    }
    if (!flushed.ok()) return flushed;
    if (peer_closed_) {
      return IoStatus::Failed(InternalError("the peer closed the TCP connection before " + what +
                                            " (state " + std::string(connection_->state()) + ")"));
    }
    bool cancelled = cancel_ != nullptr && cancel_->load();
    if (cancelled || deadline.expired()) {
      return IoStatus::TimedOut(std::string(cancelled ? "(cancelled) " : "") + "waiting for " +
                                what + " (state " + std::string(connection_->state()) + ")");
    }
    Deadline wait = cancel_ != nullptr ? deadline.Min(Deadline::AfterMs(kCancelCheckMs)) : deadline;
    IoResult<size_t> got = ReadSome(fd_, buffer.data(), buffer.size(), wait);
    if (!got.ok()) {
      if (got.timed_out()) continue;  // the checks above decide
      return got.status().WithContext("receiving from the peer");
    }
    if (*got == 0) {
      peer_closed_ = true;
      continue;
    }
    connection_->ReceiveBytes(ByteView(buffer.data(), *got));
  }
}

IoStatus SocketPump::RunUntil(PumpUntil until, Deadline deadline) {
  switch (until) {
    case PumpUntil::kHandshakeComplete:
      return RunUntil([this] { return connection_->handshake_complete(); }, deadline,
                      "the handshake to complete");
    case PumpUntil::kApplicationData: {
      size_t before = app_records_;
      return RunUntil([this, before] { return app_records_ > before; }, deadline,
                      "application data");
    }
    case PumpUntil::kClosed:
      return RunUntil([this] { return connection_->dead() || peer_closed_; }, deadline,
                      "the connection to close");
  }
  return IoStatus::Failed(InternalError("SocketPump: unknown condition"));
}

IoStatus SocketPump::Send(ByteView data, Deadline deadline) {
  if (!connection_->handshake_complete()) {
    return IoStatus::Failed(InternalError("SocketPump::Send: the handshake is not complete"));
  }
  Status queued = connection_->SendApplicationData(data);
  if (!queued.ok()) return IoStatus::Failed(queued);
  return Flush(deadline);
}

IoStatus SocketPump::Close(Deadline deadline) {
  connection_->Close();
  IoStatus flushed = Flush(deadline);
  CollectEvents();
  return flushed;
}

IoStatus RunOverSocket(Connection& connection, int fd, PumpUntil until, Deadline deadline) {
  SocketPump pump(&connection, fd);
  return pump.RunUntil(until, deadline);
}

std::string DescribeFailure(const Connection& connection, const std::vector<Event>& events) {
  for (auto it = events.rbegin(); it != events.rend(); ++it) {
    if (it->type != EventType::kAlertSent && it->type != EventType::kAlertReceived) continue;
    if (it->level != AlertLevel::kFatal && it->alert == AlertDescription::kCloseNotify) continue;
    std::string text = std::string(it->type == EventType::kAlertSent ? "sent " : "received ") +
                       (it->level == AlertLevel::kFatal ? "fatal " : "warning ") +
                       AlertNameOf(it->alert);
    if (it->type == EventType::kAlertSent && !it->detail.empty()) {
      text += ": " + it->detail;
    } else if (std::optional<Status> failure = connection.failure()) {
      text += " (" + failure->message() + ")";
    }
    return text;
  }
  if (std::optional<Status> failure = connection.failure()) return failure->ToString();
  return "no failure";
}

std::string_view HeartbeatModeName(HeartbeatMode mode) {
  switch (mode) {
    case HeartbeatMode::kPeerAllowedToSend:
      return "peer_allowed_to_send";
    case HeartbeatMode::kPeerNotAllowedToSend:
      return "peer_not_allowed_to_send";
    case HeartbeatMode::kOff:
      break;
  }
  return "off";
}

std::string DescribeNegotiated(const Negotiated& negotiated) {
  std::string text = Describe(negotiated.version);
  text += " ";
  text += negotiated.suite != nullptr ? std::string(negotiated.suite->name) : "no-suite";
  if (negotiated.group) {
    text += " " + Describe(Registry::kNamedGroup, static_cast<uint16_t>(*negotiated.group));
  } else if (negotiated.dh_bits != 0) {
    text += " dh" + std::to_string(negotiated.dh_bits) + "(server-chosen)";
  }
  text += negotiated.resumed ? " resumed" : " full";
  text += negotiated.extended_master_secret ? " ems" : " no-ems";
  if (negotiated.encrypt_then_mac) text += " etm";
  if (negotiated.renegotiations != 0) {
    text += " renegotiations=" + std::to_string(negotiated.renegotiations);
  }
  if (negotiated.peer_heartbeat != HeartbeatMode::kOff) {
    text += " heartbeat=" + std::string(HeartbeatModeName(negotiated.peer_heartbeat));
  }
  if (negotiated.max_fragment_length != 0) {
    text += " max-fragment-length=" + std::to_string(negotiated.max_fragment_length);
  }
  if (negotiated.record_size_limit != 0) {
    text += " record-size-limit=" + std::to_string(negotiated.record_size_limit) + "/" +
            std::to_string(negotiated.peer_record_size_limit);
  }
  text += negotiated.client_authenticated ? " client-cert=yes" : " client-cert=no";
  return text;
}

}  // namespace shakedown
