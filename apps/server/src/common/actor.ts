import type { Role } from '@econtrol/contracts';

/** Who is calling, taken from a verified access token. */
export interface Actor {
  userId: string;
  role: Role;
  /** Null only for SUPER_ADMIN. */
  organizationId: string | null;
  lanCenterIds: string[];
  /** The login behind a user's access token (refresh-token family). */
  sessionId?: string;
}

export interface OrgActor extends Actor {
  organizationId: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    actor?: Actor;
  }
}
