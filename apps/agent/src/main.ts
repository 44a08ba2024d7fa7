/**
 * Entry point: `node dist/agent.mjs --server <url> --pairing-code <code> [--data-dir d] [--port n]`.
 * Enrolls on first start (no stored credential), then runs until SIGINT/SIGTERM.
 * Windows service: run the bundle with the project's node.exe under a service wrapper (e.g.
 * `sc.exe create eControlAgent binPath= "...\\node.exe ...\\agent.mjs --data-dir C:\\ProgramData\\eControl\\agent"`
 * through WinSW/NSSM, since node is not a native service binary); auto-start, restart on failure.
 */
import { Agent } from './agent.js';
import { parseCli, usage } from './cli-options.js';

async function main(): Promise<void> {
  let opts;
  try {
    opts = parseCli(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    console.error(usage);
    process.exit(2);
  }
  if (opts.help) {
    console.log(usage);
    return;
  }
  const agent = new Agent({
    dataDir: opts.dataDir,
    port: opts.port,
    ...(opts.serverUrl ? { serverUrl: opts.serverUrl } : {}),
    ...(opts.pairingCode ? { pairingCode: opts.pairingCode } : {}),
    ...(opts.guardUid === undefined ? {} : { guardScope: { uid: opts.guardUid } }),
    ...(opts.wallClockOffsetMs === undefined ? {} : { wallClockOffsetMs: opts.wallClockOffsetMs }),
    ...(opts.protocolVersion === undefined ? {} : { protocolVersion: opts.protocolVersion }),
    ...(opts.reconnectMaxMs === undefined ? {} : { reconnectMaxMs: opts.reconnectMaxMs }),
    ...(opts.resumeGraceMs === undefined ? {} : { resumeGraceMs: opts.resumeGraceMs }),
    ...(opts.diagnostics ? { diagnostics: true } : {}),
  });
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`[agent] ${signal}: stopping`);
    agent.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  const synthetic = opts.syntheticEvents;
  if (synthetic !== undefined) {
    // Test hook for `npm run bench:agent`: fill the journal as a long outage would.
    process.on('SIGUSR2', () => {
      void agent.journalSyntheticEvents(synthetic).then((ms) => {
        console.log(`[agent] synthetic: journaled ${synthetic} events in ${ms} ms`);
      });
    });
  }
  await agent.start();
}

main().catch((error: unknown) => {
  console.error('[agent] fatal:', error);
  process.exit(1);
});
