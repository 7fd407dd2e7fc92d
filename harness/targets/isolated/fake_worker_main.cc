// A library worker for isolated_test: `fake_worker abort|loop|segv` serves a fake library that
// misbehaves that way once the peer has sent something.
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>

#include "harness/targets/isolated/isolated.h"
#include "harness/targets/library/library.h"

namespace shakedown {
namespace {

class MisbehavingConnection final : public LibraryConnection {
 public:
  explicit MisbehavingConnection(std::string how) : how_(std::move(how)) {}
  void Drive(LibraryIo& io) override {
    if (io.unread() == 0) return;
    if (how_ == "abort") std::abort();
    if (how_ == "segv") std::raise(SIGSEGV);
    if (how_ == "loop") {
      for (volatile unsigned i = 0;; i = i + 1) {
      }
    }
    io.read_pos = io.inbound.size();
    io.Note("fake: read it");
  }
  bool finished() const override { return false; }
  const Negotiated* negotiated() const override { return nullptr; }

 private:
  std::string how_;
};

class MisbehavingLibrary final : public Library {
 public:
  explicit MisbehavingLibrary(std::string how) : how_(std::move(how)) {}
  std::string name() const override { return "fake"; }
  std::string version() const override { return "fake 1.0"; }
  std::optional<std::string> Unsupported(const Scenario&) const override { return std::nullopt; }
  Result<std::unique_ptr<LibraryConnection>> Open(const Scenario&, size_t) override {
    return std::unique_ptr<LibraryConnection>(new MisbehavingConnection(how_));
  }

 private:
  std::string how_;
};

}  // namespace
}  // namespace shakedown

int main(int argc, char** argv) {
  const std::string how = argc > 1 ? argv[1] : "";
  std::unique_ptr<shakedown::Target> target =
      shakedown::MakeLibraryTarget(std::make_unique<shakedown::MisbehavingLibrary>(how));
  return shakedown::ServeLibraryTarget(*target, 0);
}
