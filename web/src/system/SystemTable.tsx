import type { ReactNode } from 'react';
import { TableHead, type TableColumn } from '../app/TableHead.tsx';

/**
 * One titled, horizontally scrolling table of the system page; `name` gives the heading's id (`system-<name>`)
 * and the table's class (`<name>-table`), which the page's styles and tests select by.
 */
export function SystemTable({
  name,
  title,
  columns,
  children,
}: {
  name: string;
  title: string;
  columns: TableColumn[];
  children: ReactNode;
}) {
  return (
    <section aria-labelledby={`system-${name}`}>
      <h2 id={`system-${name}`}>{title}</h2>
      <div className="table-scroll">
        <table className={`${name}-table`}>
          <TableHead columns={columns} />
          <tbody>{children}</tbody>
        </table>
      </div>
    </section>
  );
}
