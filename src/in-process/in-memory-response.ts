/**
 * The platform's Response, looked up when the first answer is made rather than at import: on Node,
 * touching the global loads the whole fetch implementation (about 30 ms), which belongs to the
 * first request, not to createMockFetch's start.
 */
let PlatformResponse: typeof Response | undefined;

function platformResponse(): typeof Response {
  if (PlatformResponse) return PlatformResponse;
  PlatformResponse = globalThis.Response;
  // `instanceof Response` holds, and whatever the platform's prototype offers beyond these is found.
  Object.setPrototypeOf(InMemoryResponse.prototype, PlatformResponse.prototype);
  return PlatformResponse;
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

function startsWithByteOrderMark(body: string | Uint8Array | null): boolean {
  if (typeof body === 'string') return body.charCodeAt(0) === 0xfeff;
  return body !== null && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf;
}

type HeldBody = string | Uint8Array<ArrayBuffer> | null;
interface HeldInit {
  readonly status: number;
  readonly headers: ConstructorParameters<typeof Headers>[0];
}

/**
 * A Response made from a body the mock holds whole, for answers given in process. Its status and
 * headers, and the reads apps make (text, json, arrayBuffer, bytes), are answered from what it
 * holds; anything else (body, blob, formData, a clone once read) is answered by a platform Response
 * made from the same parts, so what an app sees is the platform's behaviour. On Node 20 a platform
 * Response made from a string and read costs about 35 us, most of it in web streams: more than
 * the mock takes to answer a request.
 */
export class InMemoryResponse implements Response {
  readonly #body: HeldBody;
  readonly #init: HeldInit;
  #headers: Headers | undefined;
  #platform: Response | undefined;
  #read = false;

  constructor(body: HeldBody, init: HeldInit) {
    platformResponse();
    this.#body = body;
    this.#init = init;
  }

  get status(): number {
    return this.#init.status;
  }

  get ok(): boolean {
    return this.#init.status >= 200 && this.#init.status <= 299;
  }

  get statusText(): string {
    return '';
  }

  get type(): Response['type'] {
    return 'default';
  }

  get url(): string {
    return '';
  }

  get redirected(): boolean {
    return false;
  }

  get headers(): Headers {
    return (this.#headers ??= this.#madeHeaders());
  }

  get bodyUsed(): boolean {
    return this.#platform ? this.#platform.bodyUsed : this.#read;
  }

  get body(): ReadableStream<Uint8Array<ArrayBuffer>> | null {
    return this.#asPlatform().body;
  }

  async text(): Promise<string> {
    // How many byte order marks a read drops differs between platforms (Node's drops two): a body
    // that starts with one, which the mock never sends, is read by the platform itself.
    if (this.#platform || startsWithByteOrderMark(this.#body)) return this.#asPlatform().text();
    const body = this.#take();
    if (body === null) return '';
    // As the platform reads it, UTF-8 decoded: a lone surrogate becomes U+FFFD.
    return typeof body === 'string' ? body.toWellFormed() : fromUtf8.decode(body);
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return (await this.bytes()).buffer;
  }

  async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    if (this.#platform) return new Uint8Array(await this.#platform.arrayBuffer());
    const body = this.#take();
    if (body === null) return new Uint8Array();
    return typeof body === 'string' ? utf8.encode(body) : body.slice();
  }

  blob(): Promise<Blob> {
    return this.#asPlatform().blob();
  }

  formData(): Promise<FormData> {
    return this.#asPlatform().formData();
  }

  clone(): Response {
    if (this.#platform || this.#read) return this.#asPlatform().clone();
    return new InMemoryResponse(this.#body, { status: this.#init.status, headers: new Headers(this.headers) });
  }

  /** As the platform makes them: a text body with no Content-Type is plain text. */
  #madeHeaders(): Headers {
    const headers = new Headers(this.#init.headers);
    if (typeof this.#body === 'string' && !headers.has('content-type')) headers.set('content-type', 'text/plain;charset=UTF-8');
    return headers;
  }

  /** The body once; a second read fails as the platform's does. A null body has nothing to use up. */
  #take(): HeldBody {
    if (this.#body === null) return null;
    if (this.#read) throw new TypeError('Body is unusable: Body has already been read');
    this.#read = true;
    return this.#body;
  }

  /** A platform Response of the same parts, its body already used up if this one's is. */
  #asPlatform(): Response {
    if (this.#platform) return this.#platform;
    const platform = new (platformResponse())(this.#body, { status: this.#init.status, headers: this.headers });
    if (this.#read) void platform.arrayBuffer();
    return (this.#platform = platform);
  }
}
