import { options } from 'preact';

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

/** Preact calls event handlers bare, so an exception would reach the page: every on* prop is wrapped in safe(). */
export function guardHandlers() {
  const next = options.vnode;
  options.vnode = (vnode) => {
    const props = vnode.props as Record<string, unknown>;
    for (const key in props)
      if (key[0] == 'o' && key[1] == 'n' && typeof props[key] == 'function')
        props[key] = safe(props[key] as () => unknown);
    next?.(vnode);
  };
}
