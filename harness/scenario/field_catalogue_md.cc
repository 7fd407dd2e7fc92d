// Prints the field catalogue (scenario.h FieldCatalogue()) as the markdown table that
// docs/SCENARIOS.md embeds; docs_test fails when the two differ.
#include <cstdio>

#include "harness/scenario/catalogue.h"

int main() {
  std::fputs(shakedown::FieldCatalogueMarkdown().c_str(), stdout);
  return 0;
}
