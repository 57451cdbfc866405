import { AdAccountMemberEntity } from './ad-accounts/ad-account-member.entity';
import { AdAccountEntity } from './ad-accounts/ad-account.entity';
import { BusinessEntity } from './ad-accounts/business.entity';
import { UserEntity } from './auth/user.entity';

/** Every TypeORM entity the API maps; the migration script and tests use the same list. */
export const API_ENTITIES = [BusinessEntity, UserEntity, AdAccountEntity, AdAccountMemberEntity];
