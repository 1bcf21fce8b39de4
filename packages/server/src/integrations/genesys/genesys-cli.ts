import { parseArgs } from 'node:util';
import type { Db } from '../../store/db.ts';
import { GenesysLinkService } from './genesys-link-service.ts';
import { GenesysLinkStore } from './genesys-link-store.ts';
import { GENESYS_REGIONS } from './genesys-regions.ts';
import type { GenesysConfig } from './genesys-config.ts';

/** The settings the command reads (config.ts's Config has them). */
export interface GenesysCommandSettings {
  genesys: GenesysConfig;
  defaultPhoneRegion: string | null;
  publicUrl: string;
}

export const GENESYS_USAGE =
  `  genesys link --region R --client-id ID --client-secret S [--users id,id] [--queues id,id] [--sms-from +1...] [--widget-client-id ID]
                 [--widget-grant pkce|implicit]
                                 link the Genesys Cloud org (regions: ${GENESYS_REGIONS.join(', ')})
  genesys status                 the link and its status (connected, connecting, degraded: why)
  genesys unlink                 stop mirroring Genesys calls
`;

const list = (v: string | undefined) => (v ? v.split(/[\s,]+/).filter(Boolean) : undefined);

/**
 * `tandem genesys ...`: the same link as PUT /v1/integrations/genesys, written to the database;
 * a running server picks the change up within half a GENESYS_LEASE_MS.
 */
export async function genesysCommand(
  sub: string | undefined,
  args: string[],
  config: GenesysCommandSettings,
  db: Db,
  org: { id: string; clientId: string | null },
  out: NodeJS.WritableStream,
  usage: (why: string) => Error,
): Promise<void> {
  const orgId = org.id;
  const links = new GenesysLinkService(new GenesysLinkStore(db), config.genesys, config.defaultPhoneRegion, () => config.publicUrl, () => undefined);
  if (sub === 'link') {
    const { values } = parseArgs({ args, options: { region: { type: 'string' }, 'client-id': { type: 'string' }, 'client-secret': { type: 'string' },
      users: { type: 'string' }, queues: { type: 'string' }, 'sms-from': { type: 'string' }, 'widget-client-id': { type: 'string' },
      'widget-grant': { type: 'string' } } });
    if (!values.region || !values['client-id']) throw usage('genesys link needs --region and --client-id');
    const grant = values['widget-grant'];
    if (grant !== undefined && grant !== 'pkce' && grant !== 'implicit') throw usage(`--widget-grant is pkce or implicit, not "${grant}"`);
    const { link, created } = await links.link(orgId, {
      region: values.region,
      clientId: values['client-id'],
      ...(values['client-secret'] ? { clientSecret: values['client-secret'] } : {}),
      follow: { users: list(values.users), queues: list(values.queues) },
      ...(values['sms-from'] ? { smsFrom: values['sms-from'] } : {}),
      ...(values['widget-client-id'] ? { widgetClientId: values['widget-client-id'] } : {}),
      ...(grant ? { widgetGrant: grant } : {}),
    }, org.clientId);
    out.write(
      `${created ? 'linked' : 'updated'} Genesys Cloud ${link.region} (client ${link.clientId}); following ${link.follow.users.length} users,` +
        ` ${link.follow.queues.length} queues${link.smsFrom ? `; SMS from ${link.smsFrom}` : ''}\n`);
    return;
  }
  if (sub === 'status') {
    const l = await links.get(orgId);
    out.write(
      `${l.status}\nregion=${l.region} api=${l.apiBaseUrl} login=${l.loginBaseUrl}\nclient_id=${l.clientId}\nusers=${l.follow.users.join(',')}\n` +
        `queues=${l.follow.queues.join(',')}\nsms_from=${l.smsFrom ?? ''}\n` +
        `widget_client_id=${l.widgetClientId ?? ''} (${l.widgetGrant})\nwidget_url=${l.widgetUrl}\n`);
    return;
  }
  if (sub === 'unlink') {
    await links.unlink(orgId);
    out.write('unlinked\n');
    return;
  }
  throw usage(`unknown genesys command "${sub ?? ''}"`);
}
