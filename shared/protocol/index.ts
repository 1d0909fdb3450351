/** The Switchboard protocol: every method, notification, type and error code, declared once. */
export * from './rpc';
export * from './version';
export * from './discovery';
export * from './fields';
export * from './types';
export * from './daemon';
export * from './connections';
export * from './providers';
export * from './secrets';
export * from './models';
export * from './chat';
export * from './usage';
export * from './tokens';
export * from './audit';
export * from './events';
export * from './settings';
export * from '../errors';
