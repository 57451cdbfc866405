import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

@Entity('ad_accounts')
export class AdAccountEntity {
  @PrimaryColumn({ type: 'bigint', default: () => "nextval('loupe_id_seq')" })
  id!: string;

  @Column({ type: 'bigint', name: 'business_id' })
  businessId!: string;

  @Column({ type: 'bigint', name: 'owner_user_id' })
  ownerUserId!: string;

  @Column({ type: 'text' })
  name!: string;

  /** ISO 3166-1 alpha-2. */
  @Column({ type: 'char', length: 2 })
  country!: string;

  /** ISO 4217; every money figure of the account is in micros of this currency. */
  @Column({ type: 'char', length: 3 })
  currency!: string;

  /** IANA zone in which the account's days, months and quarters are cut. */
  @Column({ type: 'text', default: 'UTC' })
  timezone!: string;

  /** The timezone whose local-day rollups are complete (NULL: being rebuilt). See migration LocalDayRollups. */
  @Column({ type: 'text', name: 'local_rollups_timezone', nullable: true })
  localRollupsTimezone!: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;
}
