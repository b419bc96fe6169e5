#!/usr/bin/env node
/** Process entry: read config, build the app, listen, shut down gracefully on SIGTERM/SIGINT. */
import { buildApp } from './app.ts';
import { checkExposure } from './auth/policy.ts';
import { ConfigError, helpText, loadConfig } from './config.ts';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${helpText()}\n`);
    return;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env, argv);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`cluster-mcp: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const exposure = checkExposure(config);
  if (exposure.refuse) {
    process.stderr.write(`cluster-mcp: ${exposure.refuse}\n`);
    process.exit(2);
  }
  let app: Awaited<ReturnType<typeof buildApp>>;
  try {
    app = await buildApp(config);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`cluster-mcp: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const { fastify, log } = app;
  if (exposure.warn) {
    log.warn({ unauthenticated: true }, exposure.warn);
    process.stderr.write(`cluster-mcp: WARNING: ${exposure.warn}\n`);
  }
  const address = await fastify.listen({ host: config.host, port: config.port });
  log.info({ address, auth: config.auth.mode, tls: Boolean(config.tls) }, 'cluster-mcp listening');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: finishing in-flight calls');
    const force = setTimeout(() => {
      log.warn('in-flight calls did not finish within 10 s; exiting');
      process.exit(0);
    }, 10_000);
    force.unref();
    fastify.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'error while closing');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`cluster-mcp: fatal: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
