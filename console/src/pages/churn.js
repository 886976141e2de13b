// Churn warnings: the Tier 1 and Tier 2 clients scoring warns about, with the reason in words.
import { call } from '../api.js';
import { t } from '../i18n.js';
import { count, el, money, percent } from '../format.js';

// Scoring's reason is written for engineers ("T1 client: p_alive 0.041 < 0.1; inactive 200
// days >= 180"); the figures in it become sentences.
// P(alive) itself comes from the score (the reason rounds it).
export function churnWhy(reason, pAlive) {
  const parts = [];
  const alive = /p_alive ([0-9.eE+-]+) < ([0-9.eE+-]+)/.exec(reason || '');
  if (alive) {
    parts.push(t('why.pAlive', { p: percent(pAlive ?? Number(alive[1])), limit: percent(Number(alive[2]), 0) }));
  }
  const inactive = /inactive (\d+) days >= (\d+)/.exec(reason || '');
  if (inactive) {
    parts.push(t('why.inactive', { days: count(inactive[1]), limit: count(inactive[2]) }));
  }
  return parts.join('; ');
}

export async function renderChurn(view) {
  const warnings = [];
  let pageToken = '';
  do {
    const answer = await call('scoring', 'ListChurnWarnings', { page: { pageSize: 500, pageToken } });
    warnings.push(...(answer.scores || []));
    pageToken = (answer.page && answer.page.nextPageToken) || '';
  } while (pageToken && warnings.length < 5000);
  const rows = warnings.map((score) => {
    const recency = Number(score.rfm && score.rfm.recencyDays);
    return el('tr', { dataset: { test: 'churn-row', client: score.clientId } },
      el('td', { class: 'nowrap' }, el('a', { href: `#/client/${encodeURIComponent(score.clientId)}` }, score.clientId)),
      el('td', { class: 'nowrap' }, t(`tier.${score.tier}`)),
      el('td', {}, churnWhy(score.churnReason, score.clv && score.clv.pAlive)),
      el('td', { class: 'n' }, percent(score.clv && score.clv.pAlive)),
      el('td', { class: 'n' }, recency >= 0 ? t('churn.days', { days: count(recency) }) : t('churn.never')),
      el('td', { class: 'n' }, money(score.clv && score.clv.clv)));
  });
  view.replaceChildren(
    el('h1', {}, t('churn.title')),
    el('section', { class: 'card' },
      el('p', {}, warnings.length ? t('churn.intro') : t('churn.none')),
      el('p', { class: 'kpi-inline' }, el('strong', { dataset: { test: 'churn-count' } }, count(warnings.length))),
      warnings.length ? el('table', { dataset: { test: 'churn-table' } },
        el('thead', {}, el('tr', {}, el('th', {}, t('churn.client')), el('th', {}, t('churn.tier')),
          el('th', {}, t('churn.why')), el('th', { class: 'n' }, t('churn.alive')),
          el('th', { class: 'n' }, t('churn.lastPurchase')), el('th', { class: 'n' }, t('churn.clv')))),
        el('tbody', {}, rows)) : null));
}
