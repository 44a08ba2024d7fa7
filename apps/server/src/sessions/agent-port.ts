/**
 * How the session service reaches a PC's agent. The agent gateway implements it; until an agent is
 * connected every command is unanswered, so sessions on agent PCs fail with PC_UNREACHABLE.
 */
import type { AgentCommand, SessionSnapshot } from '@econtrol/contracts';

/** A command as the services write it; the gateway adds `commandId` and `serverNowMs`. */
export type AgentCommandInput = AgentCommand extends infer C
  ? C extends AgentCommand
    ? Omit<C, 'commandId' | 'serverNowMs'>
    : never
  : never;

export interface AgentCommandResult {
  ok: boolean;
  /** Server time when the agent executed it (the unlock instant for session.start), clamped to the round trip. */
  ackedAtMs?: number;
  code?: string;
  /** The agent's view of the session (session.* commands): its active intervals and price. */
  session?: SessionSnapshot;
}

export interface AgentPort {
  send(pcId: string, command: AgentCommandInput, timeoutMs: number): Promise<AgentCommandResult>;
}

export const AGENT_PORT = Symbol('AGENT_PORT');

export class NoAgentPort implements AgentPort {
  send(): Promise<AgentCommandResult> {
    return Promise.resolve({ ok: false, code: 'PC_UNREACHABLE' });
  }
}
