import { describe, expect, it } from 'vitest';
import { normalise } from './normalise.js';

describe('normalise', () => {
  it('lower-cases ASCII and leaves it otherwise alone', () => {
    const n = normalise('BSN 123');
    expect(n.text).toBe('bsn 123');
    expect(n.changed).toBe(false);
  });

  it('folds full-width and script digits to ASCII', () => {
    expect(normalise('１２３').text).toBe('123');
    expect(normalise('\u0661\u0662\u0663').text).toBe('123'); // Arabic-Indic
    expect(normalise('\u0967\u0968\u0969').text).toBe('123'); // Devanagari
    expect(normalise('\u{1D7D9}\u{1D7DA}').text).toBe('12'); // mathematical double-struck
  });

  it('removes format characters inside words and numbers', () => {
    expect(normalise('3789\u200b35677').text).toBe('378935677');
    expect(normalise('2454\u00ad59\u00ad376').text).toBe('245459376');
    expect(normalise('zie\u2060k').text).toBe('ziek');
  });

  it('removes diacritics and turns no-break spaces into spaces', () => {
    expect(normalise('Geëmigreerd Café').text).toBe('geemigreerd cafe');
    // Decomposed, as macOS and PDF text give it, and marks piled on to hide a word.
    expect(normalise('Gee\u0308migreerd Cafe\u0301').text).toBe('geemigreerd cafe');
    expect(normalise('d\u0336i\u0336a\u0336b\u0336e\u0336t\u0336e\u0336s\u0336').text).toBe(
      'diabetes',
    );
    expect(normalise('123\u00a0456').text).toBe('123 456');
  });

  it('reads letters that hold their mark as the plain letters (ł, ı, ß, ø, æ)', () => {
    expect(normalise('Szpitał').text).toBe('szpital');
    expect(normalise('hastalık').text).toBe('hastalik');
    expect(normalise('Großvater Søren Æble').text).toBe('grossvater soren aeble');
    // "ß" becomes two letters; both map back to it.
    const n = normalise('aßb');
    expect(n.text).toBe('assb');
    expect(n.offsets()[n.text.indexOf('b')]).toBe(2);
  });

  it('maps every normalised character back to its offset in the original', () => {
    const original = 'Ａb\u200bC１';
    const n = normalise(original);
    expect(n.text).toBe('abc1');
    expect(Array.from(n.offsets())).toEqual([0, 1, 3, 4, 5]);
  });

  it('keeps astral characters and their offsets', () => {
    const n = normalise('a😀b');
    expect(n.text).toBe('a😀b');
    expect(n.offsets()[n.text.indexOf('b')]).toBe(3);
  });

  it('reads Greek capitals by how they look as written ("ΑDΗD" is ADHD)', () => {
    expect(normalise('\u0391D\u0397D').text).toBe('adhd');
    expect(normalise('\u039c\u03a5 \u039d').text).toBe('my n');
    // Lower case keeps its own look: "η" passes for n.
    expect(normalise('\u03b7').text).toBe('n');
  });

  it('reads a picture that stands for a word as that word', () => {
    expect(normalise('ik ben \u{1f930} (16 weken)').text).toBe('ik ben  zwanger  (16 weken)');
    expect(normalise('naar de \u{1f54c}').text.trim()).toBe('naar de  moskee');
    // The rainbow flag is a white flag, a joiner and a rainbow.
    expect(normalise('\u{1f3f3}\ufe0f\u200d\u{1f308}').text).toContain(' regenboog ');
  });
});
