// SSH wire encoding (RFC 4251 uint32, string, mpint) and the base64 armor OpenSSH wraps keys and
// signatures in; shared by ssh-keys.ts and sshsig.ts. Readers report problems through an error
// factory so that each caller throws only its own error class.

/** Builds the error a reader throws; `message` says what was wrong. */
export type Fail = (message: string) => Error;

/** Sequential, bounds-checked reader over an SSH wire buffer. */
export class SshReader {
  private pos = 0;

  constructor(
    private readonly buf: Buffer,
    private readonly fail: Fail,
  ) {}

  bytes(n: number, what: string): Buffer {
    if (n > this.buf.length - this.pos) throw this.fail(`truncated: ${what} is cut short`);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  uint32(what: string): number {
    return this.bytes(4, what).readUInt32BE(0);
  }

  string(what: string): Buffer {
    return this.bytes(this.uint32(`length of ${what}`), what);
  }

  /** A string that must be printable ASCII (algorithm names, namespaces). */
  text(what: string): string {
    const raw = this.string(what);
    if (!/^[\x20-\x7e]*$/.test(raw.toString('latin1'))) throw this.fail(`${what} is not printable ASCII`);
    return raw.toString('latin1');
  }

  /** A non-negative, minimally encoded mpint; returns its magnitude without sign padding. */
  mpint(what: string): Buffer {
    const raw = this.string(what);
    if (raw.length > 0 && raw[0] & 0x80) throw this.fail(`${what} is negative`);
    if (raw.length > 0 && raw[0] === 0 && (raw.length === 1 || !(raw[1] & 0x80))) throw this.fail(`${what} is not minimally encoded`);
    return raw[0] === 0 ? raw.subarray(1) : raw;
  }

  remaining(): number {
    return this.buf.length - this.pos;
  }

  end(what: string): void {
    if (this.pos !== this.buf.length) throw this.fail(`${this.buf.length - this.pos} unexpected trailing bytes after ${what}`);
  }
}

export function sshUint32(n: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(n, 0);
  return out;
}

export function sshString(data: Uint8Array | string): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return Buffer.concat([sshUint32(bytes.length), bytes]);
}

/** Standard base64, padded and canonical (rejects stray characters and non-zero pad bits). */
export function decodeBase64(text: string, what: string, fail: Fail): Buffer {
  if (text.length === 0 || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) throw fail(`${what} is not valid base64`);
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) throw fail(`${what} is not canonical base64`);
  return bytes;
}

/** OpenSSH armor: BEGIN line, base64 wrapped at 70 columns, END line. */
export function armor(label: string, bytes: Uint8Array): string {
  const b64 = Buffer.from(bytes).toString('base64');
  const lines = b64.match(/.{1,70}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

export function dearmor(text: string, label: string, fail: Fail): Buffer {
  const begin = `-----BEGIN ${label}-----`;
  const end = `-----END ${label}-----`;
  const body = text.trim();
  if (!body.startsWith(begin)) throw fail(`bad armor: does not start with "${begin}"`);
  if (!body.endsWith(end)) throw fail(`bad armor: does not end with "${end}"`);
  return decodeBase64(body.slice(begin.length, body.length - end.length).replace(/[ \t\r\n]+/g, ''), 'armored data', fail);
}

/** Quotes untrusted text for an error message: printable ASCII only, bounded length. */
export function quote(text: string, max = 64): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return `'${clean.length > max ? `${clean.slice(0, max)}…` : clean}'`;
}
