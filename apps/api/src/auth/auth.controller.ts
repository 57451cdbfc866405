import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import {
  accessTokenResponseSchema,
  loginBodySchema,
  signupBodySchema,
  signupResponseSchema,
  type AccessTokenResponse,
  type LoginBody,
  type SignupBody,
  type SignupResponse,
} from '@loupe/contracts';
import type { FastifyRequest } from 'fastify';
import { PUBLIC, Route, SIGNED_IN } from '../common/route.decorator';
import { AuthService } from './auth.service';
import { CurrentPrincipal } from './request-context';
import type { Principal } from './token.service';

@Controller('v5/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('signup')
  @HttpCode(201)
  @Route({
    summary: 'Sign up: create a user, a business and a first ad account, and sign in',
    tag: 'auth',
    access: PUBLIC,
    rate: 'auth',
    extension: true,
    body: signupBodySchema,
    response: signupResponseSchema,
    status: 201,
  })
  signup(@Body() body: SignupBody, @Req() request: FastifyRequest): Promise<SignupResponse> {
    return this.auth.signup(body, String(request.id));
  }

  @Post('login')
  @HttpCode(200)
  @Route({
    summary: 'Sign in with email and password; returns a 30-day bearer access token',
    tag: 'auth',
    access: PUBLIC,
    rate: 'auth',
    extension: true,
    body: loginBodySchema,
    response: accessTokenResponseSchema,
  })
  login(@Body() body: LoginBody): Promise<AccessTokenResponse> {
    return this.auth.login(body);
  }

  @Post('logout')
  @HttpCode(204)
  @Route({ summary: 'Revoke the access token this request is made with', tag: 'auth', access: SIGNED_IN, rate: 'write', extension: true, status: 204 })
  async logout(@CurrentPrincipal() principal: Principal): Promise<void> {
    await this.auth.logout(principal.tokenId);
  }
}
