/**
 * The reference for `bench/ingest`: bare `node:http` that reads and parses the batch body and answers
 * a HubSpot-shaped 201 echoing every input, storing nothing. It is the ceiling of the HTTP and JSON
 * work on this machine, so the ratio ours/reference shows what validation and storage cost.
 */
import { createServer } from 'node:http';

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const now = new Date().toISOString();
    const body = JSON.parse(Buffer.concat(chunks).toString()) as { inputs: Record<string, unknown>[] };
    const results = body.inputs.map((input, i) => ({
      ...input,
      id: String(i),
      objectType: 'contacts',
      objectId: '1',
      timestamp: now,
      createdAt: now,
    }));
    const payload = JSON.stringify({
      status: 'COMPLETE',
      results,
      requestedAt: now,
      startedAt: now,
      completedAt: now,
      links: {},
    });
    response.writeHead(201, { 'content-type': 'application/json' });
    response.end(payload);
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') console.log(`listening on http://127.0.0.1:${address.port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
