import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

// Money columns are bigint minor units (cents), read as JS numbers (safe up to 9e15).
const money = (name: string) => bigint(name, { mode: 'number' });
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const createdAt = () => ts('created_at').notNull().defaultNow();
const updatedAt = () => ts('updated_at').notNull().defaultNow();
const id = () => uuid('id').primaryKey().defaultRandom();
const orgRef = () =>
  uuid('organization_id')
    .notNull()
    .references(() => organizations.id, { onDelete: 'cascade' });

export const userRole = pgEnum('user_role', ['SUPER_ADMIN', 'MANAGER', 'CASHIER', 'CLIENT']);
export const membershipTier = pgEnum('membership_tier', ['BRONZE', 'SILVER', 'GOLD', 'PLATINUM']);
export const lanStatus = pgEnum('lan_status', ['TRIAL', 'ACTIVE', 'SUSPENDED', 'CANCELLED']);
export const pcStatus = pgEnum('pc_status', [
  'AVAILABLE',
  'PENDING',
  'OCCUPIED',
  'RESERVED',
  'MAINTENANCE',
  'OFFLINE',
]);
export const sessionStatus = pgEnum('session_status', [
  'PENDING',
  'ACTIVE',
  'PAUSED',
  'COMPLETED',
  'ABORTED',
  'FAILED',
]);
export const sessionKind = pgEnum('session_kind', [
  'MEMBER',
  'GUEST_PREPAID',
  'GUEST_POSTPAID',
  'FREE_GRANT',
]);
export const reservationStatus = pgEnum('reservation_status', [
  'PENDING',
  'CONFIRMED',
  'CHECKED_IN',
  'COMPLETED',
  'CANCELLED',
  'NO_SHOW',
]);
export const orderStatus = pgEnum('order_status', [
  'PENDING',
  'PREPARING',
  'READY',
  'DELIVERED',
  'CANCELLED',
]);
export const transactionType = pgEnum('transaction_type', [
  'RECHARGE',
  'SESSION_PAYMENT',
  'STORE_PURCHASE',
  'REFUND',
  'PENALTY',
  'LOYALTY_REWARD',
  'ADJUSTMENT',
]);
export const paymentMethod = pgEnum('payment_method', [
  'CASH',
  'CARD',
  'YAPE',
  'PLIN',
  'TRANSFER',
  'BALANCE',
]);
export const loyaltyRewardType = pgEnum('loyalty_reward_type', [
  'CASHBACK',
  'FREE_HOURS',
  'DISCOUNT_COUPON',
  'BONUS_POINTS',
]);
export const loyaltyRewardStatus = pgEnum('loyalty_reward_status', ['PENDING', 'REDEEMED', 'EXPIRED']);
export const subscriptionPlan = pgEnum('subscription_plan', [
  'STARTER',
  'PROFESSIONAL',
  'BUSINESS',
  'ENTERPRISE',
]);
export const subscriptionStatus = pgEnum('subscription_status', [
  'TRIAL',
  'ACTIVE',
  'PAST_DUE',
  'CANCELLED',
  'PAUSED',
]);
export const shiftStatus = pgEnum('shift_status', ['OPEN', 'CLOSED']);
export const granularity = pgEnum('billing_granularity', ['second', 'minute']);

export const organizations = pgTable('organizations', {
  id: id(),
  name: text('name').notNull(),
  slug: text('slug').notNull().unique(),
  currency: text('currency').notNull().default('PEN'),
  /** How far below zero a customer balance may go (minor units, ≥ 0). */
  creditLimitMinor: money('credit_limit_minor').notNull().default(0),
  settings: jsonb('settings').notNull().default({}),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const lanCenters = pgTable(
  'lan_centers',
  {
    id: id(),
    organizationId: orgRef(),
    name: text('name').notNull(),
    slug: text('slug').notNull(),
    address: text('address'),
    city: text('city'),
    country: text('country').notNull().default('PE'),
    timezone: text('timezone').notNull().default('America/Lima'),
    status: lanStatus('status').notNull().default('TRIAL'),
    /** Opening hours, agent settings (allow/block lists, heartbeat), policies. */
    settings: jsonb('settings').notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('lan_centers_org_slug_uq').on(t.organizationId, t.slug)],
);

export const users = pgTable(
  'users',
  {
    id: id(),
    /** Null only for SUPER_ADMIN (platform staff). */
    organizationId: uuid('organization_id').references(() => organizations.id, { onDelete: 'cascade' }),
    email: text('email').unique(),
    username: text('username').unique(),
    passwordHash: text('password_hash'),
    name: text('name').notNull(),
    phone: text('phone'),
    documentId: text('document_id'),
    role: userRole('role').notNull().default('CLIENT'),
    locale: text('locale').notNull().default('es'),
    membershipTier: membershipTier('membership_tier').notNull().default('BRONZE'),
    loyaltyPoints: integer('loyalty_points').notNull().default(0),
    failedLoginCount: integer('failed_login_count').notNull().default(0),
    lockedUntil: ts('locked_until'),
    lastLoginAt: ts('last_login_at'),
    lastVisitAt: ts('last_visit_at'),
    disabledAt: ts('disabled_at'),
    /** A guest ticket's account (no password, no username): see guest_tickets. */
    guest: boolean('is_guest').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('users_org_role_idx').on(t.organizationId, t.role),
    index('users_org_name_idx').on(t.organizationId, t.name),
    check('users_org_required', sql`${t.role} = 'SUPER_ADMIN' or ${t.organizationId} is not null`),
    check('users_loyalty_nonneg', sql`${t.loyaltyPoints} >= 0`),
  ],
);

export const lanStaff = pgTable(
  'lan_staff',
  {
    id: id(),
    organizationId: orgRef(),
    lanCenterId: uuid('lan_center_id')
      .notNull()
      .references(() => lanCenters.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: userRole('role').notNull(),
    startedAt: ts('started_at').notNull().defaultNow(),
    endedAt: ts('ended_at'),
  },
  (t) => [
    uniqueIndex('lan_staff_lan_user_uq').on(t.lanCenterId, t.userId),
    index('lan_staff_user_idx').on(t.userId),
  ],
);

/** A customer's money in one organization (a chain's customers top up anywhere, play anywhere). */
export const accounts = pgTable(
  'accounts',
  {
    id: id(),
    organizationId: orgRef(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    balanceMinor: money('balance_minor').notNull().default(0),
    /** Sessions consuming this account (ACTIVE or PAUSED); kept by a trigger on sessions (0002). */
    liveSessions: integer('live_sessions').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('accounts_org_user_uq').on(t.organizationId, t.userId), check('accounts_live_sessions_nonneg', sql`${t.liveSessions} >= 0`)],
);

export const zones = pgTable(
  'zones',
  {
    id: id(),
    organizationId: orgRef(),
    lanCenterId: uuid('lan_center_id')
      .notNull()
      .references(() => lanCenters.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description'),
    position: integer('position').notNull().default(0),
    color: text('color'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('zones_lan_name_uq').on(t.lanCenterId, t.name)],
);

/**
 * Rate card of a zone. A change creates a new row (effective_from) and closes the old one, so a
 * running session keeps the snapshot it started with (documented S9 rule).
 */
export const tariffs = pgTable(
  'tariffs',
  {
    id: id(),
    organizationId: orgRef(),
    zoneId: uuid('zone_id')
      .notNull()
      .references(() => zones.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    ratePerHourMinor: money('rate_per_hour_minor').notNull(),
    memberRatePerHourMinor: money('member_rate_per_hour_minor'),
    granularity: granularity('granularity').notNull().default('minute'),
    minimumChargeMinor: money('minimum_charge_minor').notNull().default(0),
    rules: jsonb('rules').notNull().default([]),
    effectiveFrom: ts('effective_from').notNull().defaultNow(),
    effectiveTo: ts('effective_to'),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('tariffs_zone_current_uq')
      .on(t.zoneId)
      .where(sql`${t.effectiveTo} is null`),
    check('tariffs_rate_nonneg', sql`${t.ratePerHourMinor} >= 0 and ${t.minimumChargeMinor} >= 0`),
  ],
);

export const timePackages = pgTable('time_packages', {
  id: id(),
  organizationId: orgRef(),
  name: text('name').notNull(),
  seconds: integer('seconds').notNull(),
  priceMinor: money('price_minor').notNull(),
  zoneIds: jsonb('zone_ids').notNull().default([]),
  validDays: jsonb('valid_days').notNull().default([]),
  validStart: text('valid_start'),
  validEnd: text('valid_end'),
  validForDays: integer('valid_for_days'),
  active: boolean('active').notNull().default(true),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const customerPackages = pgTable(
  'customer_packages',
  {
    id: id(),
    organizationId: orgRef(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    packageId: uuid('package_id')
      .notNull()
      .references(() => timePackages.id),
    secondsRemaining: integer('seconds_remaining').notNull(),
    expiresAt: ts('expires_at'),
    createdAt: createdAt(),
  },
  (t) => [
    index('customer_packages_user_idx').on(t.userId),
    check('customer_packages_nonneg', sql`${t.secondsRemaining} >= 0`),
  ],
);

export const pcs = pgTable(
  'pcs',
  {
    id: id(),
    organizationId: orgRef(),
    lanCenterId: uuid('lan_center_id')
      .notNull()
      .references(() => lanCenters.id, { onDelete: 'cascade' }),
    zoneId: uuid('zone_id')
      .notNull()
      .references(() => zones.id),
    name: text('name').notNull(),
    specs: jsonb('specs').notNull().default({}),
    status: pcStatus('status').notNull().default('OFFLINE'),
    agentVersion: text('agent_version'),
    protocolVersion: integer('protocol_version'),
    lastHeartbeatAt: ts('last_heartbeat_at'),
    offlineFlaggedAt: ts('offline_flagged_at'),
    retiredAt: ts('retired_at'),
    /** False for stations without an agent (consoles): sessions start at once from the counter. */
    requiresAgent: boolean('requires_agent').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('pcs_lan_name_uq')
      .on(t.lanCenterId, t.name)
      .where(sql`${t.retiredAt} is null`),
    index('pcs_zone_idx').on(t.zoneId),
    index('pcs_lan_status_idx').on(t.lanCenterId, t.status),
  ],
);

export const pairingCodes = pgTable(
  'pairing_codes',
  {
    id: id(),
    organizationId: orgRef(),
    pcId: uuid('pc_id')
      .notNull()
      .references(() => pcs.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull().unique(),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index('pairing_codes_pc_idx').on(t.pcId)],
);

export const deviceCredentials = pgTable(
  'device_credentials',
  {
    id: id(),
    organizationId: orgRef(),
    pcId: uuid('pc_id')
      .notNull()
      .references(() => pcs.id, { onDelete: 'cascade' }),
    secretHash: text('secret_hash').notNull(),
    machine: jsonb('machine').notNull().default({}),
    lastUsedAt: ts('last_used_at'),
    revokedAt: ts('revoked_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('device_credentials_pc_active_uq')
      .on(t.pcId)
      .where(sql`${t.revokedAt} is null`),
  ],
);

export const cashierShifts = pgTable(
  'cashier_shifts',
  {
    id: id(),
    organizationId: orgRef(),
    lanCenterId: uuid('lan_center_id')
      .notNull()
      .references(() => lanCenters.id),
    cashierId: uuid('cashier_id')
      .notNull()
      .references(() => users.id),
    status: shiftStatus('status').notNull().default('OPEN'),
    openingFloatMinor: money('opening_float_minor').notNull(),
    expectedCashMinor: money('expected_cash_minor'),
    countedCashMinor: money('counted_cash_minor'),
    differenceMinor: money('difference_minor'),
    notes: text('notes'),
    openedAt: ts('opened_at').notNull().defaultNow(),
    closedAt: ts('closed_at'),
  },
  (t) => [
    uniqueIndex('cashier_shifts_one_open_uq')
      .on(t.cashierId)
      .where(sql`${t.status} = 'OPEN'`),
    index('cashier_shifts_lan_idx').on(t.lanCenterId, t.openedAt),
    check('cashier_shifts_float_nonneg', sql`${t.openingFloatMinor} >= 0`),
  ],
);

export const sessions = pgTable(
  'sessions',
  {
    id: id(),
    organizationId: orgRef(),
    lanCenterId: uuid('lan_center_id')
      .notNull()
      .references(() => lanCenters.id),
    pcId: uuid('pc_id')
      .notNull()
      .references(() => pcs.id),
    /** Null for guests. */
    userId: uuid('user_id').references(() => users.id),
    accountId: uuid('account_id').references(() => accounts.id),
    kind: sessionKind('kind').notNull(),
    status: sessionStatus('status').notNull().default('PENDING'),
    guestLabel: text('guest_label'),
    /** Tariff in force at start; the session is priced with it to the end (S9 rule). */
    tariffSnapshot: jsonb('tariff_snapshot').notNull(),
    tariffId: uuid('tariff_id').references(() => tariffs.id),
    prepaidMinor: money('prepaid_minor'),
    requestedAt: ts('requested_at').notNull().defaultNow(),
    startedAt: ts('started_at'),
    endedAt: ts('ended_at'),
    hardEndAt: ts('hard_end_at'),
    freeUntil: ts('free_until'),
    billedSeconds: integer('billed_seconds').notNull().default(0),
    /** Engine price of the session; chargedMinor + uncollectedMinor = totalCostMinor once settled. */
    totalCostMinor: money('total_cost_minor').notNull().default(0),
    chargedMinor: money('charged_minor').notNull().default(0),
    uncollectedMinor: money('uncollected_minor').notNull().default(0),
    settledAt: ts('settled_at'),
    /** Package seconds the settlement consumed: [{ packageId, seconds }]. */
    packageUsage: jsonb('package_usage').notNull().default([]),
    endReason: text('end_reason'),
    startedBy: uuid('started_by').references(() => users.id),
    endedBy: uuid('ended_by').references(() => users.id),
    grantedBy: uuid('granted_by').references(() => users.id),
    /** Seconds observed by the agent while offline, re-priced by the server. */
    offlineSeconds: integer('offline_seconds').notNull().default(0),
    needsReconciliation: boolean('needs_reconciliation').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('sessions_one_live_per_pc_uq')
      .on(t.pcId)
      .where(sql`${t.status} in ('PENDING', 'ACTIVE', 'PAUSED')`),
    index('sessions_user_started_idx').on(t.userId, t.startedAt),
    index('sessions_pc_status_idx').on(t.pcId, t.status),
    index('sessions_account_status_idx').on(t.accountId, t.status),
    index('sessions_lan_started_idx').on(t.lanCenterId, t.startedAt),
    check('sessions_cost_nonneg', sql`${t.totalCostMinor} >= 0 and ${t.billedSeconds} >= 0`),
  ],
);

/**
 * A walk-in's prepaid ticket: its money is the balance of a guest CLIENT user's account, sold at
 * the counter (RECHARGE in the cashier's shift). The code is kept only as a hash, unique per
 * organization for ever (an old code never opens a newer ticket).
 */
export const guestTickets = pgTable(
  'guest_tickets',
  {
    id: id(),
    organizationId: orgRef(),
    lanCenterId: uuid('lan_center_id')
      .notNull()
      .references(() => lanCenters.id),
    userId: uuid('user_id')
      .notNull()
      .unique()
      .references(() => users.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    codeHint: text('code_hint').notNull(),
    saleTransactionId: uuid('sale_transaction_id')
      .notNull()
      .references(() => transactions.id),
    expiresAt: ts('expires_at').notNull(),
    closedAt: ts('closed_at'),
    closedBy: uuid('closed_by').references(() => users.id),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('guest_tickets_org_code_uq').on(t.organizationId, t.codeHash),
    index('guest_tickets_lan_created_idx').on(t.lanCenterId, t.createdAt),
  ],
);

/** Active (unpaused) stretches of a session, in server time. */
export const sessionIntervals = pgTable(
  'session_intervals',
  {
    id: id(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    startedAt: ts('started_at').notNull(),
    endedAt: ts('ended_at'),
    source: text('source').notNull().default('server'),
  },
  (t) => [index('session_intervals_session_idx').on(t.sessionId)],
);

export const reservations = pgTable(
  'reservations',
  {
    id: id(),
    organizationId: orgRef(),
    lanCenterId: uuid('lan_center_id')
      .notNull()
      .references(() => lanCenters.id),
    pcId: uuid('pc_id')
      .notNull()
      .references(() => pcs.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    startsAt: ts('starts_at').notNull(),
    endsAt: ts('ends_at').notNull(),
    depositMinor: money('deposit_minor').notNull().default(0),
    totalCostMinor: money('total_cost_minor').notNull().default(0),
    status: reservationStatus('status').notNull().default('PENDING'),
    qrCode: text('qr_code').notNull().unique(),
    cancellationReason: text('cancellation_reason'),
    penaltyMinor: money('penalty_minor'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('reservations_user_start_idx').on(t.userId, t.startsAt),
    index('reservations_pc_start_idx').on(t.pcId, t.startsAt),
    index('reservations_lan_status_idx').on(t.lanCenterId, t.status),
    check('reservations_period', sql`${t.endsAt} > ${t.startsAt}`),
  ],
);

export const products = pgTable(
  'products',
  {
    id: id(),
    organizationId: orgRef(),
    lanCenterId: uuid('lan_center_id')
      .notNull()
      .references(() => lanCenters.id),
    name: text('name').notNull(),
    category: text('category').notNull(),
    description: text('description'),
    priceMinor: money('price_minor').notNull(),
    costMinor: money('cost_minor'),
    stock: integer('stock').notNull().default(0),
    imageUrl: text('image_url'),
    isActive: boolean('is_active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('products_lan_category_idx').on(t.lanCenterId, t.category),
    check('products_stock_nonneg', sql`${t.stock} >= 0`),
    check('products_price_nonneg', sql`${t.priceMinor} >= 0`),
  ],
);

export const orders = pgTable(
  'orders',
  {
    id: id(),
    organizationId: orgRef(),
    lanCenterId: uuid('lan_center_id')
      .notNull()
      .references(() => lanCenters.id),
    userId: uuid('user_id').references(() => users.id),
    sessionId: uuid('session_id').references(() => sessions.id),
    pcId: uuid('pc_id').references(() => pcs.id),
    shiftId: uuid('shift_id').references(() => cashierShifts.id),
    totalMinor: money('total_minor').notNull(),
    paymentMethod: paymentMethod('payment_method').notNull(),
    status: orderStatus('status').notNull().default('PENDING'),
    orderedAt: ts('ordered_at').notNull().defaultNow(),
    deliveredAt: ts('delivered_at'),
    createdBy: uuid('created_by').references(() => users.id),
  },
  (t) => [
    index('orders_user_ordered_idx').on(t.userId, t.orderedAt),
    index('orders_lan_status_idx').on(t.lanCenterId, t.status),
  ],
);

export const orderItems = pgTable(
  'order_items',
  {
    id: id(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id),
    quantity: integer('quantity').notNull(),
    unitPriceMinor: money('unit_price_minor').notNull(),
    subtotalMinor: money('subtotal_minor').notNull(),
  },
  (t) => [
    index('order_items_order_idx').on(t.orderId),
    check('order_items_qty_pos', sql`${t.quantity} > 0`),
    check('order_items_subtotal', sql`${t.subtotalMinor} = ${t.unitPriceMinor} * ${t.quantity}`),
  ],
);

/**
 * The ledger. A row with an account moves that account's balance: amount = after - before, and
 * for every account balance = Σ amount. Rows without an account are direct counter payments
 * (e.g. a postpaid guest paying cash) that still count in the shift.
 * organization_id, lan_center_id, shift_id and actor_id carry no foreign key on purpose: every money
 * move references the same few rows (one organization, LAN, shift, cashier), and a foreign-key
 * check takes FOR KEY SHARE on them, so concurrent moves pile up MultiXacts on those hot rows (−35%
 * ledger throughput measured by bench:ledger). Those rows are never deleted (LAN centers retire,
 * shifts close) and `ledger:verify` reports any ledger row whose reference does not resolve.
 */
export const transactions = pgTable(
  'transactions',
  {
    id: id(),
    organizationId: uuid('organization_id').notNull(),
    lanCenterId: uuid('lan_center_id'),
    accountId: uuid('account_id').references(() => accounts.id),
    userId: uuid('user_id').references(() => users.id),
    sessionId: uuid('session_id').references(() => sessions.id),
    orderId: uuid('order_id').references(() => orders.id),
    shiftId: uuid('shift_id'),
    refundOfId: uuid('refund_of_id'),
    type: transactionType('type').notNull(),
    paymentMethod: paymentMethod('payment_method').notNull(),
    amountMinor: money('amount_minor').notNull(),
    /** Money that changed hands at the counter (cash/card/Yape…), signed; 0 for balance-only moves. */
    tenderedMinor: money('tendered_minor').notNull().default(0),
    balanceBeforeMinor: money('balance_before_minor'),
    balanceAfterMinor: money('balance_after_minor'),
    actorId: uuid('actor_id'),
    reason: text('reason'),
    reference: text('reference'),
    idempotencyKey: text('idempotency_key'),
    createdAt: createdAt(),
  },
  (t) => [
    index('transactions_user_created_idx').on(t.userId, t.createdAt),
    index('transactions_lan_created_idx').on(t.lanCenterId, t.createdAt),
    index('transactions_type_created_idx').on(t.type, t.createdAt),
    index('transactions_account_created_idx').on(t.accountId, t.createdAt),
    index('transactions_shift_idx').on(t.shiftId),
    index('transactions_refund_of_idx')
      .on(t.refundOfId)
      .where(sql`${t.refundOfId} is not null`),
    index('transactions_org_created_idx').on(t.organizationId, t.createdAt, t.id),
    uniqueIndex('transactions_session_payment_uq')
      .on(t.sessionId)
      .where(sql`${t.type} = 'SESSION_PAYMENT'`),
    check(
      'transactions_balance_math',
      sql`${t.accountId} is null or (${t.balanceBeforeMinor} is not null and ${t.balanceAfterMinor} = ${t.balanceBeforeMinor} + ${t.amountMinor})`,
    ),
  ],
);

export const loyaltyRewards = pgTable(
  'loyalty_rewards',
  {
    id: id(),
    organizationId: orgRef(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    type: loyaltyRewardType('type').notNull(),
    valueMinor: money('value_minor').notNull(),
    pointsCost: integer('points_cost').notNull().default(0),
    expiresAt: ts('expires_at'),
    status: loyaltyRewardStatus('status').notNull().default('PENDING'),
    redeemedAt: ts('redeemed_at'),
    createdAt: createdAt(),
  },
  (t) => [index('loyalty_rewards_user_status_idx').on(t.userId, t.status)],
);

export const maintenanceLogs = pgTable(
  'maintenance_logs',
  {
    id: id(),
    organizationId: orgRef(),
    pcId: uuid('pc_id')
      .notNull()
      .references(() => pcs.id),
    performedBy: uuid('performed_by').references(() => users.id),
    issue: text('issue').notNull(),
    action: text('action').notNull(),
    costMinor: money('cost_minor'),
    performedAt: ts('performed_at').notNull().defaultNow(),
  },
  (t) => [index('maintenance_logs_pc_idx').on(t.pcId, t.performedAt)],
);

export const subscriptions = pgTable('subscriptions', {
  id: id(),
  organizationId: orgRef(),
  lanCenterId: uuid('lan_center_id')
    .notNull()
    .unique()
    .references(() => lanCenters.id),
  plan: subscriptionPlan('plan').notNull().default('STARTER'),
  status: subscriptionStatus('status').notNull().default('TRIAL'),
  currentPeriodStart: ts('current_period_start').notNull(),
  currentPeriodEnd: ts('current_period_end').notNull(),
  providerCustomerId: text('provider_customer_id'),
  providerSubscriptionId: text('provider_subscription_id'),
  cancelAt: ts('cancel_at'),
  canceledAt: ts('canceled_at'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** Append-only: the application never updates or deletes rows here. */
export const auditLogs = pgTable(
  'audit_logs',
  {
    id: id(),
    organizationId: uuid('organization_id').references(() => organizations.id, { onDelete: 'cascade' }),
    lanCenterId: uuid('lan_center_id'),
    actorId: uuid('actor_id'),
    actorRole: text('actor_role'),
    action: text('action').notNull(),
    entityType: text('entity_type'),
    entityId: text('entity_id'),
    requestId: text('request_id'),
    ip: text('ip'),
    details: jsonb('details').notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [
    index('audit_logs_org_created_idx').on(t.organizationId, t.createdAt),
    index('audit_logs_entity_idx').on(t.entityType, t.entityId),
  ],
);

export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    organizationId: uuid('organization_id').notNull(),
    key: text('key').notNull(),
    scope: text('scope').notNull(),
    requestHash: text('request_hash').notNull(),
    responseStatus: integer('response_status'),
    responseBody: jsonb('response_body'),
    createdAt: createdAt(),
    completedAt: ts('completed_at'),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.key] }),
    index('idempotency_created_idx').on(t.createdAt),
  ],
);

export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    familyId: uuid('family_id').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
    revokedAt: ts('revoked_at'),
    userAgent: text('user_agent'),
    ip: text('ip'),
    createdAt: createdAt(),
  },
  (t) => [index('refresh_tokens_family_idx').on(t.familyId), index('refresh_tokens_user_idx').on(t.userId)],
);

/** Agent events already applied (their ids are idempotency keys). */
export const agentEvents = pgTable(
  'agent_events',
  {
    pcId: uuid('pc_id')
      .notNull()
      .references(() => pcs.id, { onDelete: 'cascade' }),
    eventId: uuid('event_id').notNull(),
    type: text('type').notNull(),
    payload: jsonb('payload').notNull().default({}),
    result: jsonb('result'),
    receivedAt: ts('received_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.pcId, t.eventId] })],
);

export const notifications = pgTable(
  'notifications',
  {
    id: id(),
    organizationId: orgRef(),
    lanCenterId: uuid('lan_center_id').references(() => lanCenters.id),
    audience: userRole('audience').notNull().default('MANAGER'),
    type: text('type').notNull(),
    payload: jsonb('payload').notNull().default({}),
    readAt: ts('read_at'),
    createdAt: createdAt(),
  },
  (t) => [index('notifications_org_created_idx').on(t.organizationId, t.createdAt)],
);

/** Generated once per installation (e.g. the JWT signing key), shared by every instance. */
export const platformSecrets = pgTable('platform_secrets', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
  createdAt: createdAt(),
});
