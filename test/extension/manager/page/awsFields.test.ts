/** The AWS Bedrock part of the connection form (#18 leftover): what it validates and what it sends. */
import { describe, expect, it } from 'vitest';
import type { Connection, Provider } from '../../../../shared/protocol';
import {
  emptyValues,
  fieldForProtocol,
  hasChanges,
  testTarget,
  toCreateFields,
  toUpdateFields,
  validate,
  valuesFromConnection,
  baseUrlAfterRegionChange,
} from '../../../../extension/manager/page/form';
import { sessionTokenNote } from '../../../../extension/manager/page/awsFields';

const bedrock: Provider = {
  id: 'bedrock',
  name: 'AWS Bedrock',
  adapter: 'bedrock',
  defaultBaseUrl: 'https://bedrock-runtime.{region}.amazonaws.com',
  requiresKey: true,
  builtIn: true,
};
const hint = { bedrock: true };
const create = { kind: 'create' as const };
const filled = (over = {}) => ({
  ...emptyValues(bedrock),
  name: 'Bedrock',
  awsRegion: 'eu-central-1',
  awsAccessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  apiKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  ...over,
});
const saved: Connection = {
  id: 'c1',
  name: 'Bedrock',
  provider: 'bedrock',
  baseUrl: 'http://127.0.0.1:9/',
  timeoutMs: 60_000,
  maxRetries: 2,
  isDefault: false,
  keySource: 'memory',
  keyHint: '…EKEY',
  keyAvailable: true,
  createdAt: '',
  updatedAt: '',
  aws: {
    region: 'eu-central-1',
    auth: 'accessKeys',
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    hasSessionToken: true,
    sessionTokenFingerprint: 'ab12cd34',
  },
};

describe('the Bedrock fields', () => {
  it("start with the default region's endpoint, which follows the region until a URL is typed", () => {
    expect(emptyValues(bedrock).baseUrl).toBe('https://bedrock-runtime.us-east-1.amazonaws.com');
    expect(
      baseUrlAfterRegionChange('https://bedrock-runtime.us-east-1.amazonaws.com', bedrock, 'us-east-1', 'eu-west-1'),
    ).toBe('https://bedrock-runtime.eu-west-1.amazonaws.com');
    expect(baseUrlAfterRegionChange('http://127.0.0.1:4000', bedrock, 'us-east-1', 'eu-west-1')).toBe(
      'http://127.0.0.1:4000',
    );
  });

  it("validate the region, access key id, profile and session token in the daemon's words", () => {
    const ctx = { mode: create, provider: bedrock, purpose: 'save' as const };
    expect(validate(filled(), ctx)).toEqual({});
    const errors = validate(
      filled({ awsRegion: 'Frankfurt', awsAccessKeyId: 'akia-lower', awsSessionToken: 'a b' }),
      ctx,
    );
    expect(errors.awsRegion).toBe('The region must be an AWS region id such as us-east-1 or eu-central-1.');
    expect(errors.awsAccessKeyId).toMatch(/^The access key id must be an IAM access key id/);
    expect(errors.awsSessionToken).toMatch(/^The session token must not contain spaces/);
    expect(validate(filled({ apiKey: '' }), ctx).apiKey).toBe('Enter the secret access key.');
    expect(validate(filled({ awsAuth: 'apiKey', apiKey: '' }), ctx).apiKey).toBe('Enter the bedrock api key.');
    expect(validate(filled({ awsAuth: 'profile', apiKey: '', awsProfile: 'work team' }), ctx)).toEqual({
      awsProfile: expect.stringMatching(/^The profile must be a profile name/),
    });
  });

  it('send aws settings, the secret as the key and the session token only when typed; a profile sends no key', () => {
    expect(toCreateFields(filled({ awsSessionToken: 'FwoGZXIvYXdzEXAMPLETOKEN' }), hint).aws).toEqual({
      region: 'eu-central-1',
      auth: 'accessKeys',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      sessionToken: 'FwoGZXIvYXdzEXAMPLETOKEN',
    });
    expect(toCreateFields(filled(), hint).aws).toEqual({
      region: 'eu-central-1',
      auth: 'accessKeys',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    });
    const draft = testTarget(create, filled({ awsAuth: 'profile', awsProfile: 'work' }), hint);
    expect(draft).toEqual({
      draft: expect.objectContaining({ aws: { region: 'eu-central-1', auth: 'profile', profile: 'work' } }),
    });
    expect('apiKey' in (draft as { draft: object }).draft).toBe(false);
    expect(toCreateFields(filled()).aws).toBeUndefined();
  });

  it('update only what changed; a typed session token alone is a change', () => {
    const values = valuesFromConnection(saved);
    expect(values.awsSessionToken).toBe('');
    const mode = { kind: 'edit' as const, original: saved, replacingKey: false };
    expect(hasChanges(mode, values, hint)).toBe(false);
    expect(toUpdateFields(saved, { ...values, awsSessionToken: 'FwoGZXIvYXdzNEWTOKEN' }, hint).aws).toEqual({
      region: 'eu-central-1',
      auth: 'accessKeys',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      sessionToken: 'FwoGZXIvYXdzNEWTOKEN',
    });
    expect(toUpdateFields(saved, { ...values, awsRegion: 'us-west-2' }, hint).aws).toMatchObject({
      region: 'us-west-2',
    });
    expect(sessionTokenNote(saved)).toBe(
      'A session token is stored (fingerprint ab12cd34). Leave this empty to keep it, or paste a new one.',
    );
  });

  it("place the daemon's errors on their inputs", () => {
    expect(fieldForProtocol('aws.region')).toBe('awsRegion');
    expect(fieldForProtocol('draft.aws.accessKeyId')).toBe('awsAccessKeyId');
    expect(fieldForProtocol('aws.sessionToken')).toBe('awsSessionToken');
    expect(fieldForProtocol('aws')).toBe('awsRegion');
  });
});
