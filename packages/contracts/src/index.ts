export * from './errors.js';
export * from './common.js';
export * from './auth.js';
export * from './org.js';
export * from './agent-protocol.js';
