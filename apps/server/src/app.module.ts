import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CONFIG, type AppConfig } from './config/config.js';
import { DATABASE, DB, type Database } from './db/database.js';
import { KV, type KeyValueStore } from './kv/kv.js';
import { EventBus } from './events/event-bus.js';
import { AuditService } from './audit/audit.service.js';
import { Metrics } from './metrics/metrics.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { HealthController } from './health/health.controller.js';
import { AuthRepository } from './auth/auth.repository.js';
import { AuthService } from './auth/auth.service.js';
import { AuthController } from './auth/auth.controller.js';
import { AuthGuard } from './auth/auth.guard.js';
import { TokenService } from './auth/token.service.js';
import { AccessRevocation } from './auth/access-revocation.service.js';
import { OrganizationsRepository } from './organizations/organizations.repository.js';
import { SignupService } from './organizations/signup.service.js';
import { SignupController } from './organizations/signup.controller.js';
import { LanCentersRepository } from './lan-centers/lan-centers.repository.js';
import { LanCentersService } from './lan-centers/lan-centers.service.js';
import { LanCentersController } from './lan-centers/lan-centers.controller.js';
import { LanAccess } from './lan-centers/lan-access.service.js';
import { ZonesRepository } from './zones/zones.repository.js';
import { ZonesService } from './zones/zones.service.js';
import { ZonesController } from './zones/zones.controller.js';
import { PcsRepository } from './pcs/pcs.repository.js';
import { PcsService } from './pcs/pcs.service.js';
import { PcsController } from './pcs/pcs.controller.js';
import { StaffRepository } from './staff/staff.repository.js';
import { StaffService } from './staff/staff.service.js';
import { StaffController } from './staff/staff.controller.js';
import { CustomersRepository } from './customers/customers.repository.js';
import { CustomersService } from './customers/customers.service.js';
import { CustomersController } from './customers/customers.controller.js';
import { IdempotencyService } from './idempotency/idempotency.service.js';
import { LedgerRepository } from './ledger/ledger.repository.js';
import { LedgerService } from './ledger/ledger.service.js';
import { LedgerController } from './ledger/ledger.controller.js';
import { ShiftsRepository } from './shifts/shifts.repository.js';
import { ShiftsService } from './shifts/shifts.service.js';
import { ShiftsController } from './shifts/shifts.controller.js';
import { TariffsRepository } from './tariffs/tariffs.repository.js';
import { TariffsService } from './tariffs/tariffs.service.js';
import { TariffsController } from './tariffs/tariffs.controller.js';
import { PackageSalesService } from './tariffs/package-sales.service.js';
import { SessionsRepository } from './sessions/sessions.repository.js';
import { SessionsService } from './sessions/sessions.service.js';
import { SessionsController } from './sessions/sessions.controller.js';
import { ConsoleGateway } from './console-gateway/console-gateway.js';
import { AGENT_PORT, type AgentPort } from './sessions/agent-port.js';
import { DevicesRepository } from './devices/devices.repository.js';
import { DevicesService } from './devices/devices.service.js';
import { DevicesController } from './devices/devices.controller.js';
import { AgentGatewayRepository } from './agent-gateway/agent-gateway.repository.js';
import { AgentGateway } from './agent-gateway/agent-gateway.js';
import { AgentSyncService } from './agent-gateway/agent-sync.service.js';
import { PcPresenceService } from './agent-gateway/pc-presence.service.js';
import { GuestTicketsRepository } from './guest-tickets/guest-tickets.repository.js';
import { GuestTicketsService } from './guest-tickets/guest-tickets.service.js';
import { GuestTicketsController } from './guest-tickets/guest-tickets.controller.js';
import { JobsService } from './jobs/jobs.service.js';
import { MaintenanceJobs } from './jobs/maintenance.jobs.js';
import { MaintenanceRepository } from './jobs/maintenance.repository.js';

export const controllers = [
  HealthController,
  MetricsController,
  AuthController,
  SignupController,
  LanCentersController,
  ZonesController,
  PcsController,
  StaffController,
  CustomersController,
  LedgerController,
  ShiftsController,
  TariffsController,
  SessionsController,
  GuestTicketsController,
  DevicesController,
];

export interface AppDeps {
  config: AppConfig;
  database: Database;
  kv: KeyValueStore;
  agentPort?: AgentPort;
}

@Module({})
export class AppModule {
  static forRoot(deps: AppDeps): DynamicModule {
    return {
      module: AppModule,
      controllers,
      providers: [
        { provide: CONFIG, useValue: deps.config },
        { provide: DATABASE, useValue: deps.database },
        { provide: DB, useValue: deps.database.db },
        { provide: KV, useValue: deps.kv },
        { provide: APP_GUARD, useClass: AuthGuard },
        deps.agentPort
          ? { provide: AGENT_PORT, useValue: deps.agentPort }
          : { provide: AGENT_PORT, useExisting: AgentGateway },
        EventBus,
        AuditService,
        Metrics,
        TokenService,
        AccessRevocation,
        AuthRepository,
        AuthService,
        OrganizationsRepository,
        SignupService,
        LanCentersRepository,
        LanCentersService,
        LanAccess,
        ZonesRepository,
        ZonesService,
        PcsRepository,
        PcsService,
        StaffRepository,
        StaffService,
        CustomersRepository,
        CustomersService,
        IdempotencyService,
        LedgerRepository,
        LedgerService,
        ShiftsRepository,
        ShiftsService,
        TariffsRepository,
        TariffsService,
        PackageSalesService,
        SessionsRepository,
        SessionsService,
        ConsoleGateway,
        GuestTicketsRepository,
        GuestTicketsService,
        DevicesRepository,
        DevicesService,
        AgentGatewayRepository,
        PcPresenceService,
        AgentGateway,
        AgentSyncService,
        JobsService,
        MaintenanceRepository,
        MaintenanceJobs,
      ],
    };
  }
}
