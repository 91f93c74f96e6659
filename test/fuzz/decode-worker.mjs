// Worker-thread entry: tsx's loader for this thread, then the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./decode-worker.ts');
