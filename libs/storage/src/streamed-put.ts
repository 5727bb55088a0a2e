import { once } from 'node:events';
import { request as httpRequest, type Agent, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * One S3 PUT to a presigned `url` whose body streams from `source` as it is read, nothing buffered,
 * with `length`, the body's declared size, sent ahead as its Content-Length.
 *
 * The last chunk is held back until `verify` passes. S3 stores an object only once every byte its
 * Content-Length promised has arrived, so a body that fails verification, ends short or runs long
 * is cut off before its end, and nothing is stored, as with a multipart upload never completed.
 */
export async function putStreamed(url: URL, agent: Agent, source: AsyncIterable<Uint8Array | string>, length: number, verify?: () => void): Promise<void> {
  const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method: 'PUT', agent, headers: { 'content-length': String(length) } });
  const answered = new Promise<IncomingMessage>((resolve, reject) => {
    request.once('response', resolve);
    request.once('error', reject);
  });
  let sending = true;
  // S3 answers before the body's end only to refuse it (or when the connection fails).
  const answeredEarly = answered.then(async (response) => {
    if (sending) throw await refusal(response);
  });
  // Both are awaited below; this keeps a failure that comes while the body is being read from going unhandled.
  answeredEarly.catch(() => undefined);
  let held: Uint8Array | undefined;
  let read = 0;
  try {
    for await (const chunk of source) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      read += bytes.length;
      if (read > length) throw new Error(`the body runs past its declared ${length} bytes`);
      if (held !== undefined && !request.write(held)) await Promise.race([once(request, 'drain'), answeredEarly]);
      held = bytes;
    }
    if (read < length) throw new Error(`the body ended after ${read} of its declared ${length} bytes`);
    verify?.();
    sending = false;
    if (held === undefined) request.end();
    else request.end(held);
    const response = await answered;
    if (response.statusCode !== 200) throw await refusal(response);
    response.resume();
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
