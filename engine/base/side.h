// The one client/server enum: a connection's role, the sender of a handshake step, the
// side a Finished is computed for, the role a scenario's target plays.
#ifndef SHAKEDOWN_ENGINE_BASE_SIDE_H_
#define SHAKEDOWN_ENGINE_BASE_SIDE_H_

#include <cstdint>

namespace shakedown {

enum class Side : uint8_t { kClient, kServer };

constexpr Side Other(Side side) { return side == Side::kClient ? Side::kServer : Side::kClient; }
constexpr const char* SideName(Side side) { return side == Side::kClient ? "client" : "server"; }

}  // namespace shakedown

#endif  // SHAKEDOWN_ENGINE_BASE_SIDE_H_
