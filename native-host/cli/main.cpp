// inkan: the S/MIME engine on the command line.
#include "commands.h"
#include "error.h"
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
  const char* summary;
};

constexpr Command kCommands[] = {
    {"sign", inkan::cli::run_sign, "sign a message (multipart/signed; --opaque; --detached-file for any file)"},
    {"verify", inkan::cli::run_verify, "verify a signed (or signed and encrypted) message, .p7m or .p7s"},
    {"encrypt", inkan::cli::run_encrypt, "encrypt a message to --to recipients (signs first with --key)"},
    {"decrypt", inkan::cli::run_decrypt, "decrypt a message; writes the decrypted MIME entity"},
    {"inspect", inkan::cli::run_inspect, "show the MIME and S/MIME structure of a message or CMS file"},
};

void usage(std::ostream& out) {
  out << "usage: inkan [--lang en|ja] COMMAND [OPTIONS] [FILE]\n\ncommands:\n";
  for (const auto& c : kCommands) out << "  " << c.name << std::string(10 - std::string(c.name).size(), ' ') << c.summary << "\n";
  out << "\nFILE defaults to standard input; results go to standard output unless -o FILE is given.\n"
         "See docs/cli.md for every option and the exit codes.\n";
}

}  // namespace

int main(int argc, char** argv) {
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
      usage(std::cout);
      return 0;
    }
    if (args.front() == "--lang" && args.size() >= 2) {
      ctx.lang = args[1] == "ja" ? inkan::Lang::ja : inkan::Lang::en;
      args.erase(args.begin(), args.begin() + 2);
      continue;
    }
    break;
  }
  if (args.empty() || args.front() == "help") {
    usage(args.empty() ? std::cerr : std::cout);
    return args.empty() ? inkan::cli::kExitUsage : 0;
  }
  const std::string name = args.front();
  args.erase(args.begin());
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
  usage(std::cerr);
  return inkan::cli::kExitUsage;
}
