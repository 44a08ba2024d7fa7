/**
 * The plain data the agent needs from @econtrol/contracts. The package's modules also build zod
 * schemas when loaded (~7 MB of RSS), so the bundle replaces this file with these values,
 * evaluated at build time (esbuild.config.mjs); tests and type checks use it as written.
 */
export {
  AGENT_PROTOCOL_VERSION,
  AGENT_SOCKET_NAMESPACE,
  AGENT_SYNC_MAX_BATCH,
  agentSocketEvents,
  currencies,
  errorCatalog,
  errorCodes,
  locales,
} from '@econtrol/contracts';
