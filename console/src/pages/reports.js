// Reports drawn when the services offer their RPCs (listed in /openapi.json): the cohort
// heatmap (GetCohortReport) and the CLV model's holdout validation (EvaluateClvModel); a note
// says what will appear while a service does not offer them. A renderer receives the section,
// the method and the RPC's JSON answer.
import { call, offers } from '../api.js';
import { t } from '../i18n.js';
import { el, count, decimal, money } from '../format.js';
import { chart, chartCard, PALETTE } from '../charts.js';

const DAY_MS = 24 * 3600 * 1000;
// The holdout the console asks for: the last 180 days, fitted on everything before them.
const HOLDOUT_DAYS = 180;

export const PENDING_REPORTS = [
  { service: 'scoring', method: 'GetCohortReport', request: () => ({}), render: renderCohortHeatmap },
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

// The cohort report (GetCohortReport): the latest acquisition months down, months since across,
// each cell the cohort's retention in percent, shaded by it (the revenue per client so far in
// its title); and LTV/CAC by acquisition channel.
const HEATMAP_COHORTS = 12;
const HEATMAP_MONTHS = 12;

function heatColour(retentionPercent) {
  // From the page's background (0%) to the first palette colour (100%).
  const share = Math.max(0, Math.min(1, retentionPercent / 100));
  return `rgba(31, 119, 180, ${(0.08 + 0.82 * share).toFixed(3)})`;
}

export function renderCohortHeatmap(section, _method, answer) {
  const cohorts = (answer.cohorts || []).slice(-HEATMAP_COHORTS);
  const months = Math.min(HEATMAP_MONTHS, Math.max(0, ...cohorts.map((c) => (c.cells || []).length)));
  const currency = answer.currency || '';
  const header = el('tr', {}, el('th', {}, t('cohort.month')), el('th', { class: 'n' }, t('cohort.clients')),
    Array.from({ length: months }, (_, m) => el('th', { class: 'n' }, t('cohort.monthsSince', { months: m }))));
  const rows = cohorts.map((cohort) => el('tr', { dataset: { month: cohort.acquisitionMonth } },
    el('td', {}, cohort.acquisitionMonth), el('td', { class: 'n' }, count(cohort.clients || 0)),
    (cohort.cells || []).slice(0, months).map((cell) => {
      const retention = Number(cell.retentionPercent || 0);
      const node = el('td', {
        class: 'n heat',
        dataset: { monthsSince: String(cell.monthsSince || 0) },
        title: t('cohort.cellTitle', {
          active: count(cell.activeClients || 0),
          revenue: money(cell.revenue),
          perClient: money({ units: String(Math.round(Number(cell.cumulativeRevenuePerClientMinor || 0))), currency }),
        }),
      }, `${retention.toFixed(1)}%`);
      node.style.backgroundColor = heatColour(retention);  // CSSOM, not a style attribute (CSP)
      return node;
    })));
  const channels = answer.channels || [];
  const channelTable = el('table', { dataset: { test: 'cohort-channels' } },
    el('thead', {}, el('tr', {}, el('th', {}, t('cohort.channel')), el('th', { class: 'n' }, t('cohort.clients')),
      el('th', { class: 'n' }, t('cohort.cost')), el('th', { class: 'n' }, t('cohort.revenue')),
      el('th', { class: 'n' }, t('cohort.clv')), el('th', { class: 'n' }, t('cohort.ltvCac')))),
    el('tbody', {}, channels.map((channel) => el('tr', { dataset: { channel: channel.channel || '' } },
      el('td', {}, channel.channel || t('cohort.noChannel')), el('td', { class: 'n' }, count(channel.clients || 0)),
      el('td', { class: 'n' }, money(channel.acquisitionCost)), el('td', { class: 'n' }, money(channel.revenueToDate)),
      el('td', { class: 'n' }, money(channel.clv)),
      el('td', { class: 'n' }, Number(channel.ltvToCac || 0) > 0 ? decimal(channel.ltvToCac, 2) : '—')))));
  section.append(el('div', { class: 'card' },
    el('h3', {}, t('cohort.title')),
    el('p', { class: 'muted', dataset: { test: 'cohort-summary' } },
      t('cohort.summary', { clients: count(answer.clients || 0), currency })),
    el('div', { class: 'scroll' }, el('table', { class: 'heatmap', dataset: { test: 'cohort-heatmap' } },
      el('thead', {}, header), el('tbody', {}, rows))),
    el('h3', {}, t('cohort.channelsTitle')),
    channelTable));
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
