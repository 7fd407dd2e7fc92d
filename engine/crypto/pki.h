// Certificates and keys: PEM loading for configured credentials, the public key of a peer's
// certificate, and a throw-away test PKI (one CA, RSA and ECDSA server and client
// certificates) that can be written out as PEM for other TLS implementations.
#ifndef SHAKEDOWN_ENGINE_CRYPTO_PKI_H_
#define SHAKEDOWN_ENGINE_CRYPTO_PKI_H_

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/status.h"

namespace Botan {
class Private_Key;
class Public_Key;
class RandomNumberGenerator;
}  // namespace Botan

namespace shakedown {

// ---- Loading ----

// Every CERTIFICATE block of a PEM file, as DER, in file order (a chain file is leaf
// first). Errors (internal_error, naming the path): unreadable file, no certificate, bad
// base64, a block that is not a parseable X.509 certificate (named by its index).
Result<std::vector<Bytes>> LoadCertificateChainPem(const std::string& path);

// The first private key in a PEM file: unencrypted PKCS#8 ("PRIVATE KEY"), or the
// traditional OpenSSL forms "RSA PRIVATE KEY" (PKCS#1) and "EC PRIVATE KEY" (RFC 5915,
// named curve); "EC PARAMETERS" blocks are skipped. Encrypted keys are refused.
// Errors (internal_error, naming the path): as above.
Result<std::unique_ptr<Botan::Private_Key>> LoadPrivateKeyPem(const std::string& path);

// The subject public key of a DER certificate, e.g. the peer's leaf (RFC 5246 7.4.2).
// Errors: not a certificate -> bad_certificate; a key Botan cannot load ->
// unsupported_certificate.
Result<std::shared_ptr<const Botan::Public_Key>> PublicKeyFromCertificate(ByteView der);

// What TLS uses from a peer's leaf certificate. Parsed once per distinct certificate in the
// process (engine/crypto/memo.h): X.509 parsing is costly and the same few certificates arrive
// in every handshake. Errors as PublicKeyFromCertificate.
struct LeafCertificate {
  std::shared_ptr<const Botan::Public_Key> key;
  // RFC 5280 4.2.1.3 keyUsage bits; both true when the certificate has no keyUsage.
  bool allows_key_encipherment = true;
  bool allows_digital_signature = true;
};
Result<std::shared_ptr<const LeafCertificate>> ReadLeafCertificate(ByteView der);

// ---- Writing ----

// CERTIFICATE blocks for each DER certificate, in order.
std::string CertificatesToPem(const std::vector<Bytes>& chain_der);
// Unencrypted PKCS#8 ("PRIVATE KEY"). Errors: internal_error.
Result<std::string> PrivateKeyToPem(const Botan::Private_Key& key);
// Writes `contents` to `path` (created or truncated). Errors: internal_error naming the path.
Status WriteTextFile(const std::string& path, const std::string& contents);
// The whole file as bytes (a DER OCSP response, say). Errors: internal_error naming the path.
Result<Bytes> ReadBinaryFile(const std::string& path);
Status WriteCertificateChainPem(const std::string& path, const std::vector<Bytes>& chain_der);
// The key file is created with mode 0600.
Status WritePrivateKeyPem(const std::string& path, const Botan::Private_Key& key);

// ---- Test PKI ----

struct Credential {
  std::vector<Bytes> chain_der;  // leaf first; the CA is not included (it is the trust root)
  std::shared_ptr<Botan::Private_Key> key;
  // Server: the host names (SNI, RFC 6066 3) this credential is for; empty: any name (the
  // default credential of its key type).
  std::vector<std::string> names;
};

// Writes `credential` as `cert_path` (chain) and `key_path` (PKCS#8).
Status WriteCredentialPem(const Credential& credential, const std::string& cert_path,
                          const std::string& key_path);

struct TestPkiOptions {
  // Validity comes from here, never from the clock, so a seeded run is reproducible.
  // Default: 2024-01-01T00:00:00Z for 20 years (UTCTime range, before 2050).
  std::chrono::system_clock::time_point not_before =
      std::chrono::system_clock::time_point(std::chrono::seconds(1704067200));
  std::chrono::seconds validity = std::chrono::hours(24 * 365 * 20);
  // RSA key size for the RSA server and client (and the CA when rsa_ca). RSA key
  // generation dominates the cost; tests may use 1024 (then validate with a lower
  // minimum_key_strength, Botan's default needs 2048).
  size_t rsa_bits = 2048;
  // ECDSA P-256 CA by default (fast); an RSA CA when true.
  bool rsa_ca = false;
  // Server certificates: CN and DNS SAN, plus an IP SAN.
  std::string server_name = "localhost";
  std::string server_ip = "127.0.0.1";
  // The alternate server certificate's CN and DNS SAN (no IP SAN): the second name an SNI
  // server target holds a certificate for (RFC 6066 3).
  std::string alternate_server_name = "alternate.example";
};

struct TestPki {
  Bytes ca_der;  // self-signed; CA:TRUE, keyCertSign|cRLSign
  std::shared_ptr<Botan::Private_Key> ca_key;
  // Servers: CN/DNS SAN server_name, IP SAN server_ip, EKU serverAuth. The RSA server
  // certificate allows digitalSignature|keyEncipherment (RSA key transport and ECDHE_RSA,
  // checklist 41); the ECDSA P-256 one digitalSignature.
  Credential rsa_server;
  Credential ecdsa_server;
  // Clients: EKU clientAuth, digitalSignature.
  Credential rsa_client;
  Credential ecdsa_client;
  // ECDSA servers on the larger curves (as ecdsa_server otherwise), for ecdsa_secp384r1_sha384
  // and ecdsa_secp521r1_sha512 (RFC 8446 4.2.3 pairs each scheme with its curve).
  Credential ecdsa_p384_server;
  Credential ecdsa_p521_server;

  // Certificates a peer must refuse, for the certificate vectors. Each reuses the RSA server's
  // or client's key (no key generation) and differs from it in one way only.
  struct Flawed {
    Credential untrusted_ca;      // issued by `other_ca_der`, which nobody trusts
    Credential expired;           // valid for a year that ended before not_before
    Credential wrong_name;        // server: CN/DNS SAN "wrong-name.invalid", no IP SAN
    Credential no_signing_usage;  // server: keyUsage keyEncipherment only
  };
  Bytes other_ca_der;
  Flawed flawed_server;
  Flawed flawed_client;  // untrusted_ca and expired only

  // A second RSA server certificate, with its own key, for alternate_server_name only (CN and
  // DNS SAN, no IP SAN; usage as rsa_server): what an SNI server selects for that name (RFC
  // 6066 3). Drawn after everything above, so that the rest of the PKI is as it was for a seed.
  Credential alternate_server;
};

// Generates keys and certificates, all drawn from `rng`: with a DeterministicRng the whole
// PKI is a function of the seed and the options. Errors: internal_error.
Result<TestPki> GenerateTestPki(Botan::RandomNumberGenerator& rng,
                                const TestPkiOptions& options = TestPkiOptions());

}  // namespace shakedown

#endif  // SHAKEDOWN_ENGINE_CRYPTO_PKI_H_
