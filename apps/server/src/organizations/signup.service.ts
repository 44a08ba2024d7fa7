import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { SignupRequest } from '@econtrol/contracts';
import { AppError } from '../common/app-error.js';
import { slugify } from '../common/tenancy.js';
import { uniqueViolation } from '../db/errors.js';
import { hashPassword } from '../auth/passwords.js';
import { AuthService, type ClientInfo, type IssuedSession } from '../auth/auth.service.js';
import { AuditService } from '../audit/audit.service.js';
import { OrganizationsRepository } from './organizations.repository.js';

export interface SignupResult {
  organization: { id: string; name: string; slug: string; currency: SignupRequest['currency'] };
  lanCenter: { id: string; name: string; timezone: string };
  session: IssuedSession;
}

const TRIAL_DAYS = 30;

@Injectable()
export class SignupService {
  constructor(
    @Inject(OrganizationsRepository) private readonly repo: OrganizationsRepository,
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  /** Creates the company, its first LAN center and its manager in one transaction. */
  async signup(input: SignupRequest, client: ClientInfo): Promise<SignupResult> {
    const slug = input.organizationSlug ?? (await this.freeSlug(slugify(input.organizationName)));
    const passwordHash = await hashPassword(input.manager.password);
    try {
      return await this.repo.transaction(async (tx) => {
        const org = await this.repo.insertOrganization(tx, {
          name: input.organizationName,
          slug,
          currency: input.currency,
        });
        const lan = await this.repo.insertLanCenter(tx, {
          organizationId: org.id,
          name: input.lanCenter.name,
          slug: slugify(input.lanCenter.name),
          timezone: input.lanCenter.timezone,
          country: input.lanCenter.country,
          address: input.lanCenter.address ?? null,
          city: input.lanCenter.city ?? null,
        });
        const manager = await this.repo.insertUser(tx, {
          organizationId: org.id,
          role: 'MANAGER',
          name: input.manager.name,
          email: input.manager.email,
          username: input.manager.username,
          passwordHash,
          locale: input.locale,
        });
        await this.repo.insertStaff(tx, {
          organizationId: org.id,
          lanCenterId: lan.id,
          userId: manager.id,
          role: 'MANAGER',
        });
        const now = new Date();
        await this.repo.insertSubscription(tx, {
          organizationId: org.id,
          lanCenterId: lan.id,
          plan: 'STARTER',
          status: 'TRIAL',
          currentPeriodStart: now,
          currentPeriodEnd: new Date(now.getTime() + TRIAL_DAYS * 86_400_000),
        });
        await this.audit.record(
          {
            organizationId: org.id,
            lanCenterId: lan.id,
            actor: { userId: manager.id, role: 'MANAGER' },
            action: 'organization.signup',
            entityType: 'organization',
            entityId: org.id,
            ip: client.ip,
          },
          tx,
        );
        const session = await this.auth.issue(manager, randomUUID(), client, tx);
        return {
          organization: { id: org.id, name: org.name, slug: org.slug, currency: input.currency },
          lanCenter: { id: lan.id, name: lan.name, timezone: lan.timezone },
          session,
        };
      });
    } catch (error) {
      const constraint = uniqueViolation(error);
      if (constraint?.includes('email')) throw new AppError('EMAIL_TAKEN');
      if (constraint?.includes('username')) throw new AppError('USERNAME_TAKEN');
      if (constraint?.includes('slug')) throw new AppError('SLUG_TAKEN');
      throw error;
    }
  }

  private async freeSlug(base: string): Promise<string> {
    if (!(await this.repo.slugExists(base))) return base;
    for (let i = 0; i < 5; i++) {
      const candidate = `${base}-${randomUUID().slice(0, 6)}`;
      if (!(await this.repo.slugExists(candidate))) return candidate;
    }
    return `${base}-${randomUUID()}`;
  }
}
