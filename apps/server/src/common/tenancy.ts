import { AppError } from './app-error.js';
import type { Actor, OrgActor } from './actor.js';

/** Every tenant-scoped call needs an organization; SUPER_ADMIN tokens have none. */
export function orgOf(actor: Actor): OrgActor {
  if (!actor.organizationId) throw new AppError('FORBIDDEN', { reason: 'organization required' });
  return actor as OrgActor;
}

/** Managers reach every LAN center of their organization; cashiers only those they work at. */
export function canReachLan(actor: Actor, lanCenterId: string): boolean {
  return actor.role === 'MANAGER' || actor.lanCenterIds.includes(lanCenterId);
}

export function slugify(text: string): string {
  const slug = text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50);
  return slug.length >= 2 ? slug : `lan-${slug}x`;
}
