// Tier overview: clients and revenue share per tier, the Pareto curve, the value x potential
// scatter, the lifecycle funnel, the RFM segment grid, and the reports still to come.
import { call, stream } from '../api.js';
import { t, tOr } from '../i18n.js';
import { count, el, money, moneyNumber, percent } from '../format.js';
import { PALETTE, chart, chartCard } from '../charts.js';
import { renderPendingReports } from './reports.js';

const TIER_ORDER = ['TIER_T1', 'TIER_T2', 'TIER_T3', 'TIER_UNSPECIFIED'];
const QUADRANTS = ['star', 'cash_cow', 'question', 'dog'];
// The RFM grid's reading order: best first, then the ones to act on.
const RFM_ORDER = ['champions', 'loyal', 'potential_loyalist', 'new', 'promising', 'need_attention',
  'about_to_sleep', 'at_risk', 'cannot_lose', 'hibernating', 'lost'];
const RFM_COLOURS = { champions: '#166534', loyal: '#15803d', potential_loyalist: '#22c55e', new: '#0891b2',
  promising: '#0ea5e9', need_attention: '#ca8a04', about_to_sleep: '#ea580c', at_risk: '#dc2626',
  cannot_lose: '#b91c1c', hibernating: '#64748b', lost: '#334155' };
const SCATTER_LIMIT = 2000;

function tierTable(distribution) {
  const total = Number(distribution.totalClients || 0);
  const tiers = [...(distribution.tiers || [])].sort(
    (a, b) => TIER_ORDER.indexOf(a.tier) - TIER_ORDER.indexOf(b.tier));
  const body = tiers.map((bucket) => el('tr', { dataset: { tier: bucket.tier } },
    el('td', {}, t(`tier.${bucket.tier}`)),
    el('td', { class: 'n', dataset: { test: 'tier-clients' } }, count(bucket.clients)),
    el('td', { class: 'n', dataset: { test: 'tier-client-share' } }, percent(total ? Number(bucket.clients) / total : 0)),
    el('td', { class: 'n', dataset: { test: 'tier-revenue' } }, money(bucket.revenue12m)),
    el('td', { class: 'n', dataset: { test: 'tier-revenue-share' } }, percent(bucket.revenueShare))));
  return {
    tiers,
    table: el('table', { dataset: { test: 'tier-table' } },
      el('thead', {}, el('tr', {},
        el('th', {}, t('overview.tier')), el('th', { class: 'n' }, t('overview.clients')),
        el('th', { class: 'n' }, t('overview.clientShare')), el('th', { class: 'n' }, t('overview.revenue')),
        el('th', { class: 'n' }, t('overview.revenueShare')))),
      el('tbody', {}, body)),
  };
}

function rfmGrid(distribution) {
  const segments = new Map((distribution.rfmSegments || []).map((s) => [s.name, Number(s.count)]));
  const purchasers = [...segments.values()].reduce((a, b) => a + b, 0);
  const names = [...RFM_ORDER.filter((n) => segments.has(n)), ...[...segments.keys()].filter((n) => !RFM_ORDER.includes(n))];
  const tiles = names.map((name) => {
    const tile = el('div', { class: 'rfm-tile', dataset: { test: 'rfm-tile', segment: name } },
      el('div', { class: 'name' }, tOr(`rfm.${name}`, name)),
      el('div', { class: 'count', dataset: { test: 'rfm-count' } }, count(segments.get(name))),
      el('div', {}, percent(purchasers ? segments.get(name) / purchasers : 0)));
    tile.style.background = RFM_COLOURS[name] || '#475569';
    return tile;
  });
  return el('section', { class: 'card' }, el('h2', {}, t('overview.rfm')),
    el('div', { class: 'rfm-grid' }, tiles), el('p', { class: 'note' }, t('overview.rfmNone')));
}

async function quadrantScatter(canvas, note, currency) {
  const points = new Map(QUADRANTS.map((q) => [q, []]));
  let seen = 0;
  await stream('scoring', 'StreamScores', {}, (score) => {
    const quadrant = (score.quadrant || '').replace(/^QUADRANT_/, '').toLowerCase();
    if (points.has(quadrant)) {
      points.get(quadrant).push({ x: moneyNumber(score.value12m), y: moneyNumber(score.potential12m) });
    }
    seen += 1;
    return seen < SCATTER_LIMIT;
  });
  note.textContent = t('overview.quadrantSample', { count: count(seen) });
  chart(canvas, {
    type: 'scatter',
    data: { datasets: QUADRANTS.map((q, i) => ({
      label: t(`quadrant.${q}`), data: points.get(q), pointRadius: 2.5, backgroundColor: PALETTE[i] })) },
    options: { scales: {
      x: { title: { display: true, text: t('overview.quadrantX', { currency }) } },
      y: { title: { display: true, text: t('overview.quadrantY', { currency }) } } } },
  });
}

export async function renderOverview(view) {
  const [distribution, config] = await Promise.all([
    call('scoring', 'GetTierDistribution', {}),
    call('scoring', 'GetScoringConfig', {}),
  ]);
  const { tiers, table } = tierTable(distribution);
  const tierChart = chartCard(el, t('overview.tiers'), 'tier-chart', 260);
  const pareto = chartCard(el, t('overview.pareto'), 'pareto-chart');
  const quadrant = chartCard(el, t('overview.quadrant'), 'quadrant-chart');
  const quadrantNote = el('p', { class: 'note' });
  quadrant.card.append(quadrantNote);
  const funnel = chartCard(el, t('overview.funnel'), 'funnel-chart');
  const top20 = (distribution.pareto || []).find((p) => Math.abs(p.clientShare - 0.2) < 1e-9);
  pareto.card.append(el('p', { class: 'note', dataset: { test: 'pareto-20' } }, top20
    ? t('overview.paretoLine', { clients: percent(top20.clientShare, 0), revenue: percent(top20.revenueShare) })
    : ''));
  const cohorts = el('section', { class: 'card placeholder', dataset: { test: 'cohort-hook' } });
  view.replaceChildren(
    el('h1', {}, t('overview.title')),
    el('div', { class: 'kpis' },
      el('div', { class: 'kpi' }, el('div', { class: 'label' }, t('overview.total')),
        el('div', { class: 'value', dataset: { test: 'total-clients' } }, count(distribution.totalClients))),
      ...tiers.filter((b) => b.tier !== 'TIER_UNSPECIFIED').map((b) => el('div', { class: 'kpi' },
        el('div', { class: 'label' }, t(`tier.${b.tier}`)),
        el('div', { class: 'value' }, percent(b.revenueShare)),
        el('div', { class: 'label' }, t('overview.revenueShare'))))),
    el('section', { class: 'card' }, el('h2', {}, t('overview.tiers')), table, tierChart.canvas.parentNode,
      el('p', { class: 'note' }, t('overview.versions', { config: distribution.configVersion, model: distribution.modelVersion }))),
    el('div', { class: 'grid' }, pareto.card, quadrant.card, funnel.card, rfmGrid(distribution)),
    cohorts);

  chart(tierChart.canvas, {
    type: 'bar',
    data: {
      labels: tiers.map((b) => t(`tier.${b.tier}`)),
      datasets: [
        { label: t('overview.clientShare'), backgroundColor: PALETTE[0],
          data: tiers.map((b) => (distribution.totalClients ? (100 * Number(b.clients)) / Number(distribution.totalClients) : 0)) },
        { label: t('overview.revenueShare'), backgroundColor: PALETTE[2], data: tiers.map((b) => 100 * (b.revenueShare || 0)) },
      ],
    },
    options: { scales: { y: { beginAtZero: true, max: 100, ticks: { callback: (v) => `${v}%` } } } },
  });
  const curve = [{ clientShare: 0, revenueShare: 0 }, ...(distribution.pareto || [])];
  chart(pareto.canvas, {
    type: 'line',
    data: { datasets: [
      { label: t('overview.paretoY'), data: curve.map((p) => ({ x: 100 * p.clientShare, y: 100 * p.revenueShare })),
        borderColor: PALETTE[0], backgroundColor: PALETTE[0], fill: false },
      { label: '', data: [{ x: 0, y: 0 }, { x: 100, y: 100 }], borderColor: '#9fb3c8', borderDash: [4, 4], pointRadius: 0 },
    ] },
    options: { plugins: { legend: { display: false } }, scales: {
      x: { type: 'linear', min: 0, max: 100, title: { display: true, text: t('overview.paretoX') }, ticks: { callback: (v) => `${v}%` } },
      y: { min: 0, max: 100, title: { display: true, text: t('overview.paretoY') }, ticks: { callback: (v) => `${v}%` } } } },
  });
  const stages = distribution.lifecycleFunnel || [];
  chart(funnel.canvas, {
    type: 'bar',
    data: { labels: stages.map((s) => tOr(`lifecycle.${s.name}`, s.name)),
      datasets: [{ label: t('overview.clients'), data: stages.map((s) => Number(s.count)), backgroundColor: PALETTE[5] }] },
    options: { indexAxis: 'y', plugins: { legend: { display: false } } },
  });
  await Promise.all([
    quadrantScatter(quadrant.canvas, quadrantNote, config.currency),
    renderPendingReports(cohorts),
  ]);
}
