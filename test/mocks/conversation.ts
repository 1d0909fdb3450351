/**
 * The conversation rules the real chat APIs enforce, with their real error messages, so a
 * translation that loses a tool call, a tool result or a thinking block fails here as it would
 * upstream:
 * - OpenAI: a `tool` message must answer a `tool_calls` id of the assistant message before it.
 * - Anthropic: `system` is not a message role; each `tool_result` must answer a `tool_use` of the
 *   previous assistant turn; a replayed `thinking` block must carry a signature the API issued; with
 *   thinking on, an assistant turn that used tools must start with its thinking block.
 * - Gemini: OpenAI's rules, and Gemini's own (geminiRules.ts: thought signatures, schema keywords).
 */
import { checkGemini } from './geminiRules';
import type { WireFormat } from './types';

export interface ConversationRefusal {
  message: string;
  param?: string;
}

export function checkConversation(
  format: WireFormat,
  body: any,
  signatures: ReadonlySet<string>,
): ConversationRefusal | undefined {
  const messages: any[] = Array.isArray(body?.messages) ? body.messages : [];
  if (format === 'anthropic') return checkAnthropic(messages, body, signatures);
  return checkOpenAI(messages) ?? (format === 'gemini' ? checkGemini(body, signatures) : undefined);
}

function checkOpenAI(messages: any[]): ConversationRefusal | undefined {
  let open = new Set<string>();
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    if (m?.role === 'assistant') open = new Set((m.tool_calls ?? []).map((c: any) => c.id));
    else if (m?.role === 'tool') {
      if (!open.has(m.tool_call_id)) {
        return {
          message:
            "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
          param: `messages.[${i}].role`,
        };
      }
    } else open = new Set();
  }
  return undefined;
}

function checkAnthropic(messages: any[], body: any, signatures: ReadonlySet<string>): ConversationRefusal | undefined {
  const thinkingOn = body?.thinking?.type === 'enabled';
  let uses = new Set<string>();
  const lastAssistant = messages.map((m) => m?.role).lastIndexOf('assistant');
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    if (m?.role !== 'user' && m?.role !== 'assistant') {
      return { message: `messages.${i}.role: Input should be 'user' or 'assistant'` };
    }
    const blocks: any[] = Array.isArray(m.content) ? m.content : [];
    if (m.role === 'assistant') {
      uses = new Set(blocks.filter((b) => b?.type === 'tool_use').map((b) => b.id));
      for (let j = 0; j < blocks.length; j++) {
        const b = blocks[j];
        if (b?.type === 'thinking' && !signatures.has(b.signature)) {
          return { message: `messages.${i}.content.${j}: Invalid \`signature\` in \`thinking\` block` };
        }
      }
      if (
        thinkingOn &&
        i === lastAssistant &&
        uses.size > 0 &&
        blocks[0]?.type !== 'thinking' &&
        blocks[0]?.type !== 'redacted_thinking'
      ) {
        return {
          message:
            `messages.${i}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${blocks[0]?.type}\`. When \`thinking\` is enabled, ` +
            'a final `assistant` message must start with a thinking block (preceeding the lastmost set of `tool_use` and `tool_result` blocks).',
        };
      }
    } else {
      for (let j = 0; j < blocks.length; j++) {
        const b = blocks[j];
        if (b?.type === 'tool_result' && !uses.has(b.tool_use_id)) {
          return {
            message: `messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${b.tool_use_id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`,
          };
        }
      }
      uses = new Set();
    }
  }
  return undefined;
}
