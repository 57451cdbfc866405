import { type ReactNode } from 'react';

/** A column header over figures: right-aligned like the numbers under it. */
export function NumHeader({ children }: { children: ReactNode }) {
  return (
    <th scope="col" className="num">
      {children}
    </th>
  );
}
