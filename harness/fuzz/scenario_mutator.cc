#include "harness/fuzz/scenario_mutator.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "engine/wire/registry.h"
#include "harness/scenario/loader.h"

namespace shakedown {
namespace {

constexpr int kTries = 8;

using Rng = std::mt19937_64;

size_t Below(Rng& rng, size_t n) { return n == 0 ? 0 : static_cast<size_t>(rng() % n); }
bool Coin(Rng& rng) { return rng() & 1; }

template <typename T>
const T& Pick(Rng& rng, const std::vector<T>& items) {
  return items[Below(rng, items.size())];
}

// A registry value: usually a known one, sometimes any number of the field's width.
uint64_t RegistryValue(Rng& rng, Registry registry, uint64_t max) {
  size_t count = 0;
  const RegistryEntry* entries = RegistryEntries(registry, &count);
  if (count == 0 || Below(rng, 8) == 0) return rng() % (max + 1);
  return entries[Below(rng, count)].value;
}

// Boundary values first: they find length and range checks.
uint64_t Integer(Rng& rng, uint64_t max) {
  switch (Below(rng, 6)) {
    case 0: return 0;
    case 1: return 1;
    case 2: return max;
    case 3: return max - 1;
    case 4: return max / 2 + 1;
    default: return rng() % (max + 1);
  }
}

uint64_t Version(Rng& rng) {
  static const std::vector<uint64_t> kVersions = {0x0303, 0x0302, 0x0301, 0x0300, 0x0304,
                                                  0x0200, 0x0002, 0xfefd, 0x0403, 0x7f1c};
  return Below(rng, 6) == 0 ? rng() % 0x10000 : Pick(rng, kVersions);
}

Bytes RandomBytes(Rng& rng, size_t n) {
  Bytes out(n);
  for (uint8_t& b : out) b = static_cast<uint8_t>(rng());
  return out;
}

std::vector<MessageName> SentMessages(Side side) {
  std::vector<MessageName> out;
  for (MessageName m : AllMessageNames()) {
    if (m == MessageName::kRaw || SentBy(side, m)) out.push_back(m);
  }
  return out;
}

// The fields of `message` that a step may set, with extension fields for every registered
// extension type (and an unregistered one) on the messages that carry extensions.
std::vector<std::string> FieldsOf(MessageName message) {
  std::vector<std::string> out;
  for (const FieldSpec& spec : FieldCatalogue()) {
    if (spec.message == message && spec.type != FieldType::kExtension) {
      out.emplace_back(spec.field);
    }
  }
  if (FindField(message, "extensions") != nullptr) out.emplace_back("extensions");
  return out;
}

std::vector<std::string> ExtensionFieldsOf(MessageName message) {
  std::vector<std::string> out;
  size_t count = 0;
  const RegistryEntry* entries = RegistryEntries(Registry::kExtensionType, &count);
  for (size_t i = 0; i < count; ++i) {
    std::string field = "extensions." + std::string(entries[i].name);
    if (FindField(message, field) != nullptr) out.push_back(std::move(field));
  }
  if (!out.empty()) out.emplace_back("extensions.0x7a7a");  // a GREASE-like unknown type
  return out;
}

std::vector<Step>* StepsOf(Scenario* s, Rng& rng) {
  if (s->connections.empty()) return nullptr;
  return &s->connections[Below(rng, s->connections.size())].steps;
}

// A send step of `steps`, or null.
SendStep* PickSend(std::vector<Step>* steps, Rng& rng) {
  std::vector<SendStep*> sends;
  for (Step& step : *steps) {
    if (auto* send = std::get_if<SendStep>(&step.action)) sends.push_back(send);
  }
  return sends.empty() ? nullptr : sends[Below(rng, sends.size())];
}

void SetSorted(std::vector<FieldEdit>* edits, FieldEdit edit) {
  auto it = std::lower_bound(edits->begin(), edits->end(), edit.field,
                             [](const FieldEdit& e, const std::string& f) { return e.field < f; });
  if (it != edits->end() && it->field == edit.field) {
    *it = std::move(edit);
  } else {
    edits->insert(it, std::move(edit));
  }
}

}  // namespace

std::string_view MutationName(Mutation m) {
  switch (m) {
    case Mutation::kInsertStep: return "insert-step";
    case Mutation::kDeleteStep: return "delete-step";
    case Mutation::kDuplicateStep: return "duplicate-step";
    case Mutation::kSwapSteps: return "swap-steps";
    case Mutation::kReplaceMessage: return "replace-message";
    case Mutation::kSetField: return "set-field";
    case Mutation::kDeleteField: return "delete-field";
    case Mutation::kSetExtension: return "set-extension";
    case Mutation::kPeerConfig: return "peer-config";
    case Mutation::kRecordOptions: return "record-options";
    case Mutation::kInject: return "inject";
    case Mutation::kCorrupt: return "corrupt";
    case Mutation::kRepeat: return "repeat";
    case Mutation::kAddResumption: return "add-resumption";
    case Mutation::kDeleteConnection: return "delete-connection";
    case Mutation::kBytes: return "bytes";
  }
  return "?";
}

ScenarioMutator::ScenarioMutator(ByteMutator bytes, MutatorLimits limits,
                                 DecodedScenarios* decoded)
    : bytes_(std::move(bytes)), limits_(limits), decoded_(decoded) {}

bool ScenarioMutator::Loadable(const Scenario& scenario) const {
  Bytes encoding;
  return Encodes(scenario, &encoding);
}

bool ScenarioMutator::Encodes(const Scenario& scenario, Bytes* encoding) const {
  if (scenario.connections.size() > limits_.max_connections) return false;
  for (const ConnectionScript& c : scenario.connections) {
    if (c.steps.size() > limits_.max_steps) return false;
  }
  Bytes cbor = SerializeScenarioCbor(scenario);
  if (cbor.size() > limits_.max_encoded) return false;
  Result<Scenario> back = ParseScenarioCbor(cbor, scenario.source);
  if (!back.ok() || *back != scenario) return false;
  // What was decoded, not `scenario`: equal, but the steps' json_path come from the decoder.
  if (decoded_ != nullptr) decoded_->Remember(cbor, std::move(back).value());
  *encoding = std::move(cbor);
  return true;
}

void ScenarioMutator::MutateBytes(Bytes* bytes, Rng& rng, size_t min_size) {
  const size_t max = std::max(limits_.max_bytes, min_size);
  if (bytes_) {
    Bytes buffer = *bytes;
    buffer.resize(max);
    size_t n = bytes_(buffer.data(), std::min(bytes->size(), max), max);
    buffer.resize(std::max(std::min(n, max), min_size));
    *bytes = std::move(buffer);
    return;
  }
  switch (Below(rng, 4)) {
    case 0:  // flip a bit
      if (!bytes->empty()) (*bytes)[Below(rng, bytes->size())] ^= 1u << Below(rng, 8);
      break;
    case 1:  // insert a byte
      if (bytes->size() < max) {
        bytes->insert(bytes->begin() + Below(rng, bytes->size() + 1), static_cast<uint8_t>(rng()));
      }
      break;
    case 2:  // erase a byte
      if (bytes->size() > min_size) bytes->erase(bytes->begin() + Below(rng, bytes->size()));
      break;
    default:  // set a byte to a boundary value
      if (!bytes->empty()) {
        static const uint8_t kValues[] = {0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff};
        (*bytes)[Below(rng, bytes->size())] = kValues[Below(rng, 6)];
      }
  }
  if (bytes->size() < min_size) bytes->resize(min_size);
}

bool ScenarioMutator::Mutate(Scenario* scenario, uint64_t seed, Mutation* applied) {
  Bytes encoding;
  return MutateEncoded(scenario, seed, applied, &encoding);
}

bool ScenarioMutator::MutateEncoded(Scenario* scenario, uint64_t seed, Mutation* applied,
                                    Bytes* encoding) {
  encoding->clear();
  Rng rng(seed);
  for (int attempt = 0; attempt < kTries; ++attempt) {
    Scenario candidate = *scenario;
    const auto kind = static_cast<Mutation>(Below(rng, kMutationKinds));
    if (!Apply(kind, &candidate, rng) || candidate == *scenario || !Encodes(candidate, encoding)) {
      continue;
    }
    *scenario = std::move(candidate);
    if (applied != nullptr) *applied = kind;
    return true;
  }
  return false;
}

bool ScenarioMutator::Apply(Mutation kind, Scenario* s, Rng& rng) {
  const Side peer = Other(s->role);
  std::vector<Step>* steps = StepsOf(s, rng);
  if (steps == nullptr) return false;
  auto new_send = [&](MessageName m) {
    SendStep send;
    send.message = m;
    if (m == MessageName::kRaw) send.raw = RandomBytes(rng, 1 + Below(rng, 16));
    if (m == MessageName::kApplicationData) send.raw = RandomBytes(rng, Below(rng, 32));
    Step step;
    step.action = std::move(send);
    return step;
  };
  switch (kind) {
    case Mutation::kInsertStep: {
      if (steps->size() >= limits_.max_steps) return false;
      Step step;
      if (Coin(rng)) {
        step = new_send(Pick(rng, SentMessages(peer)));
      } else {
        Expectation expect;
        std::vector<MessageName> theirs;
        for (MessageName m : SentMessages(s->role)) {
          if (m != MessageName::kRaw && m != MessageName::kAlert) theirs.push_back(m);
        }
        switch (Below(rng, 3)) {
          case 0: expect.messages = {Pick(rng, theirs)}; break;
          case 1:
            expect.alerts = {static_cast<AlertDescription>(
                RegistryValue(rng, Registry::kAlertDescription, 255))};
            expect.close = Coin(rng);
            break;
          default: expect.close = true;
        }
        step.action = std::move(expect);
      }
      steps->insert(steps->begin() + Below(rng, steps->size() + 1), std::move(step));
      return true;
    }
    case Mutation::kDeleteStep:
      if (steps->size() <= 1) return false;
      steps->erase(steps->begin() + Below(rng, steps->size()));
      return true;
    case Mutation::kDuplicateStep: {
      if (steps->empty() || steps->size() >= limits_.max_steps) return false;
      const size_t i = Below(rng, steps->size());
      Step copy = (*steps)[i];
      steps->insert(steps->begin() + i + 1, std::move(copy));
      return true;
    }
    case Mutation::kSwapSteps: {
      if (steps->size() < 2) return false;
      const size_t i = Below(rng, steps->size() - 1);
      const size_t j = Coin(rng) ? i + 1 : Below(rng, steps->size());
      std::swap((*steps)[i], (*steps)[j]);
      return true;
    }
    case Mutation::kReplaceMessage: {
      SendStep* send = PickSend(steps, rng);
      if (send == nullptr) return false;
      Step replacement = new_send(Pick(rng, SentMessages(peer)));
      *send = std::get<SendStep>(std::move(replacement.action));
      return true;
    }
    case Mutation::kSetField: {
      SendStep* send = PickSend(steps, rng);
      if (send == nullptr) return false;
      const std::vector<std::string> fields = FieldsOf(send->message);
      if (fields.empty()) return false;
      const std::string field = Pick(rng, fields);
      const FieldSpec* spec = FindField(send->message, field);
      if (spec == nullptr) return false;
      FieldEdit edit;
      edit.field = field;
      FieldValue& v = edit.value;
      switch (spec->type) {
        case FieldType::kVersion: v.value = Version(rng); break;
        case FieldType::kRandom: v.value = RandomBytes(rng, 32); break;
        case FieldType::kBytes:
          if (Coin(rng)) {
            v.value = BytesXor{RandomBytes(rng, 1 + Below(rng, 2)),
                               static_cast<int64_t>(Below(rng, 8)) - 4};
          } else {
            v.value = RandomBytes(
                rng, Below(rng, 4) == 0 ? Below(rng, limits_.max_bytes) : Below(rng, 48));
          }
          break;
        case FieldType::kU8: v.value = Integer(rng, 0xff); break;
        case FieldType::kU16: v.value = Integer(rng, 0xffff); break;
        case FieldType::kU32: v.value = Integer(rng, 0xffffffff); break;
        case FieldType::kSuite: v.value = RegistryValue(rng, Registry::kCipherSuite, 0xffff); break;
        case FieldType::kGroup: v.value = RegistryValue(rng, Registry::kNamedGroup, 0xffff); break;
        case FieldType::kScheme:
          v.value = RegistryValue(rng, Registry::kSignatureScheme, 0xffff);
          break;
        case FieldType::kAlertName:
          v.value = RegistryValue(rng, Registry::kAlertDescription, 0xff);
          break;
        case FieldType::kAlertLevel:
          v.value = Below(rng, 4) == 0 ? Integer(rng, 0xff) : 1 + Below(rng, 2);
          break;
        case FieldType::kSuiteList:
        case FieldType::kSchemeList:
        case FieldType::kU8List: {
          const Registry r = spec->type == FieldType::kSuiteList ? Registry::kCipherSuite
                                                                 : Registry::kSignatureScheme;
          std::vector<uint64_t> list(Below(rng, limits_.max_list + 1));
          for (uint64_t& x : list) {
            x = spec->type == FieldType::kU8List ? Integer(rng, 0xff)
                                                 : RegistryValue(rng, r, 0xffff);
          }
          v.value = std::move(list);
          break;
        }
        case FieldType::kBytesList: {
          std::vector<Bytes> list(Below(rng, 4));
          for (Bytes& b : list) b = RandomBytes(rng, Below(rng, 48));
          v.value = std::move(list);
          break;
        }
        case FieldType::kExtension: v.value = RandomBytes(rng, Below(rng, 16)); break;
      }
      SetSorted(&send->set, std::move(edit));
      return true;
    }
    case Mutation::kDeleteField: {
      SendStep* send = PickSend(steps, rng);
      if (send == nullptr || send->set.empty()) return false;
      send->set.erase(send->set.begin() + Below(rng, send->set.size()));
      return true;
    }
    case Mutation::kSetExtension: {
      SendStep* send = PickSend(steps, rng);
      if (send == nullptr) return false;
      const std::vector<std::string> fields = ExtensionFieldsOf(send->message);
      if (fields.empty()) return false;
      FieldEdit edit;
      edit.field = Pick(rng, fields);
      if (Below(rng, 3) == 0) {
        edit.value.value = std::monostate{};  // delete the extension
      } else {
        edit.value.value = RandomBytes(rng, Below(rng, 4) == 0 ? 0 : Below(rng, 24));
      }
      SetSorted(&send->set, std::move(edit));
      return true;
    }
    case Mutation::kPeerConfig: {
      PeerConfig& p = s->peer;
      switch (Below(rng, 11)) {
        case 0: {
          std::vector<uint16_t> suites(1 + Below(rng, 4));
          for (uint16_t& id : suites) {
            id = static_cast<uint16_t>(RegistryValue(rng, Registry::kCipherSuite, 0xffff));
          }
          p.cipher_suites = std::move(suites);
          break;
        }
        case 1:
          p.groups = {static_cast<NamedGroup>(RegistryValue(rng, Registry::kNamedGroup, 0xffff))};
          break;
        case 2:
          p.signature_schemes = {
              static_cast<SignatureScheme>(RegistryValue(rng, Registry::kSignatureScheme, 0xffff))};
          break;
        case 3: p.version = static_cast<ProtocolVersion>(Version(rng)); break;
        case 4: p.extended_master_secret = !p.extended_master_secret; break;
        case 5: p.renegotiation_info = !p.renegotiation_info; break;
        case 6: p.encrypt_then_mac = !p.encrypt_then_mac; break;
        case 7:
          // A server peer's DH parameters (the parser refuses them for a client peer).
          if (s->role == Side::kClient) {
            p.dh_group = std::string(DhGroupChoices()[Below(rng, DhGroupChoices().size())]);
          } else {
            p.dh_secret_leading_zero = !p.dh_secret_leading_zero;
          }
          // Either role: a left-padded DH public value (the same number).
          if (Coin(rng)) p.dh_public_leading_zeros = static_cast<uint8_t>(Below(rng, 3));
          break;
        case 8:
          // RFC 6520 2: offer / answer heartbeat in either mode, or not at all.
          p.heartbeat =
              static_cast<HeartbeatMode>((static_cast<int>(p.heartbeat) + 1 + Below(rng, 2)) % 3);
          break;
        case 9: {
          // RFC 6066 4 lengths and RFC 8449 limits the parser accepts (0: none).
          static constexpr uint16_t kLengths[] = {0, 512, 1024, 2048, 4096};
          // Only a client peer asks for a length (the parser refuses it for a server peer).
          if (s->role == Side::kServer) {
            p.max_fragment_length = kLengths[Below(rng, std::size(kLengths))];
          }
          p.record_size_limit =
              Below(rng, 2) == 0 ? 0 : static_cast<uint16_t>(64 + Below(rng, 16384 - 64 + 1));
          break;
        }
        default: p.session_ticket = !p.session_ticket; break;
      }
      return true;
    }
    case Mutation::kRecordOptions: {
      SendStep* send = PickSend(steps, rng);
      if (send == nullptr) return false;
      RecordOptions& r = send->record;
      switch (Below(rng, 6)) {
        case 0: r.fragment = 1 + Below(rng, 64); break;
        case 1: r.coalesce_with_next = !r.coalesce_with_next; break;
        case 2:
          r.content_type = static_cast<uint8_t>(Coin(rng) ? 20 + Below(rng, 5) : rng());
          break;
        case 3: r.version = static_cast<uint16_t>(Version(rng)); break;
        case 4: r.protect = Coin(rng); break;
        default:
          r.corrupt_record =
              BytesXor{RandomBytes(rng, 1), static_cast<int64_t>(Below(rng, 32)) - 16};
          if ((*r.corrupt_record).mask[0] == 0) (*r.corrupt_record).mask[0] = 1;
      }
      return true;
    }
    case Mutation::kInject: {
      if (steps->size() >= limits_.max_steps) return false;
      static const std::vector<MessageName> kInjected = {
          MessageName::kChangeCipherSpec, MessageName::kAlert,     MessageName::kApplicationData,
          MessageName::kHelloRequest,     MessageName::kHeartbeat, MessageName::kRaw};
      std::vector<MessageName> allowed;
      for (MessageName m : kInjected) {
        if (m == MessageName::kRaw || SentBy(peer, m)) allowed.push_back(m);
      }
      Step step = new_send(Pick(rng, allowed));
      steps->insert(steps->begin() + Below(rng, steps->size() + 1), std::move(step));
      return true;
    }
    case Mutation::kCorrupt: {
      SendStep* send = PickSend(steps, rng);
      if (send == nullptr || send->message == MessageName::kRaw) return false;
      Corruption& c = send->corrupt;
      switch (Below(rng, 3)) {
        case 0: {
          Bytes mask = RandomBytes(rng, 1 + Below(rng, 2));
          if (mask[0] == 0) mask[0] = 0x80;
          c.xor_bytes = BytesXor{std::move(mask), static_cast<int64_t>(Below(rng, 64)) - 32};
          break;
        }
        case 1: c.truncate = Below(rng, 64); break;
        default: c.append = RandomBytes(rng, 1 + Below(rng, 8));
      }
      return true;
    }
    case Mutation::kRepeat: {
      SendStep* send = PickSend(steps, rng);
      if (send == nullptr) return false;
      send->repeat = 1 + static_cast<int>(Below(rng, limits_.max_repeat));
      return true;
    }
    case Mutation::kAddResumption: {
      if (s->connections.size() >= limits_.max_connections) return false;
      ConnectionScript again = s->connections[Below(rng, s->connections.size())];
      again.resume = true;
      s->connections.push_back(std::move(again));
      return true;
    }
    case Mutation::kDeleteConnection:
      if (s->connections.size() <= 1) return false;
      s->connections.erase(s->connections.begin() + 1 + Below(rng, s->connections.size() - 1));
      return true;
    case Mutation::kBytes: {
      std::vector<Bytes*> fields;
      for (ConnectionScript& c : s->connections) {
        for (Step& step : c.steps) {
          auto* send = std::get_if<SendStep>(&step.action);
          if (send == nullptr) continue;
          if (!send->raw.empty() || send->message == MessageName::kApplicationData) {
            fields.push_back(&send->raw);
          }
          if (!send->corrupt.append.empty()) fields.push_back(&send->corrupt.append);
          for (FieldEdit& e : send->set) {
            if (auto* b = std::get_if<Bytes>(&e.value.value)) fields.push_back(b);
            if (auto* x = std::get_if<BytesXor>(&e.value.value)) fields.push_back(&x->mask);
          }
        }
      }
      if (fields.empty()) return false;
      Bytes* field = fields[Below(rng, fields.size())];
      // A random keeps 32 bytes and a mask at least one; the round trip rejects the rest.
      MutateBytes(field, rng, field->size() == 32 ? 32 : 0);
      return true;
    }
  }
  return false;
}

namespace {

// `mine` up to its last send, then `theirs` after its first send of the same message: a
// deviation (most seeds stop at the alert they expect) followed by the rest of a normal
// flight, without which a target that accepts the deviation and waits shows nothing.
bool ContinueAfterLastSend(std::vector<Step>* mine, const std::vector<Step>& theirs,
                           size_t max_steps) {
  size_t last = mine->size();
  for (size_t i = mine->size(); i-- > 0;) {
    if (std::holds_alternative<SendStep>((*mine)[i].action)) {
      last = i;
      break;
    }
  }
  if (last == mine->size()) return false;
  const MessageName name = std::get<SendStep>((*mine)[last].action).message;
  for (size_t j = 0; j < theirs.size(); ++j) {
    const auto* send = std::get_if<SendStep>(&theirs[j].action);
    if (send == nullptr || send->message != name) continue;
    mine->resize(last + 1);
    for (size_t k = j + 1; k < theirs.size() && mine->size() < max_steps; ++k) {
      mine->push_back(theirs[k]);
    }
    return true;
  }
  return false;
}

}  // namespace

Scenario ScenarioMutator::CrossOver(const Scenario& a, const Scenario& b, uint64_t seed) {
  Bytes encoding;
  return CrossOverEncoded(a, b, seed, &encoding);
}

Scenario ScenarioMutator::CrossOverEncoded(const Scenario& a, const Scenario& b, uint64_t seed,
                                           Bytes* encoding) {
  encoding->clear();
  Rng rng(seed);
  for (int attempt = 0; attempt < kTries; ++attempt) {
    Scenario out = a;
    const bool same_role = a.role == b.role && !out.connections.empty() && !b.connections.empty();
    if (same_role && Coin(rng)) {
      // The last connection (where a seed's deviation is) goes on as b's same-numbered one.
      const size_t i = out.connections.size() - 1;
      const ConnectionScript& theirs = b.connections[std::min(i, b.connections.size() - 1)];
      if (!ContinueAfterLastSend(&out.connections[i].steps, theirs.steps, limits_.max_steps)) {
        continue;
      }
    } else if (same_role && Coin(rng)) {
      std::vector<Step>& mine = out.connections[Below(rng, out.connections.size())].steps;
      const std::vector<Step>& theirs = b.connections[Below(rng, b.connections.size())].steps;
      const size_t keep = Below(rng, mine.size() + 1);
      const size_t from = Below(rng, theirs.size() + 1);
      mine.resize(keep);
      for (size_t i = from; i < theirs.size() && mine.size() < limits_.max_steps; ++i) {
        mine.push_back(theirs[i]);
      }
    } else if (a.role == b.role && !b.connections.empty() &&
               out.connections.size() < limits_.max_connections) {
      ConnectionScript extra = b.connections[Below(rng, b.connections.size())];
      extra.resume = true;
      out.connections.push_back(std::move(extra));
    } else {
      out.peer = b.peer;  // roles differ: take the other's peer settings only
    }
    if (out != a && Encodes(out, encoding)) return out;
  }
  return a;
}

std::shared_ptr<const Scenario> ScenarioMutator::DecodeOr(ByteView cbor,
                                                          const Scenario& fallback) {
  if (decoded_ != nullptr) {
    std::shared_ptr<const Scenario> scenario = decoded_->Decode(cbor);
    return scenario != nullptr ? scenario : std::make_shared<const Scenario>(fallback);
  }
  Result<Scenario> parsed = ParseScenarioCbor(cbor, DecodedScenarios::kSourceName);
  return std::make_shared<const Scenario>(parsed.ok() ? std::move(parsed).value() : fallback);
}

size_t ScenarioMutator::MutateCbor(uint8_t* data, size_t size, size_t max_size, unsigned seed,
                                   const Scenario& fallback) {
  std::shared_ptr<const Scenario> input = DecodeOr(ByteView(data, size), fallback);
  Scenario scenario = *input;
  Bytes out;
  if (!MutateEncoded(&scenario, seed, nullptr, &out)) out = SerializeScenarioCbor(scenario);
  if (out.size() > max_size) return size;  // too large for libFuzzer's buffer: keep the input
  std::copy(out.begin(), out.end(), data);
  return out.size();
}

size_t ScenarioMutator::CrossOverCbor(const uint8_t* a, size_t a_size, const uint8_t* b,
                                      size_t b_size, uint8_t* out, size_t max_out, unsigned seed,
                                      const Scenario& fallback) {
  std::shared_ptr<const Scenario> sa = DecodeOr(ByteView(a, a_size), fallback);
  std::shared_ptr<const Scenario> sb = DecodeOr(ByteView(b, b_size), fallback);
  Bytes encoded;
  const Scenario mixed = CrossOverEncoded(*sa, *sb, seed, &encoded);
  if (encoded.empty()) encoded = SerializeScenarioCbor(mixed);  // `a` unchanged
  if (encoded.size() > max_out) return 0;
  std::copy(encoded.begin(), encoded.end(), out);
  return encoded.size();
}

}  // namespace shakedown
