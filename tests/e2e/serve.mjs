// The test server: the app's own static server (scripts/serve.mjs: .wasm as application/wasm,
// .gz as application/gzip without Content-Encoding) on 127.0.0.1 and a free port.
import { startServer } from '../../scripts/serve.mjs';

/** Serves `dir`; returns { baseURL, close }. */
export async function serve(dir) {
  const server = await startServer(dir, 0);
  const { port } = server.address();
  return {
    baseURL: `http://127.0.0.1:${port}/`,
    close: () => new Promise((ok) => server.close(ok)),
  };
}
