import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvCell, csvRow, neutralise } from './csv.ts';

describe('csv encoding', () => {
  it.each(['=1+1', '+49 30 123', '-2', '@SUM(A1)', '\tx', '\rx'])(
    'prefixes %j with a quote so it is not a formula',
    (value) => {
      expect(neutralise(value)).toBe(`'${value}`);
    },
  );

  it('leaves ordinary text alone', () => {
    expect(neutralise('Müller & Söhne')).toBe('Müller & Söhne');
    expect(neutralise('a=b')).toBe('a=b');
  });

  it('quotes every cell and doubles inner quotes', () => {
    expect(csvCell('sagt "hallo"')).toBe('"sagt ""hallo"""');
    expect(csvCell(null)).toBe('""');
    expect(csvCell(3)).toBe('"3"');
  });

  it('round-trips commas, semicolons, quotes and line breaks through a real CSV parser', () => {
    const cells = ['a,b', 'c;d', 'zwei\r\nZeilen', 'e"f', 'Größe'];
    for (const [name, delimiter] of [
      ['comma', ','],
      ['semicolon', ';'],
    ]) {
      const text = csvRow(cells, delimiter) + csvRow(cells, delimiter);
      expect(parse(text, { delimiter }), name).toEqual([cells, cells]);
    }
  });
});
