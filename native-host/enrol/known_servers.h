// Per-server settings for RFC 8823, and the servers Inkan knows. Anything not
// listed gets the defaults (strict checks, string concatenation); a user may
// override each setting for a directory URL they add.
#pragma once

#include "rfc8823.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace inkan::enrol {

struct ServerProfile {
  std::string name;           ///< for people; empty for an unlisted server
  std::string directory_url;
  rfc8823::TokenConcatenation concatenation = rfc8823::kDefaultConcatenation;
  /** Auto-Submitted and DKIM/S/MIME become warnings (for servers like acme2certifier that omit them). */
  bool lenient_challenge_checks = false;
  /**
   * Wait between sending the reply mail and telling the server to validate
   * ("{}"): a server that looks before the mail arrived marks the challenge
   * invalid (seen with CASTLE). Not used for other challenge types.
   */
  std::chrono::seconds answer_delay{30};
  bool publicly_trusted = false;  ///< does its root carry the e-mail trust bit in Mozilla's store?
  std::string note;
};

/** The servers shipped with Inkan (CASTLE production and staging). */
const std::vector<ServerProfile>& known_servers();

/** The known profile for this directory URL, or the defaults with that URL. */
ServerProfile profile_for(std::string_view directory_url);

nlohmann::json to_json(const ServerProfile& profile);
ServerProfile server_profile_from_json(const nlohmann::json& j);

}  // namespace inkan::enrol
