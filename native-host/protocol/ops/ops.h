// The handlers of the dispatch table (dispatcher.cpp), one file each.
#pragma once

#include "dispatcher.h"

namespace inkan::protocol::ops {

Reply hello(OpContext& ctx);
Reply help(OpContext& ctx);
Reply upload(OpContext& ctx);
Reply upload_discard(OpContext& ctx);
Reply sign(OpContext& ctx);
Reply encrypt(OpContext& ctx);
Reply verify(OpContext& ctx);
Reply decrypt(OpContext& ctx);
Reply inspect(OpContext& ctx);
Reply key_forget(OpContext& ctx);
Reply acme_servers(OpContext& ctx);
Reply acme_start(OpContext& ctx);
Reply acme_reply(OpContext& ctx);
Reply acme_sent(OpContext& ctx);
Reply acme_resume(OpContext& ctx);
Reply acme_list(OpContext& ctx);
Reply acme_cancel(OpContext& ctx);
Reply csr_create(OpContext& ctx);
Reply csr_list(OpContext& ctx);
Reply csr_import(OpContext& ctx);
Reply csr_cancel(OpContext& ctx);
Reply ca_init(OpContext& ctx);
Reply ca_issue(OpContext& ctx);
Reply ca_list(OpContext& ctx);
Reply ca_revoke(OpContext& ctx);
Reply ca_crl(OpContext& ctx);
Reply ca_join(OpContext& ctx);
Reply actalis_import(OpContext& ctx);
Reply actalis_code(OpContext& ctx);

}  // namespace inkan::protocol::ops
