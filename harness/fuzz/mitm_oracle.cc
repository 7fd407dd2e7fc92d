#include "harness/fuzz/mitm_oracle.h"

#include <cstring>

namespace shakedown {
namespace {

const char* Name(bool client) { return client ? "client" : "server"; }

Bytes Prefix(const Bytes& bytes, size_t n) {
  return Bytes(bytes.begin(), bytes.begin() + (n < bytes.size() ? n : bytes.size()));
}

Bytes MessageOf(bool client) {
  const char* m = client ? kMitmClientMessage : kMitmServerMessage;
  return Bytes(m, m + std::strlen(m));
}

// The rules for side `x` (the client when `x_is_client`), whose peer is `y`.
void JudgeSide(const MitmSideRecord& x, const MitmSideRecord& y, bool x_is_client, int connection,
               std::vector<MitmFinding>* out) {
  const std::string who = Name(x_is_client);
  const std::string peer = Name(!x_is_client);
  auto add = [&](const char* rule, std::string message) {
    out->push_back({rule, connection, who + ": " + std::move(message)});
  };
  if (!x.activity_after_fatal_alert.empty()) {
    add("mitm_activity_after_fatal_alert", x.activity_after_fatal_alert);
  }
  if (x.application_data_before_complete) {
    add("mitm_application_data_before_finished",
        "delivered application data before its handshake completed");
  }
  if (!x.application_data_received.empty()) {
    if (!y.sent_application_data) {
      add("mitm_application_data_altered",
          "delivered " + std::to_string(x.application_data_received.size()) +
              " bytes of application data the " + peer + " never sent");
    } else if (x.application_data_received != MessageOf(!x_is_client)) {
      add("mitm_application_data_altered", "delivered application data " +
                                               ToHex(x.application_data_received) + ", the " +
                                               peer + " sent " + ToHex(MessageOf(!x_is_client)));
    }
  }
  if (!x.completed) return;
  if (x.finished_received.empty()) {
    add("mitm_finished_not_from_peer", "completed without receiving a Finished");
    return;
  }
  if (y.finished_sent != x.finished_received) {
    add("mitm_finished_not_from_peer",
        "completed on Finished " + ToHex(x.finished_received) + " but the " + peer +
            (y.finished_sent.empty() ? " sent none" : " sent " + ToHex(y.finished_sent)));
    return;
  }
  const Bytes mine = Prefix(x.transcript, x.transcript_before_finished_received);
  const Bytes theirs = Prefix(y.transcript, y.transcript_before_finished_sent);
  if (mine != theirs) {
    add("mitm_transcripts_differ", "completed on the " + peer +
                                       "'s Finished, but its transcript before it (" +
                                       std::to_string(mine.size()) + " bytes) differs from the " +
                                       peer + "'s (" + std::to_string(theirs.size()) + " bytes)");
  }
  if (x.master_secret != y.master_secret) {
    add("mitm_secrets_differ", "completed with master secret " + ToHex(x.master_secret) + ", the " +
                                   peer + " has " + ToHex(y.master_secret));
  }
  if (x.cipher_suite != y.cipher_suite || x.version != y.version ||
      x.extended_master_secret != y.extended_master_secret || x.resumed != y.resumed) {
    auto describe = [](const MitmSideRecord& s) {
      return "suite " +
             ToHex(Bytes{static_cast<uint8_t>(s.cipher_suite >> 8),
                         static_cast<uint8_t>(s.cipher_suite)}) +
             ", version " + std::to_string(s.version) + ", EMS " +
             (s.extended_master_secret ? "on" : "off") + ", " + (s.resumed ? "resumed" : "full");
    };
    add("mitm_parameters_differ",
        "completed with " + describe(x) + "; the " + peer + " has " + describe(y));
  }
}

}  // namespace

std::vector<MitmFinding> JudgeMitmConnection(const MitmConnectionRecord& r, int connection) {
  std::vector<MitmFinding> out;
  JudgeSide(r.client, r.server, true, connection, &out);
  JudgeSide(r.server, r.client, false, connection, &out);
  const bool both = r.client.completed && r.server.completed;
  if (both && r.client.transcript != r.server.transcript) {
    out.push_back({"mitm_transcripts_differ", connection,
                   "both completed with different transcripts (client " +
                       std::to_string(r.client.transcript.size()) + " bytes, server " +
                       std::to_string(r.server.transcript.size()) + " bytes)"});
  }
  if (r.offered_session) {
    for (const MitmSideRecord* s : {&r.client, &r.server}) {
      if (s->completed && s->resumed && s->master_secret != r.offered_master_secret) {
        out.push_back({"mitm_resumed_other_secret", connection,
                       std::string(Name(s == &r.client)) +
                           ": resumed with a master secret other than the offered session's"});
      }
    }
  }
  if (!r.tampered) {
    std::string why;
    for (bool client : {true, false}) {
      const MitmSideRecord& s = client ? r.client : r.server;
      const std::string who = Name(client);
      if (!s.completed) why += who + " did not complete; ";
      if (s.fatal_alert_sent) why += who + " sent a fatal alert; ";
      if (s.warning_alert_sent) why += who + " sent a warning alert; ";
      if (s.fatal_alert_received) why += who + " received a fatal alert; ";
      if (s.completed && s.application_data_received != MessageOf(!client)) {
        why += who + " did not receive the peer's application message; ";
      }
    }
    if (!why.empty()) {
      why.resize(why.size() - 2);
      out.push_back({"mitm_untampered_failed", connection, why});
    } else if (r.resumption_expected && !(r.client.resumed && r.server.resumed)) {
      out.push_back({"mitm_untampered_not_resumed", connection,
                     std::string("the session of an unbroken first connection was offered, ") +
                         "client " + (r.client.resumed ? "resumed" : "did not resume") +
                         ", server " + (r.server.resumed ? "resumed" : "did not resume")});
    }
  }
  return out;
}

}  // namespace shakedown
