/** One column heading: its label, or its label marked numeric. */
export type TableColumn = string | { label: string; numeric: true };

/** A table's column headings; a numeric column is right-aligned like its figures. */
export function TableHead({ columns }: { columns: TableColumn[] }) {
  return (
    <thead>
      <tr>
        {columns.map((column) =>
          typeof column === 'string' ? (
            <th key={column} scope="col">
              {column}
            </th>
          ) : (
            <th key={column.label} scope="col" className="number">
              {column.label}
            </th>
          ),
        )}
      </tr>
    </thead>
  );
}
