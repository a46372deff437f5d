import { expect } from 'vitest';

export interface Decider<Command, Event, State> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

/**
 * given(events).when(command).then(events) | thenThrows(code) | thenNothingHappened(), in the shape of
 * Emmett's DeciderSpecification: the business rules are read and tested without any infrastructure.
 */
export const DeciderSpecification = {
  for<Command, Event, State>(decider: Decider<Command, Event, State>) {
    return (given: Event[] = []) => ({
      when(command: Command) {
        const run = () => decider.decide(command, given.reduce(decider.evolve, decider.initialState()));
        return {
          then(expected: Event[]) {
            expect(run()).toEqual(expected);
          },
          thenNothingHappened() {
            expect(run()).toEqual([]);
          },
          thenThrows(code: string, check?: (error: Error & { code: string }) => void) {
            let thrown: unknown;
            try {
              run();
            } catch (error) {
              thrown = error;
            }
            expect(thrown, `expected ${code} to be thrown`).toBeInstanceOf(Error);
            expect((thrown as { code?: string }).code).toBe(code);
            check?.(thrown as Error & { code: string });
          },
        };
      },
    });
  },
};
