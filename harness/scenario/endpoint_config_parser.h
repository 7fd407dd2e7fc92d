#ifndef SHAKEDOWN_HARNESS_SCENARIO_ENDPOINT_CONFIG_PARSER_H_
#define SHAKEDOWN_HARNESS_SCENARIO_ENDPOINT_CONFIG_PARSER_H_

// The "peer" and "target" blocks of a vector: how each endpoint is configured. Split from
// parser.cc (the steps and the document's structure) to keep each file about one thing; every
// new configuration key lands here and in keys.cc.

#include <cstdint>
#include <string>

#include "engine/base/side.h"
#include "harness/scenario/json_reader.h"
#include "harness/scenario/scenario.h"

namespace shakedown {

class EndpointConfigParser : public JsonReader {
 public:
  using JsonReader::JsonReader;

 protected:
  // Both need the target's role (`role_`, read before them): some keys make sense for one side
  // only and are refused for the other with the reason.
  bool ParsePeer(const Json& j, const std::string& path, PeerConfig* out);
  bool ParseTarget(const Json& j, const std::string& path, TargetConfig* out);

  Side role_ = Side::kServer;

 private:
  // The "certificate" key (present) of a peer or target block; the P-384 and P-521 ECDSA
  // certificates are servers' only.
  bool GetCertificate(const Json& j, const std::string& path, bool is_server, CertificateKey* out);
  // The "heartbeat" key of a peer or target block, if present (RFC 6520 2 modes).
  bool GetHeartbeat(const Json& j, const std::string& path, HeartbeatMode* out);
  // max_fragment_length (a client's only) and record_size_limit, in a peer or target block;
  // `is_client`: the block configures the client.
  bool ParseRecordLimits(const Json& j, const std::string& path, bool is_client,
                         uint16_t* max_fragment_length, uint16_t* record_size_limit);
};

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_SCENARIO_ENDPOINT_CONFIG_PARSER_H_
