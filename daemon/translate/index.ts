/**
 * Translation between wire formats through the neutral chat model: pure functions and small
 * stateful stream coders, no I/O. docs/translation.md holds the field-by-field table.
 *
 * - requests: {@link fromOpenAIRequest} / {@link toOpenAIRequest}, {@link fromAnthropicRequest} / {@link toAnthropicRequest},
 *   {@link fromResponsesRequest} (OpenAI Responses API → neutral; answers go back through {@link toResponsesObject} / {@link ResponsesStreamEncoder})
 * - whole answers: {@link toOpenAICompletion} / {@link fromOpenAICompletion}, {@link toAnthropicMessage} / {@link fromAnthropicMessage}
 * - streams: decoders (wire chunk/event → neutral deltas) and encoders (neutral deltas → SSE frames) per format
 */
export * from './neutral';
export { untranslatable, unknownFields } from './errors';
export { fromOpenAIRequest, OPENAI_HARMLESS_FIELDS } from './openaiRequest';
export { toOpenAIRequest, type MaxTokensField, type OpenAIBody } from './openaiBody';
export { fromAnthropicRequest, ANTHROPIC_HARMLESS_FIELDS } from './anthropicRequest';
export { toAnthropicRequest, responseToolName, DEFAULT_MAX_TOKENS, type AnthropicBody } from './anthropicBody';
export { toOpenAICompletion, fromOpenAICompletion } from './openaiResponse';
export { toAnthropicMessage, fromAnthropicMessage } from './anthropicResponse';
export { OpenAIStreamDecoder } from './openaiStreamDecoder';
export { AnthropicStreamDecoder } from './anthropicStreamDecoder';
export { OpenAIStreamEncoder, type OpenAIChunkIdentity } from './openaiStreamEncoder';
export { AnthropicStreamEncoder, type AnthropicMessageIdentity } from './anthropicStreamEncoder';
export { AnswerBuilder } from './answerBuilder';
export { finishFromAnthropic, finishToAnthropic, finishFromOpenAI } from './finishReasons';
export { budgetFor, effortFor } from './reasoningBudget';
export { usageFromOpenAI, usageToOpenAI, usageFromAnthropic, usageToAnthropic } from './usageMapping';
export { toConverseRequest, type ConverseInput, type ConverseMessage } from './converseRequest';
export { fromConverseResponse, finishFromConverse, usageFromConverse } from './converseResponse';
export { ConverseStreamDecoder } from './converseStreamDecoder';
export { fromResponsesRequest, RESPONSES_HARMLESS_FIELDS } from './responsesRequest';
export { toResponsesObject, responsesEcho, usageToResponses, type ResponsesIdentity } from './responsesResponse';
export { ResponsesStreamEncoder } from './responsesStreamEncoder';
