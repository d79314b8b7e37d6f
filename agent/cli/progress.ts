/** A one-line progress indicator on stderr, only when stderr is a terminal. */
export function progressReporter(stream: NodeJS.WriteStream): { update: (collector: string, state: 'start' | 'done') => void; done: () => void } {
  if (!stream.isTTY) return { update: () => undefined, done: () => undefined };
  const running = new Set<string>();
  let finished = 0;
  const draw = () => stream.write(`\r\u001b[2Kcollecting: ${[...running].join(', ') || '…'} (${finished} done)`);
  return {
    update: (collector, state) => {
      if (state === 'start') running.add(collector);
      else running.delete(collector), finished++;
      draw();
    },
    done: () => {
      if (finished > 0 || running.size > 0) stream.write('\r\u001b[2K');
    },
  };
}
