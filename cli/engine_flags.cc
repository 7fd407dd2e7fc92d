#include "cli/engine_flags.h"

#include <CLI/CLI.hpp>
#include <optional>

#include "engine/crypto/dh.h"
#include "engine/crypto/key_exchange.h"
#include "engine/wire/registry.h"
#include "harness/net/endpoint.h"

namespace shakedown {

void AddEngineFlags(CLI::App* app, EngineFlags* flags, const std::string& tickets_help) {
  app->add_option("--suites", flags->suites,
                  "Cipher suites, by IANA name, comma-separated, in preference order. Default: "
                  "every suite the engine supports but AES-CCM (RFC 6655, 7251; named here only), "
                  "ECDHE and AEAD first")
      ->delimiter(',');
  app->add_option("--groups", flags->groups,
                  "Groups, by IANA name, comma-separated, in preference order: ECDHE curves "
                  "(x25519, secp256r1, secp384r1, secp521r1) and RFC 7919 groups for DHE "
                  "(ffdhe2048 ... ffdhe8192). Default: x25519,secp256r1,secp384r1,secp521r1,"
                  "ffdhe2048,ffdhe3072,ffdhe4096")
      ->delimiter(',');
  app->add_option("--ems", flags->ems,
                  "Extended master secret (RFC 7627): enabled (offer / accept it), required "
                  "(refuse a peer without it) or disabled (never use it)")
      ->check(CLI::IsMember({"enabled", "required", "disabled"}))
      ->capture_default_str();
  app->add_flag("--no-encrypt-then-mac", flags->no_etm,
                "Do not offer (client) or accept (server) encrypt-then-MAC (RFC 7366) for CBC "
                "suites");
  app->add_flag("--sha1-signatures", flags->sha1_signatures,
                "Also offer (client) and accept (both) the SHA-1 signature schemes rsa_pkcs1_sha1 "
                "and ecdsa_sha1, last in preference. Off by default: RFC 9155 forbids MD5 and "
                "SHA-1 signatures in TLS 1.2, so a server then refuses a client that sends no "
                "signature_algorithms (whose RFC 5246 default is SHA-1) with handshake_failure");
  app->add_option("--min-dh-bits", flags->min_dh_bits,
                  "Client: the smallest DH modulus accepted from a server that chose its own "
                  "group (RFC 7919 3.1; Logjam)")
      ->check(CLI::Range(1024, 8192))
      ->capture_default_str();
  app->add_option("--renegotiation", flags->renegotiation,
                  "Secure renegotiation (RFC 5746): refuse (a warning no_renegotiation), accept "
                  "(secure renegotiations the peer starts; never legacy ones), or initiate "
                  "(accept, and start one right after the first handshake: a server sends "
                  "HelloRequest, a client a new ClientHello)")
      ->check(CLI::IsMember({"refuse", "accept", "initiate"}))
      ->capture_default_str();
  app->add_option("--heartbeat", flags->heartbeat,
                  "Heartbeat (RFC 6520): off (the extension is neither offered nor answered; "
                  "heartbeat records are unexpected_message), or offer (client) / answer when "
                  "offered (server) with this HeartbeatMode: peer_allowed_to_send (requests are "
                  "answered with a copy of their payload) or peer_not_allowed_to_send (requests "
                  "are dropped)")
      ->check(CLI::IsMember({"off", "peer_allowed_to_send", "peer_not_allowed_to_send"}))
      ->capture_default_str();
  app->add_option("--max-fragment-length", flags->max_fragment_length,
                  "Client: request this maximum fragment length (RFC 6066 4: 512, 1024, 2048 or "
                  "4096); every record of both sides then holds at most that much. A server "
                  "honours any valid request (unless it advertises a record size limit and the "
                  "client sent both, RFC 8449 5)")
      ->check(CLI::IsMember({512, 1024, 2048, 4096}));
  app->add_option("--record-size-limit", flags->record_size_limit,
                  "Advertise this record size limit (RFC 8449: 64..16384), the largest plaintext "
                  "accepted in a protected record; a server answers only a client that sent one")
      ->check(CLI::Range(64, 16384));
  app->add_flag("--tickets", flags->tickets, tickets_help);
}

Status ApplyEngineFlags(const EngineFlags& flags, Config& config) {
  if (flags.suites.empty()) {
    config.cipher_suites = DefaultCipherSuites();
  } else {
    Result<std::vector<uint16_t>> suites = CipherSuitesFromNames(flags.suites);
    if (!suites.ok()) return IllegalParameter("--suites: " + suites.status().message());
    config.cipher_suites = *suites;
  }
  if (!flags.groups.empty()) {
    config.groups.clear();
    for (const std::string& name : flags.groups) {
      std::optional<uint16_t> value = ValueOf(Registry::kNamedGroup, name);
      if (!value) {
        return IllegalParameter("--groups: unknown group '" + name +
                                "' (use IANA names such as x25519, secp256r1)");
      }
      if (!IsSupportedEcdheGroup(static_cast<NamedGroup>(*value)) &&
          !IsSupportedFfdheGroup(static_cast<NamedGroup>(*value))) {
        return IllegalParameter("--groups: group '" + name + "' is not supported by the engine");
      }
      config.groups.push_back(static_cast<NamedGroup>(*value));
    }
  }
  config.extended_master_secret = flags.ems == "required"   ? EmsPolicy::kRequired
                                  : flags.ems == "disabled" ? EmsPolicy::kDisabled
                                                            : EmsPolicy::kEnabled;
  config.session_tickets = flags.tickets;
  config.encrypt_then_mac = !flags.no_etm;
  if (flags.sha1_signatures) {
    config.signature_schemes.insert(config.signature_schemes.end(),
                                    std::begin(kSha1SignatureSchemes),
                                    std::end(kSha1SignatureSchemes));
  }
  config.min_dh_bits = flags.min_dh_bits;
  config.renegotiation = flags.renegotiation == "accept"     ? RenegotiationPolicy::kAccept
                         : flags.renegotiation == "initiate" ? RenegotiationPolicy::kInitiate
                                                             : RenegotiationPolicy::kRefuse;
  config.heartbeat = flags.heartbeat == "peer_allowed_to_send" ? HeartbeatMode::kPeerAllowedToSend
                     : flags.heartbeat == "peer_not_allowed_to_send"
                         ? HeartbeatMode::kPeerNotAllowedToSend
                         : HeartbeatMode::kOff;
  config.max_fragment_length = flags.max_fragment_length;
  config.record_size_limit = flags.record_size_limit;
  return Status::Ok();
}

}  // namespace shakedown
