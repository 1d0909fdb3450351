/**
 * What the mock account sees in its region: foundation models (ListFoundationModels' summaries, as
 * the service shapes them) and system-defined inference profiles (`us.` / `eu.` / `global.` ids
 * that route a model across regions; newer Claude models answer only through one).
 */

export interface MockFoundationModel {
  modelId: string;
  modelName: string;
  providerName: string;
  outputModalities: string[];
  inputModalities: string[];
  /** `ON_DEMAND`: callable by its own id; `INFERENCE_PROFILE`: only through a profile. */
  inferenceTypesSupported: string[];
  responseStreamingSupported: boolean;
}

export interface MockInferenceProfile {
  inferenceProfileId: string;
  inferenceProfileName: string;
  /** The foundation model ids it routes to. */
  models: string[];
}

export const DEFAULT_FOUNDATION_MODELS: MockFoundationModel[] = [
  {
    modelId: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
    modelName: 'Claude Sonnet 4.5',
    providerName: 'Anthropic',
    inputModalities: ['TEXT', 'IMAGE'],
    outputModalities: ['TEXT'],
    inferenceTypesSupported: ['INFERENCE_PROFILE'],
    responseStreamingSupported: true,
  },
  {
    modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
    modelName: 'Claude 3 Haiku',
    providerName: 'Anthropic',
    inputModalities: ['TEXT', 'IMAGE'],
    outputModalities: ['TEXT'],
    inferenceTypesSupported: ['ON_DEMAND'],
    responseStreamingSupported: true,
  },
  {
    modelId: 'amazon.nova-pro-v1:0',
    modelName: 'Nova Pro',
    providerName: 'Amazon',
    inputModalities: ['TEXT', 'IMAGE', 'VIDEO'],
    outputModalities: ['TEXT'],
    inferenceTypesSupported: ['ON_DEMAND', 'INFERENCE_PROFILE'],
    responseStreamingSupported: true,
  },
  {
    modelId: 'amazon.titan-embed-text-v2:0',
    modelName: 'Titan Text Embeddings V2',
    providerName: 'Amazon',
    inputModalities: ['TEXT'],
    outputModalities: ['EMBEDDING'],
    inferenceTypesSupported: ['ON_DEMAND'],
    responseStreamingSupported: false,
  },
];

export const DEFAULT_INFERENCE_PROFILES: MockInferenceProfile[] = [
  {
    inferenceProfileId: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
    inferenceProfileName: 'US Claude Sonnet 4.5',
    models: ['anthropic.claude-sonnet-4-5-20250929-v1:0'],
  },
  {
    inferenceProfileId: 'global.anthropic.claude-sonnet-4-5-20250929-v1:0',
    inferenceProfileName: 'Global Claude Sonnet 4.5',
    models: ['anthropic.claude-sonnet-4-5-20250929-v1:0'],
  },
  {
    inferenceProfileId: 'us.amazon.nova-pro-v1:0',
    inferenceProfileName: 'US Nova Pro',
    models: ['amazon.nova-pro-v1:0'],
  },
];

/** ListFoundationModels' summary of a model, ARN in the account's region. */
export function modelSummary(m: MockFoundationModel, region: string): Record<string, unknown> {
  return {
    modelArn: `arn:aws:bedrock:${region}::foundation-model/${m.modelId}`,
    modelId: m.modelId,
    modelName: m.modelName,
    providerName: m.providerName,
    inputModalities: m.inputModalities,
    outputModalities: m.outputModalities,
    responseStreamingSupported: m.responseStreamingSupported,
    customizationsSupported: [],
    inferenceTypesSupported: m.inferenceTypesSupported,
    modelLifecycle: { status: 'ACTIVE' },
  };
}

/** ListInferenceProfiles' summary of a profile. */
export function profileSummary(p: MockInferenceProfile, region: string): Record<string, unknown> {
  return {
    inferenceProfileName: p.inferenceProfileName,
    description: `Routes requests to ${p.models.join(', ')} across regions.`,
    createdAt: '2025-09-29T00:00:00Z',
    updatedAt: '2025-09-29T00:00:00Z',
    inferenceProfileArn: `arn:aws:bedrock:${region}:123456789012:inference-profile/${p.inferenceProfileId}`,
    models: p.models.map((id) => ({ modelArn: `arn:aws:bedrock:${region}::foundation-model/${id}` })),
    inferenceProfileId: p.inferenceProfileId,
    status: 'ACTIVE',
    type: 'SYSTEM_DEFINED',
  };
}
