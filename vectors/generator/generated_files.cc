#include "vectors/generator/generated_files.h"

#include <CLI/CLI.hpp>

#include "harness/scenario/loader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
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

Status AddGeneratedVector(const Scenario& s, const std::string& dir,
                          std::vector<GeneratedFile>* files, std::set<std::string>* ids) {
  if (!ids->insert(s.id).second) return InternalError("two vectors with id " + s.id);
  // "server.malformed.client-hello.trailing" -> "server-client-hello-trailing.json"
  const size_t role_end = s.id.find('.');
  const size_t topic_end = s.id.find('.', role_end + 1);
  std::string name = s.id.substr(0, role_end) + "-" + s.id.substr(topic_end + 1);
  std::replace(name.begin(), name.end(), '.', '-');
  const std::string text = SerializeScenarioJson(s);
  Result<Scenario> back = ParseScenarioJson(text, dir + "/" + name + ".json");
  if (!back.ok()) return InternalError("generated " + s.id + ": " + back.status().message());
  if (SerializeScenarioJson(*back) != text) {
    return InternalError("generated " + s.id + " does not load back unchanged");
  }
  files->push_back({name + ".json", text});
  return Status::Ok();
}

int GeneratorMain(int argc, char** argv, const std::string& name, const std::string& about,
                  const std::string& dir, const std::function<Result<Generated>()>& generate) {
  CLI::App app{about};
  std::string out;
  app.add_option("--out", out, "Directory to write (" + dir + " of the checkout)")->required();
  CLI11_PARSE(app, argc, argv);
  Result<Generated> generated = generate();
  if (!generated.ok()) {
    std::cerr << name << ": " << generated.status().message() << "\n";
    return 1;
  }
  std::vector<std::string> removed;
  Status s = WriteGeneratedFiles(generated->files, out, &removed);
  if (!s.ok()) {
    std::cerr << name << ": " << s.message() << "\n";
    return 1;
  }
  std::cout << generated->summary << "wrote " << generated->files.size() << " files to " << out;
  if (!removed.empty()) std::cout << "; removed " << removed.size() << " stale";
  std::cout << "\n";
  for (const std::string& r : removed) std::cout << "  removed " << r << "\n";
  return 0;
}

}  // namespace shakedown
