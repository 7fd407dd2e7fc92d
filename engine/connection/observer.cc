#include "engine/connection/observer.h"

namespace shakedown {

void KeyLogWriter::OnSecret(std::string_view label, ByteView client_random, ByteView secret) {
  if (label != "CLIENT_RANDOM" || out_ == nullptr) return;
  *out_ << "CLIENT_RANDOM " << ToHex(client_random) << " " << ToHex(secret) << "\n";
  out_->flush();
}

void ObserverList::OnStateChange(std::string_view from, std::string_view to) {
  for (Observer* o : observers_) o->OnStateChange(from, to);
}
void ObserverList::OnMessage(Direction d, const FlowStep& s, ByteView e, size_t offset) {
  for (Observer* o : observers_) o->OnMessage(d, s, e, offset);
}
void ObserverList::OnSecret(std::string_view l, ByteView r, ByteView s) {
  for (Observer* o : observers_) o->OnSecret(l, r, s);
}
void ObserverList::OnAlert(Direction d, AlertLevel l, AlertDescription a) {
  for (Observer* o : observers_) o->OnAlert(d, l, a);
}

}  // namespace shakedown
