/** A table's column headings; a numeric column is right-aligned like its figures. */
export function TableHead({ columns }: { columns: (string | { label: string; numeric: true })[] }) {
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
