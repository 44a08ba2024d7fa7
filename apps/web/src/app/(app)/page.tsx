import type { Metadata } from 'next';
import { FloorView } from './floor-view';

export const metadata: Metadata = { title: 'Sala' };

export default function FloorPage() {
  return <FloorView />;
}
