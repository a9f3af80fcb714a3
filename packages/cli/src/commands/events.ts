import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { SekishoError } from '@sekisho/core';
import { createEvent, SEVERITIES } from '@sekisho/model';
import type { Severity } from '@sekisho/model';
import { compileFilter, createBusOutputs, EventBus, EventsConfigError, loadEventsConfig } from '@sekisho/events';
import type { BusOutput } from '@sekisho/events';
import { parseDuration } from '../duration.js';
import type { CliIo } from '../io.js';

interface TestFlags {
  readonly config: string;
  readonly output: string;
  readonly timeout: string;
  readonly severity: Severity;
}

function configError(error: unknown): never {
  if (error instanceof EventsConfigError) throw new SekishoError('CONFIG_INVALID', error.message, { cause: error });
  throw error;
}

/**
 * `sekisho events test`: one `test` event through the named output, the whole way (redaction,
 * a spool in a temporary folder, the output's own protocol and acknowledgement). The output's
 * filter and rate limit are bypassed so the event always goes; a note says when the filter would
 * have held it back.
 */
async function sendTestEvent(flags: TestFlags, io: CliIo): Promise<void> {
  const timeoutMs = parseDuration(flags.timeout, '--timeout');
  let outputs: BusOutput[];
  try {
    outputs = createBusOutputs(loadEventsConfig(flags.config), { only: [flags.output] });
  } catch (error) {
    configError(error);
  }
  const configured = outputs[0] as BusOutput;
  const event = createEvent({
    kind: 'test',
    severity: flags.severity,
    source: { component: 'cli', instance: hostname() },
    subject: { type: 'system', id: 'sekisho events test' },
    action: `events.test ${flags.output}`,
    result: 'info',
    reasons: ['a test event sent by `sekisho events test`'],
  });
  if (configured.filter !== undefined && !compileFilter(configured.filter)(event)) {
    io.stderr(`note: the filter of output ${flags.output} would not pass this event (kind test, severity ${flags.severity}); sent anyway\n`);
  }
  const spoolDir = await mkdtemp(join(tmpdir(), 'sekisho-events-test-'));
  const bus = new EventBus({ spoolDir, outputs: [{ output: configured.output, spool: { maxBytes: 1024 * 1024, fsync: 'never' } }], sendTimeoutMs: timeoutMs === 0 ? 30_000 : timeoutMs });
  try {
    await bus.emit(event);
    const delivered = await bus.drain(timeoutMs === 0 ? 2 ** 31 - 1 : timeoutMs);
    const stats = bus.stats()[flags.output];
    if (stats !== undefined && stats.rejected > 0) throw new SekishoError('CONFIG_INVALID', `output ${flags.output}: the receiver refused the test event: ${stats.lastError ?? ''}`);
    if (!delivered) throw new SekishoError('LIMIT_TIMEOUT', `output ${flags.output}: test event not delivered within ${flags.timeout}${stats?.lastError == null ? '' : `: ${stats.lastError}`}`);
    io.stdout(`sent test event ${event.id} to output ${flags.output}\n`);
  } finally {
    await bus.close();
    await rm(spoolDir, { recursive: true, force: true });
  }
}

/** `sekisho events …`: the event outputs configured in sekisho.yaml (docs/events.md). */
export function eventsCommand(io: CliIo): Command {
  const command = new Command('events').description('Event outputs configured in sekisho.yaml (docs/events.md)');
  command
    .command('test')
    .description('Send one test event through an output and wait until it is delivered: exit 0 delivered, 6 not delivered within --timeout, 8 configuration invalid or the receiver refused it')
    .requiredOption('--config <file>', 'sekisho.yaml with an outputs: section')
    .requiredOption('--output <name>', 'the output to test (a disabled one too)')
    .option('--timeout <duration>', 'give up after this long (e.g. 10s, 1m; 0 = no limit)', '30s')
    .addOption(new Option('--severity <severity>', 'severity of the test event').choices([...SEVERITIES]).default('low'))
    .action(async (flags: TestFlags) => sendTestEvent(flags, io));
  return command;
}
