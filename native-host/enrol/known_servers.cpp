#include "known_servers.h"

#include "error.h"

#include <algorithm>

namespace inkan::enrol {

const std::vector<ServerProfile>& known_servers() {
  // CASTLE's own client (acme_email) joins the token parts as bytes, so CASTLE expects that
  // reading; its root is in no public trust store, so recipients must import it.
  static const std::vector<ServerProfile> servers{
      {"CASTLE Platform", "https://acme.castle.cloud/acme/directory", rfc8823::TokenConcatenation::bytes, false,
       std::chrono::seconds(30), false, "free RFC 8823 CA; its root must be imported by recipients"},
      {"CASTLE Platform (staging)", "https://acme-staging.castle.cloud/acme/directory",
       rfc8823::TokenConcatenation::bytes, false, std::chrono::seconds(30), false, "test certificates only"},
  };
  return servers;
}

ServerProfile profile_for(std::string_view directory_url) {
  for (const auto& s : known_servers()) {
    if (s.directory_url == directory_url) return s;
  }
  ServerProfile p;
  p.directory_url = std::string(directory_url);
  return p;
}

namespace {
ServerProfile server_profile_from_json_unchecked(const nlohmann::json& j);
}  // namespace

nlohmann::json to_json(const ServerProfile& p) {
  return {{"name", p.name},
          {"directory_url", p.directory_url},
          {"concatenation", std::string(rfc8823::to_string(p.concatenation))},
          {"lenient_challenge_checks", p.lenient_challenge_checks},
          {"answer_delay_seconds", p.answer_delay.count()},
          {"publicly_trusted", p.publicly_trusted},
          {"note", p.note}};
}

ServerProfile server_profile_from_json(const nlohmann::json& j) {
  try {
    return server_profile_from_json_unchecked(j);
  } catch (const nlohmann::json::exception& e) {
    throw Error(Errc::usage, std::string("server settings: ") + e.what());
  }
}

namespace {

ServerProfile server_profile_from_json_unchecked(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("directory_url") || !j["directory_url"].is_string()) {
    throw Error(Errc::usage, "server settings without directory_url");
  }
  ServerProfile p = profile_for(j["directory_url"].get<std::string>());
  if (j.contains("name") && j["name"].is_string()) p.name = j["name"].get<std::string>();
  if (j.contains("concatenation")) {
    const auto mode = j["concatenation"].is_string() ? rfc8823::concatenation_from_string(j["concatenation"].get<std::string>())
                                                      : std::nullopt;
    if (!mode) throw Error(Errc::usage, "concatenation must be \"bytes\" or \"string\"");
    p.concatenation = *mode;
  }
  if (j.contains("lenient_challenge_checks") && j["lenient_challenge_checks"].is_boolean()) {
    p.lenient_challenge_checks = j["lenient_challenge_checks"].get<bool>();
  }
  if (j.contains("answer_delay_seconds") && j["answer_delay_seconds"].is_number_integer()) {
    p.answer_delay = std::chrono::seconds(std::clamp<std::int64_t>(j["answer_delay_seconds"].get<std::int64_t>(), 0, 3600));
  }
  if (j.contains("publicly_trusted") && j["publicly_trusted"].is_boolean()) p.publicly_trusted = j["publicly_trusted"].get<bool>();
  if (j.contains("note") && j["note"].is_string()) p.note = j["note"].get<std::string>();
  return p;
}

}  // namespace
}  // namespace inkan::enrol
