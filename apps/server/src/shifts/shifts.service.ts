import { Inject, Injectable } from '@nestjs/common';
import type { ShiftDto, closeShiftSchema, openShiftSchema } from '@econtrol/contracts';
import type { z } from 'zod';
import { AppError, notFound } from '../common/app-error.js';
import type { Actor } from '../common/actor.js';
import { orgOf } from '../common/tenancy.js';
import type { Tx } from '../db/database.js';
import { uniqueViolation } from '../db/errors.js';
import { AuditService } from '../audit/audit.service.js';
import { LanAccess } from '../lan-centers/lan-access.service.js';
import { ShiftsRepository, type ShiftRow } from './shifts.repository.js';

type Totals = ShiftDto['totals'];

@Injectable()
export class ShiftsService {
  constructor(
    @Inject(ShiftsRepository) private readonly repo: ShiftsRepository,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(LanAccess) private readonly lanAccess: LanAccess,
  ) {}

  private async totals(shiftId: string, tx?: Tx): Promise<Totals> {
    const rows = await this.repo.totals(shiftId, tx);
    const totals: Totals = { byMethod: {}, byType: {}, cashInMinor: 0, cashOutMinor: 0, transactions: 0 };
    for (const r of rows) {
      totals.byMethod[r.method] = (totals.byMethod[r.method] ?? 0) + r.tendered;
      const t = (totals.byType[r.type] ??= { count: 0, tenderedMinor: 0, amountMinor: 0 });
      t.count += r.count;
      t.tenderedMinor += r.tendered;
      t.amountMinor += r.amount;
      totals.cashInMinor += r.cashIn;
      totals.cashOutMinor += r.cashOut;
      totals.transactions += r.count;
    }
    return totals;
  }

  private async toDto(row: ShiftRow, tx?: Tx): Promise<ShiftDto> {
    const totals = await this.totals(row.id, tx);
    const expected = row.expectedCashMinor ?? row.openingFloatMinor + totals.cashInMinor - totals.cashOutMinor;
    return {
      id: row.id,
      lanCenterId: row.lanCenterId,
      cashierId: row.cashierId,
      cashierName: row.cashierName,
      status: row.status,
      openingFloatMinor: row.openingFloatMinor,
      expectedCashMinor: expected,
      countedCashMinor: row.countedCashMinor,
      differenceMinor: row.differenceMinor,
      notes: row.notes,
      openedAt: row.openedAt.toISOString(),
      closedAt: row.closedAt?.toISOString() ?? null,
      totals,
    };
  }

  async open(actor: Actor, input: z.infer<typeof openShiftSchema>): Promise<ShiftDto> {
    const { organizationId } = orgOf(actor);
    await this.lanAccess.assert(actor, input.lanCenterId);
    let id: string;
    try {
      id = await this.repo.insert({ organizationId, lanCenterId: input.lanCenterId, cashierId: actor.userId, openingFloatMinor: input.openingFloatMinor });
    } catch (error) {
      if (uniqueViolation(error)) throw new AppError('SHIFT_ALREADY_OPEN');
      throw error;
    }
    await this.audit.record({ organizationId, lanCenterId: input.lanCenterId, actor, action: 'shift.open', entityType: 'shift', entityId: id, details: { openingFloatMinor: input.openingFloatMinor } });
    return this.get(actor, id);
  }

  async current(actor: Actor): Promise<ShiftDto | null> {
    const row = await this.repo.current(orgOf(actor).organizationId, actor.userId);
    return row ? this.toDto(row) : null;
  }

  async get(actor: Actor, id: string): Promise<ShiftDto> {
    const row = await this.repo.find(orgOf(actor).organizationId, id);
    if (!row || !this.visible(actor, row)) throw notFound('shift');
    return this.toDto(row);
  }

  private visible(actor: Actor, row: ShiftRow): boolean {
    return actor.role === 'MANAGER' ? true : row.cashierId === actor.userId;
  }

  async list(actor: Actor, lanCenterId: string, limit: number): Promise<ShiftDto[]> {
    await this.lanAccess.assert(actor, lanCenterId);
    const rows = await this.repo.list(orgOf(actor).organizationId, lanCenterId, limit);
    return Promise.all(rows.filter((r) => this.visible(actor, r)).map((r) => this.toDto(r)));
  }

  /** Cash count: expected = float + cash in − cash out; difference = counted − expected. */
  async close(actor: Actor, id: string, input: z.infer<typeof closeShiftSchema>): Promise<ShiftDto> {
    const { organizationId } = orgOf(actor);
    return this.repo.transaction(async (tx) => {
      const row = await this.repo.find(organizationId, id, tx);
      if (!row || !this.visible(actor, row)) throw notFound('shift');
      if (row.status !== 'OPEN') throw new AppError('CONFLICT', { reason: 'shift already closed' });
      const totals = await this.totals(id, tx);
      const expected = row.openingFloatMinor + totals.cashInMinor - totals.cashOutMinor;
      const difference = input.countedCashMinor - expected;
      if (!(await this.repo.close(tx, id, { expectedCashMinor: expected, countedCashMinor: input.countedCashMinor, differenceMinor: difference, notes: input.notes ?? null }))) {
        throw new AppError('CONFLICT', { reason: 'shift already closed' });
      }
      await this.audit.record({ organizationId, lanCenterId: row.lanCenterId, actor, action: 'shift.close', entityType: 'shift', entityId: id, details: { expectedCashMinor: expected, countedCashMinor: input.countedCashMinor, differenceMinor: difference } }, tx);
      const closed = await this.repo.find(organizationId, id, tx);
      return this.toDto(closed!, tx);
    });
  }
}
