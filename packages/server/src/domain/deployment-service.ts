import { randomBytes } from 'node:crypto';
import { SUPPORTED_LOCALES, supportedLocale } from '@tandem/protocol';
import type { Deployment, DeploymentCreate, DeploymentCreated, DeploymentUpdate } from '@tandem/protocol';
import type { Db } from '../store/db.ts';
import { DomainError } from '../shared/domain-error.ts';
import { newId, randomToken } from '../shared/ids.ts';

interface Row {
  id: string;
  org_id: string;
  name: string;
  company_name: string;
  key: string;
  identity_secret: string;
  allowed_origins: string[];
  locale: string | null;
  created_at: Date;
}

export interface DeploymentRecord extends Deployment {
  orgId: string;
  identitySecret: string;
}

const toRecord = (r: Row): DeploymentRecord => ({
  id: r.id,
  orgId: r.org_id,
  name: r.name,
  companyName: r.company_name,
  key: r.key,
  allowedOrigins: r.allowed_origins,
  locale: r.locale,
  identitySecret: r.identity_secret,
  createdAt: new Date(r.created_at).toISOString(),
});

export const publicDeployment = ({ orgId: _o, identitySecret: _s, ...d }: DeploymentRecord): Deployment => d;

/** An origin as browsers send it: scheme://host[:port], nothing else. */
export function normaliseOrigin(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new DomainError('invalid_origin', `"${raw}" is not an origin: give scheme://host[:port], e.g. https://shop.example.com.`);
  }
  if ((u.protocol !== 'https:' && u.protocol !== 'http:') || u.origin !== raw.replace(/\/$/, '') || u.username || u.password) {
    throw new DomainError('invalid_origin', `"${raw}" is not an origin: give scheme://host[:port] with no path, query or credentials, e.g. ${u.origin}.`);
  }
  return u.origin;
}

/**
 * A deployment's language as stored: the tag in its canonical case (de-at -> de-AT), when Tandem
 * has words for its language; null clears it.
 */
export function normaliseLocale(raw: string | null): string | null {
  if (raw === null) return null;
  let canonical: string | undefined;
  try {
    canonical = Intl.getCanonicalLocales(raw.trim())[0];
  } catch {
    canonical = undefined;
  }
  if (!canonical || !supportedLocale(canonical)) {
    throw new DomainError('unsupported_locale', `"${raw}" is not a language Tandem has words for: `
      + `give one of ${SUPPORTED_LOCALES.join(', ')} (a BCP 47 tag such as "de" or "de-AT"), or null for none.`);
  }
  return canonical;
}

/** Sites that embed the SDK: a public key for the script tag, the origins it may run on. */
export class DeploymentService {
  private readonly byKey = new Map<string, { record: DeploymentRecord; at: number }>();
  constructor(private readonly db: Db) {}

  async create(orgId: string, input: DeploymentCreate): Promise<DeploymentCreated> {
    const origins = [...new Set(input.allowedOrigins.map(normaliseOrigin))];
    const locale = normaliseLocale(input.locale ?? null);
    const [row] = await this.db.query<Row>(
      `INSERT INTO deployments (id, org_id, name, company_name, key, identity_secret, allowed_origins, locale)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
      [newId('dep'), orgId, input.name, input.companyName ?? input.name, `pk_${randomToken(16)}`, randomBytes(32).toString('base64url'), origins, locale],
    );
    const record = toRecord(row!);
    return { ...publicDeployment(record), identitySecret: record.identitySecret };
  }

  /** Changes the fields given; the others stay. Pages that connect from now on get the new settings. */
  async update(orgId: string, id: string, input: DeploymentUpdate): Promise<Deployment> {
    const origins = input.allowedOrigins ? [...new Set(input.allowedOrigins.map(normaliseOrigin))] : null;
    const locale = input.locale === undefined ? undefined : normaliseLocale(input.locale);
    const [row] = await this.db.query<Row>(
      `UPDATE deployments SET name = COALESCE($3, name), company_name = COALESCE($4, company_name),
         allowed_origins = COALESCE($5, allowed_origins), locale = CASE WHEN $6 THEN $7 ELSE locale END
       WHERE org_id = $1 AND id = $2 RETURNING *`,
      [orgId, id, input.name ?? null, input.companyName ?? null, origins, locale !== undefined, locale ?? null],
    );
    if (!row) throw new DomainError('deployment_not_found', `No deployment "${id}" in your organisation: list them with GET /v1/deployments.`);
    // This node sees the change at once; others within the public-key cache's 30 s.
    this.byKey.delete(row.key);
    return publicDeployment(toRecord(row));
  }

  async list(orgId: string): Promise<Deployment[]> {
    const rows = await this.db.query<Row>('SELECT * FROM deployments WHERE org_id = $1 ORDER BY created_at', [orgId]);
    return rows.map((r) => publicDeployment(toRecord(r)));
  }

  async get(orgId: string, id: string): Promise<Deployment> {
    const [row] = await this.db.query<Row>('SELECT * FROM deployments WHERE org_id = $1 AND id = $2', [orgId, id]);
    if (!row) throw new DomainError('deployment_not_found');
    return publicDeployment(toRecord(row));
  }

  /** Looked up on every visitor connection, so cached briefly. */
  async byPublicKey(key: string): Promise<DeploymentRecord | null> {
    const hit = this.byKey.get(key);
    if (hit && Date.now() - hit.at < 30_000) return hit.record;
    const [row] = await this.db.query<Row>('SELECT * FROM deployments WHERE key = $1', [key]);
    if (!row) return null;
    const record = toRecord(row);
    this.byKey.set(key, { record, at: Date.now() });
    return record;
  }

  async byId(id: string): Promise<DeploymentRecord | null> {
    const [row] = await this.db.query<Row>('SELECT * FROM deployments WHERE id = $1', [id]);
    return row ? toRecord(row) : null;
  }

  /** The site an invite is for: the deployment that allows the return URL's origin, else the first. */
  async forReturnUrl(orgId: string, returnUrl: string | undefined): Promise<DeploymentRecord | null> {
    if (returnUrl) {
      const origin = new URL(returnUrl).origin;
      const [row] =
        await this.db.query<Row>('SELECT * FROM deployments WHERE org_id = $1 AND $2 = ANY(allowed_origins) ORDER BY created_at LIMIT 1', [orgId, origin]);
      if (row) return toRecord(row);
    }
    return this.firstForOrg(orgId);
  }

  async firstForOrg(orgId: string): Promise<DeploymentRecord | null> {
    const [row] = await this.db.query<Row>('SELECT * FROM deployments WHERE org_id = $1 ORDER BY created_at LIMIT 1', [orgId]);
    return row ? toRecord(row) : null;
  }
}
