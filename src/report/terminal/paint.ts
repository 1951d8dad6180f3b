import { styleText } from 'node:util';
import type { Severity } from '../../model/report.js';

type Style = Parameters<typeof styleText>[0];
/** Colours text for a terminal, or returns it unchanged when colour is off. */
export type Paint = (style: Style, text: string) => string;

export function paint(color: boolean): Paint {
  return color ? (style, text) => styleText(style, text) : (_style, text) => text;
}

export const severityStyle: Record<Severity, Style> = {
  critical: ['red', 'bold'],
  high: 'red',
  medium: 'yellow',
  low: 'cyan',
  info: 'gray',
};
