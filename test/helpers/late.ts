// Stand-ins for what a suite opens in beforeAll: named in the describe body at once, they reach the
// opened object each time they are used.

/** An object whose properties (and keys, for spreads) are read from `current()` at each use; throws if used before it is open. */
export function late<T extends object>(current: () => T | undefined, name: string): T {
  const now = () => {
    const value = current();
    if (!value) throw new Error(`${name} is used before its beforeAll opened it`);
    return value;
  };
  return new Proxy({} as T, {
    get: (_, key) => Reflect.get(now(), key),
    has: (_, key) => Reflect.has(now(), key),
    ownKeys: () => Reflect.ownKeys(now()),
    getOwnPropertyDescriptor: (_, key) => {
      const d = Reflect.getOwnPropertyDescriptor(now(), key);
      return d && { ...d, configurable: true };
    },
  });
}
