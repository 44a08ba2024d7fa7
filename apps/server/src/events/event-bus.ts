import { EventEmitter } from 'node:events';
import { Injectable } from '@nestjs/common';

/** Domain events emitted by services; the socket gateway turns them into messages. */
export interface DomainEvents {
  'pc.updated': { organizationId: string; lanCenterId: string; pcId: string };
  'session.changed': {
    organizationId: string;
    lanCenterId: string;
    pcId: string;
    sessionId: string;
    status: string;
  };
  'balance.changed': { organizationId: string; userId: string; balanceMinor: number };
  'notification.created': {
    organizationId: string;
    lanCenterId: string | null;
    type: string;
    payload: unknown;
  };
}

@Injectable()
export class EventBus {
  private readonly emitter = new EventEmitter({ captureRejections: true });

  constructor() {
    this.emitter.setMaxListeners(100);
  }

  emit<K extends keyof DomainEvents>(name: K, payload: DomainEvents[K]): void {
    this.emitter.emit(name, payload);
  }

  on<K extends keyof DomainEvents>(name: K, listener: (payload: DomainEvents[K]) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }
}
