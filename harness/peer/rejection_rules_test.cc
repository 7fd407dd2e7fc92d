// What a target must refuse, and how: one scripted peer plays the target for another, so each
// rule is seen broken (the "target" goes on, stays silent, warns) and kept (it alerts).
#include <gtest/gtest.h>

#include "harness/peer/peer_duo_test_util.h"
#include "harness/peer/scripted_peer.h"

namespace shakedown {
namespace {

using namespace ::shakedown::testing;  // NOLINT: the peer's test helpers
using M = MessageName;

SendStep AlertStep(AlertLevel level, AlertDescription description) {
  SendStep s = SendOf(M::kAlert);
  s.set = {SetNumber("description", static_cast<uint8_t>(description)),
           SetNumber("level", static_cast<uint8_t>(level))};
  return s;
}

// The client peer's ChangeCipherSpec before its ClientKeyExchange: out of order (RFC 5246
// 7.4), so the "target" (the server peer) must answer it with a fatal alert at once.
Duo AfterAnOutOfOrderCcs() {
  Duo d = MakeDuo(Suite(kEcdheRsa));
  ClientSends(d, {M::kClientHello});
  ServerSends(d, {M::kServerHello, M::kCertificate, M::kServerKeyExchange, M::kServerHelloDone});
  ClientSends(d, {M::kChangeCipherSpec});
  EXPECT_EQ(Rules(d.client->TakeViolations()), "");
  return d;
}

TEST(RejectionRules, SilenceAfterAMessageToRefuseAtOnceIsAcceptance) {
  Duo d = AfterAnOutOfOrderCcs();
  d.client->CheckUnanswered(/*target_closed=*/false);
  EXPECT_TRUE(HasRule(d.client->TakeViolations(), ViolationRule::kAcceptedOutOfOrder));
}

TEST(RejectionRules, AFatalAlertOrACloseIsARefusal) {
  Duo closed = AfterAnOutOfOrderCcs();
  closed.client->CheckUnanswered(/*target_closed=*/true);
  EXPECT_EQ(Rules(closed.client->TakeViolations()), "");

  Duo alerted = AfterAnOutOfOrderCcs();
  alerted.client->Receive(SendOk(
      *alerted.server, AlertStep(AlertLevel::kFatal, AlertDescription::kUnexpectedMessage)));
  alerted.client->CheckUnanswered(/*target_closed=*/false);
  EXPECT_EQ(Rules(alerted.client->TakeViolations()), "");
}

// A warning (here no_renegotiation, which RFC 5246 7.2.2 allows only after the initial
// handshake) is no fatal alert.
TEST(RejectionRules, AWarningIsNoRefusal) {
  Duo d = AfterAnOutOfOrderCcs();
  d.client->Receive(
      SendOk(*d.server, AlertStep(AlertLevel::kWarning, AlertDescription::kNoRenegotiation)));
  EXPECT_TRUE(HasRule(d.client->TakeViolations(), ViolationRule::kAcceptedOutOfOrder));
}

// RFC 5246 6.2.1 (checklist 4): no zero-length handshake, alert or ChangeCipherSpec record.
TEST(RejectionRules, ZeroLengthFragmentsTheTargetSendsAreFindings) {
  for (uint8_t type : {22, 21, 20}) {
    Duo d = MakeDuo(Suite(kEcdheRsa));
    ClientSends(d, {M::kClientHello});
    d.client->Receive(Bytes{type, 0x03, 0x03, 0x00, 0x00});
    EXPECT_TRUE(HasRule(d.client->TakeViolations(), ViolationRule::kZeroLengthFragment))
        << int{type};
  }
  // The server's real flight, for contrast, breaks nothing.
  Duo d = MakeDuo(Suite(kEcdheRsa));
  ClientSends(d, {M::kClientHello});
  d.client->Receive(SendAll(*d.server, {M::kServerHello}));
  EXPECT_EQ(Rules(d.client->TakeViolations()), "");
}

TEST(RejectionRules, InternalErrorIsAFinding) {
  Duo d = MakeDuo(Suite(kEcdheRsa));
  ClientSends(d, {M::kClientHello});
  d.client->Receive(
      SendOk(*d.server, AlertStep(AlertLevel::kFatal, AlertDescription::kInternalError)));
  EXPECT_TRUE(HasRule(d.client->TakeViolations(), ViolationRule::kInternalError));

  Duo e = MakeDuo(Suite(kEcdheRsa));
  ClientSends(e, {M::kClientHello});
  e.client->Receive(
      SendOk(*e.server, AlertStep(AlertLevel::kFatal, AlertDescription::kHandshakeFailure)));
  EXPECT_EQ(Rules(e.client->TakeViolations()), "");
}

// An RSA handshake up to the server's ServerHelloDone; then the client's ClientKeyExchange.
Duo RsaUpToKeyExchange(const SendStep& cke) {
  Duo d = MakeDuo(Suite(kRsa));
  ClientSends(d, {M::kClientHello});
  ServerSends(d, {M::kServerHello, M::kCertificate, M::kServerHelloDone});
  Bytes b = SendOk(*d.client, cke);
  d.server->Receive(b);
  return d;
}

// RFC 5246 7.4.7.1: with client_version TLS 1.2 the server MUST check the pre-master
// secret's version and go on with a random one; the handshake must then fail at the Finished.
TEST(RejectionRules, CompletingWithABadPreMasterSecretIsReported) {
  for (bool bad : {true, false}) {
    SCOPED_TRACE(bad ? "version 0x0302" : "the offered version");
    SendStep cke = SendOf(M::kClientKeyExchange);
    cke.set = {SetNumber("pre_master_secret.version", bad ? 0x0302 : 0x0303)};
    Duo d = RsaUpToKeyExchange(cke);
    ClientSends(d, {M::kChangeCipherSpec, M::kFinished});
    // Nothing at once: the server reads on until the Finished.
    d.client->CheckUnanswered(/*target_closed=*/false);
    EXPECT_EQ(Rules(d.client->TakeViolations()), "");
    ServerSends(d, {M::kChangeCipherSpec, M::kFinished});  // the "target" completes
    EXPECT_EQ(HasRule(d.client->TakeViolations(), ViolationRule::kAcceptedBadPreMasterSecret),
              bad);
  }
}

TEST(RejectionRules, ABrokenPkcs1BlockMustFailToo) {
  SendStep cke = SendOf(M::kClientKeyExchange);
  cke.set = {Xor("rsa_padding", {0x01}, 1)};  // block type 02 -> 03
  Duo d = RsaUpToKeyExchange(cke);
  ClientSends(d, {M::kChangeCipherSpec, M::kFinished});
  ServerSends(d, {M::kChangeCipherSpec, M::kFinished});
  EXPECT_TRUE(HasRule(d.client->TakeViolations(), ViolationRule::kAcceptedBadPreMasterSecret));
}

// RFC 5246 7.4.7.1: "a TLS server MUST NOT generate an alert if processing an RSA-encrypted
// premaster secret message fails": an alert that answers the ClientKeyExchange alone is a
// padding oracle; after the Finished, it is the expected failure.
TEST(RejectionRules, AnAlertAtTheRsaKeyExchangeIsReported) {
  SendStep cke = SendOf(M::kClientKeyExchange);
  cke.set = {Xor("rsa_padding", {0x01}, 1)};
  const SendStep decrypt_error = AlertStep(AlertLevel::kFatal, AlertDescription::kDecryptError);

  Duo at_once = RsaUpToKeyExchange(cke);
  at_once.client->Receive(SendOk(*at_once.server, decrypt_error));
  EXPECT_TRUE(HasRule(at_once.client->TakeViolations(), ViolationRule::kAlertAtRsaKeyExchange));

  Duo at_finished = RsaUpToKeyExchange(cke);
  ClientSends(at_finished, {M::kChangeCipherSpec, M::kFinished});
  at_finished.client->Receive(SendOk(*at_finished.server, decrypt_error));
  EXPECT_EQ(Rules(at_finished.client->TakeViolations()), "");
}

// RFC 5246 6.2.1: "The length MUST NOT exceed 2^14" (record_overflow, 6.2.3). The server peer
// sends a record header and its body as raw bytes; the "target" client says nothing.
TEST(RejectionRules, SilenceAfterAnOversizedRecordIsAcceptance) {
  for (size_t length : {size_t{1} << 14, (size_t{1} << 14) + 1}) {
    SCOPED_TRACE(length);
    Duo d = MakeDuo(Suite(kEcdheRsa));
    ClientSends(d, {M::kClientHello});
    SendStep header = SendOf(M::kRaw);
    header.raw = {0x16, 0x03, 0x03, static_cast<uint8_t>(length >> 8),
                  static_cast<uint8_t>(length)};
    SendStep body = SendOf(M::kRaw);
    body.raw = {0x00};
    body.repeat = static_cast<int>(length);
    SendOk(*d.server, header);
    SendOk(*d.server, body);
    d.server->CheckUnanswered(/*target_closed=*/false);
    EXPECT_EQ(HasRule(d.server->TakeViolations(), ViolationRule::kAcceptedOversizedRecord),
              length > (size_t{1} << 14));
  }
}

}  // namespace
}  // namespace shakedown
