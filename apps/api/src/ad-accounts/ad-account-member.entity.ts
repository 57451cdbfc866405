import type { AdAccountRole } from '@loupe/contracts';
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

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
