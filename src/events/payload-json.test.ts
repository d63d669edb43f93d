import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../random.js';
import { jsonDecimal, jsonString, payloadJson } from './payload-json.js';

test('jsonDecimal writes what JSON.stringify writes, for cents and ten-thousandths of any size and sign', () => {
  const rng = Rng.of(7, 'payload-json-test');
  const values: number[] = [0, -0, 0.01, 0.1, 0.05, 1, 2.5, 10.1, 99.99, 100, 1234567.89, -0.05, -2.5, -1234.5];
  for (let i = 0; i < 200_000; i++) {
    const magnitude = 10 ** rng.int(0, 13);
    values.push(Math.round(rng.next() * magnitude) / 100, -Math.round(rng.next() * magnitude) / 10_000);
    values.push(Math.round(rng.next() * magnitude) / 10_000);
  }
  // Not a whole number of cents or ten-thousandths, not finite, or too large: written the slow way, still the same.
  values.push(0.1 + 0.2, 1 / 3, 1e-7, 1e21, 2 ** 60, 1e15 + 0.25, Number.NaN, Number.POSITIVE_INFINITY, -Infinity);
  for (const v of values) {
    assert.equal(jsonDecimal(v, 2), JSON.stringify(v), `${v} (2)`);
    assert.equal(jsonDecimal(v, 4), JSON.stringify(v), `${v} (4)`);
  }
});

test('jsonString quotes plain text as is and escapes what JSON.stringify escapes', () => {
  for (const s of [
    '',
    'R1-20240101-1',
    'Zoë Ünal',
    '日本',
    'a"b',
    'a\\b',
    'line\nnext',
    '\u0000',
    '\ud83d\ude00',
    '\ud800x',
  ])
    assert.equal(jsonString(s), JSON.stringify(s), s);
});

test('payloadJson follows the schema: optional fields left out, unexpected values written as JSON.stringify would', () => {
  const line = {
    receipt_id: 'R1-20240101-1',
    store_id: 1,
    line_number: 2,
    product_id: 8275,
    quantity: 3,
    unit_price: 2.49,
    extended_price: 7.47,
    promo_code: undefined,
  };
  assert.equal(payloadJson('receipt_line_added', line), JSON.stringify(line));
  const odd = { ...line, store_id: null, unit_price: '2.49', extended_price: Number.NaN, promo_code: 'P"1' };
  assert.equal(payloadJson('receipt_line_added', odd), JSON.stringify(odd));
  const promo = {
    receipt_id: 'R1-20240101-1',
    promo_code: 'BOGO-1',
    discount_amount: 17.1,
    discount_cents: 1710,
    discount_type: 'BOGO',
    product_count: 2,
    product_ids: [12, 13],
    store_id: 4,
    customer_id: 99,
  };
  assert.equal(payloadJson('promotion_applied', promo), JSON.stringify(promo));
  // The first field left out: no leading comma.
  const { receipt_id: _, ...noReceipt } = line;
  assert.equal(payloadJson('receipt_line_added', noReceipt), JSON.stringify(noReceipt));
});
