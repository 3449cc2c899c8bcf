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
Reply store_status(OpContext& ctx);
Reply store_unlock(OpContext& ctx);
Reply store_lock(OpContext& ctx);
Reply store_passwd(OpContext& ctx);
Reply identity_list(OpContext& ctx);
Reply identity_import(OpContext& ctx);
Reply identity_export(OpContext& ctx);
Reply identity_export_cert(OpContext& ctx);
Reply identity_delete(OpContext& ctx);
Reply identity_expiring(OpContext& ctx);
Reply trust_list(OpContext& ctx);
Reply trust_add(OpContext& ctx);
Reply trust_distrust(OpContext& ctx);
Reply trust_remove(OpContext& ctx);
Reply trust_builtin(OpContext& ctx);
Reply cert_lint(OpContext& ctx);
Reply recipients_lookup(OpContext& ctx);
Reply contact_list(OpContext& ctx);
Reply contact_get(OpContext& ctx);
Reply contact_accept(OpContext& ctx);
Reply contact_reject(OpContext& ctx);
Reply contact_delete(OpContext& ctx);
Reply contact_import(OpContext& ctx);
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
