#include "harness/scenario/keys.h"

#include <string>

namespace shakedown {

const std::vector<KeySet>& ScenarioKeySets() {
  // Indexed by KeySetId.
  static const std::vector<KeySet>* sets = new std::vector<KeySet>{
      {"vector",
       {"$schema", "id", "title", "refs", "target_role", "notes", "judge", "equivalence", "peer",
        "target", "steps", "connections"}},
      {"peer",
       {"cipher_suites", "groups", "signature_schemes", "certificate", "certificate_flaw",
        "dh_group", "dh_secret_leading_zero", "dh_public_leading_zeros", "extended_master_secret",
        "encrypt_then_mac", "renegotiation_info", "session_ticket", "server_name", "version",
        "heartbeat", "max_fragment_length", "record_size_limit", "status_request",
        "ocsp_response"}},
      {"target",
       {"certificate", "client_auth", "cipher_suites", "groups", "session_tickets",
        "extended_master_secret", "renegotiation", "versions", "heartbeat", "max_fragment_length",
        "record_size_limit", "ocsp", "sni"}},
      {"connection", {"resume", "steps"}},
      {"send_step",
       {"send", "comment", "set", "malform", "corrupt", "fragment", "coalesce", "record_type",
        "record_version", "protect", "corrupt_record", "seal", "repeat", "hex", "data",
        "pss_salt_length"}},
      {"expect_step", {"expect", "comment"}},
      {"renegotiate_step", {"renegotiate", "comment"}},
      {"expectation",
       {"messages", "optional", "check", "certificate", "alert", "level", "or_warning", "or_close",
        "or_alert", "silence_ms"}},
      {"corrupt", {"xor", "truncate", "append"}},
      {"bytes_xor", {"hex", "at"}},
      {"xor_value", {"xor"}},
      {"malform", {"field", "edit"}},
      {"seal", {"padding", "inner", "xor", "explicit_nonce"}},
  };
  return *sets;
}

const std::vector<std::string_view>& Keys(KeySetId id) { return ScenarioKeySets()[id].keys; }

// rfc_checklist.md numbers its rows 1-58 and splits two: 36b is extra, 45 is 45a and 45b.
const std::vector<std::string_view>& ChecklistRows() {
  // The views point into `storage`, which lives as long as the process.
  static std::vector<std::string>* storage = new std::vector<std::string>();
  static const std::vector<std::string_view>* rows = [] {
    for (int i = 1; i <= 58; ++i) {
      if (i == 45) {
        storage->push_back("45a");
        storage->push_back("45b");
        continue;
      }
      storage->push_back(std::to_string(i));
      if (i == 36) storage->push_back("36b");
    }
    return new std::vector<std::string_view>(storage->begin(), storage->end());
  }();
  return *rows;
}

}  // namespace shakedown
