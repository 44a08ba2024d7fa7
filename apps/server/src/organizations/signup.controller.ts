import { Controller, Inject, Post, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type SignupRequest, signupRequestSchema, signupResponseSchema } from '@econtrol/contracts';
import type { z } from 'zod';
import { CONFIG, type AppConfig } from '../config/config.js';
import { Body, Req, Route } from '../common/route.js';
import { clientInfo, respondWithSession } from '../auth/auth.controller.js';
import { SignupService } from './signup.service.js';

@Controller('api/v1/signup')
export class SignupController {
  constructor(
    @Inject(SignupService) private readonly signups: SignupService,
    @Inject(CONFIG) private readonly config: AppConfig,
  ) {}

  @Post()
  @Route({
    summary: 'Create a company, its first LAN center and its manager',
    tags: ['organizations'],
    roles: 'public',
    rateLimit: 'auth',
    body: signupRequestSchema,
    response: signupResponseSchema,
    status: 201,
  })
  async signup(
    @Body() body: SignupRequest,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<z.infer<typeof signupResponseSchema>> {
    const result = await this.signups.signup(body, clientInfo(request));
    return {
      organization: result.organization,
      lanCenter: result.lanCenter,
      auth: respondWithSession(result.session, body.tokenMode, request, reply, this.config),
    };
  }
}
