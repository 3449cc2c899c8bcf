// One function per command; main.cpp holds the table that maps names to them.
#pragma once

#include "common.h"

#include <string>
#include <vector>

namespace inkan::cli {

int run_sign(const std::vector<std::string>& argv, const Context& ctx);
int run_verify(const std::vector<std::string>& argv, const Context& ctx);
int run_encrypt(const std::vector<std::string>& argv, const Context& ctx);
int run_decrypt(const std::vector<std::string>& argv, const Context& ctx);
int run_inspect(const std::vector<std::string>& argv, const Context& ctx);
int run_lint(const std::vector<std::string>& argv, const Context& ctx);
int run_trust(const std::vector<std::string>& argv, const Context& ctx);
int run_trust_builtin(const std::vector<std::string>& argv, const Context& ctx);
int run_csr(const std::vector<std::string>& argv, const Context& ctx);
int run_acme(const std::vector<std::string>& argv, const Context& ctx);
int run_ca(const std::vector<std::string>& argv, const Context& ctx);       ///< ca init|issue|list|revoke|crl
int run_actalis(const std::vector<std::string>& argv, const Context& ctx);  ///< actalis code
int run_id(const std::vector<std::string>& argv, const Context& ctx);     ///< id import|export|export-cert|list|expiring|delete
int run_trust(const std::vector<std::string>& argv, const Context& ctx);  ///< trust list|add|distrust|remove
int run_store(const std::vector<std::string>& argv, const Context& ctx);  ///< store passwd|status
int run_contact(const std::vector<std::string>& argv, const Context& ctx);  ///< contact list|show|harvest|accept|reject|delete|lookup|import

}  // namespace inkan::cli
