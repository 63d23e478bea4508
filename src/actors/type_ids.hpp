#pragma once

// The one type-ID block of the engine: every message type and typed handle.

#include "actors/actors.hpp"
#include "actors/errors.hpp"

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/fwd.hpp>
#include <caf/type_id.hpp>

// clang-format off: one type per line, as CAF writes its own blocks.
CAF_BEGIN_TYPE_ID_BLOCK(keepa, caf::first_custom_type_id)
  CAF_ADD_TYPE_ID(keepa, (keepa::keepa_reply))
  CAF_ADD_TYPE_ID(keepa, (keepa::product_request))
  CAF_ADD_TYPE_ID(keepa, (keepa::deal_request))
  CAF_ADD_TYPE_ID(keepa, (keepa::keepa_call))
  CAF_ADD_TYPE_ID(keepa, (keepa::write_batch))
  CAF_ADD_TYPE_ID(keepa, (keepa::deal_list))
  CAF_ADD_TYPE_ID(keepa, (keepa::lookup_result))
  CAF_ADD_TYPE_ID(keepa, (keepa::light_jobs))
  CAF_ADD_TYPE_ID(keepa, (keepa::refresh_class))
  CAF_ADD_TYPE_ID(keepa, (keepa::call_priority))
  CAF_ADD_TYPE_ID(keepa, (keepa::refresh_query))
  CAF_ADD_TYPE_ID(keepa, (keepa::refresh_due))
  CAF_ADD_TYPE_ID(keepa, (std::vector<keepa::deal_key>) )
  CAF_ADD_TYPE_ID(keepa, (std::vector<keepa::survivor>) )
  CAF_ADD_TYPE_ID(keepa, (std::vector<std::string>) )
  CAF_ADD_TYPE_ID(keepa, (keepa::bucket_stats))
  CAF_ADD_TYPE_ID(keepa, (keepa::light_stats))
  CAF_ADD_TYPE_ID(keepa, (keepa::peek_stats))
  CAF_ADD_TYPE_ID(keepa, (keepa::commit_stats))
  CAF_ADD_TYPE_ID(keepa, (keepa::db_stats))
  CAF_ADD_TYPE_ID(keepa, (keepa::watermark_stats))
  CAF_ADD_TYPE_ID(keepa, (keepa::scout_stats))
  CAF_ADD_TYPE_ID(keepa, (keepa::router_stats))
  CAF_ADD_TYPE_ID(keepa, (keepa::refresher_stats))
  CAF_ADD_TYPE_ID(keepa, (keepa::janitor_stats))
  CAF_ADD_TYPE_ID(keepa, (keepa::keepa_client_actor))
  CAF_ADD_TYPE_ID(keepa, (keepa::token_bucket_actor))
  CAF_ADD_TYPE_ID(keepa, (keepa::db_writer_actor))
  CAF_ADD_TYPE_ID(keepa, (keepa::watermark_actor))
  CAF_ADD_TYPE_ID(keepa, (keepa::peek_pool_actor))
  CAF_ADD_TYPE_ID(keepa, (keepa::commit_pool_actor))
  CAF_ADD_TYPE_ID(keepa, (keepa::light_pool_actor))
  CAF_ADD_TYPE_ID(keepa, (keepa::router_actor))
  CAF_ADD_TYPE_ID(keepa, (keepa::scout_actor))
  CAF_ADD_TYPE_ID(keepa, (keepa::refresher_actor))
  CAF_ADD_TYPE_ID(keepa, (keepa::engine_actor))
  CAF_ADD_TYPE_ID(keepa, (keepa::janitor_actor))
CAF_END_TYPE_ID_BLOCK(keepa)
// clang-format on

// CAF-0.17: these never leave the process, so they need no inspect().
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(keepa::keepa_reply)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(keepa::product_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(keepa::deal_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(keepa::keepa_call)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(keepa::write_batch)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(keepa::deal_list)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(keepa::lookup_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(keepa::light_jobs)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(keepa::refresh_query)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(keepa::refresh_due)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<keepa::deal_key>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<keepa::survivor>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(keepa::bucket_stats)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(keepa::light_stats)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(keepa::peek_stats)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(keepa::commit_stats)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(keepa::db_stats)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(keepa::watermark_stats)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(keepa::scout_stats)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(keepa::router_stats)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(keepa::refresher_stats)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(keepa::janitor_stats)
