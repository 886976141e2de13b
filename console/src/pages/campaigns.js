// Campaigns with their uplift (treatment vs holdout conversion) and its 95% interval.
import { call } from '../api.js';
import { t } from '../i18n.js';
import { count, el, money, percent, signed } from '../format.js';
import { PALETTE, chart, chartCard } from '../charts.js';

function group(report) {
  if (!report || !Number(report.members)) {
    return t('campaigns.na');
  }
  return t('campaigns.group', { conversions: count(report.conversions), members: count(report.members),
    rate: percent(report.conversionRate) });
}

function uplift(report) {
  if (report.absoluteUpliftPp === undefined) {
    return [t('campaigns.na')];
  }
  const lines = [el('strong', { dataset: { test: 'uplift' } }, t('campaigns.upliftValue', { uplift: signed(report.absoluteUpliftPp) }))];
  if (report.upliftLowPp !== undefined && report.upliftHighPp !== undefined) {
    lines.push(el('div', { class: 'muted', dataset: { test: 'uplift-interval' } },
      t('campaigns.interval', { low: signed(report.upliftLowPp), high: signed(report.upliftHighPp) })));
  }
  if (!report.enoughData && report.dataNote) {
    lines.push(el('div', { class: 'warn' }, t('campaigns.notEnough', { note: report.dataNote })));
  }
  return lines;
}

export async function renderCampaigns(view) {
  const answer = await call('campaign', 'ListCampaigns', { page: { pageSize: 100 } });
  const campaigns = answer.campaigns || [];
  const reports = await Promise.all(campaigns.map((c) => call('campaign', 'GetCampaignReport', { campaignId: c.campaignId })
    .catch(() => null)));
  const rows = campaigns.map((campaign, i) => {
    const report = reports[i] || {};
    return el('tr', { dataset: { test: 'campaign-row', campaign: campaign.campaignId } },
      el('td', {}, el('div', {}, campaign.name), el('div', { class: 'muted' }, campaign.campaignId)),
      el('td', {}, t(`state.${campaign.state}`)),
      el('td', {}, t(`channel.${campaign.channel}`)),
      el('td', {}, group(report.treatment)),
      el('td', {}, group(report.holdout)),
      el('td', {}, uplift(report)),
      el('td', { class: 'n' }, report.incrementalRevenue ? money(report.incrementalRevenue) : t('campaigns.na')));
  });
  const withInterval = campaigns.map((c, i) => [c, reports[i]])
    .filter(([, r]) => r && r.upliftLowPp !== undefined && r.upliftHighPp !== undefined);
  const intervals = chartCard(el, t('campaigns.chart'), 'uplift-chart', 80 + 40 * Math.max(1, withInterval.length));
  view.replaceChildren(
    el('h1', {}, t('campaigns.title')),
    el('section', { class: 'card' }, campaigns.length ? el('table', { dataset: { test: 'campaign-table' } },
      el('thead', {}, el('tr', {}, el('th', {}, t('campaigns.name')), el('th', {}, t('campaigns.state')),
        el('th', {}, t('campaigns.channel')), el('th', {}, t('campaigns.treatment')), el('th', {}, t('campaigns.holdout')),
        el('th', {}, t('campaigns.uplift')), el('th', { class: 'n' }, t('campaigns.incremental')))),
      el('tbody', {}, rows)) : el('p', { class: 'muted' }, t('campaigns.none'))),
    withInterval.length ? intervals.card : null);
  if (withInterval.length) {
    chart(intervals.canvas, {
      type: 'bar',
      data: { labels: withInterval.map(([c]) => c.name), datasets: [
        { label: t('campaigns.interval', { low: '', high: '' }).replace(/[:：].*$/, ''), backgroundColor: 'rgba(47,111,222,0.35)',
          data: withInterval.map(([, r]) => [r.upliftLowPp, r.upliftHighPp]) },
        { type: 'scatter', label: t('campaigns.uplift'), backgroundColor: PALETTE[4], pointRadius: 6,
          data: withInterval.map(([c, r]) => ({ x: r.absoluteUpliftPp, y: c.name })) },
      ] },
      options: { indexAxis: 'y', scales: { x: { title: { display: true, text: 'pp' } } } },
    });
  }
}
