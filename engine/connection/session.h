// Sessions and the server's session cache (RFC 5246 7.3, F.1.4). The cache is an interface so
// a deployment (or a test) can supply its own; InMemorySessionCache is bounded and expires
// entries after a lifetime measured on the injected clock, never the system's.
#ifndef SHAKEDOWN_ENGINE_CONNECTION_SESSION_H_
#define SHAKEDOWN_ENGINE_CONNECTION_SESSION_H_

#include <cstddef>
#include <cstdint>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/status.h"
#include "engine/wire/registry.h"

namespace shakedown {

// What both sides keep to resume a session.
struct Session {
  Bytes session_id;  // empty for a ticket-only session
  ProtocolVersion version = ProtocolVersion::kTls12;
  uint16_t cipher_suite = 0;
  Bytes master_secret;                  // 48 bytes
  bool extended_master_secret = false;  // RFC 7627 5.3: resumption must keep the same state
  bool encrypt_then_mac = false;        // RFC 7366 3.1: a resumption must not drop it
  std::vector<Bytes> peer_chain;        // DER, leaf first (may be empty)
  std::string server_name;
  uint64_t created_at = 0;  // seconds, from Environment::clock
  Bytes ticket;             // client: the RFC 5077 ticket to present, if one was issued

  bool operator==(const Session& o) const;
};

// Serialises a session for tickets and for tests; Parse rejects anything malformed.
Bytes SerializeSession(const Session& session);
Result<Session> ParseSession(ByteView bytes);

class SessionCache {
 public:
  virtual ~SessionCache() = default;
  virtual void Store(const Session& session) = 0;
  // The session with this id if it is cached and younger than the lifetime at `now`.
  virtual std::optional<Session> Find(ByteView session_id, uint64_t now) = 0;
  // RFC 5246 7.2.2: a session whose connection ended in a fatal alert must not be resumed.
  virtual void Remove(ByteView session_id) = 0;
};

// Least-recently-used eviction beyond `capacity`; entries older than `lifetime_seconds`
// are never returned (RFC 5246 F.1.4 suggests an upper limit of 24 hours).
class InMemorySessionCache final : public SessionCache {
 public:
  InMemorySessionCache(size_t capacity, uint64_t lifetime_seconds);

  void Store(const Session& session) override;
  std::optional<Session> Find(ByteView session_id, uint64_t now) override;
  void Remove(ByteView session_id) override;
  size_t size() const { return index_.size(); }

 private:
  using Lru = std::list<Session>;  // most recently used first
  size_t capacity_;
  uint64_t lifetime_;
  Lru entries_;
  std::map<Bytes, Lru::iterator> index_;
};

// Serialises every call to another cache, so that connections on several threads can share it
// (InMemorySessionCache has no lock of its own). Anything else that uses `cache` directly at the
// same time must take its own care.
class LockedSessionCache final : public SessionCache {
 public:
  explicit LockedSessionCache(SessionCache* cache) : cache_(cache) {}

  void Store(const Session& session) override;
  std::optional<Session> Find(ByteView session_id, uint64_t now) override;
  void Remove(ByteView session_id) override;

 private:
  SessionCache* cache_;
  std::mutex mutex_;
};

}  // namespace shakedown

#endif  // SHAKEDOWN_ENGINE_CONNECTION_SESSION_H_
