// The hello extensions the engine knows, one row each (BoringSSL's kExtensions[] in
// ssl/extensions.cc and s2n-tls's s2n_extension_type are the models). A row says which
// handshake messages may carry the extension and how to check and describe its body with the
// extension's codec (engine/wire/extensions.h). It holds no policy: what a client offers and
// what a server answers is engine/connection's hello_extensions table, which builds on these
// rows; the scripted peer can use the same rows to know where an extension may appear.
//
//   const KnownExtension* row = FindKnownExtension(ext.type);   // null: unknown to the engine
//   if (row && !row->AllowedIn(HandshakeType::kServerHello)) ...  // RFC 5246 7.4.1.4
//   Status valid = row->validate(ext.body);                      // the codec's own alert
//
// Adding an extension: its codec in extensions.{h,cc} and one row in extension_registry.cc.
#ifndef SHAKEDOWN_ENGINE_WIRE_EXTENSION_REGISTRY_H_
#define SHAKEDOWN_ENGINE_WIRE_EXTENSION_REGISTRY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/status.h"
#include "engine/wire/registry.h"

namespace shakedown {

struct KnownExtension {
  ExtensionType type;
  // The TLS 1.2 messages that may carry it. RFC 5246 7.4.1.4: a ServerHello carries only
  // answers to what the ClientHello offered, and some extensions have no answer (RFC 5246
  // 7.4.1.4.1: servers MUST NOT send signature_algorithms; RFC 8422 5.1.1: supported_groups
  // is client-only in TLS 1.2).
  bool in_client_hello;
  bool in_server_hello;
  // Parses `body` (extension_data) with the codec and drops the value: OK, or the codec's
  // error (decode_error for a broken encoding).
  Status (*validate)(ByteView body);
  // One line for traces: the codec's Describe(), or the name and why the body does not parse.
  std::string (*describe)(ByteView body);
  const char* reference;  // where it is defined, e.g. "RFC 6066 3"

  // True for kClientHello / kServerHello as the row says; false for any other message.
  bool AllowedIn(HandshakeType message) const;
};

// Every row, in the order a ClientHello lists them.
const std::vector<KnownExtension>& KnownExtensions();
// The row of `type`, or null when the engine does not know the extension.
const KnownExtension* FindKnownExtension(uint16_t type);
inline const KnownExtension* FindKnownExtension(ExtensionType type) {
  return FindKnownExtension(static_cast<uint16_t>(type));
}

}  // namespace shakedown

#endif  // SHAKEDOWN_ENGINE_WIRE_EXTENSION_REGISTRY_H_
