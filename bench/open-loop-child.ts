import { openLoop, type OpenLoopOptions, type OpenLoopResult } from './open-loop';

/*
 * The open-loop generator's own process (`openLoopProcess` in ./open-loop.ts): it takes
 * one `{ options, warmupSeconds }` message, runs the warm-up and then the measured run,
 * each from a freshly collected heap, answers `{ result }` or `{ error }`, and exits.
 */

interface Message {
  options: OpenLoopOptions;
  warmupSeconds: number;
}

type Answer = { result: OpenLoopResult } | { error: string };

process.once('message', (message: Message) => {
  const run = async (): Promise<OpenLoopResult> => {
    if (message.warmupSeconds > 0) await openLoop({ ...message.options, seconds: message.warmupSeconds });
    return openLoop(message.options);
  };
  run().then(
    (result) => reply({ result }),
    (err: unknown) => reply({ error: err instanceof Error ? err.message : String(err) }),
  );
});

function reply(answer: Answer): void {
  process.send!(answer, () => process.exit(0));
}
