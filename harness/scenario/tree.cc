#include "harness/scenario/tree.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <string_view>
#include <system_error>
#include <utility>

#include "harness/scenario/json_text.h"
#include "harness/scenario/parser.h"

namespace shakedown {

namespace fs = std::filesystem;

size_t TreeLoad::loaded() const {
  return static_cast<size_t>(
      std::count_if(vectors.begin(), vectors.end(), [](const LoadedVector& v) { return v.ok(); }));
}

size_t TreeLoad::failed() const { return vectors.size() - loaded(); }

TreeLoad LoadScenarioTree(const std::vector<std::string>& paths) {
  TreeLoad tree;
  std::vector<std::string> files;
  auto is_vector_file = [](const fs::path& p) {
    const std::string name = p.filename().string();
    auto ends_with = [&name](std::string_view suffix) {
      return name.size() >= suffix.size() &&
             name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    return ends_with(".json") && !ends_with(".schema.json");
  };
  for (const std::string& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      size_t before = files.size();
      for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->is_regular_file(ec) && is_vector_file(it->path())) {
          files.push_back(it->path().lexically_normal().string());
        }
      }
      if (ec) {
        tree.vectors.push_back({path, std::nullopt,
                                LoadError{path, "", "cannot walk the directory: " + ec.message()}});
      } else if (files.size() == before) {
        tree.vectors.push_back(
            {path, std::nullopt,
             LoadError{path, "", "no *.json vector files under this directory"}});
      }
    } else {
      // A named file is loaded whatever its name; a missing one is an error entry.
      files.push_back(fs::path(path).lexically_normal().string());
    }
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  for (const std::string& file : files) {
    Parsed parsed = ReadAndParseFile(file);
    tree.vectors.push_back({file, std::move(parsed.scenario), std::move(parsed.error)});
  }
  std::sort(tree.vectors.begin(), tree.vectors.end(),
            [](const LoadedVector& a, const LoadedVector& b) { return a.file < b.file; });

  // Ids name results and reproducers, so they must be unique across everything loaded.
  std::map<std::string, std::string> first_file_of_id;
  for (LoadedVector& v : tree.vectors) {
    if (!v.ok()) continue;
    auto [it, inserted] = first_file_of_id.emplace(v.scenario->id, v.file);
    if (inserted) continue;
    v.error =
        LoadError{v.file, "/id",
                  "duplicate id " + Quote(v.scenario->id) + ": " + it->second + " already uses it"};
    v.scenario.reset();
  }
  return tree;
}

}  // namespace shakedown
