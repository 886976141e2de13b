// Reports drawn when the services offer their RPCs (listed in /openapi.json): the CLV model's
// holdout validation (EvaluateClvModel) and, once scoring serves it, the cohort report
// (GetCohortReport); until then a note says what will appear. A renderer receives the section,
// the method and the RPC's JSON answer.
import { call, offers } from '../api.js';
import { t } from '../i18n.js';
import { el, count, decimal } from '../format.js';
import { chart, chartCard, PALETTE } from '../charts.js';

const DAY_MS = 24 * 3600 * 1000;
// The holdout the console asks for: the last 180 days, fitted on everything before them.
const HOLDOUT_DAYS = 180;

export const PENDING_REPORTS = [
  { service: 'scoring', method: 'GetCohortReport', request: () => ({}), render: renderGenericReport },
  {
    service: 'scoring',
    method: 'EvaluateClvModel',
    request: () => {
      const now = Date.now();
      return {
        calibrationEnd: new Date(now - HOLDOUT_DAYS * DAY_MS).toISOString(),
        holdoutEnd: new Date(now).toISOString(),
      };
    },
    render: renderHoldoutValidation,
  },
];

// Mean holdout purchases by calibration frequency, observed against predicted (the calibration
// plot of the CLV literature), with the totals and the error per client.
function renderHoldoutValidation(section, _method, answer) {
  const rows = answer.purchasesByFrequency || [];
  const label = (row) => `${row.calibrationFrequency || 0}${row.andMore ? '+' : ''}`;
  const summary = t('clv.summary', {
    days: count(answer.holdoutDays || 0),
    clients: count(answer.clients || 0),
    actual: count(answer.actualHoldoutPurchases || 0),
    predicted: decimal(answer.predictedHoldoutPurchases || 0),
    mae: decimal(answer.meanAbsoluteError || 0, 2),
  });
  const table = el('table', { dataset: { test: 'clv-validation' } },
    el('thead', {}, el('tr', {}, el('th', {}, t('clv.frequency')), el('th', { class: 'n' }, t('clv.clients')),
      el('th', { class: 'n' }, t('clv.actual')), el('th', { class: 'n' }, t('clv.predicted')))),
    el('tbody', {}, rows.map((row) => el('tr', {},
      el('td', {}, label(row)), el('td', { class: 'n' }, count(row.clients || 0)),
      el('td', { class: 'n' }, decimal(row.meanActualPurchases || 0, 2)),
      el('td', { class: 'n' }, decimal(row.meanPredictedPurchases || 0, 2))))));
  const { card, canvas } = chartCard(el, t('clv.title'), 'clv-chart', 260);
  card.append(el('p', { class: 'muted', dataset: { test: 'clv-summary' } }, summary), table);
  section.append(card);
  chart(canvas, {
    type: 'bar',
    data: {
      labels: rows.map(label),
      datasets: [
        { label: t('clv.actual'), data: rows.map((row) => row.meanActualPurchases || 0), backgroundColor: PALETTE[0] },
        { label: t('clv.predicted'), data: rows.map((row) => row.meanPredictedPurchases || 0), backgroundColor: PALETTE[2] },
      ],
    },
    options: { scales: { x: { title: { display: true, text: t('clv.frequency') } } } },
  });
}

// Until the real charts are written against the real messages: the answer's top-level
// figures, so the data is at least visible.
function renderGenericReport(section, method, answer) {
  const rows = Object.entries(answer).filter(([, v]) => typeof v !== 'object')
    .map(([name, value]) => el('tr', {}, el('td', {}, name), el('td', { class: 'n' }, String(value))));
  section.append(el('h2', {}, method), el('table', {}, el('tbody', {}, rows)));
}

export async function renderPendingReports(section) {
  section.replaceChildren(el('h2', {}, t('overview.cohorts')));
  let shown = 0;
  for (const report of PENDING_REPORTS) {
    if (await offers(report.service, report.method)) {
      try {
        report.render(section, report.method, await call(report.service, report.method, report.request()));
        shown += 1;
      } catch (error) {
        section.append(el('p', { class: 'error' }, t('error', { message: error.message })));
      }
    }
  }
  if (!shown) {
    section.append(el('p', { class: 'muted', dataset: { test: 'cohort-pending' } }, t('overview.cohortsPending')));
  }
}
