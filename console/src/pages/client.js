// One client: the score explained in sentences a manager reads (ExplainScore), no enum names,
// probabilities as percentages, money as "500.00 CNY".
import { call, stream } from '../api.js';
import { t, tOr } from '../i18n.js';
import { count, date, dateTime, decimal, el, money, percent } from '../format.js';
import { churnWhy } from './churn.js';

const TIER_RANK = { TIER_T1: 1, TIER_T2: 2, TIER_T3: 3 };

function lower(name, prefix) {
  return (name || '').replace(prefix, '').toLowerCase();
}

// Why the tier is what it is, from the score, the thresholds in force and the override.
function tierSentences(score, config) {
  const t1 = Number(config.tiers.t1MinScore);
  const t2 = Number(config.tiers.t2MinScore);
  const value = Number(score.score || 0);
  const sentences = [];
  const override = score.tierOverride;
  if (override && override.mode && override.mode !== 'MODE_UNSPECIFIED') {
    // The manager's decision is the reason; the thresholds do not apply.
    sentences.push(t('client.override', {
      mode: t(override.mode === 'MODE_FIXED' ? 'client.overrideFixed' : 'client.overrideFloor'),
      tier: t(`tier.${override.tier}`), reason: override.reason, until: date(override.expiresAt) }));
    return sentences;
  }
  const rank = TIER_RANK[score.tier];
  const threshold = rank === 1 ? t1 : t2;
  if (rank === 3) {
    sentences.push(t('client.tierBelow', { t2: decimal(t2) }));
  } else if (rank && value < threshold) {
    sentences.push(t('client.tierHeld', { tier: t(`tier.${score.tier}`), threshold: decimal(threshold) }));
  } else if (rank === 1) {
    sentences.push(t('client.tierAbove', { tier: t('tier.TIER_T1'), threshold: decimal(t1) }));
  } else if (rank === 2) {
    sentences.push(t('client.tierBetween', { tier: t('tier.TIER_T2'), threshold: decimal(t2), t1: decimal(t1) }));
  }
  return sentences;
}

function explanationOf(explanation, config) {
  const score = explanation.score;
  const p = (text, test) => el('p', test ? { dataset: { test } } : {}, text);
  const rfm = score.rfm || {};
  const clv = score.clv || {};
  const quadrant = lower(score.quadrant, 'QUADRANT_');
  const parts = [
    el('p', { class: 'headline', dataset: { test: 'client-summary' } }, t('client.summary', {
      id: score.clientId, tier: t(`tier.${score.tier}`), score: decimal(score.score) })),
    ...tierSentences(score, config).map((s) => p(s, 'tier-reason')),
    el('h2', {}, t('client.contributions')),
    ...(explanation.contributions || []).map((c) => p(t('client.contribution', {
      dimension: tOr(`dimension.${c.dimension}`, c.dimension), points: decimal(c.points),
      sub: decimal(c.subScore), weight: percent(c.weight, 0) }), 'contribution')),
    el('hr', {}),
    p(Number(rfm.recencyDays) >= 0 && rfm.segment
      ? t('client.rfm', { days: count(rfm.recencyDays), window: config.rfm.windowDays, frequency: count(rfm.frequency),
        monetary: money(rfm.monetary), segment: tOr(`rfm.${rfm.segment}`, rfm.segment) })
      : t('client.rfmNone')),
    p(t('client.lifetime', { purchases: count(score.lifetimePurchases), spend: money(score.lifetimeSpend) })),
    p(t('client.lifecycle', { stage: tOr(`lifecycle.${lower(score.lifecycle, 'LIFECYCLE_STAGE_')}`, score.lifecycle) })),
    p(t('client.spendNeed', { spend: t(`spend.${score.spendTier}`), need: t(`need.${score.needDepth}`),
      propagation: t(`propagation.${score.propagationTier}`), index: score.propagationIndex || 0 })),
    p(t('client.alive', { p: percent(clv.pAlive) }), 'p-alive'),
    p(t('client.clv', { months: config.clv.horizonMonths, purchases: decimal(clv.expectedPurchases),
      clv: money(clv.clv) }) + (clv.heuristic ? ' ' + t('client.clvHeuristic') : ''), 'clv'),
    p(t('client.quadrant', { quadrant: tOr(`quadrant.${quadrant}`, quadrant), value: money(score.value12m),
      potential: money(score.potential12m) })),
    score.churnWarning
      ? el('p', { class: 'warn', dataset: { test: 'churn' } }, t('client.churn', { why: churnWhy(score.churnReason, clv.pAlive) }))
      : p(t('client.noChurn'), 'churn'),
    el('p', { class: 'note' }, t('client.asOf', { time: dateTime(score.asOf) })),
  ];
  return el('section', { class: 'card explain', dataset: { test: 'explanation' } }, parts);
}

export async function renderClient(view, clientId) {
  const input = el('input', { id: 'client-id', type: 'text', value: clientId || '', placeholder: t('client.find') });
  const form = el('form', { class: 'row' }, input, el('button', { class: 'primary', type: 'submit' }, t('client.show')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = `#/client/${encodeURIComponent(input.value.trim())}`;
  });
  view.replaceChildren(el('h1', {}, t('client.title')), el('section', { class: 'card' }, form));
  if (!clientId) {
    // A few clients to start from.
    const links = [];
    await stream('scoring', 'StreamScores', { tiers: ['TIER_T1'] }, (score) => {
      links.push(el('a', { href: `#/client/${encodeURIComponent(score.clientId)}`, dataset: { test: 'client-link' } },
        `${score.clientId} (${t(`tier.${score.tier}`)})`));
      return links.length < 12;
    });
    view.append(el('section', { class: 'card row' }, links));
    return;
  }
  const [explanation, config] = await Promise.all([
    call('scoring', 'ExplainScore', { clientId }),
    call('scoring', 'GetScoringConfig', {}),
  ]);
  view.append(explanationOf(explanation, config));
}
