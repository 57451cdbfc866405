import { Module } from '@nestjs/common';
import { AdAccountsModule } from '../ad-accounts/ad-accounts.module';
import { ApiTokensController } from './api-tokens.controller';
import { ApiTokensService } from './api-tokens.service';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { RateLimitGuard } from './rate-limit.guard';
import { TokenService } from './token.service';

@Module({
  imports: [AdAccountsModule],
  controllers: [AuthController, ApiTokensController],
  providers: [AuthService, ApiTokensService, TokenService, AuthGuard, RateLimitGuard],
  exports: [TokenService, AuthGuard, RateLimitGuard],
})
export class AuthModule {}
