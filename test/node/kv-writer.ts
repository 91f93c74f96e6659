// Child process for the crash test: holds the store lock like a server and rewrites a few keys with
// multi-megabyte values forever, until it is killed. Values are self-describing (seeded bytes).
import { FileKv } from '../../node/file-kv';
import { lockStore } from '../../node/store-lock';

const store = process.argv[2]!;
await lockStore(store);
const kv = await FileKv.open(store);
process.stdout.write('ready\n');
for (let i = 0; ; i++) {
  const size = (1 + (i % 4)) << 20;
  const v = new Uint8Array(size);
  for (let j = 0; j < size; j += 4096) v[j] = (i + j) & 0xff;
  await kv.put(`v1:head:t:m:key-${i % 3}`, v.buffer, { expirationTtl: 3600, metadata: { i } });
}
