#include "commands.h"
#include "mime/address.h"
#include "smime/inspect.h"
#include "verdict_json.h"

#include <iostream>

namespace inkan::cli {
namespace {

std::string indent(int depth) { return std::string(static_cast<std::size_t>(depth) * 2, ' '); }

std::string str(const nlohmann::ordered_json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

// One CMS object in a few human lines: what it is, who signed or can decrypt, with what.
void print_cms(const nlohmann::ordered_json& cms, int depth) {
  const std::string pad = indent(depth);
  const std::string type = str(cms, "cms_type");
  std::cout << pad << (type.empty() ? "not readable as CMS" : type);
  if (cms.contains("detached") && cms["detached"].is_boolean()) {
    std::cout << (cms["detached"].get<bool>() ? ", detached" : ", content included");
  }
  if (cms.contains("content_cipher")) std::cout << ", " << str(cms, "content_cipher");
  std::cout << "\n";
  if (cms.contains("problem")) std::cout << pad << "  problem: " << str(cms, "problem") << "\n";
  for (const auto& s : cms.value("signers", nlohmann::ordered_json::array())) {
    // A signer is named by its certificate's issuer and serial (RFC 5652 §5.3), not by a subject.
    std::cout << pad << "  signer: certificate #" << str(s, "serial") << " issued by " << str(s, "issuer") << "  "
              << str(s, "digest_algorithm")
              << " / " << str(s, "signature_algorithm") << "\n";
    const auto caps = s.value("capabilities", nlohmann::ordered_json::array());
    if (!caps.empty()) {
      std::cout << pad << "    advertises:";
      for (const auto& c : caps) std::cout << " " << (c.is_string() ? c.get<std::string>() : c.dump());
      std::cout << "\n";
    }
  }
  for (const auto& r : cms.value("recipients", nlohmann::ordered_json::array())) {
    std::cout << pad << "  recipient: " << str(r, "type");
    if (r.contains("algorithm")) std::cout << " " << str(r, "algorithm");
    if (r.contains("issuer")) std::cout << "  certificate #" << str(r, "serial") << " issued by " << str(r, "issuer");
    if (r.contains("subject_key_id")) std::cout << "  key id " << str(r, "subject_key_id");
    std::cout << "\n";
  }
  for (const auto& c : cms.value("certificates", nlohmann::ordered_json::array())) {
    std::cout << pad << "  certificate: " << str(c, "subject") << "  (until " << str(c, "not_after") << ")\n";
  }
}

void print_part(const nlohmann::ordered_json& part, int depth) {
  std::cout << indent(depth) << part.value("part", "") << "  " << part.value("content_type", "") << "  "
            << part.value("transfer_encoding", "") << "  " << part.value("bytes", 0) << " bytes";
  if (part.contains("name")) std::cout << "  name=" << part["name"].get<std::string>();
  std::cout << "\n";
  if (part.contains("cms")) print_cms(part["cms"], depth + 2);
  if (part.contains("problem")) std::cout << indent(depth + 2) << "problem: " << str(part, "problem") << "\n";
  for (const auto& c : part.value("parts", nlohmann::ordered_json::array())) print_part(c, depth + 1);
}

}  // namespace

int run_inspect(const std::vector<std::string>& argv, const Context&) {
  const Args args(argv, {{"--json"}});
  const auto input = io::open_input(args.input());
  const nlohmann::ordered_json j = smime::inspect(*input);
  if (args.flag("--json")) {
    std::cout << dump_json(j, 2) << std::endl;
    return kExitOk;
  }
  if (j.value("format", "") == "cms") {
    print_cms(j["cms"], 0);
    std::cout.flush();
    return kExitOk;
  }
  if (j.contains("headers")) {
    for (const auto& [k, v] : j["headers"].items()) std::cout << k << ": " << mime::decode_words(v.get<std::string>()) << "\n";
    std::cout << "\n";
  }
  print_part(j["structure"], 0);
  std::cout.flush();
  return kExitOk;
}

}  // namespace inkan::cli
