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

}  // namespace inkan::protocol::ops
