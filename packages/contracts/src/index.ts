export * from './errors.js';
export * from './common.js';
export * from './auth.js';
export * from './org.js';
export * from './ledger.js';
export * from './sessions.js';
export * from './console-events.js';
export * from './agent-protocol.js';
