// inkan actalis code MAIL: the verification code in Actalis's first mail, for
// the user to type into Actalis's form (the form itself is never automated).
// The certificate that follows in a ZIP is imported with `inkan id import FILE.zip`.
#include "actalis.h"
#include "commands.h"
#include "io/source.h"
#include "store_text.h"
#include "text.h"

#include <iostream>

namespace inkan::cli {
namespace {

int actalis_code(const std::vector<std::string>& argv, const Context& ctx) {
  const Args args(argv, {{"--json"}});
  const auto input = io::open_input(args.input());
  const std::string mail = io::read_range(*input, 0, input->size(), 8u << 20);
  const auto code = enrol::actalis_verification_code(mail);
  if (!code) throw Error(Errc::not_found, "no verification code in this mail");
  if (args.flag("--json")) {
    print_json({{"version", 1}, {"code", code->code}, {"from", code->from}, {"from_actalis", code->from_actalis}});
    return kExitOk;
  }
  std::cout << code->code << std::endl;
  if (!code->from_actalis) std::cerr << "inkan: " << text("label.not_from_actalis", ctx.lang) << std::endl;
  return kExitOk;
}

}  // namespace

int run_actalis(const std::vector<std::string>& argv, const Context& ctx) {
  return run_subcommand("actalis", {{"code", actalis_code}}, argv, ctx);
}

}  // namespace inkan::cli
