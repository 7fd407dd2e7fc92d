// The connection's hello extensions as one table, a row per extension and four functions per
// row (BoringSSL's kExtensions[] in ssl/extensions.cc is the model): what the client adds to
// its ClientHello, how the server reads it, what the server answers in its ServerHello, and how
// the client reads that answer. Where an extension may appear at all comes from the wire
// registry (engine/wire/extension_registry.h): the client refuses a ServerHello extension it
// did not offer or that the registry does not allow in a ServerHello (RFC 5246 7.4.1.4,
// checklist 33), whatever the row.
//
// Adding an extension: its codec (engine/wire/extensions.{h,cc}), its registry row, one row
// here (and a field in ClientOffer / ServerAnswer if a side must remember it), its vectors.
#ifndef SHAKEDOWN_ENGINE_CONNECTION_HELLO_EXTENSIONS_H_
#define SHAKEDOWN_ENGINE_CONNECTION_HELLO_EXTENSIONS_H_

#include <optional>
#include <string>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/status.h"
#include "engine/connection/connection.h"
#include "engine/wire/extensions.h"
#include "engine/wire/registry.h"

namespace shakedown {

// What the ClientHello's extensions say, validated (server side).
struct ClientOffer {
  bool renegotiation_info = false;  // the RI extension or the SCSV (RFC 5746 3.6)
  std::optional<Bytes> renegotiated_connection;  // the RI extension's value, if present
  bool extended_master_secret = false;
  bool encrypt_then_mac = false;
  bool point_formats = false;
  std::optional<std::vector<NamedGroup>> groups;
  std::optional<std::vector<SignatureScheme>> signature_schemes;
  std::optional<Bytes> ticket;  // the session_ticket extension's body, if present
  std::optional<std::vector<std::string>> alpn;
  std::string server_name;  // the host name, validated (RFC 6066 3)
  // RFC 6520 2: the client's HeartbeatMode; read only when we have heartbeat on.
  HeartbeatMode heartbeat = HeartbeatMode::kOff;
  // RFC 6066 4: the code requested, checked by the server only if it does not ignore it (RFC
  // 8449 5).
  std::optional<uint8_t> max_fragment_length_code;
  std::optional<uint16_t> record_size_limit;  // RFC 8449 4, validated (>= 64)
  // RFC 6066 8: status_request with status_type ocsp; read only when we have a response to
  // staple.
  bool ocsp_status_request = false;
};

// What the ServerHello's extensions say, validated (client side).
struct ServerAnswer {
  bool renegotiation_info = false;
  Bytes renegotiated_connection;  // with renegotiation_info
  bool extended_master_secret = false;
  bool encrypt_then_mac = false;
  bool session_ticket = false;  // NewSessionTicket follows (RFC 5077 3.2)
  std::string alpn;
  HeartbeatMode heartbeat = HeartbeatMode::kOff;  // RFC 6520 2: the server's HeartbeatMode
  size_t max_fragment_length = 0;             // RFC 6066 4: the length requested, echoed
  std::optional<uint16_t> record_size_limit;  // RFC 8449 4, validated (>= 64)
  bool status_request = false;                // RFC 6066 8: CertificateStatus may follow
};

// What the client's add functions read.
struct ClientHelloInput {
  const Config* config;
  bool ecc;    // an ECDHE suite is offered (RFC 8422 5.1)
  bool ffdhe;  // a DHE suite is offered (RFC 7919 3)
  bool cbc;    // a CBC suite is offered (RFC 7366 2)
  std::vector<SignatureScheme> signature_schemes;  // configured and implemented
  Bytes ticket;  // the ticket to offer when config->session_tickets; empty: none
  // RFC 5746 3.4 / 3.5: empty on the initial handshake, client_verify_data in a renegotiation.
  Bytes renegotiated_connection;
};

// What the server's add functions read: the negotiation is decided when they run.
struct ServerHelloInput {
  const ClientOffer* offer;
  const Negotiated* negotiated;
  bool issue_ticket;
  HeartbeatMode heartbeat;  // our mode (Config::heartbeat)
  // RFC 5746 3.6 / 3.7: empty on the initial handshake, client_verify_data ||
  // server_verify_data in a renegotiation.
  Bytes renegotiated_connection;
};

struct HelloExtension {
  ExtensionType type;
  // Client: adds the extension to the ClientHello, or leaves it out.
  Status (*client_add)(const ClientHelloInput& in, Extensions* out);
  // Server: checks the ClientHello's extension_data and records it in the offer.
  Status (*server_parse)(ByteView body, const Config& config, ClientOffer* offer);
  // Server: adds its answer to the ServerHello, or leaves it out (null: never answers).
  Status (*server_add)(const ServerHelloInput& in, Extensions* out);
  // Client: checks the ServerHello's extension_data (the client offered it) and records it.
  // `name` is "ServerHello.<extension>" for messages.
  Status (*client_parse)(ByteView body, const std::string& name, const Config& config,
                         ServerAnswer* answer);
};

// Every row, in the order the client sends them and the server answers.
const std::vector<HelloExtension>& HelloExtensions();

// The ClientHello's extensions.
Result<Extensions> BuildClientHelloExtensions(const ClientHelloInput& in);
// Reads every extension of the table in `extensions` into an offer (which may already hold
// the SCSV's renegotiation_info). Unknown extensions are ignored (RFC 5246 7.4.1.4).
Status ReadClientHelloExtensions(const Extensions& extensions, const Config& config,
                                 ClientOffer* offer);
// The ServerHello's extensions: only answers to what the client sent.
Result<Extensions> BuildServerHelloExtensions(const ServerHelloInput& in);
// Reads the ServerHello's extensions against the ClientHello's (`offered`): an extension not
// offered, or not allowed in a ServerHello, is unsupported_extension (RFC 5246 7.4.1.4).
Result<ServerAnswer> ReadServerHelloExtensions(const Extensions& extensions,
                                               const Extensions& offered, const Config& config);

}  // namespace shakedown

#endif  // SHAKEDOWN_ENGINE_CONNECTION_HELLO_EXTENSIONS_H_
