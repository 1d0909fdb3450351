/**
 * How long one of the extension's chat streams (the chat panel's, VS Code's language-model requests)
 * may stay silent before the client fails it with TIMEOUT and cancels it on the daemon. The daemon
 * bounds a stream itself (the connection's timeout, a stop, the socket closing); this only catches a
 * daemon that went silent, so it is far above any connection's timeout — a model may think for
 * minutes before its first word, and the client's own default (5 minutes) would cut it.
 */
export const STREAM_IDLE_TIMEOUT_MS = 60 * 60_000;
