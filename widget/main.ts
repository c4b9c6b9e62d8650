import { safe } from './safe.ts';
import { start } from './widget.ts';

// Read synchronously at the top of the IIFE: document.currentScript is null in any later callback.
safe(start)(document.currentScript as HTMLScriptElement | null);
