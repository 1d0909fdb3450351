/** The protocol's version. Bump the major on a breaking change; clients compare it in `daemon/hello`. */
export const PROTOCOL_VERSION = '1.0.0';
