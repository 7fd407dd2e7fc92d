// The connection's negotiation policies that a scenario's target configuration also names.
// Header-only and free of the connection's dependencies, so the harness's scenario model
// (and the scripted peer above it) can use the engine's vocabulary without linking the
// engine's state machine.
#ifndef SHAKEDOWN_ENGINE_CONNECTION_POLICY_H_
#define SHAKEDOWN_ENGINE_CONNECTION_POLICY_H_

namespace shakedown {

// Server: whose order picks the suite, its own or the client's (RFC 5246 7.4.1.3 leaves the
// choice to the server; the client's list is "in order of the client's preference", 7.4.1.2).
enum class SuitePreference { kServer, kClient };
// Server: whether to send CertificateRequest, and whether an empty client Certificate is
// refused (RFC 5246 7.4.4, 7.4.6).
enum class ClientAuthMode { kNone, kOptional, kRequired };
// RFC 7627: offer/accept the extension; require it (refuse peers without it); or never use it.
enum class EmsPolicy { kEnabled, kRequired, kDisabled };
// RFC 5746: refuse every renegotiation (a warning no_renegotiation, RFC 5246 7.2.2), or accept
// and start secure renegotiations (never legacy ones: RFC 5746 4.2 and 4.4 recommend refusing
// them). kInitiate also starts one as soon as the first handshake completes (a server sends
// HelloRequest, a client a new ClientHello): how a test target is told to renegotiate.
enum class RenegotiationPolicy { kRefuse, kAccept, kInitiate };
// RFC 6520 2: off (the extension is neither offered nor answered, as by a stack without
// Heartbeat), or offered / answered with this HeartbeatMode: whether the peer may send us
// HeartbeatRequests (peer_allowed_to_send: we answer them) or not.
enum class HeartbeatMode { kOff, kPeerAllowedToSend, kPeerNotAllowedToSend };

}  // namespace shakedown

#endif  // SHAKEDOWN_ENGINE_CONNECTION_POLICY_H_
