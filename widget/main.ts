import { start } from './api.ts';
import { guardHandlers, safe } from './safe.ts';

guardHandlers();
// Read synchronously at the top of the IIFE: document.currentScript is null in any later callback.
safe(start)(document.currentScript as HTMLScriptElement | null);
