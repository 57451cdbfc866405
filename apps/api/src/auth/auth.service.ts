import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ErrorCode, type AccessTokenResponse, type AdAccountRole, type LoginBody, type SignupBody, type SignupResponse } from '@loupe/contracts';
import { AuthenticationFailedException, DomainException } from '@loupe/server-core';
import { DataSource } from 'typeorm';
import { AdAccountsService } from '../ad-accounts/ad-accounts.service';
import { AuditService } from '../audit/audit.service';
import { hashPassword, verifyPassword } from './password';
import { SESSION_TTL_SECONDS, TokenService } from './token.service';

/** Verified against when the email is unknown, so timing does not reveal which emails exist. */
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

@Injectable()
export class AuthService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tokens: TokenService,
    private readonly adAccounts: AdAccountsService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Creates a user, their business and a first ad account (the user is its ADMIN),
   * accepts any pending invitations to the email, and signs the user in.
   */
  async signup(body: SignupBody, requestId: string): Promise<SignupResponse> {
    const passwordHash = await hashPassword(body.password);
    return this.dataSource.transaction(async (tx) => {
      const taken = await tx.query(`SELECT 1 FROM users WHERE email = $1`, [body.email]);
      if (taken.length > 0) throw new DomainException(ErrorCode.Conflict, 'An account with this email already exists; sign in instead.');
      const [business] = await tx.query<{ id: string }[]>(`INSERT INTO businesses (name) VALUES ($1) RETURNING id`, [body.business_name]);
      const username = body.username ?? body.email.split('@')[0]!;
      const [user] = await tx.query<{ id: string }[]>(
        `INSERT INTO users (email, username, password_hash, business_id) VALUES ($1, $2, $3, $4) RETURNING id`,
        [body.email, username, passwordHash, business!.id],
      );
      const actor = { userId: user!.id, requestId };
      const adAccountId = await this.adAccounts.createInTransaction(tx, actor, {
        businessId: business!.id,
        ownerUserId: user!.id,
        ...body.ad_account,
      });
      // Pending invitations to this email become roles; each is audited on the inviting account.
      const claimed = await tx.query<{ id: string; ad_account_id: string; role: AdAccountRole }[]>(
        `SELECT id, ad_account_id, role FROM ad_account_invitations WHERE email = $1 FOR UPDATE`,
        [body.email],
      );
      await tx.query(`DELETE FROM ad_account_invitations WHERE email = $1`, [body.email]);
      for (const invitation of claimed) {
        await tx.query(`INSERT INTO ad_account_members (ad_account_id, user_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [
          invitation.ad_account_id,
          user!.id,
          invitation.role,
        ]);
        await this.audit.record(tx, actor, {
          adAccountId: invitation.ad_account_id,
          objectType: 'MEMBER',
          objectId: user!.id,
          action: 'CREATE',
          newValues: { user_id: user!.id, email: body.email, role: invitation.role, invitation_id: invitation.id },
        });
      }
      const session = await this.tokens.issue(tx, user!.id, 'SESSION', 'sign-up', new Date(Date.now() + SESSION_TTL_SECONDS * 1000));
      return { access_token: session.token, token_type: 'bearer', expires_in: SESSION_TTL_SECONDS, user_id: user!.id, ad_account_id: adAccountId };
    });
  }

  async login(body: LoginBody): Promise<AccessTokenResponse> {
    const [user] = await this.dataSource.query<{ id: string; password_hash: string }[]>(
      `SELECT id, password_hash FROM users WHERE email = $1`,
      [body.email],
    );
    const ok = await verifyPassword(body.password, user?.password_hash ?? DUMMY_HASH);
    if (!user || !ok) throw new AuthenticationFailedException('Authentication failed: wrong email or password.');
    const session = await this.tokens.issue(this.dataSource.manager, user.id, 'SESSION', 'login', new Date(Date.now() + SESSION_TTL_SECONDS * 1000));
    return { access_token: session.token, token_type: 'bearer', expires_in: SESSION_TTL_SECONDS, user_id: user.id };
  }

  /** Revokes the token the request was made with. */
  async logout(tokenId: string): Promise<void> {
    await this.dataSource.query(`UPDATE access_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`, [tokenId]);
  }
}
