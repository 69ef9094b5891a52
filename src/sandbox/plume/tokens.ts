import { randomBytes } from 'node:crypto';
import { PlumeError } from './errors.js';
import type { AccessToken } from './models.js';
import type { SeedToken } from '../seed.js';

/** LoopBack's default access token lifetime: two weeks, in seconds. */
export const TOKEN_TTL_SECONDS = 1_209_600;

/** Who a token speaks for: an admin for a set of customers, a user for exactly one. */
export interface Session {
  role: SeedToken['role'];
  customerIds: ReadonlySet<string>;
}

interface TokenRecord extends Session {
  /** Epoch milliseconds; `null` for the seed's demo tokens, which never expire unless marked expired. */
  expiresAt: number | null;
}

interface AdminAccount {
  userId: string;
  email: string;
  password: string;
  customerIds: readonly string[];
}

/** Access tokens of one simulator instance: the seed's demo tokens plus those issued by login. */
export class TokenStore {
  private readonly tokens = new Map<string, TokenRecord>();
  private readonly admins: AdminAccount[] = [];

  constructor(
    seed: readonly SeedToken[],
    private readonly now: () => Date,
  ) {
    for (const token of seed) {
      this.tokens.set(token.token, {
        role: token.role,
        customerIds: new Set(token.customerIds),
        expiresAt: token.expired ? 0 : null,
      });
      if (token.role === 'admin') {
        // LoopBack user ids look like Mongo ObjectIds; derive stable ones from the seed order.
        const userId = `64${String(this.admins.length + 1).padStart(22, '0')}`;
        const { email, password, customerIds } = token;
        this.admins.push({ userId, email, password, customerIds });
      }
    }
  }

  /** The session of a live token; 401 when the token is missing, unknown or expired. */
  authenticate(token: string | undefined): Session {
    const record = token === undefined ? undefined : this.tokens.get(token);
    if (!record || (record.expiresAt !== null && record.expiresAt <= this.now().getTime())) {
      throw new PlumeError('AUTHORIZATION_REQUIRED', 'Authorization Required');
    }
    return record;
  }

  loginAdmin(email: string, password: string): AccessToken {
    const admin = this.admins.find((a) => a.email === email && a.password === password);
    if (!admin) throw new PlumeError('INVALID_CREDENTIALS', 'login failed');
    return this.issue({ role: 'admin', customerIds: new Set(admin.customerIds) }, admin.userId);
  }

  issueUserToken(customerId: string): AccessToken {
    return this.issue({ role: 'user', customerIds: new Set([customerId]) }, customerId);
  }

  private issue(session: Session, userId: string): AccessToken {
    const created = this.now();
    // 64 characters, like LoopBack's own access token ids.
    const id = randomBytes(32).toString('hex');
    this.tokens.set(id, { ...session, expiresAt: created.getTime() + TOKEN_TTL_SECONDS * 1000 });
    return { id, ttl: TOKEN_TTL_SECONDS, created: created.toISOString(), userId };
  }
}
