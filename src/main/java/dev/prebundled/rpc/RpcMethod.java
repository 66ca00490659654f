package dev.prebundled.rpc;

import com.fasterxml.jackson.databind.JsonNode;

/** One method of the daemon's RPC: params in, a result object out, or an exception. */
@FunctionalInterface
public interface RpcMethod {
  Object call(JsonNode params, RpcContext context) throws Exception;
}
