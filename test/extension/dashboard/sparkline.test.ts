// Sparkline geometry: readings land where a reader expects them in the box, and staircases hold values until the next.
import assert from 'node:assert/strict';
import {
  sparklinePath,
  stepRun,
  toBox,
  valueRange,
  type Box,
  type Domain,
} from '../../../src/extension/dashboard/sparkline';

const BOX: Box = { width: 100, height: 20, pad: 0 };
const DOMAIN: Domain = { x0: 0, x1: 1000, y0: -100, y1: -50 };

describe('dashboard sparkline geometry', () => {
  it('puts the oldest time left, the newest right, high values at the top and low at the bottom', () => {
    assert.deepEqual(toBox({ x: 0, y: -100 }, DOMAIN, BOX), { x: 0, y: 20 });
    assert.deepEqual(toBox({ x: 1000, y: -50 }, DOMAIN, BOX), { x: 100, y: 0 });
    assert.deepEqual(toBox({ x: 500, y: -75 }, DOMAIN, BOX), { x: 50, y: 10 });
  });

  it('keeps the padding free and clamps readings outside the domain to its edges', () => {
    const padded: Box = { width: 100, height: 20, pad: 2 };
    assert.deepEqual(toBox({ x: 0, y: -100 }, DOMAIN, padded), { x: 2, y: 18 });
    assert.deepEqual(toBox({ x: -5000, y: -20 }, DOMAIN, padded), { x: 2, y: 2 });
    assert.deepEqual(toBox({ x: 9000, y: -300 }, DOMAIN, padded), { x: 98, y: 18 });
  });

  it('draws a single moment at the right edge and a constant value at mid height', () => {
    assert.deepEqual(toBox({ x: 7, y: 3 }, { x0: 7, x1: 7, y0: 3, y1: 3 }, BOX), { x: 100, y: 10 });
  });

  it('writes one subpath per run, rounded to a tenth of a pixel, and nothing for empty runs', () => {
    const runs = [
      [
        { x: 0, y: -100 },
        { x: 333, y: -60 },
      ],
      [],
      [{ x: 1000, y: -50 }],
    ];
    assert.equal(sparklinePath(runs, DOMAIN, BOX), 'M0 20L33.3 4M100 0');
    assert.equal(sparklinePath([], DOMAIN, BOX), '');
  });

  it('holds each reading level until the next one, and the last until the given time', () => {
    const pts = [
      { x: 0, y: -70 },
      { x: 10, y: -80 },
    ];
    assert.deepEqual(stepRun(pts, 25), [
      { x: 0, y: -70 },
      { x: 10, y: -70 },
      { x: 10, y: -80 },
      { x: 25, y: -80 },
    ]);
    assert.deepEqual(
      stepRun(pts),
      pts.slice(0, 1).concat([
        { x: 10, y: -70 },
        { x: 10, y: -80 },
      ]),
    );
    assert.deepEqual(stepRun([]), []);
  });

  it('keeps a fixed scale but widens it so no reading is clipped', () => {
    assert.deepEqual(valueRange([-70, -60], [-115, -45]), [-115, -45]);
    assert.deepEqual(valueRange([-125, -30], [-115, -45]), [-125, -30]);
  });
});
