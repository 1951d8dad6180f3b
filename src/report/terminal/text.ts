/**
 * Word-wraps `text` to `width` columns. A word longer than a line is split after a hyphen where it has one;
 * otherwise it is split (`long: 'split'`, right for prose) or shortened with a dot (`'abbreviate'`, for labels).
 */
export function wrap(text: string, width: number, long: 'split' | 'abbreviate' = 'split'): string[] {
  const lines: string[] = [];
  let line = '';
  const words = text.split(/\s+/).flatMap((word) => (word.length > width ? word.split(/(?<=-)/) : [word]));
  for (let word of words.filter(Boolean)) {
    if (word.length > width && long === 'abbreviate') word = `${word.slice(0, width - 1)}.`;
    while (word.length > width) {
      if (line) lines.push(line);
      lines.push(word.slice(0, width));
      word = word.slice(width);
      line = '';
    }
    if (!word) continue;
    if (!line) line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

export function indent(lines: readonly string[], by: string): string[] {
  return lines.map((line) => by + line);
}
