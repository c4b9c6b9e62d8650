// placeholder, replaced by the mail work
export function startOutbox(_deps: unknown) { return { start() {}, wake() {}, async stop() {} }; }
