// inkan: the S/MIME engine on the command line.
#include "commands.h"
#include "error.h"
#include "help.h"
#include "ossl/library.h"

#include <algorithm>
#include <ctime>
#include <iostream>
#include <new>
#include <string>
#include <vector>

#ifndef INKAN_VERSION
#define INKAN_VERSION "0.0.0"
#endif

namespace {

using inkan::cli::Context;

struct Command {
  const char* name;
  int (*run)(const std::vector<std::string>&, const Context&);
};

constexpr Command kCommands[] = {
    {"sign", inkan::cli::run_sign},       {"verify", inkan::cli::run_verify},   {"encrypt", inkan::cli::run_encrypt},
    {"decrypt", inkan::cli::run_decrypt}, {"inspect", inkan::cli::run_inspect},   {"lint", inkan::cli::run_lint},
    {"id", inkan::cli::run_id},           {"trust", inkan::cli::run_trust},       {"store", inkan::cli::run_store},
    {"csr", inkan::cli::run_csr},         {"acme", inkan::cli::run_acme},         {"contact", inkan::cli::run_contact},
    {"ca", inkan::cli::run_ca},           {"actalis", inkan::cli::run_actalis},
};

bool wants_help(const std::vector<std::string>& args) {
  return std::any_of(args.begin(), args.end(), [](const std::string& a) { return a == "--help" || a == "-h"; });
}

}  // namespace

int main(int argc, char** argv) {
  inkan::ossl::skip_error_strings();
  std::vector<std::string> args(argv + 1, argv + argc);
  Context ctx;
  ctx.lang = inkan::lang_from_environment();
  ctx.now = static_cast<std::int64_t>(std::time(nullptr));

  while (!args.empty() && args.front().rfind("--", 0) == 0) {
    if (args.front() == "--version") {
      std::cout << "inkan " << INKAN_VERSION << std::endl;
      return 0;
    }
    if (args.front() == "--help") {
      inkan::cli::print_usage(std::cout, ctx.lang);
      return 0;
    }
    if (args.front() == "--lang" && args.size() >= 2) {
      ctx.lang = args[1] == "ja" ? inkan::Lang::ja : inkan::Lang::en;
      args.erase(args.begin(), args.begin() + 2);
      continue;
    }
    break;
  }
  if (args.empty()) {
    inkan::cli::print_usage(std::cerr, ctx.lang);
    return inkan::cli::kExitUsage;
  }
  if (args.front() == "help") {
    if (args.size() == 1) {
      inkan::cli::print_usage(std::cout, ctx.lang);
      return 0;
    }
    std::string topic = args[1];
    for (std::size_t i = 2; i < args.size(); ++i) topic += " " + args[i];  // "help id import"
    if (inkan::cli::print_command_help(topic, std::cout, ctx.lang)) return 0;
    std::cerr << "inkan: unknown command " << topic << "\n\n";
    inkan::cli::print_usage(std::cerr, ctx.lang);
    return inkan::cli::kExitUsage;
  }
  const std::string name = args.front();
  args.erase(args.begin());
  std::string topic = name;
  if (inkan::cli::is_command_group(name) && !args.empty() && args.front().rfind("-", 0) != 0) topic += " " + args.front();
  if (wants_help(args) && inkan::cli::print_command_help(topic, std::cout, ctx.lang)) return 0;
  const bool json = std::find(args.begin(), args.end(), std::string("--json")) != args.end();
  for (const auto& c : kCommands) {
    if (name != c.name) continue;
    try {
      inkan::ossl::ensure_initialized();
      return c.run(args, ctx);
    } catch (const inkan::Error& e) {
      inkan::cli::report_error(e, ctx.lang, json);
      return inkan::cli::exit_code_for(e.code());
    } catch (const std::bad_alloc&) {
      inkan::cli::report_error(inkan::Error(inkan::Errc::input_too_large, "out of memory"), ctx.lang, json);
      return inkan::cli::kExitInput;
    } catch (const std::exception& e) {
      inkan::cli::report_error(inkan::Error(inkan::Errc::internal, e.what()), ctx.lang, json);
      return inkan::cli::kExitInternal;
    }
  }
  std::cerr << "inkan: unknown command " << name << "\n\n";
  inkan::cli::print_usage(std::cerr, ctx.lang);
  return inkan::cli::kExitUsage;
}
