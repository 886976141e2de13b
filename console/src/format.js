// Numbers as people read them: money as "500.00 CNY", probabilities as percentages, counts with
// separators. The Chromium test checks the screen against the API with the same rules.
import { language } from './i18n.js';

// Minor-unit digits of the currencies a tenant may report in (ISO 4217); 2 for the others.
const MINOR_DIGITS = { JPY: 0, KRW: 0, VND: 0, CLP: 0, ISK: 0, BHD: 3, KWD: 3, OMR: 3, JOD: 3, TND: 3 };

function locale() {
  return language() === 'en' ? 'en-US' : 'zh-CN';
}

export function count(value) {
  return new Intl.NumberFormat(locale()).format(Number(value || 0));
}

// Proto3 JSON money ({units: "50000", currency: "CNY"}, units as a string) -> "500.00 CNY".
// BigInt keeps every digit of an int64.
export function money(value) {
  if (!value || !value.currency) {
    return '0.00';
  }
  const digits = MINOR_DIGITS[value.currency] ?? 2;
  let units = BigInt(value.units || '0');
  const negative = units < 0n;
  if (negative) {
    units = -units;
  }
  const scale = 10n ** BigInt(digits);
  const whole = new Intl.NumberFormat(locale()).format(units / scale);
  const fraction = digits > 0 ? '.' + (units % scale).toString().padStart(digits, '0') : '';
  return `${negative ? '-' : ''}${whole}${fraction} ${value.currency}`;
}

// Money in major units as a number, for chart axes.
export function moneyNumber(value) {
  if (!value || !value.currency) {
    return 0;
  }
  return Number(value.units || 0) / 10 ** (MINOR_DIGITS[value.currency] ?? 2);
}

// 0..1 -> "12.3%"; tiny but non-zero values say so instead of "0.0%" (or 9.78e-08).
export function percent(share, digits = 1) {
  const value = Number(share || 0) * 100;
  if (value > 0 && value < 0.1) {
    return '<0.1%';
  }
  return `${value.toFixed(digits)}%`;
}

export function decimal(value, digits = 1) {
  return Number(value || 0).toFixed(digits);
}

export function signed(value, digits = 1) {
  const number = Number(value || 0);
  return `${number > 0 ? '+' : ''}${number.toFixed(digits)}`;
}

export function dateTime(text) {
  if (!text) {
    return '';
  }
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })
    .format(new Date(text)) + ' UTC';
}

export function date(text) {
  if (!text) {
    return '';
  }
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(text));
}

// Builds an element: el('td', {class: 'n', dataset: {tier: 'T1'}}, 'text', child, ...).
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'dataset') {
      Object.assign(node.dataset, value);
    } else if (name.startsWith('on')) {
      node.addEventListener(name.slice(2), value);
    } else if (name === 'class') {
      node.className = value;
    } else if (value !== undefined && value !== null && value !== false) {
      node.setAttribute(name, value === true ? '' : value);
    }
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) {
      node.append(child instanceof Node ? child : String(child));
    }
  }
  return node;
}
