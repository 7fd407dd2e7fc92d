#include "vectors/generator/generated_files.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace shakedown {

namespace fs = std::filesystem;

namespace {
bool Ours(const fs::path& path) {
  return path.filename() == "README.md" || path.extension() == ".json";
}
}  // namespace

Status WriteGeneratedFiles(const std::vector<GeneratedFile>& files, const std::string& dir,
                           std::vector<std::string>* removed) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return InternalError("cannot create " + dir + ": " + ec.message());
  std::set<std::string> keep;
  for (const GeneratedFile& f : files) keep.insert(f.name);
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (!e.is_regular_file() || !Ours(e.path()) || keep.count(name) != 0) continue;
    fs::remove(e.path(), ec);
    if (ec) return InternalError("cannot remove " + e.path().string() + ": " + ec.message());
    if (removed != nullptr) removed->push_back(name);
  }
  if (ec) return InternalError("cannot list " + dir + ": " + ec.message());
  for (const GeneratedFile& f : files) {
    const fs::path path = fs::path(dir) / f.name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << f.content;
    out.close();
    if (!out) return InternalError("cannot write " + path.string());
  }
  return Status::Ok();
}

std::vector<GeneratedFile> ReadGeneratedFiles(const std::string& dir) {
  std::vector<GeneratedFile> out;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    if (!e.is_regular_file() || !Ours(e.path())) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    out.push_back({e.path().filename().string(), text.str()});
  }
  std::sort(out.begin(), out.end(),
            [](const GeneratedFile& a, const GeneratedFile& b) { return a.name < b.name; });
  return out;
}

}  // namespace shakedown
