package dev.prebundled.rpc;

/**
 * A JSON-RPC failure: the protocol-level code (-32700 parse error, -32600 invalid request, -32601
 * unknown method, -32602 invalid params, -32000 our errors) and the structured {@link ErrorData}.
 * Thrown by method handlers for bad params, and by {@link RpcClient} when a call fails.
 */
public final class RpcException extends RuntimeException {
  public static final int PARSE_ERROR = -32700;
  public static final int INVALID_REQUEST = -32600;
  public static final int METHOD_NOT_FOUND = -32601;
  public static final int INVALID_PARAMS = -32602;
  public static final int SERVER_ERROR = -32000;

  private final int rpcCode;
  private final ErrorData data;

  public RpcException(int rpcCode, ErrorData data) {
    super(data.message());
    this.rpcCode = rpcCode;
    this.data = data;
  }

  public static RpcException invalidParams(String message) {
    return new RpcException(INVALID_PARAMS, ErrorData.badRequest(message));
  }

  public int rpcCode() {
    return rpcCode;
  }

  public ErrorData data() {
    return data;
  }
}
