const IDENTITY = Symbol('dpa-guard.shared-identity');

/**
 * One instance per key (a directory) in a process, however many guards use it: two file
 * journals on one directory would each keep their own idea of the end of the chain. Every
 * user gets a handle; the instance closes when the last handle does.
 */
const instances = new Map<string, { value: { close(): Promise<void> }; users: number }>();

export function sharedByKey<T extends { close(): Promise<void> }>(key: string, create: () => T): T {
  let slot = instances.get(key);
  if (slot === undefined) {
    slot = { value: create(), users: 0 };
    instances.set(key, slot);
  }
  slot.users++;
  const value = slot.value as T;
  let closed = false;
  return new Proxy(value, {
    get(target, property, receiver) {
      if (property === IDENTITY) return target;
      if (property !== 'close') {
        const member: unknown = Reflect.get(target, property, receiver);
        return typeof member === 'function'
          ? (member as (...a: unknown[]) => unknown).bind(target)
          : member;
      }
      return async () => {
        if (closed) return;
        closed = true;
        const current = instances.get(key);
        if (current === undefined || --current.users > 0) return;
        instances.delete(key);
        await target.close();
      };
    },
  });
}

/** The one instance behind a handle from sharedByKey (or the value itself). */
export function identityOf(value: object): object {
  return (value as { [IDENTITY]?: object })[IDENTITY] ?? value;
}
