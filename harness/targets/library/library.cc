#include "harness/targets/library/library.h"

#include <algorithm>
#include <cstring>
#include <exception>
#include <utility>

namespace shakedown {

size_t LibraryIo::Read(uint8_t* out, size_t n) {
  const size_t take = std::min(n, unread());
  if (take > 0) std::memcpy(out, inbound.data() + read_pos, take);
  read_pos += take;
  if (read_pos == inbound.size()) {
    // Everything read: start over so the buffer does not grow with the connection.
    inbound.clear();
    read_pos = 0;
  }
  return take;
}

void LibraryIo::Write(const uint8_t* data, size_t n) {
  outbound.insert(outbound.end(), data, data + n);
}

Result<std::optional<PemCredential>> CredentialFiles(const Scenario& scenario,
                                                     const PemFiles& pem) {
  const CertificateKey key = scenario.target.certificate;
  if (scenario.role == Side::kServer) {
    switch (key) {
      case CertificateKey::kRsa:
        return std::optional<PemCredential>(PemCredential{pem.cert, pem.key});
      case CertificateKey::kEcdsa:
        return std::optional<PemCredential>(PemCredential{pem.ecdsa_cert, pem.ecdsa_key});
      case CertificateKey::kEcdsaP384:
        return std::optional<PemCredential>(
            PemCredential{pem.ecdsa_p384_cert, pem.ecdsa_p384_key});
      case CertificateKey::kEcdsaP521:
        return std::optional<PemCredential>(
            PemCredential{pem.ecdsa_p521_cert, pem.ecdsa_p521_key});
      default:
        return InternalError("target.certificate \"" + std::string(ConfigName(key)) +
                             "\": a server target needs a certificate");
    }
  }
  switch (key) {
    case CertificateKey::kRsa:
      return std::optional<PemCredential>(PemCredential{pem.client_cert, pem.client_key});
    case CertificateKey::kEcdsa:
      return std::optional<PemCredential>(
          PemCredential{pem.ecdsa_client_cert, pem.ecdsa_client_key});
    case CertificateKey::kNone:
      return std::optional<PemCredential>();
    default:
      return InternalError("target.certificate \"" + std::string(ConfigName(key)) +
                           "\": not a client certificate");
  }
}

namespace {

class LibraryTargetConnection final : public TargetConnection {
 public:
  LibraryTargetConnection(std::string name, std::unique_ptr<LibraryConnection> conn)
      : name_(std::move(name)), conn_(std::move(conn)) {
    Drive();  // a client speaks first
  }
  ~LibraryTargetConnection() override { Close(); }

  Status Write(ByteView data) override {
    if (finished()) {
      // As a closed socket: the library is gone (the runner notes it and reads what it said).
      return InternalError("the library closed the connection");
    }
    io_.inbound.insert(io_.inbound.end(), data.begin(), data.end());
    Drive();
    return Status::Ok();
  }

  ReadResult Read(Deadline) override {
    ReadResult r;
    if (!io_.outbound.empty()) {
      r.kind = ReadResult::Kind::kData;
      r.data = std::move(io_.outbound);
      io_.outbound.clear();
    } else if (finished()) {
      r.kind = ReadResult::Kind::kEof;
    } else {
      r.kind = ReadResult::Kind::kSilent;  // the library waits for input
    }
    return r;
  }

  Status CloseWrite() override {
    io_.eof = true;
    if (!finished()) Drive();
    return Status::Ok();
  }

  void Close() override {
    if (closed_) return;
    closed_ = true;
    Guarded("Close", [&] { conn_->Close(io_); });
  }

  bool instant() const override { return true; }
  const Negotiated* negotiated() const override { return failed_ ? nullptr : conn_->negotiated(); }
  std::vector<std::string> TakeNotes() override {
    std::vector<std::string> out = std::move(io_.notes);
    io_.notes.clear();
    return out;
  }

 private:
  bool finished() const { return failed_ || conn_->finished(); }
  void Drive() {
    Guarded("Drive", [&] { conn_->Drive(io_); });
  }
  // A library (or its C++ binding: Botan throws) that throws out of an adapter ends the
  // connection as a closed socket would, with a note; the vector gets its verdict and the run
  // goes on. (An abort() cannot be caught in process: docs/TARGETS.md.)
  template <typename F>
  void Guarded(const char* what, F&& f) {
    if (failed_) return;
    try {
      f();
    } catch (const std::exception& e) {
      failed_ = true;
      io_.Note(name_ + ": " + what + " threw (" + e.what() + "); the connection is closed");
    } catch (...) {
      failed_ = true;
      io_.Note(name_ + ": " + what + " threw a non-standard exception; the connection is closed");
    }
  }

  std::string name_;
  LibraryIo io_;
  std::unique_ptr<LibraryConnection> conn_;
  bool closed_ = false;
  bool failed_ = false;  // the adapter threw: treated as finished from then on
};

class LibraryTarget final : public Target {
 public:
  explicit LibraryTarget(std::unique_ptr<Library> library) : library_(std::move(library)) {}

  Result<std::unique_ptr<TargetConnection>> Connect(const Scenario& scenario,
                                                    size_t index) override {
    Result<std::unique_ptr<LibraryConnection>> conn = InternalError("not opened");
    try {
      conn = library_->Open(scenario, index);
    } catch (const std::exception& e) {
      conn = InternalError(std::string("Open threw: ") + e.what());
    } catch (...) {
      conn = InternalError("Open threw a non-standard exception");
    }
    if (!conn.ok()) {
      return InternalError(library_->name() + " refused the configuration: " +
                           conn.status().message());
    }
    return std::unique_ptr<TargetConnection>(
        new LibraryTargetConnection(library_->name(), std::move(conn).value()));
  }

  std::optional<std::string> Unsupported(const Scenario& scenario) override {
    // Said here once for the adapters that do not map it (each library selects a certificate
    // by server_name its own way: OpenSSL's servername callback, GnuTLS's per-name
    // credentials, Botan's Credentials_Manager hostname).
    if (!scenario.target.sni.empty() && !library_->selects_certificate_by_name()) {
      return "target.sni \"" + scenario.target.sni +
             "\": the in-process adapters do not configure a certificate per server_name yet";
    }
    return library_->Unsupported(scenario);
  }

  std::string describe() const override {
    return library_->name() + " in-process (" + library_->version() + ")";
  }

 private:
  std::unique_ptr<Library> library_;
};

}  // namespace

std::unique_ptr<Target> MakeLibraryTarget(std::unique_ptr<Library> library) {
  return std::make_unique<LibraryTarget>(std::move(library));
}

}  // namespace shakedown
