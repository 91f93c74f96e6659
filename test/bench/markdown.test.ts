import { describe, expect, it } from 'vitest';
import { fmt, spliceSection, TABLE_END, TABLE_START } from '../../bench/report/markdown';

describe('docs/benchmarks.md generation', () => {
  it('replaces only the marked section and keeps the prose around it', () => {
    const doc = `# Title\n\nprose before\n\n${TABLE_START}\nold table\n${TABLE_END}\n\nprose after\n`;
    const out = spliceSection(doc, 'new table');
    expect(out).toBe(`# Title\n\nprose before\n\n${TABLE_START}\nnew table\n${TABLE_END}\n\nprose after\n`);
    expect(spliceSection(out, 'new table')).toBe(out);
  });

  it('appends a marked section to a document that has none', () => {
    const out = spliceSection('# Title\nprose\n\n\n', 'table');
    expect(out).toBe(`# Title\nprose\n\n${TABLE_START}\ntable\n${TABLE_END}\n`);
    expect(spliceSection(out, 'other')).toContain(`${TABLE_START}\nother\n${TABLE_END}`);
  });

  it('formats numbers by magnitude and missing values as a dash', () => {
    expect(fmt(1234.5, ' ms')).toBe('1235 ms');
    expect(fmt(12.345)).toBe('12.3');
    expect(fmt(1.2345)).toBe('1.23');
    expect(fmt(0.12345)).toBe('0.123');
    expect(fmt(0.0012345)).toBe('0.0012');
    expect(fmt(null)).toBe('—');
    expect(fmt(undefined, ' ms')).toBe('—');
  });
});
