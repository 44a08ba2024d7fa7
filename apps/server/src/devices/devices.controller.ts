import { Controller, HttpCode, Inject, Post } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import {
  type AgentEnrollRequest,
  type AgentEnrollResponse,
  type AgentLoginRequest,
  type AgentLoginResponse,
  type AgentTokenRequest,
  type AgentTokenResponse,
  agentEnrollRequestSchema,
  agentEnrollResponseSchema,
  agentLoginRequestSchema,
  agentLoginResponseSchema,
  agentTokenRequestSchema,
  agentTokenResponseSchema,
} from '@econtrol/contracts';
import { Body, Req, Route } from '../common/route.js';
import { CurrentDevice, type DeviceActor } from './device-actor.js';
import { DevicesService } from './devices.service.js';

const tags = ['agent'];

@Controller('api/v1/agent')
export class DevicesController {
  constructor(@Inject(DevicesService) private readonly service: DevicesService) {}

  @Post('enroll')
  @Route({
    summary: 'PC agent: trade a one-time pairing code for a device credential',
    tags,
    roles: 'public',
    rateLimit: 'auth',
    body: agentEnrollRequestSchema,
    response: agentEnrollResponseSchema,
    status: 201,
  })
  enroll(@Body() body: AgentEnrollRequest, @Req() req: FastifyRequest): Promise<AgentEnrollResponse> {
    return this.service.enroll(body, req.ip);
  }

  @Post('token')
  @HttpCode(200)
  @Route({
    summary: 'PC agent: device credential → short-lived access token',
    tags,
    roles: 'public',
    rateLimit: 'device-token',
    body: agentTokenRequestSchema,
    response: agentTokenResponseSchema,
    status: 200,
  })
  token(@Body() body: AgentTokenRequest): Promise<AgentTokenResponse> {
    return this.service.token(body.deviceId, body.deviceSecret);
  }

  @Post('login')
  @HttpCode(200)
  @Route({
    summary: 'PC agent lock screen: customer login or guest-ticket code, starts a session on this PC',
    tags,
    roles: 'device',
    rateLimit: 'device',
    body: agentLoginRequestSchema,
    response: agentLoginResponseSchema,
    status: 200,
  })
  login(@CurrentDevice() device: DeviceActor, @Body() body: AgentLoginRequest): Promise<AgentLoginResponse> {
    return this.service.login(device, body);
  }
}
