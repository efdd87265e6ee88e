import { styleText } from 'node:util'

type Style = Parameters<typeof styleText>[0]

/** Colour only for a person at a terminal, and never under NO_COLOR (no-color.org). */
export function painter(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env) {
  const on = stream.isTTY === true && env.NO_COLOR === undefined && env.TERM !== 'dumb'
  // The decision is made here, for the stream written to: styleText's own check looks at stdout.
  return (style: Style, text: string) => (on ? styleText(style, text, { validateStream: false }) : text)
}

export type Paint = ReturnType<typeof painter>

/** Rows under a header, each column as wide as its widest cell (the header in bold). */
export function table(header: string[], rows: string[][], paint: Paint): string {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)))
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()
  return [paint('bold', line(header)), ...rows.map(line)].join('\n')
}

/** `label  value` lines, labels aligned. */
export function fields(pairs: [string, string][], paint: Paint): string {
  const width = Math.max(...pairs.map(([label]) => label.length))
  return pairs.map(([label, value]) => `${paint('dim', label.padEnd(width))}  ${value}`).join('\n')
}

/** `2026-11-22T12:00:00.000Z` → `2026-11-22 12:00` (UTC, as the server keeps it); null → `-`. */
export const shortTime = (iso: string | null | undefined) =>
  iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : '-'
