import { Inject, Injectable } from '@nestjs/common';
import type {
  Customer,
  createCustomerSchema,
  customerSearchSchema,
  updateCustomerSchema,
} from '@econtrol/contracts';
import type { z } from 'zod';
import { notFound } from '../common/app-error.js';
import type { Actor } from '../common/actor.js';
import { orgOf } from '../common/tenancy.js';
import { decodeCursor, encodeCursor } from '../common/cursor.js';
import { rethrowUserUnique } from '../db/errors.js';
import { hashPassword } from '../auth/passwords.js';
import { AuditService } from '../audit/audit.service.js';
import { CustomersRepository, type CustomerRow } from './customers.repository.js';

export const toCustomer = (row: CustomerRow): Customer => ({
  id: row.id,
  name: row.name,
  username: row.username,
  email: row.email,
  phone: row.phone,
  documentId: row.documentId,
  membershipTier: row.membershipTier,
  loyaltyPoints: row.loyaltyPoints,
  balanceMinor: row.balanceMinor,
  guest: row.guest,
  createdAt: row.createdAt.toISOString(),
});


@Injectable()
export class CustomersService {
  constructor(
    @Inject(CustomersRepository) private readonly repo: CustomersRepository,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  async search(
    actor: Actor,
    query: z.infer<typeof customerSearchSchema>,
  ): Promise<{ items: Customer[]; nextCursor: string | null }> {
    const rows = await this.repo.search(
      orgOf(actor).organizationId,
      query.q,
      query.guests,
      decodeCursor(query.cursor),
      query.limit + 1,
    );
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toCustomer),
      nextCursor: rows.length > query.limit && last ? encodeCursor(last.createdAt, last.id) : null,
    };
  }

  async get(actor: Actor, id: string): Promise<Customer> {
    const row = await this.repo.find(orgOf(actor).organizationId, id);
    if (!row) throw notFound('customer');
    return toCustomer(row);
  }

  async create(actor: Actor, input: z.infer<typeof createCustomerSchema>): Promise<Customer> {
    const { organizationId } = orgOf(actor);
    const passwordHash = input.password ? await hashPassword(input.password) : null;
    let id: string;
    try {
      id = await this.repo.transaction(async (tx) => {
        const userId = await this.repo.insert(tx, {
          organizationId,
          role: 'CLIENT',
          name: input.name,
          username: input.username ?? null,
          email: input.email ?? null,
          phone: input.phone ?? null,
          documentId: input.documentId ?? null,
          passwordHash,
        });
        await this.audit.record(
          { organizationId, actor, action: 'customer.create', entityType: 'user', entityId: userId },
          tx,
        );
        return userId;
      });
    } catch (error) {
      rethrowUserUnique(error);
    }
    return this.get(actor, id);
  }

  async update(actor: Actor, id: string, input: z.infer<typeof updateCustomerSchema>): Promise<Customer> {
    const { organizationId } = orgOf(actor);
    await this.get(actor, id);
    const { password, ...rest } = input;
    try {
      await this.repo.update(organizationId, id, {
        ...rest,
        ...(password ? { passwordHash: await hashPassword(password) } : {}),
      });
    } catch (error) {
      rethrowUserUnique(error);
    }
    await this.audit.record({
      organizationId,
      actor,
      action: 'customer.update',
      entityType: 'user',
      entityId: id,
      details: { fields: Object.keys(rest), passwordChanged: Boolean(password) },
    });
    return this.get(actor, id);
  }
}
