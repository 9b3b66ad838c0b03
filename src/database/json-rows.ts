/**
 * A SELECT that gives each row as one JSON text, an array of the selected columns' values in order.
 * Reading a million rows then costs the driver one string per row instead of an object with a
 * property per column, which was most of a plain SELECT's time; each row's text is small enough for
 * V8's young generation, where a whole page as one text would not be.
 *
 * `columns` are quoted column names; `real` the floating-point ones among them: SQLite writes a REAL
 * into JSON with 15 significant digits, so those come back as exact decimal text (quote() keeps every
 * digit a double needs), to be read with Number().
 */
export function jsonRowsSql(
  kind: 'sqlite' | 'postgres',
  select: { columns: string[]; real: string[]; rest: string },
): string {
  if (kind === 'postgres')
    return `SELECT json_build_array(${select.columns.join(', ')})::text AS "row" ${select.rest}`;
  const values = select.columns.map((c) =>
    select.real.includes(c) ? `CASE WHEN ${c} IS NULL THEN NULL ELSE quote(${c}) END` : c,
  );
  return `SELECT json_array(${values.join(', ')}) AS "row" ${select.rest}`;
}
