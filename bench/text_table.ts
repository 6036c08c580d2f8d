/**
 * Renders rows of cells as an aligned plain-text table or a Markdown table.
 *
 * @module
 */

/** How a table is drawn. */
export type TableStyle = "text" | "markdown";

/**
 * Renders a table. Cells that look numeric are right-aligned.
 *
 * @param header Column titles.
 * @param rows Cells, one array per row; short rows are padded.
 * @param style Plain text for the terminal, or Markdown for the README.
 * @returns The table, lines joined with `\n`.
 */
export function renderTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  style: TableStyle = "text",
): string {
  const all = [header, ...rows].map((row) =>
    header.map((_, i) => row[i] ?? "")
  );
  const numeric = header.map((_, i) =>
    rows.some((row) => /^[\d.]+/.test(row[i] ?? "")) &&
    rows.every((row) => /^([\d.<>≥≤—-]|n\/a|$)/.test(row[i] ?? ""))
  );
  if (style === "markdown") {
    const rule = numeric.map((right) => (right ? "---:" : "---"));
    return [all[0]!, rule, ...all.slice(1)]
      .map((row) => `| ${row.join(" | ")} |`)
      .join("\n");
  }
  const widths = header.map((_, i) =>
    Math.max(...all.map((row) => [...row[i]!].length))
  );
  const pad = (cell: string, i: number) => {
    const gap = " ".repeat(widths[i]! - [...cell].length);
    return numeric[i] ? gap + cell : cell + gap;
  };
  const lines = all.map((row) => row.map(pad).join("  ").trimEnd());
  lines.splice(1, 0, widths.map((w) => "─".repeat(w)).join("  "));
  return lines.join("\n");
}
