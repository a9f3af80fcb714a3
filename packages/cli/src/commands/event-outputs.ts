/**
 * `--outputs sekisho.yaml` for the long-running commands (`server`, `worker`, `admission serve`,
 * `runtime run`): their events go to the outputs of that file (syslog, Fluentd Forward, NATS,
 * webhooks, email; docs/events.md) through one spooled event bus, drained on shutdown.
 */
import { SekishoError } from '@sekisho/core';
import type { EventSink, SekishoEvent } from '@sekisho/model';

export const OUTPUTS_HELP = "sekisho.yaml whose outputs: section receives this command's events (syslog, Fluentd Forward, NATS JetStream, webhooks, email, a Sekisho server; docs/events.md)";

export interface EventOutputs {
  readonly sink: EventSink;
  /** Waits up to `graceMs` for pending deliveries (what is left stays spooled for the next start), then closes. */
  close(graceMs?: number): Promise<void>;
}

/** The outputs of `file`; a file or secret reference that cannot be used is exit 8 before anything starts. */
export async function openEventOutputs(file: string): Promise<EventOutputs> {
  const { EventsConfigError, openEventBus } = await import('@sekisho/events');
  let bus;
  try {
    bus = openEventBus({ configFile: file });
  } catch (error) {
    if (error instanceof EventsConfigError) throw new SekishoError('CONFIG_INVALID', error.message, { where: { path: file }, cause: error });
    throw error;
  }
  return {
    sink: bus,
    async close(graceMs = 5000) {
      await bus.drain(graceMs);
      await bus.close();
    },
  };
}

/** One sink that hands each event to every sink given. */
export function fanOut(...sinks: readonly (EventSink | null | undefined)[]): EventSink | undefined {
  const live = sinks.filter((s): s is EventSink => s !== null && s !== undefined);
  if (live.length <= 1) return live[0];
  return {
    emit: async (event: SekishoEvent) => {
      await Promise.all(live.map((s) => s.emit(event)));
    },
  };
}
