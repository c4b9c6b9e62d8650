import { render, type VNode } from 'preact';
import { createHost } from './host.ts';
import type { Inquiry } from './inquiry.ts';

/** One shadow host and the store it shows; the store outlives the host's moves, so nothing typed is lost. */
export interface View {
  host: HTMLElement;
  inq: Inquiry;
}

/** Subscribes the view to its store: every change re-renders it, then moves focus if asked. */
export function createView(parent: Node, inq: Inquiry, tree: () => VNode): View {
  const { host, root } = createHost(parent);
  inq.listen((focus) => {
    render(tree(), root);
    if (focus) root.querySelector<HTMLElement>(focus)?.focus();
  });
  inq.draw();
  return { host, inq };
}
