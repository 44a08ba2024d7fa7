import type { Role } from '@econtrol/contracts';

/** Who is calling, taken from a verified access token. */
export interface Actor {
  userId: string;
  role: Role;
  /** Null only for SUPER_ADMIN. */
  organizationId: string | null;
  lanCenterIds: string[];
}

export interface OrgActor extends Actor {
  organizationId: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    actor?: Actor;
  }
}
