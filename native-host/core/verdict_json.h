// The JSON shape of verdicts and errors (documented in docs/verdict.md).
// Shared by `inkan ... --json` and the native host, so both say the same.
#pragma once

#include "error.h"
#include "verdict.h"

#include <nlohmann/json.hpp>

namespace inkan {

inline constexpr int kVerdictFormatVersion = 1;

nlohmann::ordered_json to_json(const Verdict& verdict, bool include_pem = true);
nlohmann::ordered_json to_json(const SignerVerdict& signer);
nlohmann::ordered_json to_json(const x509::CertSummary& cert, bool include_pem);

/**
 * Serialises JSON for output. Text taken from messages and certificates may not
 * be valid UTF-8; invalid bytes become U+FFFD instead of failing the whole answer.
 */
std::string dump_json(const nlohmann::ordered_json& j, int indent = -1);

/** {"version":1,"status":"error","error":{"code":..,"message":..,"message_ja":..,"detail":..}} */
nlohmann::ordered_json error_json(const Error& error);

}  // namespace inkan
