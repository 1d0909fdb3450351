/**
 * The Switchboard protocol: every method, notification, type and error code, declared once. Its
 * modules have no side effects (esbuild.mjs says so), so a bundle keeps only those it takes values
 * from: a client that uses the descriptors (methods.ts) and types leaves every zod schema out.
 */
export * from './rpc';
export * from './methods';
export * from './notificationChecks';
export * from './paramsSchemas';
export * from './version';
export * from './discovery';
export * from './fields';
export * from './types';
export * from './daemon';
export * from './aws';
export * from './connections';
export * from './testHistory';
export * from './quota';
export * from './signIn';
export * from './transfer';
export * from './providers';
export * from './secrets';
export * from './models';
export * from './chatModel';
export * from './chat';
export * from './usage';
export * from './tokens';
export * from './audit';
export * from './events';
export * from './settings';
export * from '../errors';
