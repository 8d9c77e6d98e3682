import { useEffect, useState } from 'preact/hooks';

/** One-line confirmations ("User suspended") announced politely to screen readers. */
export interface Flash {
  id: number;
  text: string;
  kind: 'success' | 'error';
}

let items: Flash[] = [];
let next = 1;
const listeners = new Set<() => void>();

export function flash(text: string, kind: Flash['kind'] = 'success'): void {
  const item = { id: next++, text, kind };
  items = [...items, item].slice(-3);
  listeners.forEach((l) => l());
  setTimeout(() => dismiss(item.id), 6000);
}

export function dismiss(id: number): void {
  items = items.filter((i) => i.id !== id);
  listeners.forEach((l) => l());
}

export function useFlashes(): Flash[] {
  const [v, setV] = useState(items);
  useEffect(() => {
    const l = () => setV(items);
    listeners.add(l);
    return () => listeners.delete(l);
  }, []);
  return v;
}
