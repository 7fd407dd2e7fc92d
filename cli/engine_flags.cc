#include "cli/engine_flags.h"

#include <CLI/CLI.hpp>
#include <optional>

#include "engine/crypto/key_exchange.h"
#include "engine/wire/registry.h"
#include "harness/net/endpoint.h"

namespace shakedown {

void AddEngineFlags(CLI::App* app, EngineFlags* flags, const std::string& tickets_help) {
  app->add_option("--suites", flags->suites,
                  "Cipher suites, by IANA name, comma-separated, in preference order. Default: "
                  "every suite the engine supports, ECDHE and AEAD first")
      ->delimiter(',');
  app->add_option("--groups", flags->groups,
                  "ECDHE groups, by IANA name (x25519, secp256r1, secp384r1), comma-separated, in "
                  "preference order. Default: x25519,secp256r1")
      ->delimiter(',');
  app->add_option("--ems", flags->ems,
                  "Extended master secret (RFC 7627): enabled (offer / accept it), required "
                  "(refuse a peer without it) or disabled (never use it)")
      ->check(CLI::IsMember({"enabled", "required", "disabled"}))
      ->capture_default_str();
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
      if (!IsSupportedEcdheGroup(static_cast<NamedGroup>(*value))) {
        return IllegalParameter("--groups: group '" + name + "' is not supported by the engine");
      }
      config.groups.push_back(static_cast<NamedGroup>(*value));
    }
  }
  config.extended_master_secret = flags.ems == "required"   ? EmsPolicy::kRequired
                                  : flags.ems == "disabled" ? EmsPolicy::kDisabled
                                                            : EmsPolicy::kEnabled;
  config.session_tickets = flags.tickets;
  return Status::Ok();
}

}  // namespace shakedown
