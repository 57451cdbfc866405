import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** Pinterest's BusinessAccessRole names; ADMIN is the account owner's role. */
export const AD_ACCOUNT_ROLES = ['ADMIN', 'CAMPAIGN_MANAGER', 'ANALYST', 'FINANCE_MANAGER'] as const;
export type AdAccountRole = (typeof AD_ACCOUNT_ROLES)[number];

@Entity('ad_account_members')
export class AdAccountMemberEntity {
  @PrimaryColumn({ type: 'bigint', name: 'ad_account_id' })
  adAccountId!: string;

  @PrimaryColumn({ type: 'bigint', name: 'user_id' })
  userId!: string;

  @Column({ type: 'text' })
  role!: AdAccountRole;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
