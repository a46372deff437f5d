import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { afterAll, describe, expect, it } from 'vitest';
import { API_KEY_VIEWS } from '@keystream/api-keys';
import { createLogger, loadConfig } from '@keystream/config';
import { ProcessingRuntime } from '@keystream/processing';
import { InfrastructureModule } from './infrastructure.module.js';

describe('InfrastructureModule.forRoot', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keystream-infra-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const tasksOf = async (runLeaderTasks: boolean | undefined) => {
    const config = { ...loadConfig({ DATA_DIR: join(dir, String(runLeaderTasks)) }), AUDIT_SINK: 'none' as const };
    @Module({ imports: [InfrastructureModule.forRoot({ config, logger: createLogger('silent'), views: API_KEY_VIEWS, runProcessors: false, runLeaderTasks })] })
    class Root {}
    const context = await NestFactory.createApplicationContext(Root, { logger: false, abortOnError: false });
    try {
      return context.get(ProcessingRuntime).status().tasks;
    } finally {
      await context.close();
    }
  };

  it('gives the lease holder the expiry-notice task by default, and none with runLeaderTasks: false (the CLI)', async () => {
    expect(await tasksOf(undefined)).toEqual(['expiry-notices']);
    expect(await tasksOf(false)).toEqual([]);
  });
});
