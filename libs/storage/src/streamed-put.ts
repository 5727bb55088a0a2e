import { once } from 'node:events';
import { request as httpRequest, type Agent, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** A PUT during which S3 takes no bytes and sends no answer for this long is given up. */
const STALLED_AFTER_MS = 120_000;

/**
 * One S3 PUT to a presigned `url` whose body streams from `source` as it is read, nothing buffered,
 * with `length`, the body's declared size, sent ahead as its Content-Length.
 *
 * The last bytes are held back until `verify` passes. S3 stores an object only once every byte its
 * Content-Length promised has arrived, so a body that fails verification, ends short or runs long
 * is cut off before its end, and nothing is stored, as with a multipart upload never completed.
 */
export async function putStreamed(url: URL, agent: Agent, source: AsyncIterable<Uint8Array | string>, length: number, verify?: () => void): Promise<void> {
  const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
    method: 'PUT',
    agent,
    headers: { 'content-length': String(length), 'content-type': 'application/octet-stream' },
  });
  request.setTimeout(STALLED_AFTER_MS, () => request.destroy(new Error(`S3 took no bytes of the PUT for ${STALLED_AFTER_MS / 1000} s`)));
  const answered = new Promise<IncomingMessage>((resolve, reject) => {
    request.once('response', resolve);
    request.on('error', reject);
  });
  const outcome = answered.then(async (response) => {
    if (response.statusCode !== 200) throw await refusal(response);
    response.resume();
  });
  let settled = false;
  // S3 answers before the body's end only to refuse it, or when the connection fails.
  const answeredEarly = outcome.then(() => {
    throw new Error('S3 answered the PUT before its body was sent');
  });
  // Each is awaited below only if it settles while the body is still being sent.
  outcome.then(() => (settled = true), () => (settled = true));
  answeredEarly.catch(() => undefined);
  let held: Uint8Array | undefined;
  let read = 0;
  try {
    for await (const chunk of source) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      // An empty chunk held back would let the last real bytes go before `verify`.
      if (bytes.length === 0) continue;
      if (settled) await answeredEarly;
      read += bytes.length;
      if (read > length) throw new Error(`the body runs past its declared ${length} bytes`);
      if (held !== undefined && !request.write(held)) await Promise.race([once(request, 'drain'), answeredEarly]);
      held = bytes;
    }
    if (read < length) throw new Error(`the body ended after ${read} of its declared ${length} bytes`);
    verify?.();
    if (held === undefined) request.end();
    else request.end(held);
    await outcome;
  } catch (error) {
    request.destroy();
    throw error;
  }
}

/** S3's error answer as an error: its status, and the code and message of its XML body. */
async function refusal(response: IncomingMessage): Promise<Error> {
  let body = '';
  for await (const chunk of response) if (body.length < 4096) body += String(chunk);
  const field = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(body)?.[1];
  return new Error(`S3 refused the PUT: ${response.statusCode} ${field('Code') ?? ''} ${field('Message') ?? ''}`.trim());
}
