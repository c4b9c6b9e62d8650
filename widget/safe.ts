export const warn = (...args: unknown[]) => console.warn('Beraten lassen:', ...args);

/** Wraps every entry point: a widget problem becomes a console warning, never an exception in the host page. */
export const safe =
  <A extends unknown[]>(fn: (...args: A) => unknown) =>
  (...args: A) => {
    try {
      Promise.resolve(fn(...args)).catch(warn);
    } catch (err) {
      warn(err);
    }
  };
