import { Controller, Get, HttpCode, Inject, Post, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  type AuthResponse,
  authResponseSchema,
  loginRequestSchema,
  type LoginRequest,
  logoutRequestSchema,
  refreshRequestSchema,
  sessionUserSchema,
  type SessionUser,
  roles,
} from '@econtrol/contracts';
import { type z } from 'zod';
import { CONFIG, type AppConfig } from '../config/config.js';
import { Body, CurrentActor, Req, Route } from '../common/route.js';
import type { Actor } from '../common/actor.js';
import { AuthService, type ClientInfo, type IssuedSession } from './auth.service.js';
import { REFRESH_COOKIE, clearAuthCookies, setAuthCookies } from './cookies.js';

export const clientInfo = (request: FastifyRequest): ClientInfo => ({
  ip: request.ip,
  userAgent: request.headers['user-agent'],
  requestId: String(request.id),
});

export function respondWithSession(
  session: IssuedSession,
  mode: 'bearer' | 'cookie',
  request: FastifyRequest,
  reply: FastifyReply,
  config: AppConfig,
): AuthResponse {
  if (mode === 'cookie') {
    setAuthCookies(reply, request, config, session);
    return { ...session.response, csrfToken: session.csrfToken };
  }
  return { ...session.response, accessToken: session.accessToken, refreshToken: session.refreshToken };
}

@Controller('api/v1/auth')
export class AuthController {
  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('login')
  @HttpCode(200)
  @Route({
    summary: 'Sign in with email or username and password',
    tags: ['auth'],
    roles: 'public',
    rateLimit: 'auth',
    body: loginRequestSchema,
    response: authResponseSchema,
  })
  async login(
    @Body() body: LoginRequest,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AuthResponse> {
    const session = await this.auth.login(body, clientInfo(request));
    return respondWithSession(session, body.tokenMode, request, reply, this.config);
  }

  @Post('refresh')
  @HttpCode(200)
  @Route({
    summary: 'Rotate the refresh token (body or cookie); reuse of an old one revokes the family',
    tags: ['auth'],
    roles: 'public',
    rateLimit: 'auth',
    body: refreshRequestSchema,
    response: authResponseSchema,
  })
  async refresh(
    @Body() body: z.infer<typeof refreshRequestSchema>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AuthResponse> {
    const token = body.refreshToken ?? request.cookies[REFRESH_COOKIE];
    const mode = body.refreshToken ? body.tokenMode : 'cookie';
    const session = await this.auth.refresh(token, clientInfo(request));
    return respondWithSession(session, mode, request, reply, this.config);
  }

  @Post('logout')
  @HttpCode(204)
  @Route({
    summary: 'Revoke the session (refresh-token family) and clear cookies',
    tags: ['auth'],
    roles: 'public',
    body: logoutRequestSchema,
  })
  async logout(
    @Body() body: z.infer<typeof logoutRequestSchema>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    await this.auth.logout(
      body.refreshToken ?? request.cookies[REFRESH_COOKIE],
      request.actor,
      clientInfo(request),
    );
    clearAuthCookies(reply);
  }

  @Get('me')
  @Route({ summary: 'The signed-in user', tags: ['auth'], roles, response: sessionUserSchema })
  me(@CurrentActor() actor: Actor): Promise<SessionUser> {
    return this.auth.me(actor);
  }
}
