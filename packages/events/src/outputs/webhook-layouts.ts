/**
 * Message bodies for webhooks: the event itself (`json`), a Slack incoming-webhook message
 * (`slack`, Block Kit), a Microsoft Teams Adaptive Card message (`teams`, as Teams Workflows and
 * incoming webhooks accept it) and the legacy Office 365 connector card (`teams-messagecard`).
 */
import type { SekishoEvent, Severity } from '@sekisho/model';

export type WebhookLayout = 'json' | 'slack' | 'teams' | 'teams-messagecard';

const COLOURS: Record<Severity, string> = {
  critical: '8B0000',
  high: 'D9534F',
  medium: 'F0AD4E',
  low: '5BC0DE',
  negligible: '999999',
  unknown: '999999',
};

export function eventTitle(event: SekishoEvent): string {
  return `[${event.severity.toUpperCase()}] ${event.kind} ${event.result}: ${event.action}`.slice(0, 300);
}

function facts(event: SekishoEvent): [string, string][] {
  const list: [string, string][] = [
    ['Subject', `${event.subject.type} ${event.subject.id}`],
    ['Result', event.result],
    ['Source', `${event.source.component} (${event.source.instance})`],
    ['Time', event.time],
  ];
  if (event.subject.environment !== undefined) list.push(['Environment', event.subject.environment]);
  if (event.principal !== null) list.push(['Principal', event.principal]);
  if (event.sourceIp !== null) list.push(['Source IP', event.sourceIp]);
  list.push(['Event id', event.id]);
  return list.map(([k, v]) => [k, v.slice(0, 500)]);
}

/** Absolute http(s) links only; relative ones are joined to `linkBase` when there is one. */
function links(event: SekishoEvent, linkBase: string | undefined): { rel: string; url: string }[] {
  const out: { rel: string; url: string }[] = [];
  for (const link of event.links.slice(0, 5)) {
    let url: URL;
    try {
      url = linkBase === undefined ? new URL(link.href) : new URL(link.href, linkBase);
    } catch {
      continue;
    }
    if (url.protocol === 'https:' || url.protocol === 'http:') out.push({ rel: link.rel, url: url.toString() });
  }
  return out;
}

/** Slack mrkdwn: `&`, `<` and `>` are control characters. */
function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function slack(event: SekishoEvent, linkBase: string | undefined): unknown {
  const reasons = event.reasons.slice(0, 10).map((r) => `• ${slackEscape(r.slice(0, 500))}`);
  const linkLine = links(event, linkBase).map((l) => `<${l.url}|${slackEscape(l.rel)}>`);
  return {
    text: slackEscape(eventTitle(event)),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: eventTitle(event).slice(0, 150) } },
      {
        type: 'section',
        fields: facts(event)
          .slice(0, 10)
          .map(([k, v]) => ({ type: 'mrkdwn', text: `*${k}*\n${slackEscape(v)}` })),
      },
      ...(reasons.length === 0 ? [] : [{ type: 'section', text: { type: 'mrkdwn', text: reasons.join('\n').slice(0, 3000) } }]),
      ...(linkLine.length === 0 ? [] : [{ type: 'context', elements: [{ type: 'mrkdwn', text: linkLine.join(' · ') }] }]),
    ],
    attachments: [{ color: `#${COLOURS[event.severity]}`, fallback: eventTitle(event) }],
  };
}

function teamsAdaptive(event: SekishoEvent, linkBase: string | undefined): unknown {
  const card = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    body: [
      { type: 'TextBlock', text: eventTitle(event), weight: 'Bolder', size: 'Medium', wrap: true, color: event.severity === 'critical' || event.severity === 'high' ? 'Attention' : 'Default' },
      { type: 'FactSet', facts: facts(event).map(([title, value]) => ({ title, value })) },
      ...event.reasons.slice(0, 10).map((r) => ({ type: 'TextBlock', text: `- ${r.slice(0, 500)}`, wrap: true })),
    ],
    actions: links(event, linkBase).map((l) => ({ type: 'Action.OpenUrl', title: l.rel, url: l.url })),
  };
  return { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }] };
}

function teamsMessageCard(event: SekishoEvent, linkBase: string | undefined): unknown {
  return {
    '@type': 'MessageCard',
    '@context': 'https://schema.org/extensions',
    summary: eventTitle(event),
    themeColor: COLOURS[event.severity],
    title: eventTitle(event),
    sections: [{ facts: facts(event).map(([name, value]) => ({ name, value })), text: event.reasons.slice(0, 10).join('\n\n').slice(0, 5000) }],
    potentialAction: links(event, linkBase).map((l) => ({ '@type': 'OpenUri', name: l.rel, targets: [{ os: 'default', uri: l.url }] })),
  };
}

export function webhookBody(layout: WebhookLayout, event: SekishoEvent, linkBase?: string): unknown {
  switch (layout) {
    case 'json':
      return event;
    case 'slack':
      return slack(event, linkBase);
    case 'teams':
      return teamsAdaptive(event, linkBase);
    case 'teams-messagecard':
      return teamsMessageCard(event, linkBase);
  }
}
