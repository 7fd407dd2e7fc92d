// What the engine reports about a connection while it runs: state transitions, every
// handshake message and ChangeCipherSpec in and out with its place in the transcript,
// derived secrets, alerts. The oracle and the reports read these instead of re-implementing
// the engine. Every method has an empty default so observers implement only what they need.
#ifndef SHAKEDOWN_ENGINE_CONNECTION_OBSERVER_H_
#define SHAKEDOWN_ENGINE_CONNECTION_OBSERVER_H_

#include <ostream>
#include <string_view>
#include <vector>

#include "engine/base/alert.h"
#include "engine/base/bytes.h"
#include "engine/state/handshake_table.h"

namespace shakedown {

enum class Direction { kSent, kReceived };

class Observer {
 public:
  virtual ~Observer() = default;

  // The handshake moved from one state to the next (names as in the handshake table).
  virtual void OnStateChange(std::string_view from, std::string_view to) {}
  // A handshake message or ChangeCipherSpec, whole and decrypted. For handshake messages
  // `encoded` is the full message (4-byte header included) and `transcript_offset` is where
  // it starts in the transcript; for ChangeCipherSpec `encoded` is the record body and the
  // offset is the transcript length at that point (CCS is not part of the transcript).
  virtual void OnMessage(Direction direction, const FlowStep& step, ByteView encoded,
                         size_t transcript_offset) {}
  // A secret as it is derived. Labels follow the NSS key log format where one exists
  // ("CLIENT_RANDOM" for the master secret); others: "PRE_MASTER_SECRET", "KEY_BLOCK".
  virtual void OnSecret(std::string_view label, ByteView client_random, ByteView secret) {}
  virtual void OnAlert(Direction direction, AlertLevel level, AlertDescription description) {}
};

// Writes the NSS key log format (one "CLIENT_RANDOM <client_random hex> <master secret hex>"
// line per connection) so a capture can be decrypted in Wireshark.
class KeyLogWriter final : public Observer {
 public:
  explicit KeyLogWriter(std::ostream* out) : out_(out) {}
  void OnSecret(std::string_view label, ByteView client_random, ByteView secret) override;

 private:
  std::ostream* out_;
};

// Fans one connection's reports out to several observers.
class ObserverList final : public Observer {
 public:
  void Add(Observer* observer) { observers_.push_back(observer); }
  void OnStateChange(std::string_view from, std::string_view to) override;
  void OnMessage(Direction d, const FlowStep& s, ByteView e, size_t o) override;
  void OnSecret(std::string_view l, ByteView r, ByteView s) override;
  void OnAlert(Direction d, AlertLevel l, AlertDescription a) override;

 private:
  std::vector<Observer*> observers_;
};

}  // namespace shakedown

#endif  // SHAKEDOWN_ENGINE_CONNECTION_OBSERVER_H_
