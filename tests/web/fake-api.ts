/** A fake API behind window.fetch for component tests of elements that load their own data. */

export interface Call {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  body: unknown;
}
/** A reply: a JSON body, or a `text` body (CSV, Markdown) with the status. */
export type Reply = { status: number; body: unknown; text?: string };
export type Handler = (call: Call) => Reply;

export class FakeApi {
  readonly calls: Call[] = [];
  private readonly handlers = new Map<string, Handler>();
  private original: typeof window.fetch | undefined;

  /** Answer `method path` with a handler, or with 200 and the given body. */
  on(method: string, path: string, handler: Handler | unknown): this {
    this.handlers.set(`${method} ${path}`, typeof handler === 'function' ? (handler as Handler) : () => ({ status: 200, body: handler }));
    return this;
  }

  install(): void {
    this.original = window.fetch;
    window.fetch = async (input: RequestInfo | URL, init: RequestInit = {}) => {
      const url = new URL(input instanceof Request ? input.url : String(input), location.origin);
      const method = (init.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
      const body = typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
      const call: Call = { method, path: url.pathname, query: url.searchParams, headers: new Headers(init.headers), body };
      this.calls.push(call);
      const handler = this.handlers.get(`${method} ${url.pathname}`);
      const reply = handler ? handler(call) : { status: 404, body: { error: { code: 'not_found', message: `no route ${method} ${url.pathname}` } } };
      return new Response(reply.text ?? JSON.stringify(reply.body), { status: reply.status, headers: { 'content-type': reply.text !== undefined ? 'text/plain' : 'application/json' } });
    };
  }

  restore(): void {
    if (this.original) window.fetch = this.original;
  }

  count(method: string, path: string): number {
    return this.calls.filter((c) => c.method === method && c.path === path).length;
  }

  last(method: string, path: string): Call | undefined {
    return [...this.calls].reverse().find((c) => c.method === method && c.path === path);
  }
}
