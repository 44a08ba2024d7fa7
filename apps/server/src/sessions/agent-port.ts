/**
 * How the session service reaches a PC's agent. The agent gateway implements it; until an agent is
 * connected every command is unanswered, so sessions on agent PCs fail with PC_UNREACHABLE.
 */
export interface AgentCommandResult {
  ok: boolean;
  /** Server time when the agent acknowledged (unlock instant for session.start). */
  ackedAtMs?: number;
  code?: string;
}

export interface AgentPort {
  send(pcId: string, command: { type: string; [key: string]: unknown }, timeoutMs: number): Promise<AgentCommandResult>;
}

export const AGENT_PORT = Symbol('AGENT_PORT');

export class NoAgentPort implements AgentPort {
  send(): Promise<AgentCommandResult> {
    return Promise.resolve({ ok: false, code: 'PC_UNREACHABLE' });
  }
}
