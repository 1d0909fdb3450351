/** Azure OpenAI's URL rules, shared by the adapter's SDK client and the forwarding path's requests. */

/** Azure OpenAI data-plane GA version used when the connection names none. */
export const AZURE_API_VERSION = '2024-10-21';

/** `https://x.openai.azure.com` → `https://x.openai.azure.com/openai` (what AzureOpenAI's `endpoint` does). */
export function azureBaseUrl(endpoint: string): string {
  const trimmed = endpoint.replace(/\/+$/, '');
  return /\/openai$/.test(trimmed) ? trimmed : `${trimmed}/openai`;
}
