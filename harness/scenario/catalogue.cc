#include "harness/scenario/catalogue.h"

namespace shakedown {

std::string_view FieldTypeJson(FieldType type) {
  switch (type) {
    case FieldType::kVersion:
      return "version: `\"TLSv1.2\"` or `\"0x0303\"`";
    case FieldType::kRandom:
      return "64 hex digits";
    case FieldType::kBytes:
      return "hex, or `{\"xor\": {\"hex\": mask, \"at\": N}}`";
    case FieldType::kU8:
      return "integer 0..255";
    case FieldType::kU16:
      return "integer 0..65535";
    case FieldType::kU32:
      return "integer 0..2^32-1";
    case FieldType::kSuiteList:
      return "[suite, ...]";
    case FieldType::kSuite:
      return "suite: IANA name, integer or `\"0xNNNN\"`";
    case FieldType::kGroup:
      return "group: IANA name, integer or `\"0xNNNN\"`";
    case FieldType::kScheme:
      return "scheme: IANA name, integer or `\"0xNNNN\"`";
    case FieldType::kSchemeList:
      return "[scheme, ...]";
    case FieldType::kU8List:
      return "[integer 0..255, ...]";
    case FieldType::kBytesList:
      return "[hex, ...]";
    case FieldType::kAlertName:
      return "alert: IANA name or integer";
    case FieldType::kAlertLevel:
      return "`\"warning\"`, `\"fatal\"` or integer";
    case FieldType::kExtension:
      return "hex body, `{\"xor\": {\"hex\": mask, \"at\": N}}` (set only; not on the whole "
             "`extensions` block), or null";
  }
  return "?";
}

std::string FieldCatalogueMarkdown() {
  std::string out = "| message | field | JSON value | meaning |\n| --- | --- | --- | --- |\n";
  for (const FieldSpec& spec : FieldCatalogue()) {
    out += "| " + std::string(MessageNameString(spec.message)) + " | `" + std::string(spec.field) +
           "` | " + std::string(FieldTypeJson(spec.type)) + " | " + std::string(spec.meaning) +
           " |\n";
  }
  return out;
}

}  // namespace shakedown
