/**
 * msg-ts: brokerless messaging for TypeScript. Sockets with a pattern
 * (request/reply, publish/subscribe) talk over pluggable transports (TCP,
 * TLS, unix-socket IPC, in-process), on Deno, Bun and Node.
 *
 * @example Parsing an endpoint
 * ```ts
 * import { parseEndpoint } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * assert.equal(parseEndpoint("tcp://127.0.0.1:0").scheme, "tcp");
 * ```
 *
 * @module
 */

// -- errors --
export {
  ConnectionError,
  HandshakeError,
  HighWaterMarkError,
  PeerLostError,
  ProtocolError,
  SocketClosedError,
  timeoutError,
} from "./src/errors.ts";
export type { ConnectionFailure, HandshakeFailure } from "./src/errors.ts";

// -- transport --
export { formatEndpoint, parseEndpoint } from "./src/transport/endpoint.ts";
export type { Endpoint } from "./src/transport/endpoint.ts";
export { connectionPair, inproc } from "./src/transport/inproc_transport.ts";
export type {
  ConnectionPairOptions,
  InprocOptions,
} from "./src/transport/inproc_transport.ts";
export type { TlsOptions } from "./src/transport/tls_options.ts";
export type { TransportsOptions } from "./src/transport/transports_options.ts";
export type {
  Connection,
  ConnectOptions,
  Listener,
  Transport,
} from "./src/transport/transport.ts";

// -- frame and wire --
export { FrameParser } from "./src/frame/decode_frame.ts";
export type { FrameParserOptions } from "./src/frame/decode_frame.ts";
export { encodedFrameSize, encodeFrame } from "./src/frame/encode_frame.ts";
export {
  DEFAULT_MAX_FRAME_SIZE,
  FLAG_COMPRESSION_MASK,
  FLAG_TIMESTAMP,
  FrameKind,
  LENGTH_PREFIX_SIZE,
} from "./src/frame/frame.ts";
export type { Frame } from "./src/frame/frame.ts";
export { FrameDecoderStream } from "./src/frame/frame_decoder_stream.ts";
export { FrameEncoderStream } from "./src/frame/frame_encoder_stream.ts";
export {
  canTalk,
  isSocketType,
  SocketType,
  socketTypeName,
} from "./src/wire/socket_type.ts";

// -- topic, backoff, codec --
export { Backoff } from "./src/peer/backoff.ts";
export type { BackoffJitter, BackoffOptions } from "./src/peer/backoff.ts";
export { bytesCodec } from "./src/codec/bytes_codec.ts";
export { CodecError } from "./src/errors.ts";
export type { Codec } from "./src/codec/codec.ts";
export { msgpackCodec } from "./src/codec/msgpack_codec.ts";
export { textCodec } from "./src/codec/text_codec.ts";
export { matchTopic } from "./src/topic/match_topic.ts";
export { TopicMatcher } from "./src/topic/topic_matcher.ts";
export { validatePattern } from "./src/topic/validate_pattern.ts";
export { validateTopic } from "./src/topic/validate_topic.ts";
export { simulate } from "./src/sim/simulate.ts";
export type { SimulatedTransport, SimulatorStats } from "./src/sim/simulate.ts";
export type {
  LinkOptions,
  SimulateOptions,
  SimulateUpdate,
} from "./src/sim/sim_options.ts";

// -- sockets --
export { Socket } from "./src/socket/socket.ts";
export type {
  ConnectionInfo,
  ConnectionState,
  ConnectionStats,
  SocketState,
} from "./src/socket/socket.ts";
export { SocketEventTarget } from "./src/socket/socket_events.ts";
export type {
  ConnectionEventDetail,
  DropEventDetail,
  ErrorEventDetail,
  SocketEventMap,
} from "./src/socket/socket_events.ts";
export type { SocketOptions } from "./src/socket/socket_options.ts";
export { ReqSocket } from "./src/socket/req_socket.ts";
export type {
  PendingReply,
  ReqSocketOptions,
  ReqSocketStats,
  RequestOptions,
} from "./src/socket/req_socket.ts";
export { RepSocket } from "./src/socket/rep_socket.ts";
export type {
  RepSocketOptions,
  RepSocketStats,
  Request,
} from "./src/socket/rep_socket.ts";
export { PubSocket } from "./src/socket/pub_socket.ts";
export type {
  Publication,
  PubSocketOptions,
  PubSocketStats,
  SlowSubscriberPolicy,
  SubscriberStats,
} from "./src/socket/pub_socket.ts";
export { SubSocket } from "./src/socket/sub_socket.ts";
export type {
  Message,
  SubSocketOptions,
  SubSocketStats,
} from "./src/socket/sub_socket.ts";
