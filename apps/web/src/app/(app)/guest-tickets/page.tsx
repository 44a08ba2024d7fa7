import type { Metadata } from 'next';
import { GuestTicketsView } from './guest-tickets-view';

export const metadata: Metadata = { title: 'Tickets de invitado' };

export default function GuestTicketsPage() {
  return <GuestTicketsView />;
}
