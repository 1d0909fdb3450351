/**
 * Bedrock's error answers as the service sends them: the HTTP status, the `x-amzn-errortype`
 * header (`<Type>:http://internal.amazon.com/coral/com.amazon.bedrock/`), a JSON `{message}` body
 * and `x-amzn-requestid`. The messages are the service's own wording.
 */

/** Every error the mock can answer with; the key is the `x-amzn-errortype` name. */
export const BEDROCK_ERRORS = {
  ThrottlingRequests: {
    type: 'ThrottlingException',
    status: 429,
    message: 'Too many requests, please wait before trying again.',
  },
  ThrottlingTokens: {
    type: 'ThrottlingException',
    status: 429,
    message: 'Too many tokens, please wait before trying again.',
  },
  ServiceQuotaExceededException: {
    type: 'ServiceQuotaExceededException',
    status: 400,
    message: 'Your request exceeded the service quota for this model. Request a quota increase through Service Quotas.',
  },
  ModelNotReadyException: {
    type: 'ModelNotReadyException',
    status: 429,
    message: 'Model is not ready to serve inference requests. The SDK will automatically retry the operation.',
  },
  AccessDeniedException: {
    type: 'AccessDeniedException',
    status: 403,
    message: "You don't have access to the model with the specified model ID.",
  },
  ValidationException: {
    type: 'ValidationException',
    status: 400,
    message: 'The model returned the following errors: messages.0.content: Field required',
  },
  InvalidModel: { type: 'ValidationException', status: 400, message: 'The provided model identifier is invalid.' },
  ResourceNotFoundException: { type: 'ResourceNotFoundException', status: 404, message: 'Model not found.' },
  ExpiredTokenException: {
    type: 'ExpiredTokenException',
    status: 403,
    message: 'The security token included in the request is expired',
  },
  UnrecognizedClientException: {
    type: 'UnrecognizedClientException',
    status: 403,
    message: 'The security token included in the request is invalid.',
  },
  InvalidSignatureException: {
    type: 'InvalidSignatureException',
    status: 403,
    message:
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  },
  InternalServerException: {
    type: 'InternalServerException',
    status: 500,
    message: 'The server encountered an internal error while processing the request.',
  },
  ServiceUnavailableException: {
    type: 'ServiceUnavailableException',
    status: 503,
    message: 'Bedrock is unable to process your request.',
  },
  ModelTimeoutException: {
    type: 'ModelTimeoutException',
    status: 408,
    message: 'The request took too long to process. Processing time exceeded the model timeout length.',
  },
} as const;

/** One of {@link BEDROCK_ERRORS}. */
export type BedrockErrorName = keyof typeof BEDROCK_ERRORS;

/** Mid-stream exception types (ConverseStream's `:exception-type`), with the service's wording. */
export const STREAM_EXCEPTIONS = {
  throttlingException: 'Too many tokens, please wait before trying again.',
  modelStreamErrorException: 'The model encountered an error while streaming the response.',
  internalServerException: 'The server encountered an internal error while processing the request.',
  serviceUnavailableException: 'Bedrock is unable to process your request.',
  validationException: 'The model returned the following errors: Input is too long for requested model.',
} as const;

/** One of {@link STREAM_EXCEPTIONS}. */
export type StreamExceptionType = keyof typeof STREAM_EXCEPTIONS;

/** The header and body of an error answer. */
export function errorAnswer(
  name: BedrockErrorName,
  requestId: string,
  message?: string,
): { status: number; headers: Record<string, string>; body: string } {
  const e = BEDROCK_ERRORS[name];
  return {
    status: e.status,
    headers: {
      'content-type': 'application/json',
      'x-amzn-errortype': `${e.type}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
      'x-amzn-requestid': requestId,
    },
    body: JSON.stringify({ message: message ?? e.message }),
  };
}
