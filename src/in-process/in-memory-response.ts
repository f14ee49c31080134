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

type HeldBody = string | Uint8Array<ArrayBuffer> | null;
interface HeldInit {
  readonly status: number;
  readonly headers: Record<string, string>;
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
    if (this.#platform) return this.#platform.text();
    const body = this.#take();
    if (body === null) return '';
    // As the platform reads it: UTF-8 decoded, so a lone surrogate is U+FFFD and a leading BOM goes.
    const text = typeof body === 'string' ? body.toWellFormed() : fromUtf8.decode(body);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
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
    return new InMemoryResponse(this.#body, { status: this.#init.status, headers: Object.fromEntries(this.headers) });
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
