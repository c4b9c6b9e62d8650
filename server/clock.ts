/** Injected everywhere time matters, so tests can move it. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
export const iso = (clock: Clock, plusMs = 0): string => new Date(clock().getTime() + plusMs).toISOString();
