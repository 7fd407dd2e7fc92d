#include "engine/connection/session.h"

#include "engine/base/reader.h"
#include "engine/base/writer.h"

namespace shakedown {

bool Session::operator==(const Session& o) const {
  return session_id == o.session_id && version == o.version && cipher_suite == o.cipher_suite &&
         master_secret == o.master_secret && extended_master_secret == o.extended_master_secret &&
         encrypt_then_mac == o.encrypt_then_mac &&
         peer_chain == o.peer_chain && server_name == o.server_name &&
         created_at == o.created_at && ticket == o.ticket;
}

// Layout (presentation language): opaque session_id<0..32>; uint16 version; uint16 suite;
// opaque master_secret<48..48>; uint8 flags (1: ems, 2: encrypt_then_mac); ASN.1Cert peer_chain<0..2^24-1>;
// opaque server_name<0..2^16-1>; uint32 created_at_hi; uint32 created_at_lo;
// opaque ticket<0..2^16-1>.
Bytes SerializeSession(const Session& s) {
  Writer w;
  w.VectorBytes(1, s.session_id);
  w.U16(static_cast<uint16_t>(s.version));
  w.U16(s.cipher_suite);
  w.VectorBytes(1, s.master_secret);
  w.U8((s.extended_master_secret ? 1 : 0) | (s.encrypt_then_mac ? 2 : 0));
  w.Vector(3, [&] {
    for (const Bytes& cert : s.peer_chain) w.VectorBytes(3, cert);
  });
  w.VectorBytes(2, ByteView(reinterpret_cast<const uint8_t*>(s.server_name.data()),
                            s.server_name.size()));
  w.U32(static_cast<uint32_t>(s.created_at >> 32));
  w.U32(static_cast<uint32_t>(s.created_at));
  w.VectorBytes(2, s.ticket);
  return w.Take();
}

Result<Session> ParseSession(ByteView bytes) {
  Session s;
  Reader r(bytes);
  ByteView v;
  SD_RETURN_IF_ERROR(r.VectorBytes("Session.session_id", 1, 0, 32, &v));
  s.session_id = v.ToBytes();
  uint16_t u16;
  SD_RETURN_IF_ERROR(r.U16("Session.version", &u16));
  s.version = static_cast<ProtocolVersion>(u16);
  SD_RETURN_IF_ERROR(r.U16("Session.cipher_suite", &s.cipher_suite));
  SD_RETURN_IF_ERROR(r.VectorBytes("Session.master_secret", 1, 48, 48, &v));
  s.master_secret = v.ToBytes();
  uint8_t flags;
  SD_RETURN_IF_ERROR(r.U8("Session.flags", &flags));
  if (flags > 3) return DecodeError("Session.flags: unknown bits set");
  s.extended_master_secret = (flags & 1) != 0;
  s.encrypt_then_mac = (flags & 2) != 0;
  Reader chain;
  SD_RETURN_IF_ERROR(r.Vector("Session.peer_chain", 3, 0, 0xffffff, &chain));
  while (!chain.empty()) {
    SD_RETURN_IF_ERROR(chain.VectorBytes("Session.peer_chain[]", 3, 1, 0xffffff, &v));
    s.peer_chain.push_back(v.ToBytes());
  }
  SD_RETURN_IF_ERROR(r.VectorBytes("Session.server_name", 2, 0, 0xffff, &v));
  s.server_name.assign(v.begin(), v.end());
  uint32_t hi, lo;
  SD_RETURN_IF_ERROR(r.U32("Session.created_at", &hi));
  SD_RETURN_IF_ERROR(r.U32("Session.created_at", &lo));
  s.created_at = uint64_t{hi} << 32 | lo;
  SD_RETURN_IF_ERROR(r.VectorBytes("Session.ticket", 2, 0, 0xffff, &v));
  s.ticket = v.ToBytes();
  SD_RETURN_IF_ERROR(r.ExpectEnd("Session"));
  return s;
}

InMemorySessionCache::InMemorySessionCache(size_t capacity, uint64_t lifetime_seconds)
    : capacity_(capacity == 0 ? 1 : capacity), lifetime_(lifetime_seconds) {}

void InMemorySessionCache::Store(const Session& session) {
  if (session.session_id.empty()) return;  // nothing to look it up by
  Remove(session.session_id);
  entries_.push_front(session);
  index_[session.session_id] = entries_.begin();
  while (index_.size() > capacity_) {
    index_.erase(entries_.back().session_id);
    entries_.pop_back();
  }
}

std::optional<Session> InMemorySessionCache::Find(ByteView session_id, uint64_t now) {
  auto it = index_.find(session_id.ToBytes());
  if (it == index_.end()) return std::nullopt;
  const Session& s = *it->second;
  // A session from the future (clock moved back) is as suspect as an expired one.
  if (now < s.created_at || now - s.created_at >= lifetime_) {
    Remove(session_id);
    return std::nullopt;
  }
  entries_.splice(entries_.begin(), entries_, it->second);  // most recently used
  return *entries_.begin();
}

void InMemorySessionCache::Remove(ByteView session_id) {
  auto it = index_.find(session_id.ToBytes());
  if (it == index_.end()) return;
  entries_.erase(it->second);
  index_.erase(it);
}

void LockedSessionCache::Store(const Session& session) {
  std::lock_guard<std::mutex> lock(mutex_);
  cache_->Store(session);
}

std::optional<Session> LockedSessionCache::Find(ByteView session_id, uint64_t now) {
  std::lock_guard<std::mutex> lock(mutex_);
  return cache_->Find(session_id, now);
}

void LockedSessionCache::Remove(ByteView session_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  cache_->Remove(session_id);
}

}  // namespace shakedown
