import { LinuxPlatform, type LinuxPlatformOptions } from './linux-platform.js';
import type { Platform } from './platform.js';
import { WindowsPlatform, type WindowsPlatformOptions } from './windows-platform.js';

export function createPlatform(opts: LinuxPlatformOptions & WindowsPlatformOptions = {}): Platform {
  return process.platform === 'win32' ? new WindowsPlatform(opts) : new LinuxPlatform(opts);
}
